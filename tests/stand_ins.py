"""A stand-in for the vLLM engine ModelHost drives (inference_svc.engine.Engine), for tests
that need no real engine: each call is recorded as (call, model name) in a list the test
passes. A test subclasses it only where its engine must behave otherwise (hang, charge a
cgroup, hold memory on a card), usually by extending a method after calling the base's."""

from __future__ import annotations

from types import SimpleNamespace


class StandInEngine:
    """The part of vLLM's AsyncLLM that ModelHost uses. The asynchronous calls go through
    `reached`, where a subclass can make them wait; every call is recorded by `record`."""

    errored = False   # vLLM's AsyncLLM.errored: a test sets it when the engine core "dies"

    def __init__(self, name: str, calls: list):
        self.name, self.calls = name, calls

    def record(self, what: str, *details) -> None:
        self.calls.append((what, self.name, *details))

    async def reached(self, what: str) -> None:
        self.record(what)

    async def generate(self, prompt, params, request_id):
        await self.reached("generate")
        yield None

    def get_tokenizer(self):
        return SimpleNamespace(encode=lambda text, add_special_tokens=False: [1])

    def get_num_unfinished_requests(self):
        return 0

    async def abort(self, request_id):
        pass

    def shutdown(self):
        self.record("shutdown")

    async def sleep(self, level=1):
        await self.reached("sleep")

    async def wake_up(self, tags=None):
        await self.reached("wake_up")
        return True
