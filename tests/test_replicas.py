"""One router, several inference replicas: model affinity, dead replicas, DNS targets.

The end-to-end test runs three real inference services on tiny checkpoints, each holding
a different tier (thinking tiny-a, primary tiny-b, maximum tiny-c), behind one router.
"""

from __future__ import annotations

import asyncio
import signal
import time

import grpc
import pytest

from bench.micro import posting_of
from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract_tools.launch import free_port, start_inference, tiny_inference_env, wait_serving
from jobextract_tools.tiny_model import build_tiny_qwen3
from router_svc.errors import RouteError
from router_svc.replicas import SLOW_PROBES_TOLERATED, Replicas, parse_targets, resolve
from tests.helpers import eventually

MODELS = {"thinking": "tiny-a", "primary": "tiny-b", "maximum": "tiny-c"}
# Tier bounds in cl100k tokens, small enough for the tiny checkpoints' byte-level context.
BOUNDS = {"ROUTER_THINKING_BELOW": 60, "ROUTER_PRIMARY_BELOW": 200}
POSTING = ("Backend engineer at Acme Robotics, Austin, TX. Acme Robotics hires a backend "
           "engineer in Austin, TX to build Python services; pay $120,000 - $140,000 a year.")
SIZES = {tier: posting_of(tokens, [POSTING])
         for tier, tokens in (("thinking", 30), ("primary", 120), ("maximum", 320))}


# ---- choosing a replica (no services) -----------------------------------------------------

class UnusedClient:
    async def close(self):
        pass


def fleet(holdings: dict[str, list[str]]) -> Replicas:
    replicas = Replicas(",".join(holdings), lambda address: UnusedClient(), 300)
    for replica in replicas.all:
        tiers = holdings[replica.address]
        if tiers:
            replica.policy.observe(f"model-{replica.address}", tiers)
            replica.ready = True
    return replicas


def test_a_job_goes_to_a_replica_holding_its_tier_and_switches_none():
    replicas = fleet({"a:1": ["thinking"], "b:1": ["primary"], "c:1": ["maximum"]})
    for tier, address in (("thinking", "a:1"), ("primary", "b:1"), ("maximum", "c:1")):
        replica, choice = replicas.place(tier)
        assert replica.address == address and not choice.allow_switch and choice.tier == tier


def test_without_its_tier_a_job_takes_the_least_capable_replica_above_it():
    replicas = fleet({"a:1": ["maximum"], "b:1": ["primary"]})
    replica, choice = replicas.place("thinking")
    assert replica.address == "b:1" and choice.tier == "primary" and not choice.allow_switch


def test_a_replica_is_switched_only_when_none_holds_a_capable_tier_the_least_busy():
    replicas = fleet({"a:1": ["thinking"], "b:1": ["primary"]})
    replicas.all[1].policy.started()  # b is busy
    replica, choice = replicas.place("maximum")
    assert replica.address == "a:1" and choice.allow_switch and choice.tier == "maximum"
    # Several replicas: no switch down after idle time while a capable replica serves.
    idle = fleet({"a:1": ["maximum"], "b:1": ["maximum"]})
    for r in idle.all:
        r.policy._last_active -= 10_000
    assert not idle.place("thinking")[1].allow_switch
    # One replica: its policy as before (a switch down once idle).
    single = fleet({"a:1": ["maximum"]})
    single.all[0].policy._last_active -= 10_000
    assert single.place("thinking")[1].allow_switch


def test_equal_replicas_share_the_jobs_and_failed_ones_are_skipped():
    replicas = fleet({"a:1": ["primary"], "b:1": ["primary"], "c:1": ["primary"]})
    assert {replicas.place("primary")[0].address for _ in range(6)} == {"a:1", "b:1", "c:1"}
    replicas.mark_failed(replicas.all[0])
    assert {replicas.place("primary")[0].address for _ in range(6)} == {"b:1", "c:1"}
    # None known ready (all loading or down): one is still tried, with a switch allowed.
    down = fleet({"a:1": [], "b:1": []})
    replica, choice = down.place("primary")
    assert choice.allow_switch


async def test_a_name_that_resolves_to_nothing_is_unavailable_not_a_crash(start_router):
    """Before a dns:/// target resolves (no pod yet), a job waits for a replica as for a
    restarting one, then fails as UNAVAILABLE naming the target."""
    target = "dns:///no-such-host.invalid:50052"
    router = await start_router(ROUTER_INFERENCE_ADDRESS=target,
                                ROUTER_LOCAL_UNAVAILABLE_WAIT_SECONDS=1)
    placement = router.extractor.replicas.place("primary")
    assert placement.replica is None and placement.choice.allow_switch
    with pytest.raises(grpc.aio.AioRpcError) as e:
        await router.stub.Extract(pb.ExtractRequest(content=SIZES["primary"]), timeout=30)
    assert e.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "no inference replica known yet" in e.value.details() and target in e.value.details()


def test_targets_are_checked_and_dns_names_resolve_to_every_address():
    assert parse_targets("a:1, dns:///svc:50052") == ["a:1", "dns:///svc:50052"]
    for bad in ("", "a", "a:port", "dns:///svc", "a:70000"):
        with pytest.raises(ValueError):
            parse_targets(bad)
    assert "127.0.0.1:50052" in resolve("dns:///localhost:50052")
    assert resolve("dns:///no-such-host.invalid:1") == []
    # A resolver that returns more replicas adds them on refresh and drops the gone.
    answers = [["10.0.0.1:1", "10.0.0.2:1"]]
    replicas = Replicas("dns:///inference:1", lambda address: UnusedClient(), 300,
                        resolver=lambda target: answers[0])
    assert replicas.all == []

    async def refresh_all():
        async def unreachable(replica):
            replica.ready = False

        replicas.refresh_one = unreachable
        await replicas.refresh()

    asyncio.run(refresh_all())
    assert [r.address for r in replicas.all] == ["10.0.0.1:1", "10.0.0.2:1"]
    answers[0] = ["10.0.0.2:1", "10.0.0.3:1"]
    asyncio.run(refresh_all())
    assert [r.address for r in replicas.all] == ["10.0.0.2:1", "10.0.0.3:1"]



class ScriptedClient(UnusedClient):
    """GetModelInfo's outcomes in turn: a cause (RouteError) or a ready model. A real engine
    slows its service's probes only now and then; this gives a slow probe on demand."""

    def __init__(self, outcomes: list[str]):
        self.outcomes = outcomes

    async def model_info(self, timeout: float = 2.0) -> pb.ModelInfo:
        outcome = self.outcomes.pop(0)
        if outcome != "ready":
            raise RouteError(outcome, f"inference {outcome}")
        return pb.ModelInfo(name="m", state=pb.MODEL_STATE_READY, tiers=[pb.TIER_PRIMARY])


def test_a_ready_replica_stays_ready_through_slow_probes_not_through_a_refusal():
    outcomes = ["ready"] + ["deadline"] * (SLOW_PROBES_TOLERATED - 1) + ["ready"] + [
        "deadline"] * SLOW_PROBES_TOLERATED + ["ready", "unavailable"]
    replicas = Replicas("a:1", lambda address: ScriptedClient(outcomes), 300)
    ready = [asyncio.run(replicas.refresh()) for _ in range(len(outcomes))]
    slow = [True] * (SLOW_PROBES_TOLERATED - 1)
    assert ready == [True, *slow, True, *slow, False, True, False]
    assert not replicas.all[0].usable

# ---- three real replicas ------------------------------------------------------------------

@pytest.fixture(scope="module")
def three_replicas(tiny_models, tmp_path_factory):
    root = tmp_path_factory.mktemp("replicas")
    models = {**tiny_models, "c": build_tiny_qwen3(root / "tiny-c", seed=2,
                                                   max_position_embeddings=16384)}
    services = {}
    for tier in MODELS:
        env = tiny_inference_env(models, free_port(), INFERENCE_MODEL_THINKING=str(models["a"]),
                                 INFERENCE_MODEL_PRIMARY=str(models["b"]),
                                 INFERENCE_MODEL_MAXIMUM=str(models["c"]),
                                 INFERENCE_INITIAL_TIER=tier, INFERENCE_MAX_NUM_SEQS="4",
                                 INFERENCE_METRICS_PORT="0")
        services[tier] = start_inference(env, root / f"inference-{tier}.log")
    try:
        for service in services.values():
            wait_serving(service)
        yield services
    finally:
        for service in services.values():
            if service.process.poll() is None and service.stop() not in (0, -signal.SIGTERM):
                print(service.log_tail())


async def model_infos(services) -> dict[str, pb.ModelInfo]:
    infos = {}
    for tier, service in services.items():
        if service.process.poll() is None:
            async with grpc.aio.insecure_channel(service.address) as channel:
                infos[tier] = (await pb_grpc.InferenceServiceStub(channel).GetModelInfo(
                    pb.GetModelInfoRequest())).info
    return infos


async def test_jobs_go_to_the_replica_holding_their_tier_and_a_lost_replica_loses_none(
        three_replicas, start_router):
    addresses = ",".join(s.address for s in three_replicas.values())
    router = await start_router(ROUTER_INFERENCE_ADDRESS=addresses,
                                ROUTER_LOCAL_UNAVAILABLE_WAIT_SECONDS=240, **BOUNDS)
    replicas = router.extractor.replicas

    async def all_ready():
        return all(r.ready for r in replicas.all) and len(replicas.all) == 3

    assert await eventually(all_ready, timeout=20)
    jobs = [tier for tier in MODELS for _ in range(2)]
    replies = await asyncio.gather(*(router.stub.Extract(
        pb.ExtractRequest(content=SIZES[tier]), timeout=300) for tier in jobs))
    distribution = {}
    for tier, reply in zip(jobs, replies):
        assert reply.route == pb.ROUTE_LOCAL
        assert pb.Tier.Name(reply.decision.tier) == f"TIER_{tier.upper()}"
        assert reply.decision.model == MODELS[tier], reply.decision.reasoning
        distribution[reply.decision.model] = distribution.get(reply.decision.model, 0) + 1
    stats = await router.stub.GetStats(pb.GetStatsRequest())
    infos = await model_infos(three_replicas)
    assert stats.model_switches == 0 and all(i.switches == 0 for i in infos.values())
    assert {tier: i.name for tier, i in infos.items()} == MODELS
    print(f"\nmixed jobs: {distribution}, switches 0")

    # The maximum replica hangs with a large job in flight, then dies: the job is retried on
    # a surviving replica, which is switched to the maximum tier (none holds it any more).
    # Frozen (SIGSTOP) before the job is sent, the replica cannot finish it before the kill,
    # whatever the machine's speed: the tiny model would otherwise answer within ~50 ms.
    maximum = next(r for r in replicas.all if r.address == three_replicas["maximum"].address)
    three_replicas["maximum"].freeze()
    stream = router.stub.ExtractStream(pb.ExtractStreamRequest(content=SIZES["maximum"]), timeout=400)
    events = aiter(stream)
    first = [await anext(events), await anext(events)]
    assert first[0].decision.model == MODELS["maximum"] and first[1].attempt.attempt == 1
    killed_at = time.monotonic()
    three_replicas["maximum"].kill()

    async def marked_down():
        return not maximum.reachable

    assert await eventually(marked_down, timeout=10)
    detected = time.monotonic() - killed_at
    rest = [e async for e in events]
    result = rest[-1].result
    attempts = [e.attempt for e in rest if e.HasField("attempt")]
    assert result.route == pb.ROUTE_LOCAL and result.job.location == "Austin, TX"
    assert result.decision.model == MODELS["maximum"] and result.attempts >= 2
    assert any("unavailable" in a.reason.lower() or "inference" in a.reason for a in attempts)
    infos = await model_infos(three_replicas)
    assert sorted(i.name for i in infos.values()) in (["tiny-a", "tiny-c"], ["tiny-b", "tiny-c"])
    print(f"replica hung then killed with a job in flight: detected in {detected:.2f} s, job finished on "
          f"{result.decision.model} after {result.attempts} attempts "
          f"({time.monotonic() - killed_at:.1f} s after the kill)")

    # An idle replica dies: the refresh loop (every ROUTER_HEALTH_POLL_SECONDS, 0.2 here)
    # finds it, and a small job runs on the one replica left, which holds a capable tier.
    idle_tier = next(t for t, i in infos.items() if i.name != MODELS["maximum"])
    idle = next(r for r in replicas.all if r.address == three_replicas[idle_tier].address)
    killed_at = time.monotonic()
    three_replicas[idle_tier].kill()

    async def idle_marked_down():
        return not idle.reachable

    assert await eventually(idle_marked_down, timeout=10)
    print(f"idle replica killed: the refresh loop found it in "
          f"{time.monotonic() - killed_at:.2f} s (poll every 0.2 s)")
    reply = await router.stub.Extract(pb.ExtractRequest(content=SIZES["thinking"]), timeout=300)
    assert reply.decision.model == MODELS["maximum"] and reply.attempts == 1
    assert (await router.stub.GetStats(pb.GetStatsRequest())).model_switches == 1
