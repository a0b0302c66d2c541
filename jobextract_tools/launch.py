"""The one way to start the services as their own processes: for `jobextract serve`, the
demo, the benchmarks and the tests alike.

Each service is a `ServiceProcess` (its process, address and log). `wait_serving` polls
`grpc.health.v1` until SERVING and raises LaunchError, with the end of the log, when the
process exits or the time runs out. Library code never exits the interpreter: callers
decide how to report a LaunchError.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from inference_svc.environment import cpu_engine_environment
from jobextract.healthcheck import check
from jobextract.security import ClientSecurity
from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc

ROOT = Path(__file__).resolve().parent.parent
INFERENCE = pb.DESCRIPTOR.services_by_name["InferenceService"].full_name
ROUTER = pb.DESCRIPTOR.services_by_name["RouterService"].full_name

Say = Callable[[str], None]


def say(message: str) -> None:
    print(f"[jobextract] {message}", file=sys.stderr, flush=True)


def quiet(message: str) -> None:
    pass


class LaunchError(RuntimeError):
    """A service did not come up; the message ends with the end of its log."""


# free_port's ports: up to this many just below the kernel's ephemeral range, read from
# EPHEMERAL_RANGE (or above it, where the range starts too low to leave room below).
OWN_PORTS = 12_000
EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_handed_out: set[int] = set()


def _own_ports() -> range:
    try:
        low, high = map(int, EPHEMERAL_RANGE.read_text().split()[:2])
    except (OSError, ValueError):  # not Linux: the usual range
        low, high = 32_768, 60_999
    below = range(max(1_024, low - OWN_PORTS), low)
    above = range(high + 1, min(65_536, high + 1 + OWN_PORTS))
    return max(below, above, key=len)


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port on 127.0.0.1 that nothing holds, for a service about to bind it; never the
    same twice in one process.

    Chosen outside the kernel's ephemeral range: the kernel gives ports from that range to
    every bind to port 0 and every outgoing connection (a starting vLLM engine makes
    several), and one of those once took a port found free there before its service
    could bind it."""
    ports = _own_ports()
    for _ in range(100):
        port = random.choice(ports)
        if port not in _handed_out and _bindable(port):
            _handed_out.add(port)
            return port
    raise LaunchError(f"no free port found in {ports.start}-{ports.stop - 1}")


@dataclass
class ServiceProcess:
    name: str
    process: subprocess.Popen
    address: str
    log_path: Path

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM (the graceful stop), then SIGKILL after `timeout`; the exit code. Nothing
        it started outlives it (`stop`)."""
        stop([self], timeout)
        return self.process.returncode

    def freeze(self) -> None:
        """SIGSTOP the service and every process it started: a hung service, which keeps its
        connections and answers nothing, until it is killed."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def kill(self) -> None:
        """SIGKILL the service and every process it started (the engine's workers): a
        crash, not a stop. Returns once none of them runs (a signal is delivered in its own
        time, and an engine's memory is free only then), or after KILL_WAIT_SECONDS."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        deadline = time.monotonic() + KILL_WAIT_SECONDS
        while processes_in_group(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.02)


KILL_WAIT_SECONDS = 10


def processes_in_group(group: int) -> list[int]:
    """The processes of process group `group` that still run (a zombie has ended), as
    /proc lists them; none where there is no /proc."""
    members = []
    for entry in filter(str.isdigit, os.listdir("/proc") if os.path.isdir("/proc") else []):
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(entry))
    return members


def stop(services: list[ServiceProcess], timeout: float = 60) -> None:
    """Stop several services at once: all get SIGTERM first, then each is waited for, at
    most `timeout` seconds, and killed with every process of its group that is left: a
    service that did not end in time, or an engine process its service left behind when it
    ended (on a loaded machine, engines a stopped service was still starting outlived it,
    holding gigabytes and both cores)."""
    for service in services:
        if service.process.poll() is None:
            service.process.send_signal(signal.SIGTERM)
    for service in services:
        try:
            service.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        service.kill()


def start_module(name: str, module: str, address: str, env: dict[str, str],
                 log_path: Path) -> ServiceProcess:
    """`python -m module` with `env`, its output in `log_path`; in a process group of its
    own, so `kill` reaches the engine processes it starts."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([sys.executable, "-m", module], env=env,
                               stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    return ServiceProcess(name, process, address, log_path)


def start_inference(env: dict[str, str], log_path: Path) -> ServiceProcess:
    return start_module("the inference service", "inference_svc",
                        f"127.0.0.1:{env['INFERENCE_PORT']}", env, log_path)


def start_router(env: dict[str, str], log_path: Path) -> ServiceProcess:
    return start_module("the router", "router_svc", f"127.0.0.1:{env['ROUTER_PORT']}", env,
                        log_path)


def wait_serving(service: ServiceProcess, health_service: str = "", timeout: float = 240,
                 describe: Callable[[], str] | None = None, report: Say = quiet,
                 security: ClientSecurity | None = None) -> float:
    """Wait until `service` reports SERVING (for `health_service`, or overall); the seconds
    it took. Progress goes to `report` every 10 s, with `describe()` when given; `security`
    is how to reach it (TLS), JOBEXTRACT_TLS_* from the environment without one."""
    started = time.monotonic()
    last_note = 0.0
    while check(service.address, health_service, timeout=2, security=security) != "SERVING":
        elapsed = time.monotonic() - started
        if service.process.poll() is not None:
            raise LaunchError(f"{service.name} exited ({service.process.returncode}); "
                              f"its log ends:\n{service.log_tail(15)}")
        if elapsed > timeout:
            raise LaunchError(f"{service.name} not serving after {timeout:.0f} s; its log "
                              f"ends:\n{service.log_tail(15)}")
        if elapsed - last_note >= 10:
            note = describe() if describe else ""
            report(f"waiting for {service.name}{': ' + note if note else ''} ({elapsed:.0f} s)")
            last_note = elapsed
        time.sleep(0.5)
    seconds = time.monotonic() - started
    report(f"{service.name} serving after {seconds:.0f} s")
    return seconds


def model_state(address: str) -> str:
    """What the inference service says it is doing, in a few words."""
    try:
        with grpc.insecure_channel(address) as channel:
            info = pb_grpc.InferenceServiceStub(channel).GetModelInfo(pb.GetModelInfoRequest(), timeout=2).info
        return info.reason or pb.ModelState.Name(info.state).removeprefix("MODEL_STATE_").lower()
    except grpc.RpcError:
        return "starting the process"


# ---- both services ---------------------------------------------------------------------

@dataclass
class Stack:
    inference: ServiceProcess
    router: ServiceProcess
    report: Say = field(default=say)

    @property
    def services(self) -> list[ServiceProcess]:
        return [self.inference, self.router]

    def stop(self) -> None:
        self.report("stopping both services")
        stop(self.services)
        self.report("stopped: " + ", ".join(f"exit {s.process.returncode}"
                                            for s in self.services))


def stack_env(inference_port: int, router_port: int, host: str = "127.0.0.1",
              base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for both services on this machine (cpu profile unless configured)."""
    env = dict(os.environ if base is None else base)
    env.update(INFERENCE_PROFILE=env.get("INFERENCE_PROFILE", "cpu"),
               INFERENCE_HOST=host, INFERENCE_PORT=str(inference_port),
               ROUTER_HOST=host, ROUTER_PORT=str(router_port),
               ROUTER_INFERENCE_ADDRESS=f"127.0.0.1:{inference_port}")
    return env


def start_stack(logs: Path, router_port: int = 0, inference_port: int = 0,
                host: str = "127.0.0.1", env: dict[str, str] | None = None,
                report: Say = say, timeout: float = 600) -> Stack:
    """Start inference and the router; return once both are serving (LaunchError if not)."""
    env = stack_env(inference_port or free_port(), router_port or free_port(), host, env)
    report(f"starting the inference service (logs in {logs}/); the engine takes about a minute")
    inference = start_inference(env, logs / "inference.log")
    router = start_router(env, logs / "router.log")
    stack = Stack(inference, router, report)
    try:
        wait_serving(inference, INFERENCE, timeout, lambda: model_state(inference.address), report)
        wait_serving(router, ROUTER, 60, report=report)
    except BaseException:
        stack.stop()
        raise
    return stack


# ---- test and benchmark set-ups -------------------------------------------------------------

def tiny_inference_env(tiny_models: dict[str, Path], port: int, **extra: str) -> dict[str, str]:
    """Environment for an inference service on the tiny checkpoints (tiny_model.py).

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
        "VLLM_MAX_MODEL_LEN": "8192",  # the prompt (byte-level tokens) plus 1536 answer tokens
        "VLLM_CPU_KVCACHE_SPACE": "1",
        "INFERENCE_MAX_NUM_SEQS": "8",
        "INFERENCE_MAX_PENDING": "10",
        "INFERENCE_SWITCH_GRACE_SECONDS": "5",
        "INFERENCE_SHUTDOWN_GRACE_SECONDS": "5",
    })
    env.update(extra)
    return env


def start_openai_server(model: Path, served_name: str, api_key: str, log_path: Path,
                        max_model_len: int = 8192, timeout: float = 240,
                        extra_args: list[str] = ()) -> ServiceProcess:
    """vLLM's OpenAI-compatible server on loopback; `address` is its base URL (.../v1).

    `vllm serve` itself fails with the vllm-cpu package (it looks up the "vllm"
    distribution for --version); the entrypoint module is the same server.
    """
    port = free_port()
    env = dict(os.environ)
    for name, value in {**cpu_engine_environment(), "VLLM_CPU_KVCACHE_SPACE": "1"}.items():
        env.setdefault(name, value)
    command = [sys.executable, "-m", "vllm.entrypoints.openai.api_server",
               "--model", str(model), "--served-model-name", served_name,
               "--host", "127.0.0.1", "--port", str(port), "--dtype", "float32",
               "--enforce-eager", "--max-model-len", str(max_model_len), "--api-key", api_key,
               *extra_args]
    process = subprocess.Popen(command, env=env, stdout=open(log_path, "w"),
                               stderr=subprocess.STDOUT)
    service = ServiceProcess("vLLM's OpenAI server", process, f"http://127.0.0.1:{port}/v1",
                             log_path)
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return service
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                service.stop()
                raise LaunchError(f"vLLM server did not start:\n{service.log_tail()}")
            time.sleep(0.5)
