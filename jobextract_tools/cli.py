"""jobextract: the command line for the router (and for running both services locally).

    jobextract serve                      both services on this machine, until Ctrl-C
    jobextract extract FILE|- [--compact] one posting -> JSON on stdout
    jobextract batch IN.jsonl|DIR --out OUT [--format jsonl|json|csv] [--concurrency N]
    jobextract analyze FILE|-             the routing decision only
    jobextract stats | health             the router's counters | exit 0 when serving
    jobextract models prepare [--model 1.5b] | --profile gpu-16gb
    jobextract eval [...]                 quality on ../shared/evaldata (or --data DIR)

The router's options (--address, --timeout, --key, --tls-*) go before or after the
subcommand. Exit codes: 0 done; 1 some batch items failed (--out holds a failure);
2 bad input or usage; 3 the service is unreachable or cannot serve; 4 the extraction failed.
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
from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract_tools.records import FORMATS, as_dict

EXIT_OK, EXIT_PARTIAL, EXIT_INPUT, EXIT_UNAVAILABLE, EXIT_FAILED = 0, 1, 2, 3, 4
UNAVAILABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.FAILED_PRECONDITION,
               grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.DEADLINE_EXCEEDED}


class CliError(Exception):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


def read_text(source: str) -> str:
    """The posting in `source` (a file, or - for stdin), as bytes decoded here, so that
    binary or non-UTF-8 input is a usage error naming it rather than a traceback."""
    from jobextract_tools.batch import NotText, decode_text

    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        return decode_text(data, "stdin" if source == "-" else source)
    except OSError as e:
        raise CliError(f"cannot read {source}: {e.strerror}", EXIT_INPUT) from None
    except NotText as e:
        raise CliError(str(e), EXIT_INPUT) from None


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


def call(args, method: str, request, each=None):
    """`method`'s reply; for a streaming method, each event goes to `each` as it comes and
    the last is returned."""
    security = security_of(args)
    with security.channel(args.address) as channel:
        try:
            reply = getattr(pb_grpc.RouterServiceStub(channel), method)(
                request, timeout=args.timeout, metadata=security.metadata())
            if each is None:
                return reply
            last = None
            for last in reply:
                each(last)
            return last
        except grpc.RpcError as e:
            raise rpc_error(e, args.address) from None


def print_json(args, message) -> None:
    print(json.dumps(as_dict(message), indent=None if args.compact else 2))


class ExtractProgress:
    """What one extraction is doing, from ExtractStream's events, on stderr: the routing
    decision, each attempt (a retry or the cloud fallback restarts the count) and the tokens
    streamed so far. A generation takes seconds to minutes on a CPU; without this a
    terminal shows nothing meanwhile. tqdm draws nothing when stderr is not a terminal
    (disable=None), so logs and pipes get only the JSON."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=None, unit=" tokens", file=sys.stderr, disable=None,
                        leave=False, dynamic_ncols=True, desc="routing",
                        bar_format="{desc}: {n_fmt} tokens streamed [{elapsed}, {rate_fmt}]")

    def __call__(self, event: pb.ExtractStreamResponse) -> None:
        kind = event.WhichOneof("event")
        if kind == "decision":
            d = event.decision
            where = f"local {d.model}" if d.use_local else "cloud"
            self.bar.set_description_str(f"{d.token_count} tokens in, {where}")
        elif kind == "attempt":
            a = event.attempt
            route = pb.Route.Name(a.route).removeprefix("ROUTE_").lower()
            why = f" ({a.reason})" if a.reason else ""
            self.bar.set_description_str(f"attempt {a.attempt}, {route}{why}")
            self.bar.reset()  # the earlier attempt's text is void
        elif kind == "delta":
            self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


# ---- commands -----------------------------------------------------------------------------

def cmd_extract(args) -> int:
    request = pb.ExtractStreamRequest(content=read_text(args.file), fields=args.fields)
    progress = ExtractProgress()
    try:
        event = call(args, "ExtractStream", request, each=progress)
    finally:
        progress.close()
    if event is None or not event.HasField("result"):
        raise CliError("the router ended the stream without a result", EXIT_FAILED)
    print_json(args, event.result)
    return EXIT_OK


def cmd_analyze(args) -> int:
    print_json(args, call(args, "Analyze", pb.AnalyzeRequest(content=read_text(args.file))))
    return EXIT_OK


def cmd_stats(args) -> int:
    print_json(args, call(args, "GetStats", pb.GetStatsRequest()))
    return EXIT_OK


def cmd_health(args) -> int:
    from jobextract.healthcheck import check

    status = check(args.address, args.service, timeout=args.timeout, security=security_of(args))
    print(f"{args.address} {args.service or '(server)'}: {status}")
    return EXIT_OK if status == "SERVING" else EXIT_UNAVAILABLE


def journal_of(out: Path, fmt: str) -> Path:
    """Where a batch appends its records: `out` itself for JSONL; for JSON and CSV, which
    cannot be appended to and resumed from, OUT.records.jsonl beside it, converted into
    `out` at the end of every run (so a rerun resumes from it)."""
    return out if fmt == "jsonl" else out.with_name(out.name + ".records.jsonl")


def cmd_batch(args) -> int:
    from jobextract_tools.batch import BatchInputError, run_batch
    from jobextract_tools.records import export

    if args.concurrency < 1:
        raise CliError("--concurrency must be at least 1", EXIT_INPUT)
    journal = journal_of(args.out, args.format)
    try:
        progress = asyncio.run(run_batch(args.address, args.input, journal, args.concurrency,
                                         args.timeout, security_of(args), args.fields,
                                         args.retry_failed))
    except BatchInputError as e:
        raise CliError(str(e), EXIT_INPUT) from None
    if journal != args.out:
        export(journal, args.out, args.format, args.compact)
    if progress.total > progress.skipped:
        kept = f" (records for a rerun in {journal})" if journal != args.out else ""
        print(f"{progress.ok} extracted, {progress.failed} failed; results in {args.out}"
              f"{kept}", file=sys.stderr)
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

    return eval_main(["--address", args.address, *args.rest], prog="jobextract eval")


class Help(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults shown after every option's help, and the docstrings' layout kept. An option
    that is off or unset by default (None, False, []) gets no "(default: None)": its help
    says what leaving it out means."""

    def _get_help_string(self, action):
        if action.default in (None, False, []) or action.required:
            return action.help
        return super()._get_help_string(action)


def fields_list(value: str) -> list[str]:
    """--fields: names separated by commas. Only commas or spaces is an error, not "all
    fields" (which is leaving the option out): a script that built an empty list by mistake
    should hear of it."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"names no field: {value!r} (leave --fields out "
                                         "for all fields)")
    return names


def add_router_options(p: argparse.ArgumentParser, after_subcommand: bool) -> None:
    """The options of a call to the router, on the main parser and again on each subcommand
    that calls it, so they work before and after the subcommand. After it they default to
    SUPPRESS: a subcommand's own default would otherwise overwrite what was given before
    it. Their help then states the default itself."""
    options = {
        "--address": dict(default=os.environ.get("JOBEXTRACT_ADDRESS", "localhost:50051"),
                          help="the router, host:port (env JOBEXTRACT_ADDRESS)"),
        "--timeout": dict(type=float, default=900.0,
                          help="deadline of each call to the router, in seconds"),
        "--key": dict(default=None, help="API key (env JOBEXTRACT_API_KEY; none when unset)"),
        "--tls-ca": dict(type=Path, default=None,
                         help="TLS: the CA of the router's certificate (env JOBEXTRACT_TLS_CA)"),
        "--tls-cert": dict(type=Path, default=None,
                           help="mTLS: client certificate (env JOBEXTRACT_TLS_CERT)"),
        "--tls-key": dict(type=Path, default=None,
                          help="mTLS: client key (env JOBEXTRACT_TLS_KEY)"),
        "--tls-server-name": dict(default=None,
                                  help="TLS: the certificate's name, when not the address's host"),
    }
    group = p.add_argument_group("router options (before or after the subcommand)")
    for flag, spec in options.items():
        if after_subcommand:
            shown = "" if spec["default"] is None else f" (default: {spec['default']})"
            spec = dict(spec, help=spec["help"] + shown, default=argparse.SUPPRESS)
        group.add_argument(flag, **spec)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jobextract", description=__doc__, formatter_class=Help)
    add_router_options(p, after_subcommand=False)
    router = argparse.ArgumentParser(add_help=False)
    add_router_options(router, after_subcommand=True)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND",
                           help="`jobextract COMMAND --help` for its options")

    def command(name: str, run, help: str, calls_router: bool = True, **kw):
        s = sub.add_parser(name, help=help, description=help, formatter_class=Help,
                           parents=[router] if calls_router else [], **kw)
        s.set_defaults(run=run)
        return s

    fields = dict(type=fields_list, default=[],
                  help="only these fields, comma-separated (e.g. title,company,salary); "
                       "all when left out")
    compact = dict(action="store_true", help="JSON on one line instead of indented")
    s = command("extract", cmd_extract, "extract one posting (JSON on stdout; progress on "
                                        "stderr when it is a terminal)")
    s.add_argument("file", help="a UTF-8 text file, or - for stdin")
    s.add_argument("--fields", **fields)
    s.add_argument("--compact", **compact)
    s = command("analyze", cmd_analyze, "the routing decision only")
    s.add_argument("file", help="a UTF-8 text file, or - for stdin")
    s.add_argument("--compact", **compact)
    s = command("batch", cmd_batch, "many postings, resumable")
    s.add_argument("input", type=Path, help="JSONL ({id, content}) or a folder of .txt files")
    s.add_argument("--out", type=Path, required=True,
                   help="the results; a rerun skips the ids it holds a result for")
    s.add_argument("--format", choices=FORMATS, default="jsonl",
                   help="jsonl: one record a line, appended as they come; json: an array; "
                        "csv: a row per record, lists joined by '; ' (json and csv are "
                        "written at the end, from OUT.records.jsonl)")
    s.add_argument("--compact", **dict(compact, help="--format json on one line"))
    s.add_argument("--concurrency", type=int, default=4, help="calls in flight at once")
    s.add_argument("--fields", **fields)
    s.add_argument("--retry-failed", action=argparse.BooleanOptionalAction, default=True,
                   help="on resume, run again the items --out holds a failure for")
    s = command("stats", cmd_stats, "the router's counters")
    s.add_argument("--compact", **compact)
    s = command("health", cmd_health, "exit 0 when serving")
    s.add_argument("--service", default="jobextract.v1.RouterService",
                   help="the gRPC health service name to ask about ('' for the server)")
    s = command("serve", cmd_serve, "run both services here until Ctrl-C", calls_router=False)
    s.add_argument("--host", default="127.0.0.1", help="the address both services listen on")
    s.add_argument("--port", type=int, default=50051, help="the router's port")
    s.add_argument("--inference-port", type=int, default=50052,
                   help="the inference service's port")
    s.add_argument("--logs", type=Path, default=Path("logs"),
                   help="folder of the services' log files")
    s = command("models", cmd_models, "model files", calls_router=False)
    s.add_argument("action", choices=["prepare"],
                   help="prepare: fetch the model files into --cache-dir")
    s.add_argument("--model", choices=["0.5b", "1.5b"], default="0.5b",
                   help="the embedded CPU model to fetch")
    s.add_argument("--profile", choices=["cpu", "gpu-16gb"], default="cpu",
                   help="gpu-16gb: fetch every GPU tier from the hub once (then offline)")
    s.add_argument("--cache-dir", type=Path,
                   default=Path(os.environ.get("MODEL_CACHE_DIR", "models")),
                   help="where models are kept (env MODEL_CACHE_DIR)")
    # Its options are the evaluation's own (`jobextract eval --help`), passed through.
    command("eval", cmd_eval, "quality on the shared evaluation data (see jobextract eval "
                              "--help)", calls_router=False, add_help=False
            ).set_defaults(passes_options=True)
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
