"""InferenceService.Generate against the real service and engine (tiny random Qwen3 checkpoints)."""

from __future__ import annotations

import asyncio
import json
import sys
import time

import grpc
import jsonschema
import pytest
from grpc_health.v1 import health_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

from jobextract.v1 import extraction_pb2 as pb
from tests.helpers import eventually

USER = [pb.ChatMessage(role="system", content="Answer in JSON."),
        pb.ChatMessage(role="user", content="Senior Python engineer, Berlin, 70k EUR.")]


def request(**kw) -> pb.GenerateRequest:
    kw.setdefault("messages", USER)
    return pb.GenerateRequest(**kw)


# Long enough that the tiny engine needs seconds for it (~1 ms a token alone, more in a
# batch), so a test that looks at it while it runs sees it in flight even when the machine
# is busy. The engine does not wait for a slow reader: it merges the tokens a caller has
# not read yet, so a short generation can be over before the caller's second read.
HELD_TOKENS = 6000


def long_request(max_tokens: int = HELD_TOKENS, **kw) -> pb.GenerateRequest:
    """A generation that runs until max_tokens (no end-of-sequence stop)."""
    return request(max_tokens=max_tokens, sampling=pb.SamplingOptions(ignore_eos=True), **kw)


async def collect(inference, req, **kw) -> list[pb.GenerateResponse]:
    return [r async for r in inference.Generate(req, **kw)]


async def engine_idle(inference) -> bool:
    info = (await inference.GetModelInfo(pb.GetModelInfoRequest())).info
    return info.active_requests == 0 and info.engine_unfinished_requests == 0


async def test_health_and_reflection(health, channel, inference_service):
    for service in ("", "jobextract.v1.InferenceService"):
        reply = await health.Check(health_pb2.HealthCheckRequest(service=service))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING, service
    # Reflection (what grpcurl uses) with a sync channel, as the reflection client is sync.
    with grpc.insecure_channel(inference_service.address) as sync_channel:
        services = ProtoReflectionDescriptorDatabase(sync_channel).get_services()
    assert {"jobextract.v1.InferenceService", "grpc.health.v1.Health"} <= set(services)


async def test_generate_streams_deltas_then_finish_and_usage(inference):
    responses = await collect(inference, long_request(max_tokens=24))
    assert len(responses) >= 3, "expected a stream of deltas, not one message"
    *deltas, last = responses
    assert all(r.finish_reason == pb.FINISH_REASON_UNSPECIFIED for r in deltas)
    assert last.finish_reason == pb.FINISH_REASON_LENGTH
    assert last.usage.completion_tokens == 24
    assert last.usage.prompt_tokens > 10
    assert responses[0].model == last.model == "tiny-a"
    assert len({r.request_id for r in responses}) == 1


async def test_stream_interval_sends_fewer_larger_messages_with_the_same_text(inference):
    seeded = pb.SamplingOptions(ignore_eos=True, temperature=1.0, seed=7)
    every = await collect(inference, request(max_tokens=40, sampling=seeded))
    grouped = await collect(inference, request(max_tokens=40, sampling=seeded,
                                               stream_interval=16))
    assert "".join(r.delta for r in grouped) == "".join(r.delta for r in every)
    assert grouped[-1].usage.completion_tokens == every[-1].usage.completion_tokens == 40
    # the first token at once, then 16 at a time: 1 + 16 + 16 + 7 (the last with finish)
    assert len(grouped) <= 5 < len(every)


SCHEMA = {
    "type": "object",
    "properties": {
        "level": {"enum": ["junior", "senior", "lead"]},
        "remote": {"type": "boolean"},
        "team": {"type": ["string", "null"], "maxLength": 12},
    },
    "required": ["level", "remote", "team"],
    "additionalProperties": False,
}


@pytest.mark.parametrize("seed", [0, 1, 2])
async def test_structured_output_is_schema_valid(inference, seed):
    req = request(json_schema=json.dumps(SCHEMA), max_tokens=200,
                  sampling=pb.SamplingOptions(temperature=1.0, seed=seed))
    responses = await collect(inference, req)
    assert responses[-1].finish_reason == pb.FINISH_REASON_STOP
    # xgrammar's JSON grammar lets raw control characters into strings (seen with this
    # tokenizer's byte tokens), which strict JSON forbids: parse as the router does.
    value = json.loads("".join(r.delta for r in responses), strict=False)
    jsonschema.validate(value, SCHEMA)


async def test_concurrent_generates_overlap(inference):
    """Eight calls at once all complete, and run at the same time (continuous batching)."""
    # All eight of the engine's slots free, or one would wait for a leftover to finish.
    assert await eventually(lambda: engine_idle(inference), timeout=30)
    finals = await asyncio.gather(*(
        collect(inference, long_request(max_tokens=300, request_id=f"conc-{i}"))
        for i in range(8)))
    assert all(r[-1].finish_reason == pb.FINISH_REASON_LENGTH
               and r[-1].usage.completion_tokens == 300 for r in finals)

    # Overlap, seen from the engine rather than from when the caller happened to read:
    # every stream has produced a token while all eight are still unfinished.
    calls = [inference.Generate(long_request(request_id=f"held-{i}")) for i in range(8)]
    try:
        firsts = await asyncio.gather(*(call.read() for call in calls))
        assert all(r.finish_reason == pb.FINISH_REASON_UNSPECIFIED for r in firsts)
        info = (await inference.GetModelInfo(pb.GetModelInfoRequest())).info
        assert info.engine_unfinished_requests == info.active_requests == 8
    finally:
        for call in calls:
            call.cancel()
    assert await eventually(lambda: engine_idle(inference), timeout=10)


async def test_cancel_aborts_the_engine_request(inference):
    call = inference.Generate(long_request(request_id="to-cancel"))
    for _ in range(2):
        assert (await call.read()).finish_reason == pb.FINISH_REASON_UNSPECIFIED
    assert (await inference.GetModelInfo(pb.GetModelInfoRequest())).info.engine_unfinished_requests >= 1
    call.cancel()
    assert await eventually(lambda: engine_idle(inference), timeout=10)


# A process beside the engine: wakes every 10 ms until its input closes, then prints the
# longest it was kept waiting past a wake-up.
WAKING_PROBE = """
import select, sys, time
worst = 0.0
while True:
    began = time.monotonic()
    if select.select([sys.stdin], [], [], 0.01)[0]:
        break
    worst = max(worst, time.monotonic() - began - 0.01)
print(worst)
"""
BUSY = "while True: pass"
WATCHED_SECONDS = 5


async def test_a_generation_leaves_the_cpu_to_other_processes(inference):
    """While the engine generates on a machine that has more to do (two busy processes
    beside it), a process waking every 10 ms and the call's own stream are never kept
    waiting long: the engine's OpenMP threads sleep while they wait
    (inference_svc/environment.py). Spinning, they kept the stream waiting 10 s and more
    (and in earlier runs the probe too)."""
    assert await eventually(lambda: engine_idle(inference), timeout=30)
    busy = [await asyncio.create_subprocess_exec(sys.executable, "-c", BUSY) for _ in range(2)]
    call = inference.Generate(long_request(max_tokens=7500, request_id="beside-busy"))
    try:
        await call.read()
        probe = await asyncio.create_subprocess_exec(
            sys.executable, "-c", WAKING_PROBE,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        # Watched while it generates, for a while or to its end, whichever comes first:
        # how fast the engine is does not decide whether the test can pass.
        arrivals = [time.monotonic()]  # once the stream has begun
        finished = False
        while not finished and arrivals[-1] - arrivals[0] < WATCHED_SECONDS:
            finished = (await call.read()).finish_reason != pb.FINISH_REASON_UNSPECIFIED
            arrivals.append(time.monotonic())
        probe.stdin.close()  # ends it
        worst_wait = float((await probe.communicate())[0])
    finally:
        call.cancel()
        for process in busy:
            process.kill()
            await process.wait()
    watched = arrivals[-1] - arrivals[0]
    assert watched > 1, f"the generation ended {watched:.2f} s after it began: nothing to see"
    longest_gap = max(later - earlier for earlier, later in zip(arrivals, arrivals[1:]))
    # Sleeping, the stream's longest gap has reached 2.8 s once in a full suite (cause not
    # found; the probe then waited 0.0 s); spinning, it was 10 s and more every time.
    assert worst_wait < 2 and longest_gap < 5, \
        f"kept waiting {worst_wait:.1f} s; longest gap between messages {longest_gap:.1f} s"
    assert await eventually(lambda: engine_idle(inference), timeout=10)


async def test_deadline_aborts_the_engine_request(inference):
    with pytest.raises(grpc.aio.AioRpcError) as e:
        await collect(inference, long_request(), timeout=1.0)
    assert e.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert await eventually(lambda: engine_idle(inference), timeout=10)


async def test_admission_bound_rejects_at_once(inference):
    """At the bound a request is refused while every slot is still taken: the refusal does
    not wait for capacity. Asserted on the service's own state, not the test's clock: under
    load this machine deschedules the test process for ten seconds and more at a time."""
    info = (await inference.GetModelInfo(pb.GetModelInfoRequest())).info
    # Fills that outlast any such pause, sent in few messages so they cost the machine little.
    calls = [inference.Generate(long_request(max_tokens=7500, stream_interval=1024,
                                             request_id=f"fill-{i}"))
             for i in range(info.max_pending)]
    try:
        for call in calls:  # start them all; the engine runs some and queues the rest
            asyncio.ensure_future(call.initial_metadata())

        async def full():
            info = (await inference.GetModelInfo(pb.GetModelInfoRequest())).info
            return info if info.active_requests == info.max_pending else None

        before = await eventually(full, timeout=60)
        assert before, "the fills did not all start"
        with pytest.raises(grpc.aio.AioRpcError) as e:
            await collect(inference, long_request(max_tokens=8))
        assert e.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "limit is" in e.value.details()
        after = (await inference.GetModelInfo(pb.GetModelInfoRequest())).info
        assert (after.active_requests, after.requests_served) == (
            before.max_pending, before.requests_served), "rejection must not wait for capacity"
    finally:
        for call in calls:
            call.cancel()
    assert await eventually(lambda: engine_idle(inference), timeout=10)
    # Capacity is back.
    assert (await collect(inference, request(max_tokens=4)))[-1].finish_reason


async def test_other_tier_is_failed_precondition_naming_the_resident(inference):
    with pytest.raises(grpc.aio.AioRpcError) as e:
        await collect(inference, request(tier=pb.TIER_MAXIMUM, max_tokens=4))
    assert e.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "resident model: tiny-a" in e.value.details()


async def test_tier_served_by_resident_model_needs_no_switch(inference):
    responses = await collect(inference, request(tier=pb.TIER_THINKING, max_tokens=4))
    assert responses[-1].model == "tiny-a"


async def test_model_info(inference, tiny_models):
    info = (await inference.GetModelInfo(pb.GetModelInfoRequest())).info
    assert info.state == pb.MODEL_STATE_READY
    assert (info.name, info.checkpoint) == ("tiny-a", str(tiny_models["a"]))
    assert list(info.tiers) == [pb.TIER_THINKING, pb.TIER_PRIMARY]
    assert info.max_model_len == 8192 and info.dtype == "float32" and info.device == "cpu"
    assert info.load_seconds > 0 and info.memory_bytes > 100 * 2**20
    assert info.memory_kind == "process_tree_rss" and info.profile == "cpu"
    assert info.requests_served > 0
