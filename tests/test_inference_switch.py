"""Model switching on the shared service: states, health, requests during a switch, failures.

These tests change the resident model, so they run after the generation tests (pytest runs
files in name order) and leave tiny-a resident again.
"""

from __future__ import annotations

import asyncio
import shutil
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2

from jobextract.v1 import extraction_pb2 as pb
from tests.helpers import eventually
from tests.test_inference_generate import collect, engine_idle, long_request, request

INFERENCE = "jobextract.v1.InferenceService"
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


async def info(inference) -> pb.ModelInfo:
    return (await inference.GetModelInfo(pb.GetModelInfoRequest())).info


async def test_load_resident_model_is_idempotent(inference):
    before = await info(inference)
    reply = await inference.LoadModel(pb.LoadModelRequest(tier=pb.TIER_PRIMARY))
    assert not reply.switched and reply.info.name == "tiny-a"
    assert reply.info.switches == before.switches


async def rest(call, received: list) -> list[pb.GenerateResponse]:
    """The rest of a stream already read from with `call.read()` (grpc.aio forbids mixing
    read() with iteration)."""
    while (response := await call.read()) is not grpc.aio.EOF:
        received.append(response)
    return received


async def test_switch_drains_then_aborts_and_reports_states(inference, health):
    """tiny-a -> tiny-b while requests run: a short one finishes inside the grace period,
    a long one is aborted after it; health and GetModelInfo show the switch."""
    statuses: list[int] = []

    async def watch():
        async for reply in health.Watch(health_pb2.HealthCheckRequest(service=INFERENCE)):
            statuses.append(reply.status)

    watcher = asyncio.create_task(watch())
    await eventually(lambda: asyncio.sleep(0, result=bool(statuses)))
    # Both streams have produced a token before the switch starts (polling for "two active"
    # can miss a 20-token request on a fast run).
    short_call = inference.Generate(long_request(max_tokens=20))
    long_call = inference.Generate(long_request())
    firsts = [await short_call.read(), await long_call.read()]
    short, long = (asyncio.create_task(rest(call, [first]))
                   for call, first in zip((short_call, long_call), firsts))
    try:
        switch = asyncio.ensure_future(inference.LoadModel(
            pb.LoadModelRequest(tier=pb.TIER_MAXIMUM, grace_seconds=2)))

        async def loading():
            return (await info(inference)).state == pb.MODEL_STATE_LOADING

        assert await eventually(loading, timeout=5)
        # New work during the switch is refused at once, with a reason to retry.
        with pytest.raises(grpc.aio.AioRpcError) as e:
            await collect(inference, request(max_tokens=4))
        assert e.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "switching to tiny-b" in e.value.details() or "loading tiny-b" in e.value.details()

        reply = await switch
        assert reply.switched and reply.aborted_requests == 1
        assert reply.info.name == "tiny-b" and reply.info.state == pb.MODEL_STATE_READY
        assert list(reply.info.tiers) == [pb.TIER_MAXIMUM]
        assert reply.info.switches >= 1 and reply.switch_seconds > 0

        assert (await short)[-1].finish_reason == pb.FINISH_REASON_LENGTH
        with pytest.raises(grpc.aio.AioRpcError) as e:
            await long
        assert e.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "aborted" in e.value.details()

        await eventually(lambda: asyncio.sleep(0, result=statuses[-1:] == [SERVING]))
        watcher.cancel()
        assert statuses[0] == SERVING and NOT_SERVING in statuses and statuses[-1] == SERVING
        assert await engine_idle(inference)
        # The new model serves its tier; the old tier now needs a switch.
        assert (await collect(inference, request(tier=pb.TIER_MAXIMUM, max_tokens=4)))[-1].model == "tiny-b"
        with pytest.raises(grpc.aio.AioRpcError) as e:
            await collect(inference, request(tier=pb.TIER_PRIMARY, max_tokens=4))
        assert e.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "resident model: tiny-b" in e.value.details()
    finally:  # a failure above must not leave the long request to later tests
        for call in (short_call, long_call):
            call.cancel()
        watcher.cancel()


async def test_missing_checkpoint_fails_without_unloading(inference, tiny_models):
    """A checkpoint folder that is not there is refused before anything is unloaded."""
    config = tiny_models["a"] / "config.json"
    hidden = config.with_suffix(".hidden")
    config.rename(hidden)
    try:
        started = time.monotonic()
        with pytest.raises(grpc.aio.AioRpcError) as e:
            await inference.LoadModel(pb.LoadModelRequest(tier=pb.TIER_PRIMARY))
        assert e.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "no config.json" in e.value.details()
        assert time.monotonic() - started < 2
    finally:
        hidden.rename(config)
    current = await info(inference)
    assert current.name == "tiny-b" and current.state == pb.MODEL_STATE_READY


async def test_failed_load_restores_the_previous_model(inference, health, tiny_models):
    """Weights that cannot load: clear error, tiny-b comes back, health SERVING again."""
    weights = tiny_models["a"] / "model.safetensors"
    saved = weights.with_suffix(".saved")
    shutil.copy(weights, saved)
    weights.write_bytes(b"not a safetensors file")
    try:
        with pytest.raises(grpc.aio.AioRpcError) as e:
            await inference.LoadModel(pb.LoadModelRequest(tier=pb.TIER_PRIMARY))
    finally:
        saved.replace(weights)
    assert e.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "loading tiny-a failed" in e.value.details() and "tiny-b restored" in e.value.details()
    current = await info(inference)
    assert current.name == "tiny-b" and current.state == pb.MODEL_STATE_READY
    assert "loading tiny-a failed" in current.reason
    reply = await health.Check(health_pb2.HealthCheckRequest(service=INFERENCE))
    assert reply.status == SERVING


async def test_generate_with_allow_switch_switches_back(inference):
    before = await info(inference)
    responses = await collect(inference, request(tier=pb.TIER_PRIMARY, allow_switch=True,
                                                 max_tokens=4))
    assert responses[-1].model == "tiny-a"
    after = await info(inference)
    assert after.name == "tiny-a" and after.switches == before.switches + 1


async def test_a_switch_whose_caller_gives_up_still_ends_serving(inference, health):
    """LoadModel, or Generate with allow_switch, cancelled by a short deadline: the switch
    runs to its end (tiny-b, then tiny-a again) instead of stopping half-way with no engine."""
    async def resident(name: str) -> bool:
        current = await info(inference)
        return current.name == name and current.state == pb.MODEL_STATE_READY

    with pytest.raises(grpc.aio.AioRpcError) as e:
        await inference.LoadModel(pb.LoadModelRequest(tier=pb.TIER_MAXIMUM), timeout=0.3)
    assert e.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert await eventually(lambda: resident("tiny-b"), timeout=120)

    with pytest.raises(grpc.aio.AioRpcError) as e:
        await collect(inference, request(tier=pb.TIER_PRIMARY, allow_switch=True, max_tokens=4),
                      timeout=0.3)
    assert e.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert await eventually(lambda: resident("tiny-a"), timeout=120)
    reply = await health.Check(health_pb2.HealthCheckRequest(service=INFERENCE))
    assert reply.status == SERVING
    assert (await collect(inference, request(max_tokens=4)))[-1].model == "tiny-a"
