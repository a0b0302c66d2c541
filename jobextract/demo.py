"""The main job on the embedded default: both services, one real posting, a clean stop.

    python -m jobextract.demo [--file POSTING.txt]

Starts `python -m inference_svc` (cpu profile, the prepared embedded model) and
`python -m router_svc` on loopback ports, waits for them with progress, sends the posting
to Router.Extract, prints the validated JobPosting and the routing decision as JSON, and
stops both services with SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import grpc
from google.protobuf.json_format import MessageToDict

from jobextract.healthcheck import check
from jobextract.proto import extraction_pb2 as pb
from jobextract.proto import extraction_pb2_grpc as pb_grpc

SAMPLE = """Software Engineer - Full Stack
Company: Tech Innovations Inc
Location: San Francisco, CA (Remote OK)
Salary: $120,000 - $180,000

We're looking for a full-stack engineer to build our customer platform.
Requirements: Python, React, PostgreSQL
Benefits: Health insurance, 401k, flexible PTO
"""


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="posting text (default: the README sample)")
    parser.add_argument("--logs", type=Path, default=Path("logs"))
    args = parser.parse_args(argv)
    content = args.file.read_text() if args.file else SAMPLE
    args.logs.mkdir(exist_ok=True)
    inference_port, router_port = free_port(), free_port()
    env = dict(os.environ, INFERENCE_PROFILE=os.environ.get("INFERENCE_PROFILE", "cpu"),
               INFERENCE_HOST="127.0.0.1", INFERENCE_PORT=str(inference_port),
               ROUTER_HOST="127.0.0.1", ROUTER_PORT=str(router_port),
               ROUTER_INFERENCE_ADDRESS=f"127.0.0.1:{inference_port}")
    inference_address, router_address = f"127.0.0.1:{inference_port}", f"127.0.0.1:{router_port}"
    say(f"starting the inference service (logs in {args.logs}/); the engine takes about a minute")
    processes = [start("inference_svc", env, args.logs / "inference.log")]
    try:
        processes.append(start("router_svc", env, args.logs / "router.log"))
        wait_serving("the inference service", processes[0], inference_address,
                     "jobextract.v1.Inference", args.logs / "inference.log", 600,
                     lambda: model_state(inference_address))
        wait_serving("the router", processes[1], router_address, "jobextract.v1.Router",
                     args.logs / "router.log", 60)
        say("extracting the posting (a 0.5B model on 2 CPU cores: about a minute)")
        with grpc.insecure_channel(router_address) as channel:
            try:
                reply = pb_grpc.RouterStub(channel).Extract(pb.ExtractRequest(content=content),
                                                            timeout=900)
            except grpc.RpcError as e:
                say(f"extraction failed: {e.code().name}: {e.details()}")
                return 1
        print(json.dumps(MessageToDict(reply, preserving_proto_field_name=True), indent=2))
        return 0
    finally:
        say("stopping both services")
        stop(processes)
        say("stopped: " + ", ".join(f"exit {p.returncode}" for p in processes))


if __name__ == "__main__":
    sys.exit(main())
