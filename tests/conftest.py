"""Shared fixtures: tiny real checkpoints and one real inference service per test session.

The service runs as `python -m inference_svc` (the command users run) on a loopback port,
with the real vLLM engine (CPU build) on tiny random Qwen3 checkpoints.
"""

from __future__ import annotations

import asyncio
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2_grpc

from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract_tools.launch import (free_port, start_inference, start_openai_server,
                                     tiny_inference_env, wait_serving)
from jobextract_tools.tiny_model import build_tiny_qwen3
from tests.helpers import eventually


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    # Positions for the cloud server's longer context (below); inference uses 8192.
    return {"a": build_tiny_qwen3(root / "tiny-a", seed=0, max_position_embeddings=16384),
            "b": build_tiny_qwen3(root / "tiny-b", seed=1, max_position_embeddings=16384)}


@pytest.fixture(scope="session")
def inference_metrics_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def inference_service(tiny_models, tmp_path_factory, inference_metrics_port):
    port = free_port()
    log_path = tmp_path_factory.mktemp("logs") / "inference.log"
    service = start_inference(tiny_inference_env(
        tiny_models, port, INFERENCE_METRICS_PORT=str(inference_metrics_port)), log_path)
    started = time.monotonic()
    try:
        wait_serving(service)
        print(f"\ninference service SERVING after {time.monotonic() - started:.1f} s")
        yield service
    finally:
        code = service.stop()
        if code not in (0, -signal.SIGTERM):
            print(service.log_tail())


@pytest.fixture(scope="session")
async def channel(inference_service):
    async with grpc.aio.insecure_channel(inference_service.address) as ch:
        yield ch


@pytest.fixture(scope="session")
def inference(channel) -> pb_grpc.InferenceServiceStub:
    return pb_grpc.InferenceServiceStub(channel)


@pytest.fixture(scope="session")
def health(channel) -> health_pb2_grpc.HealthStub:
    return health_pb2_grpc.HealthStub(channel)


# ---- the router and its cloud ------------------------------------------------------------

CLOUD_KEY = "sk-test-abcdef0123456789"  # must never show up in a message or a log


@pytest.fixture(scope="session")
def cloud_server(tiny_models, tmp_path_factory):
    """vLLM's own OpenAI-compatible server on a tiny checkpoint: the real cloud peer."""
    log_path = tmp_path_factory.mktemp("logs") / "vllm-serve.log"
    # A longer context than the local one, so a posting too long locally fits the cloud.
    service = start_openai_server(tiny_models["a"], "tiny-cloud", CLOUD_KEY, log_path,
                                  max_model_len=16384)
    try:
        yield service.address
    finally:
        service.stop()


@pytest.fixture
async def faults():
    """The loopback fault server (tests/fault_openai.py), for faults no real peer makes."""
    from tests.fault_openai import FaultServer

    server = await FaultServer().start()
    yield server
    await server.stop()


@dataclass
class RouterHandle:
    stub: object
    health: object
    extractor: object
    address: str
    channel: object


@pytest.fixture
async def start_router(inference_service):
    """Start in-process routers with settings overrides; they stop after the test."""
    from jobextract.v1 import extraction_pb2_grpc
    from router_svc.config import RouterSettings
    from router_svc.server import build_router, close_extractor, watch_routes

    started = []

    async def start(client_security=None, **overrides) -> RouterHandle:
        """A router with these settings; `client_security` (a ClientSecurity) is how the
        handle's channel reaches it (TLS), plaintext without one."""
        values = {"ROUTER_HOST": "127.0.0.1", "ROUTER_PORT": 0,
                  "ROUTER_INFERENCE_ADDRESS": inference_service.address,
                  "ROUTER_HEALTH_POLL_SECONDS": 0.2, "OPENAI_API_KEY": None}
        values.update(overrides)
        settings = RouterSettings(_env_file=None, **values)
        watch_poll = values["ROUTER_HEALTH_POLL_SECONDS"]
        server, health, port, extractor = build_router(settings)
        await health.start()
        await server.start()
        watcher = asyncio.create_task(watch_routes(extractor, health, watch_poll))
        channel = (client_security.aio_channel(f"127.0.0.1:{port}") if client_security
                   else grpc.aio.insecure_channel(f"127.0.0.1:{port}"))
        started.append((server, watcher, channel, extractor))
        handle = RouterHandle(extraction_pb2_grpc.RouterServiceStub(channel),
                              health_pb2_grpc.HealthStub(channel), extractor,
                              f"127.0.0.1:{port}", channel)
        if values["ROUTER_INFERENCE_ADDRESS"] == inference_service.address:
            async def resident_known():  # the router has seen the resident model
                return any(r.policy.resident_model for r in extractor.replicas.all)

            await eventually(resident_known, timeout=10)
        return handle

    yield start
    for server, watcher, channel, extractor in started:
        watcher.cancel()
        await channel.close()
        await server.stop(0)
        await close_extractor(extractor)
