"""Starting the services as their own processes, for tests and benchmarks alike."""

from __future__ import annotations

import asyncio
import os
import urllib.request
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from jobextract.stack import free_port  # noqa: F401 - re-exported for the tests

ROOT = Path(__file__).resolve().parent.parent
SERVING = health_pb2.HealthCheckResponse.SERVING


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


def start_openai_server(model: Path, served_name: str, api_key: str, log_path: Path,
                        max_model_len: int = 8192, timeout: float = 240,
                        extra_args: list[str] = ()) -> ServiceProcess:
    """vLLM's OpenAI-compatible server on loopback; `address` is its base URL (.../v1).

    `vllm serve` itself fails with the vllm-cpu package (it looks up the "vllm"
    distribution for --version); the entrypoint module is the same server.
    """
    port = free_port()
    env = dict(os.environ)
    env.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
    env.setdefault("VLLM_CPU_OMP_THREADS_BIND",
                   ",".join(str(c) for c in sorted(os.sched_getaffinity(0))))
    env.setdefault("VLLM_CPU_NUM_OF_RESERVED_CPU", "0")
    command = [sys.executable, "-m", "vllm.entrypoints.openai.api_server",
               "--model", str(model), "--served-model-name", served_name,
               "--host", "127.0.0.1", "--port", str(port), "--dtype", "float32",
               "--enforce-eager", "--max-model-len", str(max_model_len), "--api-key", api_key,
               *extra_args]
    process = subprocess.Popen(command, env=env, stdout=open(log_path, "w"),
                               stderr=subprocess.STDOUT)
    service = ServiceProcess(process, f"http://127.0.0.1:{port}/v1", log_path)
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return service
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                service.stop()
                raise RuntimeError(f"vLLM server did not start:\n{service.log_tail()}")
            time.sleep(0.5)


async def eventually(check, timeout: float = 10.0, interval: float = 0.1):
    """Poll the async `check` until it returns a truthy value; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(interval)
