"""Router end to end: real router, real inference service (tiny model), real cloud peers.

The cloud is vLLM's own OpenAI-compatible server on a tiny checkpoint; faults it cannot
produce on demand come from tests/fault_openai.py. The tiny model is a bigram model whose
greedy answer under the JobPosting schema is valid: nulls, empty lists, description "a".
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2

from jobextract.v1 import extraction_pb2 as pb
from jobextract.status import details_of
from router_svc.tokens import count_tokens
from tests.conftest import CLOUD_KEY
from jobextract_tools.launch import ROOT, free_port
from tests.helpers import eventually, nothing_listening
from tests.fault_openai import VALID, Reply
from tests.test_inference_generate import engine_idle, long_request
from jobextract_tools.samples import SPEC_SAMPLE

ROUTER = "jobextract.v1.RouterService"


async def router_status(router) -> int:
    return (await router.health.Check(health_pb2.HealthCheckRequest(service=ROUTER))).status


def extract(router, content=SPEC_SAMPLE, **kw):
    return router.stub.Extract(pb.ExtractRequest(content=content), **kw)


async def test_extract_local_returns_validated_posting_and_decision(start_router):
    router = await start_router()
    reply = await router.stub.Extract(pb.ExtractRequest(
        content=SPEC_SAMPLE, source_url="https://example.com/job", request_id="req-1"))
    assert reply.route == pb.ROUTE_LOCAL and reply.attempts == 1 and not reply.fallback_reason
    assert reply.request_id == "req-1"
    # the bigram's answer; the company it gives is not in the posting: its label is read
    assert reply.job.description == "a" and reply.job.company == "Tech Innovations Inc"
    d = reply.decision
    assert (d.token_count, d.threshold, d.use_local, d.tier) == (
        count_tokens(SPEC_SAMPLE), 8000, True, pb.TIER_THINKING)
    assert d.model == "tiny-a" and "thinking tier" in d.reasoning
    assert d.model_token_count == reply.usage.prompt_tokens > d.token_count
    assert reply.usage.completion_tokens > 0
    t = reply.timings
    assert t.total_ms >= t.generation_ms > 0 and t.first_token_ms > 0
    assert await router_status(router) == health_pb2.HealthCheckResponse.SERVING


async def test_extract_stream_orders_decision_deltas_result(start_router):
    router = await start_router()
    events = [e async for e in router.stub.ExtractStream(pb.ExtractStreamRequest(content=SPEC_SAMPLE))]
    kinds = [e.WhichOneof("event") for e in events]
    assert kinds[0] == "decision" and kinds[1] == "attempt" and kinds[-1] == "result"
    assert set(kinds[2:-1]) == {"delta"} and len(kinds) > 5
    text = "".join(e.delta for e in events if e.WhichOneof("event") == "delta")
    assert json.loads(text)["description"] == events[-1].result.job.description


async def test_a_field_mask_costs_fewer_tokens_and_the_fixed_prompt_is_cached(start_router):
    router = await start_router()
    full = await extract(router)
    some = await router.stub.Extract(pb.ExtractRequest(content=SPEC_SAMPLE,
                                                       fields=["title", "salary"]))
    assert some.usage.completion_tokens < full.usage.completion_tokens
    assert not some.job.skills and not some.job.HasField("location")
    # The system prompt and examples are the same every time: served from the prefix cache.
    assert some.usage.cached_prompt_tokens >= 0.5 * some.usage.prompt_tokens


async def test_analyze_and_stats(start_router):
    router = await start_router()
    big = " hello" * 9000
    decision = (await router.stub.Analyze(pb.AnalyzeRequest(content=big))).decision
    assert decision.token_count == 9000 and not decision.use_local
    assert "not configured" in decision.reasoning
    await extract(router)
    stats = await router.stub.GetStats(pb.GetStatsRequest())
    assert (stats.requests, stats.succeeded, stats.local, stats.cloud) == (1, 1, 1, 0)
    assert stats.local_processing_rate == 1.0 and dict(stats.tier_counts) == {"thinking": 1}
    assert stats.latency.count == 1 and stats.latency.p50_ms > 0 and stats.uptime_seconds > 0


async def test_above_threshold_without_cloud_is_failed_precondition(start_router):
    router = await start_router(TOKEN_THRESHOLD=10)
    with pytest.raises(grpc.aio.AioRpcError) as e:
        await extract(router)
    assert e.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "OPENAI_API_KEY" in e.value.details() and "10-token" in e.value.details()
    assert details_of(e.value) == {"reason": "CLOUD_NOT_CONFIGURED", "domain": "jobextract.v1"}


async def test_inference_unreachable_without_cloud(start_router):
    with nothing_listening() as nowhere:
        router = await start_router(ROUTER_INFERENCE_ADDRESS=nowhere,
                                    ROUTER_LOCAL_UNAVAILABLE_WAIT_SECONDS=1)
        await asyncio.sleep(0.5)
        assert await router_status(router) == health_pb2.HealthCheckResponse.NOT_SERVING
        with pytest.raises(grpc.aio.AioRpcError) as e:
            await extract(router, timeout=30)
    assert e.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "inference UNAVAILABLE" in e.value.details()
    assert details_of(e.value) == {"reason": "ROUTE_UNAVAILABLE", "domain": "jobextract.v1",
                                   "retry_seconds": 5.0}


async def test_deadline_exceeded_leaves_no_generation_running(start_router, inference):
    """The engine is kept busy so the router's generation would wait; the caller's deadline
    expires (or inference refuses it at once, having measured that it would start after
    that deadline: which one depends on how long earlier requests took), and no request of
    the router's is left in the engine."""
    router = await start_router()
    info = (await inference.GetModelInfo(pb.GetModelInfoRequest())).info
    fill = [inference.Generate(long_request()) for _ in range(8)]
    try:
        async def engine_full():
            current = (await inference.GetModelInfo(pb.GetModelInfoRequest())).info
            return current.engine_unfinished_requests == 8

        assert await eventually(engine_full, timeout=10)
        with pytest.raises(grpc.aio.AioRpcError) as e:
            await extract(router, timeout=1.5)
        assert e.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED or (
            e.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            and "after its deadline" in e.value.details()), e.value

        async def only_fill_left():
            current = (await inference.GetModelInfo(pb.GetModelInfoRequest())).info
            return current.active_requests == 8

        assert await eventually(only_fill_left, timeout=5)
    finally:
        for call in fill:
            call.cancel()
    assert await eventually(lambda: engine_idle(inference), timeout=10)
    assert info.max_pending >= 9
    assert await router_status(router) == health_pb2.HealthCheckResponse.SERVING


# ---- the cloud route ----------------------------------------------------------------------

def cloud_settings(base_url: str, **extra) -> dict:
    return {"OPENAI_API_KEY": CLOUD_KEY, "OPENAI_BASE_URL": base_url,
            "ROUTER_CLOUD_MODEL": "tiny-cloud", "ROUTER_CLOUD_MAX_TOKENS": 1024, **extra}


async def test_above_threshold_goes_to_the_real_cloud(start_router, cloud_server):
    router = await start_router(TOKEN_THRESHOLD=10, **cloud_settings(cloud_server))
    reply = await extract(router)
    assert reply.route == pb.ROUTE_CLOUD and reply.attempts == 1 and not reply.fallback_reason
    assert not reply.decision.use_local and reply.decision.model == "tiny-cloud"
    assert reply.job.description == "a" and reply.usage.prompt_tokens > 0
    stats = await router.stub.GetStats(pb.GetStatsRequest())
    assert stats.cloud == 1 and stats.local_processing_rate == 0.0


async def test_posting_over_the_local_context_falls_back_with_the_reason(start_router,
                                                                        cloud_server):
    """Within the threshold by tiktoken, but longer than the tiny model's 8192 tokens."""
    router = await start_router(**cloud_settings(cloud_server))
    content = SPEC_SAMPLE + " Responsibilities include building" * 220
    assert count_tokens(content) < 8000
    reply = await extract(router, content)
    assert reply.decision.use_local and reply.route == pb.ROUTE_CLOUD
    assert reply.fallback_reason.startswith("context:") and "8192" in reply.fallback_reason
    stats = await router.stub.GetStats(pb.GetStatsRequest())
    assert dict(stats.fallbacks_by_reason) == {"context": 1}


async def test_invalid_local_output_is_retried_then_falls_back(start_router, cloud_server):
    """A 12-token budget cuts every local answer off: three attempts, each fed the error,
    then the cloud answers."""
    router = await start_router(ROUTER_LOCAL_MAX_TOKENS=16, **cloud_settings(cloud_server))
    events = [e async for e in router.stub.ExtractStream(pb.ExtractStreamRequest(content=SPEC_SAMPLE))]
    attempts = [e.attempt for e in events if e.WhichOneof("event") == "attempt"]
    assert [(a.attempt, a.route) for a in attempts] == [
        (1, pb.ROUTE_LOCAL), (2, pb.ROUTE_LOCAL), (3, pb.ROUTE_LOCAL), (4, pb.ROUTE_CLOUD)]
    assert "cut off at the token limit" in attempts[1].reason
    result = events[-1].result
    assert result.route == pb.ROUTE_CLOUD and result.attempts == 4
    assert result.fallback_reason.startswith("invalid_output: no valid answer after 3")
    stats = await router.stub.GetStats(pb.GetStatsRequest())
    assert stats.validation_retries == 2 and dict(stats.fallbacks_by_reason) == {
        "invalid_output": 1}


async def test_invalid_local_output_without_cloud_is_the_local_error(start_router):
    router = await start_router(ROUTER_LOCAL_MAX_TOKENS=16)
    with pytest.raises(grpc.aio.AioRpcError) as e:
        await extract(router)
    assert e.value.code() == grpc.StatusCode.INTERNAL
    assert "no valid answer after 3 attempt(s)" in e.value.details()
    assert "OPENAI_API_KEY" in e.value.details()


async def test_cloud_429_honours_retry_after(start_router, faults):
    router = await start_router(TOKEN_THRESHOLD=10, **cloud_settings(faults.base_url))
    invented = json.dumps({**VALID, "salary_min": 60000, "salary_max": 70000,
                           "salary_currency": "EUR"})
    faults.script = [Reply(429, headers={"Retry-After": "2"}), Reply(content=invented)]
    reply = await extract(router)
    assert reply.route == pb.ROUTE_CLOUD and reply.job.title == VALID["title"]
    assert (reply.job.company, reply.job.location) == (VALID["company"], VALID["location"])
    # The answer's 60000-70000 EUR is not in the posting: dropped, and the posting's own
    # "$120,000 - $180,000" taken by the salary reader instead.
    job = reply.job
    assert (job.salary_min, job.salary_max, job.salary_currency) == (120000, 180000, "USD")
    assert "salary dropped: 60000, 70000 not stated" in reply.decision.reasoning
    assert "salary from the posting ('$120,000 - $180,000')" in reply.decision.reasoning
    assert (await router.stub.GetStats(pb.GetStatsRequest())).salaries_dropped == 1
    (first, *_), (second, *_) = faults.requests
    assert second - first >= 1.9, "Retry-After: 2 was not honoured"


async def test_cloud_5xx_and_slow_answers_are_retried(start_router, faults):
    router = await start_router(TOKEN_THRESHOLD=10, ROUTER_CLOUD_TIMEOUT_SECONDS=1,
                                **cloud_settings(faults.base_url))
    faults.script = [Reply(500), Reply(503), Reply(delay=3), Reply()]
    reply = await extract(router)
    assert reply.route == pb.ROUTE_CLOUD and len(faults.requests) == 4


async def test_cloud_failing_throughout_is_unavailable(start_router, faults):
    router = await start_router(TOKEN_THRESHOLD=10, ROUTER_CLOUD_ATTEMPTS=2,
                                **cloud_settings(faults.base_url))
    faults.script = [Reply(500), Reply(500), Reply(500)]
    with pytest.raises(grpc.aio.AioRpcError) as e:
        await extract(router)
    assert e.value.code() == grpc.StatusCode.UNAVAILABLE and "HTTP 500" in e.value.details()
    assert len(faults.requests) == 2


async def test_malformed_cloud_json_is_repaired(start_router, faults):
    router = await start_router(TOKEN_THRESHOLD=10, **cloud_settings(faults.base_url))
    faults.script = [Reply(content='{"title": "Data Eng'), Reply()]
    reply = await extract(router)
    assert reply.attempts == 2 and reply.job.title == VALID["title"]
    messages = faults.requests[1][1]["messages"]
    assert messages[-2] == {"role": "assistant", "content": '{"title": "Data Eng'}
    assert "not valid JSON" in messages[-1]["content"]
    assert faults.requests[0][1]["response_format"]["json_schema"]["strict"] is True


async def test_rejected_key_is_failed_precondition_and_never_leaks(start_router, faults, caplog):
    caplog.set_level(logging.DEBUG)
    router = await start_router(TOKEN_THRESHOLD=10, **cloud_settings(faults.base_url))
    faults.script = [Reply(401)]
    with pytest.raises(grpc.aio.AioRpcError) as e:
        await extract(router)
    assert e.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "rejected the configured key" in e.value.details()
    assert faults.requests[0][2]["Authorization"] == f"Bearer {CLOUD_KEY}"  # it was sent...
    assert CLOUD_KEY not in e.value.details() and CLOUD_KEY not in caplog.text  # ...not shown
    assert CLOUD_KEY not in repr(router.extractor.settings)


# ---- the process ---------------------------------------------------------------------------

def test_router_never_imports_the_engine():
    code = ("import sys, router_svc.server, router_svc.__main__; "
            "bad = [m for m in ('torch', 'vllm', 'transformers') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_python_m_router_svc_serves_health_and_stops_on_sigterm(tmp_path):
    from jobextract.healthcheck import check

    port = free_port()
    env = {**__import__("os").environ, "ROUTER_PORT": str(port), "ROUTER_HOST": "127.0.0.1",
           "ROUTER_INFERENCE_ADDRESS": f"127.0.0.1:{free_port()}", "OPENAI_API_KEY": ""}
    process = subprocess.Popen([sys.executable, "-m", "router_svc"], cwd=ROOT, env=env,
                               stdout=open(tmp_path / "router.log", "w"),
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        status = "UNAVAILABLE"
        while status == "UNAVAILABLE" and time.monotonic() < deadline:
            time.sleep(0.3)
            status = check(f"127.0.0.1:{port}", ROUTER)
        assert status == "NOT_SERVING"  # no route: inference down, no cloud
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0, (tmp_path / "router.log").read_text()
