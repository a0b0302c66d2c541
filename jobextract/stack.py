"""Both services as child processes on loopback: for `jobextract serve` and the demo."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import grpc

from jobextract.healthcheck import check
from jobextract.proto import extraction_pb2 as pb
from jobextract.proto import extraction_pb2_grpc as pb_grpc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def say(message: str) -> None:
    print(f"[demo] {message}", file=sys.stderr, flush=True)


def start(module: str, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", module], env=env,
                            stdout=open(log_path, "w"), stderr=subprocess.STDOUT)


def wait_serving(name: str, process: subprocess.Popen, address: str, service: str,
                 log_path: Path, timeout: float, describe=None) -> None:
    started = time.monotonic()
    last_note = 0.0
    while check(address, service, timeout=2) != "SERVING":
        elapsed = time.monotonic() - started
        if process.poll() is not None:
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-15:])
            raise SystemExit(f"[demo] {name} exited ({process.returncode}); its log ends:\n{tail}")
        if elapsed > timeout:
            raise SystemExit(f"[demo] {name} not serving after {timeout:.0f} s; see {log_path}")
        if elapsed - last_note >= 10:
            note = describe() if describe else ""
            say(f"waiting for {name}{': ' + note if note else ''} ({elapsed:.0f} s)")
            last_note = elapsed
        time.sleep(1)
    say(f"{name} serving after {time.monotonic() - started:.0f} s")


def model_state(address: str) -> str:
    try:
        with grpc.insecure_channel(address) as channel:
            info = pb_grpc.InferenceStub(channel).GetModelInfo(pb.GetModelInfoRequest(), timeout=2)
        return info.reason or pb.ModelState.Name(info.state).removeprefix("MODEL_STATE_").lower()
    except grpc.RpcError:
        return "starting the process"


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Stack:
    processes: list[subprocess.Popen]
    inference_address: str
    router_address: str

    def stop(self) -> None:
        say("stopping both services")
        stop(self.processes)
        say("stopped: " + ", ".join(f"exit {p.returncode}" for p in self.processes))


def start_stack(logs: Path, router_port: int = 0, inference_port: int = 0,
                host: str = "127.0.0.1") -> Stack:
    """Start inference (cpu profile unless configured) and the router; wait until serving."""
    logs.mkdir(parents=True, exist_ok=True)
    inference_port, router_port = inference_port or free_port(), router_port or free_port()
    env = dict(os.environ, INFERENCE_PROFILE=os.environ.get("INFERENCE_PROFILE", "cpu"),
               INFERENCE_HOST=host, INFERENCE_PORT=str(inference_port),
               ROUTER_HOST=host, ROUTER_PORT=str(router_port),
               ROUTER_INFERENCE_ADDRESS=f"127.0.0.1:{inference_port}")
    stack = Stack([], f"127.0.0.1:{inference_port}", f"127.0.0.1:{router_port}")
    say(f"starting the inference service (logs in {logs}/); the engine takes about a minute")
    try:
        stack.processes.append(start("inference_svc", env, logs / "inference.log"))
        stack.processes.append(start("router_svc", env, logs / "router.log"))
        wait_serving("the inference service", stack.processes[0], stack.inference_address,
                     "jobextract.v1.Inference", logs / "inference.log", 600,
                     lambda: model_state(stack.inference_address))
        wait_serving("the router", stack.processes[1], stack.router_address,
                     "jobextract.v1.Router", logs / "router.log", 60)
    except BaseException:
        stack.stop()
        raise
    return stack
