"""A loopback OpenAI-compatible endpoint that misbehaves on demand.

Only for faults a real server cannot produce when asked: 429 with Retry-After, 500, a slow
answer (or one held until the test releases it), malformed JSON, a rejected key. Each
request takes the next scripted reply; the requests are recorded (time, body, headers) for
the test to inspect.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field

from aiohttp import web

# A correct answer to the spec's sample posting (tests.test_router_units.SPEC_SAMPLE), so that
# the router's grounding keeps every field.
VALID = {"title": "Software Engineer - Full Stack", "company": "Tech Innovations Inc",
         "location": "San Francisco, CA (Remote OK)", "salary_min": 120000,
         "salary_max": 180000, "salary_currency": "USD", "salary_period": "year",
         "skills": ["Python", "React", "PostgreSQL"], "requirements": [],
         "benefits": [], "description": "A full-stack engineer."}


@dataclass
class Reply:
    status: int = 200
    content: str | None = None          # the answer text (an error's message); None: VALID
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    held_until: asyncio.Event | None = None  # answered once the test sets it


def completion(content: str) -> dict:
    return {"id": "cmpl-1", "object": "chat.completion", "created": int(time.time()),
            "model": "fault-model",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}}


class FaultServer:
    def __init__(self):
        self.script: list[Reply] = []
        self.requests: list[tuple[float, dict, dict]] = []
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> "FaultServer":
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests.append((time.monotonic(), await request.json(), dict(request.headers)))
        reply = self.script.pop(0) if self.script else Reply()
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.held_until is not None:
            await reply.held_until.wait()
        if reply.status != 200:
            message = reply.content or f"scripted {reply.status}"
            return web.json_response({"error": {"message": message, "type": "fault"}},
                                     status=reply.status, headers=reply.headers)
        content = json.dumps(VALID) if reply.content is None else reply.content
        return web.json_response(completion(content), headers=reply.headers)
