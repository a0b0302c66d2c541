"""jobextract: the command line for the router (and for running both services locally).

    jobextract serve                      both services on this machine, until Ctrl-C
    jobextract extract FILE|-             one posting -> JSON on stdout
    jobextract batch IN.jsonl|DIR --out results.jsonl [--concurrency N] [--no-retry-failed]
    jobextract analyze FILE|-             the routing decision only
    jobextract stats | health             the router's counters | exit 0 when serving
    jobextract models prepare [--model 1.5b] | --profile gpu-16gb
    jobextract eval [...]                 quality on ../shared/evaldata (or --data DIR)

Exit codes: 0 done; 1 some batch items failed (--out holds a failure); 2 bad input or usage;
3 the service is unreachable or cannot serve; 4 the extraction failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import grpc

from jobextract.security import ClientSecurity
from jobextract.status import details_of
from jobextract.proto import extraction_pb2 as pb
from jobextract.proto import extraction_pb2_grpc as pb_grpc
from jobextract_tools.records import as_dict

EXIT_OK, EXIT_PARTIAL, EXIT_INPUT, EXIT_UNAVAILABLE, EXIT_FAILED = 0, 1, 2, 3, 4
UNAVAILABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.FAILED_PRECONDITION,
               grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.DEADLINE_EXCEEDED}


class CliError(Exception):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


def read_text(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as e:
        raise CliError(f"cannot read {source}: {e.strerror}", EXIT_INPUT) from None


def rpc_error(e: grpc.RpcError, address: str) -> CliError:
    code, details = e.code(), e.details()
    why = details_of(e)
    if why.get("reason"):  # the machine-readable reason, and when to retry
        retry = f", retry in {why['retry_seconds']:g} s" if "retry_seconds" in why else ""
        details = f"{details} [{why['reason']}{retry}]"
    if code == grpc.StatusCode.UNAVAILABLE and "connect" in (details or ""):
        return CliError(f"cannot reach the router at {address}: is it running? "
                        "(`jobextract serve` starts both services)", EXIT_UNAVAILABLE)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return CliError(f"rejected: {details}", EXIT_INPUT)
    return CliError(f"{code.name.lower().replace('_', ' ')}: {details}",
                    EXIT_UNAVAILABLE if code in UNAVAILABLE else EXIT_FAILED)


def security_of(args) -> ClientSecurity:
    """The key and TLS settings: the options, else JOBEXTRACT_API_KEY / JOBEXTRACT_TLS_*."""
    return ClientSecurity.from_env().overridden(
        key=args.key, tls_ca=args.tls_ca, tls_cert=args.tls_cert, tls_key=args.tls_key,
        server_name=args.tls_server_name)


def call(args, method: str, request):
    security = security_of(args)
    with security.channel(args.address) as channel:
        try:
            return getattr(pb_grpc.RouterStub(channel), method)(
                request, timeout=args.timeout, metadata=security.metadata())
        except grpc.RpcError as e:
            raise rpc_error(e, args.address) from None


# ---- commands -----------------------------------------------------------------------------

def cmd_extract(args) -> int:
    reply = call(args, "Extract", pb.ExtractRequest(content=read_text(args.file),
                                                    fields=args.fields))
    print(json.dumps(as_dict(reply), indent=2))
    return EXIT_OK


def cmd_analyze(args) -> int:
    reply = call(args, "Analyze", pb.AnalyzeRequest(content=read_text(args.file)))
    print(json.dumps(as_dict(reply), indent=2))
    return EXIT_OK


def cmd_stats(args) -> int:
    print(json.dumps(as_dict(call(args, "GetStats", pb.GetStatsRequest())), indent=2))
    return EXIT_OK


def cmd_health(args) -> int:
    from jobextract.healthcheck import check

    status = check(args.address, args.service, timeout=args.timeout, security=security_of(args))
    print(f"{args.address} {args.service or '(server)'}: {status}")
    return EXIT_OK if status == "SERVING" else EXIT_UNAVAILABLE


def cmd_batch(args) -> int:
    from jobextract_tools.batch import BatchInputError, run_batch

    if args.concurrency < 1:
        raise CliError("--concurrency must be at least 1", EXIT_INPUT)
    try:
        progress = asyncio.run(run_batch(args.address, args.input, args.out, args.concurrency,
                                         args.timeout, security_of(args), args.fields,
                                         args.retry_failed))
    except BatchInputError as e:
        raise CliError(str(e), EXIT_INPUT) from None
    if progress.total > progress.skipped:
        print(f"{progress.ok} extracted, {progress.failed} failed; results in {args.out}",
              file=sys.stderr)
    if progress.kept_failed:
        print(f"{progress.kept_failed} failed earlier and not retried; still in {args.out}",
              file=sys.stderr)
    # Partial while the output holds any failure, so a rerun that retried nothing is not 0.
    return EXIT_PARTIAL if progress.failed or progress.kept_failed else EXIT_OK


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def cmd_serve(args) -> int:
    from jobextract_tools.launch import LaunchError, start_stack

    # SIGTERM stops both services as Ctrl-C does, also while they are starting.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        stack = start_stack(args.logs, router_port=args.port,
                            inference_port=args.inference_port, host=args.host)
    except LaunchError as e:
        raise CliError(str(e), EXIT_UNAVAILABLE) from None
    try:  # from here on, whatever happens, both services are stopped
        print(f"router at {stack.router.address}, inference at {stack.inference.address}; "
              "Ctrl-C stops both", file=sys.stderr)
        while all(s.process.poll() is None for s in stack.services):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
    return EXIT_OK


def cmd_models(args) -> int:
    from inference_svc.prepare import main as prepare_main

    return prepare_main(["--model", args.model, "--profile", args.profile,
                         "--cache-dir", str(args.cache_dir)])


def cmd_eval(args) -> int:
    from jobextract_tools.eval.command import main as eval_main

    return eval_main(["--address", args.address, *args.rest])


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jobextract", description=__doc__.splitlines()[0])
    p.add_argument("--address", default=os.environ.get("JOBEXTRACT_ADDRESS", "localhost:50051"),
                   help="the router (env JOBEXTRACT_ADDRESS)")
    p.add_argument("--timeout", type=float, default=900, help="seconds per call")
    p.add_argument("--key", default=None, help="API key (env JOBEXTRACT_API_KEY)")
    p.add_argument("--tls-ca", type=Path, help="TLS: the CA of the router's certificate "
                                              "(env JOBEXTRACT_TLS_CA)")
    p.add_argument("--tls-cert", type=Path, help="mTLS: client certificate (env JOBEXTRACT_TLS_CERT)")
    p.add_argument("--tls-key", type=Path, help="mTLS: client key (env JOBEXTRACT_TLS_KEY)")
    p.add_argument("--tls-server-name", help="TLS: the certificate's name, when not the "
                                             "address's host")
    sub = p.add_subparsers(dest="command", required=True)
    fields = dict(type=lambda v: [f.strip() for f in v.split(",") if f.strip()], default=[],
                  help="only these fields, comma-separated (e.g. title,company,salary)")
    s = sub.add_parser("extract", help="extract one posting")
    s.add_argument("file", help="a text file, or - for stdin")
    s.add_argument("--fields", **fields)
    s.set_defaults(run=cmd_extract)
    s = sub.add_parser("analyze", help="the routing decision only")
    s.add_argument("file")
    s.set_defaults(run=cmd_analyze)
    s = sub.add_parser("batch", help="many postings, resumable")
    s.add_argument("input", type=Path, help="JSONL ({id, content}) or a folder of .txt files")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--concurrency", type=int, default=4)
    s.add_argument("--fields", **fields)
    s.add_argument("--retry-failed", action=argparse.BooleanOptionalAction, default=True,
                   help="on resume, run again the items --out holds a failure for "
                        "(default: on)")
    s.set_defaults(run=cmd_batch)
    sub.add_parser("stats", help="the router's counters").set_defaults(run=cmd_stats)
    s = sub.add_parser("health", help="exit 0 when serving")
    s.add_argument("--service", default="jobextract.v1.Router")
    s.set_defaults(run=cmd_health)
    s = sub.add_parser("serve", help="run both services here until Ctrl-C")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=50051)
    s.add_argument("--inference-port", type=int, default=50052)
    s.add_argument("--logs", type=Path, default=Path("logs"))
    s.set_defaults(run=cmd_serve)
    s = sub.add_parser("models", help="model files")
    s.add_argument("action", choices=["prepare"])
    s.add_argument("--model", choices=["0.5b", "1.5b"], default="0.5b")
    s.add_argument("--profile", choices=["cpu", "gpu-16gb"], default="cpu",
                   help="gpu-16gb: fetch every GPU tier from the hub once (then offline)")
    s.add_argument("--cache-dir", type=Path,
                   default=Path(os.environ.get("MODEL_CACHE_DIR", "models")))
    s.set_defaults(run=cmd_models)
    # Its options are the evaluation's own (`jobextract eval --help`), passed through.
    s = sub.add_parser("eval", help="quality on the shared evaluation data", add_help=False)
    s.set_defaults(run=cmd_eval, passes_options=True)
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args, rest = p.parse_known_args(argv)
    if rest and not getattr(args, "passes_options", False):
        p.error(f"unrecognized arguments: {' '.join(rest)}")
    args.rest = rest
    try:
        return args.run(args)
    except CliError as e:
        print(f"jobextract: {e}", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print("jobextract: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
