"""The main job on the embedded default: both services, one real posting, a clean stop.

    python -m jobextract_tools.demo [--file POSTING.txt]

Starts `python -m inference_svc` (cpu profile, the prepared embedded model) and
`python -m router_svc` on loopback ports, waits for them with progress, sends the posting
to RouterService.Extract, prints the validated JobPosting and the routing decision as JSON, and
stops both services with SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import grpc

from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract_tools.launch import LaunchError, start_stack
from jobextract_tools.records import as_dict
from jobextract_tools.samples import SPEC_SAMPLE


def say(message: str) -> None:
    print(f"[demo] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="posting text (default: the spec's sample)")
    parser.add_argument("--logs", type=Path, default=Path("logs"))
    args = parser.parse_args(argv)
    content = args.file.read_text() if args.file else SPEC_SAMPLE
    try:
        stack = start_stack(args.logs, report=say)
    except LaunchError as e:
        say(str(e))
        return 3
    try:
        say("extracting the posting (a 0.5B model on 2 CPU cores: under a minute)")
        with grpc.insecure_channel(stack.router.address) as channel:
            try:
                reply = pb_grpc.RouterServiceStub(channel).Extract(pb.ExtractRequest(content=content),
                                                            timeout=900)
            except grpc.RpcError as e:
                say(f"extraction failed: {e.code().name}: {e.details()}")
                return 1
        print(json.dumps(as_dict(reply), indent=2))
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
