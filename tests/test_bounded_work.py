"""Bounded work: the router's concurrency bound under load, time limits on every call, token
counting that leaves health checks alone, deadline-aware admission, and the cloud's spend
bounds (calls per job, calls at once, the breaker) with its cost counted."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from grpc_health.v1 import health_pb2

from inference_svc.engine import ModelHost, State
from inference_svc.errors import Overloaded
from inference_svc.registry import ModelSpec
from inference_svc.requests import GenerationJob
from jobextract.v1 import extraction_pb2 as pb
from jobextract_tools.samples import SPEC_SAMPLE
from router_svc.cloud import CloudAnswer, CloudClient
from router_svc.config import RouterSettings
from router_svc.errors import RouteError
from router_svc.servicer import STATUS
from tests.fault_openai import Reply
from tests.helpers import eventually, nothing_listening, outcome
from tests.test_router_e2e import cloud_settings as e2e_cloud_settings


def cloud_settings(base_url: str) -> dict:
    """Every posting to the cloud at `base_url` (the fault server)."""
    return e2e_cloud_settings(base_url, TOKEN_THRESHOLD=10)


# ---- the router's bound ---------------------------------------------------------------------

async def test_200_concurrent_calls_against_a_bound_of_8(start_router, faults):
    """8 run to the end, 192 are refused at once, none hangs. The 8 are held in the (fault)
    cloud until the 192 have their answers, so no rejection can have waited for capacity:
    with a real peer, whether one of 8 ends before 192 refusals arrive is a race."""
    router = await start_router(ROUTER_MAX_CONCURRENT=8, **cloud_settings(faults.base_url))
    held = asyncio.Event()
    faults.script = [Reply(held_until=held) for _ in range(8)]
    calls = [asyncio.ensure_future(outcome(router.stub.Extract(
        pb.ExtractRequest(content=SPEC_SAMPLE), timeout=300))) for _ in range(200)]

    async def answered_192() -> list[int] | None:
        done = [i for i, call in enumerate(calls) if call.done()]
        return done if len(done) >= 192 else None

    async def all_8_held() -> bool:
        return len(faults.requests) == 8

    answered_first = await eventually(answered_192, timeout=120)
    assert answered_first and len(answered_first) == 192, answered_first
    assert await eventually(all_8_held, timeout=60), len(faults.requests)
    held.set()
    results = await asyncio.wait_for(asyncio.gather(*calls), timeout=120)
    codes = [result[0] for result in results]
    accepted = [i for i, code in enumerate(codes) if code == grpc.StatusCode.OK]
    rejected = [i for i, code in enumerate(codes) if code == grpc.StatusCode.RESOURCE_EXHAUSTED]
    assert len(accepted) == 8 and len(rejected) == 192, codes
    assert rejected == answered_first
    assert all("limit is 8 (ROUTER_MAX_CONCURRENT)" in results[i][1] for i in rejected)
    assert all(results[i][3] == {"reason": "ROUTER_BUSY", "domain": "jobextract.v1",
                                 "retry_seconds": 1.0} for i in rejected)
    waits = sorted(results[i][2] for i in rejected)
    print(f"\nrejections: {len(waits)}, p50 {waits[len(waits) // 2] * 1000:.1f} ms, "
          f"p99 {waits[int(len(waits) * 0.99)] * 1000:.1f} ms")
    stats = await router.stub.GetStats(pb.GetStatsRequest())
    assert stats.rejected_busy == 192 and stats.succeeded == 8
    # The bound is free again.
    assert (await router.stub.Extract(pb.ExtractRequest(content=SPEC_SAMPLE),
                                      timeout=120)).job.description


async def test_a_call_without_a_deadline_still_ends(start_router):
    """No caller deadline and inference down, no cloud: the router would wait for inference
    to come back; ROUTER_MAX_CALL_SECONDS ends the call."""
    with nothing_listening() as nowhere:
        router = await start_router(ROUTER_INFERENCE_ADDRESS=nowhere, ROUTER_MAX_CALL_SECONDS=2)
        code, details, seconds, _ = await outcome(
            router.stub.Extract(pb.ExtractRequest(content="Cook")))
    assert code == grpc.StatusCode.DEADLINE_EXCEEDED or code == grpc.StatusCode.UNAVAILABLE, details
    assert seconds < 10  # without the bound: ROUTER_LOCAL_UNAVAILABLE_WAIT_SECONDS (90 s)


async def test_health_answers_while_megabyte_postings_are_counted(start_router):
    """Ten 1 MiB postings of one repeated character (~0.5 s of counting each) do not stall
    the health check a probe makes with a 2 s timeout."""
    router = await start_router()
    big = pb.AnalyzeRequest(content="a" * (1024 * 1024))
    analyses = [asyncio.ensure_future(router.stub.Analyze(big, timeout=120)) for _ in range(10)]
    await asyncio.sleep(0.2)
    reply = await router.health.Check(health_pb2.HealthCheckRequest(), timeout=2)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING
    assert not all(a.done() for a in analyses), "the counts finished before the probe"
    decisions = [reply.decision for reply in await asyncio.gather(*analyses)]
    assert all(d.token_count > 8000 and not d.use_local for d in decisions)


# ---- inference admission ---------------------------------------------------------------------

def test_admission_refuses_a_request_that_would_start_after_its_deadline():
    spec = ModelSpec(name="m", checkpoint="m", max_num_seqs=2)

    async def ignore(serving: bool) -> None:
        pass

    host = ModelHost({"primary": spec}, max_pending=None, default_max_tokens=16,
                     switch_grace_seconds=1, on_serving=ignore)
    host.spec, host.state, host._engine = spec, State.READY, object()
    host._seconds_per_request.add(10.0)
    assert host.pending_limit(spec) == 8  # four times the engine's parallelism

    def job(i: int, time_left: float | None) -> GenerationJob:
        return GenerationJob(f"r{i}", [], None, False, None, None, None, time_left=time_left)

    host._admit(job(0, 1.0), spec)            # runs at once
    host._admit(job(1, 1.0), spec)            # runs at once
    host._admit(job(2, None), spec)           # no deadline: queued
    with pytest.raises(Overloaded, match="would start in about 10 s, after its deadline"):
        host._admit(job(3, 5.0), spec)
    host._admit(job(3, 30.0), spec)           # its deadline leaves room
    for i in range(4, 8):
        host._admit(job(i, None), spec)
    with pytest.raises(Overloaded, match="the limit is 8"):
        host._admit(job(8, None), spec)


# ---- the cloud's spend bounds ----------------------------------------------------------------

async def test_breaker_opens_refuses_without_calling_then_recovers(start_router, faults):
    router = await start_router(ROUTER_CLOUD_ATTEMPTS=1, ROUTER_CLOUD_BREAKER_FAILURES=2,
                                ROUTER_CLOUD_BREAKER_SECONDS=1.5,
                                ROUTER_CLOUD_PRICE_INPUT_PER_MTOK=2.0,
                                ROUTER_CLOUD_PRICE_OUTPUT_PER_MTOK=4.0,
                                **cloud_settings(faults.base_url))
    faults.script = [Reply(500), Reply(500)]
    request = pb.ExtractRequest(content=SPEC_SAMPLE)
    for _ in range(2):
        code, details, _, _ = await outcome(router.stub.Extract(request))
        assert code == grpc.StatusCode.UNAVAILABLE and "HTTP 500" in details
    code, details, _, why = await outcome(router.stub.Extract(request))
    assert code == grpc.StatusCode.UNAVAILABLE and "calls resume in" in details
    assert why["reason"] == "ROUTE_UNAVAILABLE"
    assert len(faults.requests) == 2  # the open breaker made no call
    usage = (await router.stub.GetStats(pb.GetStatsRequest())).cloud_usage
    assert (usage.calls, usage.failed_calls, usage.breaker_open, usage.breaker_refusals) == (
        2, 2, True, 1)

    await asyncio.sleep(1.6)  # half-open: one call tests the API, and it answers
    reply = await router.stub.Extract(request)
    assert reply.route == pb.ROUTE_CLOUD
    usage = (await router.stub.GetStats(pb.GetStatsRequest())).cloud_usage
    assert (usage.calls, usage.breaker_open) == (3, False)
    assert (usage.prompt_tokens, usage.completion_tokens) == (11, 7)  # the fault server's
    assert usage.cost == pytest.approx((11 * 2.0 + 7 * 4.0) / 1e6)


@pytest.fixture
async def cloud_client(faults):
    """CloudClients on the fault server with settings overrides, no router around them."""
    clients = []

    def make(**overrides) -> CloudClient:
        clients.append(CloudClient(RouterSettings(
            _env_file=None, **cloud_settings(faults.base_url), **overrides)))
        return clients[-1]

    yield make
    for client in clients:
        await client.close()


async def complete(cloud: CloudClient, time_left: float | None = None) -> CloudAnswer:
    return await cloud.complete([{"role": "user", "content": "a posting"}],
                                {"type": "object"}, time_left, cloud.budget())


# A caller's fault on one cloud call, and what the call ends with (RouteError's cause).

async def cancelled(cloud: CloudClient, faults) -> str:
    """The caller cancels (gRPC cancels the handler) while the API is answering."""
    faults.script.append(Reply(delay=2))
    seen = len(faults.requests)
    call = asyncio.ensure_future(complete(cloud))
    while len(faults.requests) == seen:
        await asyncio.sleep(0.01)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    return "cancelled"


async def past_the_callers_deadline(cloud: CloudClient, faults) -> str:
    """The caller's deadline (0.5 s), well inside the service's own cloud timeout, passes."""
    faults.script.append(Reply(delay=2))
    with pytest.raises(RouteError) as e:
        await complete(cloud, time_left=0.5)
    return e.value.cause


async def bad_request(cloud: CloudClient, faults) -> str:
    faults.script.append(Reply(400))
    with pytest.raises(RouteError) as e:
        await complete(cloud)
    return e.value.cause


CALLER_FAULTS = {cancelled: "cancelled", past_the_callers_deadline: "deadline",
                 bad_request: "rejected"}


@pytest.mark.parametrize("caller_fault", CALLER_FAULTS, ids=lambda fault: fault.__name__)
async def test_the_callers_faults_leave_the_breaker_closed(cloud_client, faults, caller_fault):
    """As many of one caller's faults as would open the breaker keep no one from the API."""
    cloud = cloud_client()
    causes = {await caller_fault(cloud, faults) for _ in range(cloud.breaker.limit)}
    assert not cloud.breaker.open
    assert (await complete(cloud)).text
    assert cloud.usage.breaker_refusals == 0
    assert causes == {CALLER_FAULTS[caller_fault]}


async def test_the_callers_faults_neither_count_nor_reset_the_providers(cloud_client, faults):
    """429, the API's own timeout and 503 open a breaker of 3 though every caller fault
    came between them: they neither counted nor reset the count."""
    cloud = cloud_client(ROUTER_CLOUD_ATTEMPTS=1, ROUTER_CLOUD_BREAKER_FAILURES=3,
                         ROUTER_CLOUD_TIMEOUT_SECONDS=2)
    for failure, said in ((Reply(429), "HTTP 429"), (Reply(delay=3), "timed out"),
                          (Reply(503), "HTTP 503")):
        for caller_fault, cause in CALLER_FAULTS.items():
            assert await caller_fault(cloud, faults) == cause
        assert not cloud.breaker.open
        faults.script.append(failure)
        with pytest.raises(RouteError, match=said) as e:
            await complete(cloud)
        assert e.value.cause == "unavailable"
    assert cloud.breaker.open
    with pytest.raises(RouteError, match="calls resume in"):
        await complete(cloud)


@pytest.mark.parametrize("http, message, status", [
    (400, "This model's maximum context length is 16384 tokens. However, your prompt "
          "contains 20000 input tokens. Please reduce the length of the input prompt.",
     (grpc.StatusCode.FAILED_PRECONDITION, "CONTEXT_EXCEEDED")),
    (400, "Invalid schema for response_format 'job_posting'",
     (grpc.StatusCode.INTERNAL, "INFERENCE_REJECTED")),
    (422, "Input should be a valid string", (grpc.StatusCode.INTERNAL, "INFERENCE_REJECTED")),
], ids=["context", "other", "unprocessable"])
async def test_a_400_is_the_requests_problem_not_misconfiguration(cloud_client, faults, http,
                                                                  message, status):
    cloud = cloud_client()
    faults.script.append(Reply(http, content=message))
    with pytest.raises(RouteError) as e:
        await complete(cloud)
    assert STATUS[e.value.cause] == status and message in e.value.message
    assert len(faults.requests) == 1  # not retried


async def test_a_job_makes_at_most_its_cloud_calls(start_router, faults):
    router = await start_router(ROUTER_CLOUD_ATTEMPTS=4, ROUTER_CLOUD_MAX_CALLS_PER_JOB=2,
                                **cloud_settings(faults.base_url))
    faults.script = [Reply(500)] * 4
    code, details, _, why = await outcome(
        router.stub.Extract(pb.ExtractRequest(content=SPEC_SAMPLE)))
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED and why["reason"] == "CLOUD_CALL_BUDGET_SPENT"
    assert "made its 2 cloud calls (ROUTER_CLOUD_MAX_CALLS_PER_JOB)" in details
    assert len(faults.requests) == 2


async def test_cloud_calls_at_once_are_capped(start_router, faults):
    router = await start_router(ROUTER_CLOUD_MAX_CONCURRENT=1, **cloud_settings(faults.base_url))
    faults.script = [Reply(delay=1.0)]
    request = pb.ExtractRequest(content=SPEC_SAMPLE)
    slow = asyncio.ensure_future(outcome(router.stub.Extract(request)))
    while not faults.requests:
        await asyncio.sleep(0.02)
    code, details, _, why = await outcome(router.stub.Extract(request))
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED and why["reason"] == "BACKEND_BUSY"
    assert "limit is 1 (ROUTER_CLOUD_MAX_CONCURRENT)" in details
    assert (await slow)[0] == grpc.StatusCode.OK
    assert (await router.stub.GetStats(pb.GetStatsRequest())).cloud_usage.capped == 1
