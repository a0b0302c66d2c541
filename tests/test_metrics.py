"""Prometheus metrics on both services, scraped over HTTP during real calls: the gRPC server
set, our own counters and vLLM's engine metrics move with the work done."""

from __future__ import annotations

import asyncio
import re
import time
import urllib.request

import grpc
import pytest

from jobextract.metrics import serve_metrics
from jobextract.v1 import extraction_pb2 as pb
from jobextract_tools.launch import free_port
from jobextract_tools.samples import SPEC_SAMPLE
from tests.helpers import eventually
from tests.test_inference_generate import collect, engine_idle, long_request


async def scrape(url: str) -> dict[str, float]:
    """`name{labels}` -> value for every sample at `url`."""
    text = await asyncio.to_thread(
        lambda: urllib.request.urlopen(url, timeout=10).read().decode())
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            samples[key] = float(value)
    return samples


def value(samples: dict[str, float], name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels`."""
    total = 0.0
    for key, sample in samples.items():
        metric, _, rest = key.partition("{")
        found = dict(re.findall(r'(\w+)="([^"]*)"', rest))
        if metric == name and all(found.get(k) == v for k, v in labels.items()):
            total += sample
    return total


@pytest.fixture(scope="module")
def router_metrics_url():
    """This process's metrics endpoint: the in-process routers' counters."""
    port = serve_metrics("127.0.0.1", free_port())
    return f"http://127.0.0.1:{port}/metrics"


async def test_router_metrics_move_with_calls(start_router, router_metrics_url):
    router = await start_router(ROUTER_METRICS_PORT=free_port())  # counts its calls
    before = await scrape(router_metrics_url)
    await router.stub.Extract(pb.ExtractRequest(content=SPEC_SAMPLE), timeout=120)
    with pytest.raises(grpc.aio.AioRpcError):
        await router.stub.Extract(pb.ExtractRequest(content=" "))
    after = await scrape(router_metrics_url)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    extract = dict(grpc_service="jobextract.v1.RouterService", grpc_method="Extract")
    assert moved("grpc_server_started_total", **extract) == 2
    assert moved("grpc_server_handled_total", grpc_code="OK", **extract) == 1
    assert moved("grpc_server_handled_total", grpc_code="INVALID_ARGUMENT", **extract) == 1
    assert moved("grpc_server_handling_seconds_count", **extract) == 2
    assert moved("jobextract_extractions_total", route="local", tier="thinking") == 1
    # Each inference replica: whether it serves, with the model it holds.
    (replica,) = router.extractor.replicas.all
    assert value(after, "jobextract_replica_ready", replica=replica.address, model="tiny-a") >= 1


async def test_inference_metrics_include_the_engine(inference, inference_service,
                                                   inference_metrics_port):
    url = f"http://127.0.0.1:{inference_metrics_port}/metrics"
    before = await scrape(url)
    # Long enough to be seen running on a loaded machine (the gauge trails by a step); the
    # caller leaves once it has been seen, so this request's length does not enter the
    # service's recent time per request (which admission uses for later tests).
    began = time.monotonic()
    call = inference.Generate(long_request())
    await call.read()
    history = [f"first message after {time.monotonic() - began:.1f} s"]

    async def running_shown() -> bool:
        # vLLM sets its gauge from the engine's per-step stats, a step behind the token
        asked = time.monotonic() - began
        during = await scrape(url)
        seen = dict(running=value(during, "vllm:num_requests_running"),
                    active=value(during, "jobextract_requests_active"),
                    tokens=value(during, "vllm:generation_tokens_total")
                    - value(before, "vllm:generation_tokens_total"),
                    call_ended=call.done())
        history.append(f"{asked:.1f}-{time.monotonic() - began:.1f} s: {seen}")
        return seen["running"] >= 1 and seen["active"] >= 1 and seen["tokens"] >= 200

    # Failing, it says when each scrape was and what it showed, and what the service logged.
    # It failed twice in CI: the first message reached this process after the generation
    # had ended (the engine's spinning OpenMP threads kept it off the CPU, since fixed).
    assert await eventually(running_shown, timeout=60), \
        "scrapes:\n" + "\n".join(history) + "\n" + inference_service.log_tail(40)
    call.cancel()
    assert await eventually(lambda: engine_idle(inference), timeout=10)
    assert (await collect(inference, long_request(max_tokens=4)))[-1].finish_reason

    samples = await scrape(url)
    generate = dict(grpc_service="jobextract.v1.InferenceService", grpc_method="Generate")
    assert value(samples, "grpc_server_started_total", **generate) \
        - value(before, "grpc_server_started_total", **generate) == 2
    assert value(samples, "grpc_server_handled_total", grpc_code="OK", **generate) \
        - value(before, "grpc_server_handled_total", grpc_code="OK", **generate) == 1
    assert value(samples, "vllm:generation_tokens_total") \
        - value(before, "vllm:generation_tokens_total") >= 200
    assert value(samples, "jobextract_model_ready", model="tiny-a") == 1
