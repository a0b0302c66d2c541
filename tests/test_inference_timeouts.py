"""A wedged engine ends its switch in time, and liveness follows a dead engine: ModelHost on
stand-in engines that hang where vLLM's would (no real engine needed)."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field

import grpc
import pytest
import vllm  # noqa: F401 - imported here, not within a timed wake check
from grpc_health.v1 import health_pb2
from grpc_health.v1._async import HealthServicer
from prometheus_client import Gauge
from prometheus_client.core import REGISTRY as PROMETHEUS

from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract.serving import LIVENESS, Health
from inference_svc import engine as engine_module
from inference_svc.config import SwitchTimeouts
from inference_svc.engine import ModelHost, State
from inference_svc.errors import LoadFailed
from inference_svc.metrics import vllm_collectors
from inference_svc.registry import ModelSpec
from inference_svc.server import SERVICE, report_liveness
from inference_svc.servicer import InferenceServicer
from inference_svc.switch_mode import SwitchMode
from tests.helpers import outcome
from tests.stand_ins import StandInEngine

SHORT = SwitchTimeouts(load=0.3, wake=0.3, sleep=0.3)
A, B = ModelSpec(name="a", checkpoint="a"), ModelSpec(name="b", checkpoint="b")
REGISTRY = {"thinking": A, "primary": B, "maximum": B}


@dataclass
class Engines:
    """What the stand-in engines did, and which of their calls never return: a pair
    (call, model name) in `hangs`; a hung start blocks its thread until `release`."""

    calls: list = field(default_factory=list)
    hangs: set = field(default_factory=set)
    started: dict = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)

    async def until(self, call: tuple, seconds: float = 5.0) -> bool:
        deadline = time.monotonic() + seconds
        while call not in self.calls and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return call in self.calls


class HangingEngine(StandInEngine):
    """A stand-in engine whose calls in `engines.hangs` wait forever."""

    def __init__(self, name: str, engines: Engines):
        super().__init__(name, engines.calls)
        self.hangs = engines.hangs

    async def reached(self, what: str) -> None:
        await super().reached(what)
        if (what, self.name) in self.hangs:
            await asyncio.Event().wait()


@pytest.fixture
def engines(monkeypatch):
    engines = Engines()

    def start(spec, sleep_mode):  # runs in a thread, which a timeout cannot stop
        engines.calls.append(("start", spec.name))
        if ("start", spec.name) in engines.hangs:
            engines.release.wait(30)
        engines.started[spec.name] = HangingEngine(spec.name, engines)
        return engines.started[spec.name]

    monkeypatch.setattr(engine_module, "start_engine", start)
    yield engines
    engines.release.set()


def make_host(mode: str = "reload", timeouts: SwitchTimeouts = SHORT) -> ModelHost:
    async def on_serving(serving):
        pass

    return ModelHost(REGISTRY, None, 16, 0, on_serving, switch_mode=SwitchMode(mode, "test"),
                     timeouts=timeouts)


async def test_a_start_that_never_returns_fails_load_model_in_time_then_a_load_works(engines):
    host = make_host()
    server = grpc.aio.server()
    pb_grpc.add_InferenceServiceServicer_to_server(InferenceServicer(host, "cpu", "cpu"), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.InferenceServiceStub(channel)
            load_a = pb.LoadModelRequest(tier=pb.TIER_THINKING)
            engines.hangs.add(("start", "a"))
            failed = await outcome(stub.LoadModel(load_a, timeout=10))
            assert failed.code == grpc.StatusCode.FAILED_PRECONDITION
            assert failed.details["reason"] == "LOAD_FAILED"
            assert "starting a did not finish within 0.3 s" in failed.message
            assert failed.seconds < 5
            info = (await stub.GetModelInfo(pb.GetModelInfoRequest(), timeout=5)).info
            assert info.state == pb.MODEL_STATE_FAILED and "0.3 s" in info.reason

            # The start comes up after all: its engine, which no one owns, is shut down.
            engines.hangs.clear()
            engines.release.set()
            assert await engines.until(("shutdown", "a"))

            loaded = await outcome(stub.LoadModel(load_a, timeout=10))
            assert loaded.code == grpc.StatusCode.OK
            assert host.state == State.READY and host.spec is A
    finally:
        await server.stop(0)


async def test_an_engine_up_after_its_start_gave_up_leaves_the_resident_engines_metrics(
        engines, monkeypatch):
    """vLLM's stat logger swaps every vllm:* collector in the registry for its engine's own
    as the engine starts; an engine that comes up after its switch gave up on it is shut
    down, and /metrics goes on showing the resident engine's."""
    made = []

    def start_with_a_stat_logger(spec, sleep_mode, start=engine_module.start_engine):
        engine = start(spec, sleep_mode)  # the stand-in's start (it may hang), then the logger
        for collector in vllm_collectors():
            PROMETHEUS.unregister(collector)
        made.append(Gauge("vllm:num_requests_running", f"engine {spec.name}",
                          registry=PROMETHEUS))
        return engine

    monkeypatch.setattr(engine_module, "start_engine", start_with_a_stat_logger)
    host = make_host()
    try:
        await host.load(A)
        engines.hangs.add(("start", "b"))
        with pytest.raises(LoadFailed, match="a restored"):
            await host.load(B)
        assert [c._documentation for c in vllm_collectors()] == ["engine a"]

        engines.release.set()  # b comes up after all, and is shut down
        assert await engines.until(("shutdown", "b"))
        assert [c._documentation for c in vllm_collectors()] == ["engine a"]
        assert vllm_collectors()[0] is made[-2]  # the restored a's, not the first a's
    finally:
        for collector in vllm_collectors():
            if any(collector is mine for mine in made):
                PROMETHEUS.unregister(collector)


async def test_a_wake_that_never_returns_fails_the_switch_and_restores_the_previous_model(
        engines):
    host = make_host("sleep")
    await host.load(A)
    await host.load(B)                    # a sleeps
    engines.hangs.add(("wake_up", "a"))
    engines.calls.clear()
    began = time.monotonic()
    with pytest.raises(LoadFailed, match="waking a did not finish within 0.3 s.*b restored"):
        await asyncio.wait_for(host.load(A), 10)
    assert time.monotonic() - began < 5
    # The hung engine is shut down, not started afresh; b is woken back.
    assert engines.calls == [("sleep", "b"), ("wake_up", "a"), ("shutdown", "a"),
                             ("wake_up", "b"), ("generate", "b")]
    assert host.state == State.READY and host.spec is B and host.sleeping_models == []
    assert (await asyncio.wait_for(host.load(A), 10)).switched and host.spec is A


async def test_a_sleep_that_never_returns_fails_the_switch_then_a_load_works(engines):
    host = make_host("sleep")
    await host.load(A)
    engines.hangs.add(("sleep", "a"))
    began = time.monotonic()
    with pytest.raises(LoadFailed, match="switching to b failed: putting a to sleep did not "
                                         "finish within 0.3 s"):
        await asyncio.wait_for(host.load(B), 10)
    assert time.monotonic() - began < 5
    assert host.state == State.FAILED and "putting a to sleep" in host.reason
    assert ("shutdown", "a") in engines.calls and host.sleeping_models == []
    assert (await asyncio.wait_for(host.load(B), 10)).switched
    assert host.state == State.READY and host.spec is B


async def test_shutdown_cancels_a_switch_that_outlasts_its_grace(engines):
    host = make_host(timeouts=SwitchTimeouts(load=60))
    engines.hangs.add(("start", "a"))
    load = asyncio.ensure_future(host.load(A))
    assert await engines.until(("start", "a"))
    began = time.monotonic()
    await asyncio.wait_for(host.shutdown(0.2), 10)
    assert time.monotonic() - began < 5
    with pytest.raises(asyncio.CancelledError):
        await load
    engines.release.set()                 # the start ends late: its engine is shut down
    assert await engines.until(("shutdown", "a"))


async def test_liveness_fails_while_the_resident_engine_is_dead(engines):
    servicer = HealthServicer()
    health = Health(servicer, [SERVICE])
    await health.start()
    host = make_host()
    await host.load(A)

    async def liveness():
        reply = await servicer.Check(health_pb2.HealthCheckRequest(service=LIVENESS), None)
        return reply.status

    watcher = asyncio.create_task(report_liveness(host, health, every=0.01))
    try:
        await asyncio.sleep(0.05)
        assert await liveness() == health_pb2.HealthCheckResponse.SERVING
        engines.started["a"].errored = True   # vLLM's AsyncLLM.errored: the engine core died
        await asyncio.sleep(0.05)
        assert await liveness() == health_pb2.HealthCheckResponse.NOT_SERVING
        # Readiness is the host's own business; liveness alone asks for the restart.
        assert host.state == State.READY
    finally:
        watcher.cancel()
