"""What keys, TLS and metrics cost per call, side by side with plaintext, and how fast the
router's concurrency bound refuses.

    python -m bench.security [--calls 400] [--rounds 5]

Five routers in this process (plaintext; keys; TLS; TLS + keys; gRPC metrics), no inference
needed: RouterService.Analyze on the spec's sample posting, the same calls interleaved round by
round on warm channels, so machine noise falls on all alike. Reported: p50/p90 per call,
the ratio to plaintext and the added microseconds, a new TLS connection's set-up, the time
to build one error's details; and the bound: 200 concurrent Extract calls against a router
process with ROUTER_MAX_CONCURRENT=8.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import grpc

from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract.security import ClientSecurity
from jobextract.status import details
from jobextract_tools.certs import make_authority
from jobextract_tools.launch import free_port, start_router
from jobextract_tools.samples import SPEC_SAMPLE
from router_svc.config import RouterSettings
from router_svc.server import build_router, close_extractor

KEY = "bench-key-0123456789abcdef"
RESULTS = Path(__file__).resolve().parent / "results"


async def start(settings: dict):
    values = {"ROUTER_HOST": "127.0.0.1", "ROUTER_PORT": 0, "OPENAI_API_KEY": None,
              "ROUTER_INFERENCE_ADDRESS": "127.0.0.1:9"}
    values.update(settings)
    server, health, port, extractor = build_router(RouterSettings(_env_file=None, **values))
    await server.start()
    return server, extractor, f"127.0.0.1:{port}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def per_call(calls: int, rounds: int, pki) -> dict:
    tls = {"ROUTER_TLS_CERT": str(pki.server.cert), "ROUTER_TLS_KEY": str(pki.server.key)}
    setups = {"plaintext": ({}, ClientSecurity()),
              "keys": ({"ROUTER_API_KEYS": KEY}, ClientSecurity(key=KEY)),
              "tls": (tls, ClientSecurity(tls_ca=pki.ca)),
              "tls+keys": ({**tls, "ROUTER_API_KEYS": KEY}, ClientSecurity(key=KEY, tls_ca=pki.ca)),
              # gRPC server metrics counted on every call (the HTTP endpoint is not started)
              "metrics": ({"ROUTER_METRICS_PORT": free_port()}, ClientSecurity())}
    running = {}
    for name, (settings, client) in setups.items():
        server, extractor, address = await start(settings)
        channel = client.aio_channel(address)
        running[name] = (server, extractor, channel, pb_grpc.RouterServiceStub(channel), client,
                         address)
    request = pb.AnalyzeRequest(content=SPEC_SAMPLE)
    times: dict[str, list[float]] = {name: [] for name in setups}
    try:
        for name, (_, _, _, stub, client, _) in running.items():  # warm up
            for _ in range(20):
                await stub.Analyze(request, metadata=client.metadata())
        per_round = calls // rounds
        for _ in range(rounds):
            for name, (_, _, _, stub, client, _) in running.items():
                metadata = client.metadata()
                for _ in range(per_round):
                    started = time.perf_counter()
                    await stub.Analyze(request, metadata=metadata)
                    times[name].append((time.perf_counter() - started) * 1e6)
        # A new connection each time: what a client that does not reuse channels pays.
        connect: dict[str, float] = {}
        for name in ("plaintext", "tls+keys"):
            _, _, _, _, client, address = running[name]
            samples = []
            for _ in range(20):
                started = time.perf_counter()
                async with client.aio_channel(address) as fresh:
                    await pb_grpc.RouterServiceStub(fresh).Analyze(request, metadata=client.metadata())
                samples.append((time.perf_counter() - started) * 1e6)
            connect[name] = statistics.median(samples)
    finally:
        for server, extractor, channel, *_ in running.values():
            await channel.close()
            await server.stop(0)
            await close_extractor(extractor)
    base = statistics.median(times["plaintext"])
    rows = {name: {"p50_us": statistics.median(t), "p90_us": percentile(t, 0.9),
                   "ratio_to_plaintext": statistics.median(t) / base,
                   "added_us": statistics.median(t) - base, "calls": len(t)}
            for name, t in times.items()}
    return {"per_call": rows, "new_connection_us": connect}


async def bound(concurrency: int = 200, limit: int = 8) -> dict:
    """`concurrency` Extract calls at once against a router process with a bound of `limit`.
    Its inference is down and it has no cloud, so the admitted calls stay in progress
    (waiting for inference for 3 s) while the rest arrive: how many are refused, how fast,
    measured by a client in another process."""
    port = free_port()
    env = {**os.environ, "ROUTER_HOST": "127.0.0.1", "ROUTER_PORT": str(port),
           "ROUTER_INFERENCE_ADDRESS": f"127.0.0.1:{free_port()}", "OPENAI_API_KEY": "",
           "ROUTER_MAX_CONCURRENT": str(limit), "ROUTER_LOCAL_UNAVAILABLE_WAIT_SECONDS": "3"}
    with tempfile.TemporaryDirectory() as logs:
        router = start_router(env, Path(logs) / "router.log")
        try:
            async with grpc.aio.insecure_channel(router.address) as channel:
                await asyncio.wait_for(channel.channel_ready(), timeout=60)
                stub = pb_grpc.RouterServiceStub(channel)
                request = pb.ExtractRequest(content=SPEC_SAMPLE)

                async def one(call) -> tuple[str, float]:
                    started = time.perf_counter()
                    try:
                        await call()
                        kind = "ok"
                    except grpc.aio.AioRpcError as e:
                        kind = {grpc.StatusCode.RESOURCE_EXHAUSTED: "rejected",
                                grpc.StatusCode.UNAVAILABLE: "held"}.get(e.code(), "other")
                    return kind, (time.perf_counter() - started) * 1000

                results = await asyncio.gather(*(one(lambda: stub.Extract(request, timeout=60))
                                                 for _ in range(concurrency)))
                # The same burst of the cheapest call there is: what the burst itself costs.
                trivial = [ms for _, ms in await asyncio.gather(
                    *(one(lambda: stub.GetStats(pb.GetStatsRequest(), timeout=60))
                      for _ in range(concurrency)))]
        finally:
            router.stop()
    ms = {kind: [t for k, t in results if k == kind] for kind in ("held", "rejected", "other")}
    return {"calls": concurrency, "limit": limit,
            **{kind: len(times) for kind, times in ms.items()},
            "hung": 0,  # every call above returned: gather ends only when all have
            "rejection_p50_ms": statistics.median(ms["rejected"]) if ms["rejected"] else None,
            "rejection_p99_ms": percentile(ms["rejected"], 0.99) if ms["rejected"] else None,
            "rejection_max_ms": max(ms["rejected"], default=None),
            "same_burst_of_GetStats_p50_ms": statistics.median(trivial),
            "same_burst_of_GetStats_p99_ms": percentile(trivial, 0.99)}


def error_details_us(reps: int = 20_000) -> float:
    """Building one error's google.rpc.Status (ErrorInfo and BadRequest): what every
    INVALID_ARGUMENT now costs on top of the error itself; successes pay nothing."""
    started = time.perf_counter()
    for _ in range(reps):
        details(grpc.StatusCode.INVALID_ARGUMENT, "content is empty", "INVALID_FIELD", "content")
    return (time.perf_counter() - started) / reps * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400, help="calls per router")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        pki = make_authority(Path(folder))
        out = asyncio.run(per_call(args.calls, args.rounds, pki))
    out["error_details_us"] = error_details_us()
    out["bound"] = asyncio.run(bound())
    for name, row in out["per_call"].items():
        print(f"{name:10s} p50 {row['p50_us']:7.0f} us  p90 {row['p90_us']:7.0f} us  "
              f"x{row['ratio_to_plaintext']:.2f}  +{row['added_us']:.0f} us")
    print(json.dumps({"new_connection_us": out["new_connection_us"], "bound": out["bound"]},
                     indent=2))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / (f"{datetime.now(timezone.utc):%Y-%m-%d}-{platform.node()}-security.json")
    path.write_text(json.dumps(out, indent=2))
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
