"""Shared fixtures: tiny real checkpoints and one real inference service per test session.

The service runs as `python -m inference_svc` (the command users run) on a loopback port,
with the real vLLM engine (CPU build) on tiny random Qwen3 checkpoints.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from jobextract.proto import extraction_pb2_grpc as pb_grpc
from tests.tiny_model import build_tiny_qwen3

ROOT = Path(__file__).resolve().parent.parent
SERVING = health_pb2.HealthCheckResponse.SERVING


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {"a": build_tiny_qwen3(root / "tiny-a", seed=0),
            "b": build_tiny_qwen3(root / "tiny-b", seed=1)}


@dataclass
class ServiceProcess:
    process: subprocess.Popen
    address: str
    log_path: Path

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def inference_env(tiny_models: dict[str, Path], port: int, **extra: str) -> dict[str, str]:
    """Environment for an inference service on the tiny checkpoints.

    thinking and primary share tiny-a; maximum is tiny-b, so a switch is one LoadModel away.
    """
    env = dict(os.environ)
    env.update({
        "INFERENCE_PROFILE": "cpu",
        "INFERENCE_HOST": "127.0.0.1",
        "INFERENCE_PORT": str(port),
        "INFERENCE_MODEL_THINKING": str(tiny_models["a"]),
        "INFERENCE_MODEL_PRIMARY": str(tiny_models["a"]),
        "INFERENCE_MODEL_MAXIMUM": str(tiny_models["b"]),
        "INFERENCE_INITIAL_TIER": "primary",
        "VLLM_MAX_MODEL_LEN": "4096",
        "VLLM_CPU_KVCACHE_SPACE": "1",
        "INFERENCE_MAX_NUM_SEQS": "8",
        "INFERENCE_MAX_PENDING": "10",
        "INFERENCE_SWITCH_GRACE_SECONDS": "5",
        "INFERENCE_SHUTDOWN_GRACE_SECONDS": "5",
    })
    env.update(extra)
    return env


def wait_serving(service: ServiceProcess, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(service.address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            if service.process.poll() is not None:
                raise RuntimeError(f"service exited with {service.process.returncode}:\n"
                                   f"{service.log_tail()}")
            try:
                if health.Check(health_pb2.HealthCheckRequest(), timeout=2).status == SERVING:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.5)
    raise RuntimeError(f"service not SERVING after {timeout} s:\n{service.log_tail()}")


def start_inference(env: dict[str, str], log_path: Path) -> ServiceProcess:
    log = open(log_path, "w")
    process = subprocess.Popen([sys.executable, "-m", "inference_svc"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    return ServiceProcess(process, f"127.0.0.1:{env['INFERENCE_PORT']}", log_path)


@pytest.fixture(scope="session")
def inference_service(tiny_models, tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("logs") / "inference.log"
    service = start_inference(inference_env(tiny_models, port), log_path)
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
def inference(channel) -> pb_grpc.InferenceStub:
    return pb_grpc.InferenceStub(channel)


@pytest.fixture(scope="session")
def health(channel) -> health_pb2_grpc.HealthStub:
    return health_pb2_grpc.HealthStub(channel)


async def eventually(check, timeout: float = 10.0, interval: float = 0.1):
    """Poll the async `check` until it returns a truthy value; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(interval)


# ---- the router and its cloud ------------------------------------------------------------

CLOUD_KEY = "sk-test-abcdef0123456789"  # must never show up in a message or a log


@pytest.fixture(scope="session")
def cloud_server(tiny_models, tmp_path_factory):
    """vLLM's own OpenAI-compatible server on a tiny checkpoint: the real cloud peer."""
    import urllib.request

    port = free_port()
    log_path = tmp_path_factory.mktemp("logs") / "vllm-serve.log"
    env = dict(os.environ, VLLM_CPU_KVCACHE_SPACE="1")
    env.setdefault("VLLM_CPU_OMP_THREADS_BIND",
                   ",".join(str(c) for c in sorted(os.sched_getaffinity(0))))
    env.setdefault("VLLM_CPU_NUM_OF_RESERVED_CPU", "0")
    # `vllm serve` itself fails on the vllm-cpu package (it looks up the "vllm"
    # distribution for --version); the entrypoint module is the same server.
    command = [sys.executable, "-m", "vllm.entrypoints.openai.api_server",
               "--model", str(tiny_models["a"]), "--served-model-name", "tiny-cloud",
               "--host", "127.0.0.1", "--port", str(port), "--dtype", "float32",
               "--enforce-eager", "--max-model-len", "8192", "--api-key", CLOUD_KEY]
    log = open(log_path, "w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    service = ServiceProcess(process, f"127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 240
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"vLLM server did not start:\n{service.log_tail()}")
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        service.stop()


@dataclass
class RouterHandle:
    stub: object
    health: object
    extractor: object
    address: str


@pytest.fixture
async def start_router(inference_service):
    """Start in-process routers with settings overrides; they stop after the test."""
    from jobextract.proto import extraction_pb2_grpc
    from router_svc.config import RouterSettings
    from router_svc.server import build_router, close_extractor, watch_routes

    started = []

    async def start(**overrides) -> RouterHandle:
        values = {"ROUTER_HOST": "127.0.0.1", "ROUTER_PORT": 0,
                  "ROUTER_INFERENCE_ADDRESS": inference_service.address,
                  "ROUTER_HEALTH_POLL_SECONDS": 0.2, "OPENAI_API_KEY": None}
        values.update(overrides)
        settings = RouterSettings(_env_file=None, **values)
        server, health, port, extractor = build_router(settings)
        await health.start()
        await server.start()
        watcher = asyncio.create_task(watch_routes(extractor, health, 0.2))
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        started.append((server, watcher, channel, extractor))
        handle = RouterHandle(extraction_pb2_grpc.RouterStub(channel),
                              health_pb2_grpc.HealthStub(channel), extractor,
                              f"127.0.0.1:{port}")
        if values["ROUTER_INFERENCE_ADDRESS"] == inference_service.address:
            async def resident_known():  # the router has seen the resident model
                return bool(extractor.policy.resident_model)

            await eventually(resident_known, timeout=10)
        return handle

    yield start
    for server, watcher, channel, extractor in started:
        watcher.cancel()
        await channel.close()
        await server.stop(0)
        await close_extractor(extractor)
