"""gRPC's own cost for a call that waits: the floor under the router's own time.

An Extract always waits for its generation, and a grpc.aio call whose handler awaits cost
more than one answered at once when measured here (1.7-1.8 ms against 0.75-0.9). A bare
grpc.aio server, in a process of its own as the router is, answers each call after
sleeping WAIT_SECONDS and returns how long it slept; the caller's time minus that sleep is
what gRPC costs such a call, with no router work in it. Read the router's own time against
it: what is above it is the router's.
"""

from __future__ import annotations

import asyncio
import statistics
import struct
import subprocess
import sys
import time

import grpc

from bench.load import pct

WAIT_SECONDS = 0.1  # about a short generation of the tiny model
METHOD = "/bench.Floor/Wait"

# The bare server: one method, raw bytes in and out (no protobuf), the sleep it measured.
SERVER = """
import asyncio, struct
import grpc

async def wait(request, context):
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.sleep(struct.unpack("d", request)[0])
    return struct.pack("d", loop.time() - started)

async def main():
    server = grpc.aio.server()
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
        "bench.Floor", {"Wait": grpc.unary_unary_rpc_method_handler(wait)})])
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    print(port, flush=True)
    await server.wait_for_termination()

asyncio.run(main())
"""


async def grpc_wait_floor(calls: int = 60) -> dict:
    """p50 / p90 milliseconds gRPC adds to a call whose handler waits, over `calls` calls
    one at a time (after 10 to warm the channel)."""
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            wait = channel.unary_unary(METHOD)
            request = struct.pack("d", WAIT_SECONDS)
            added = []
            for i in range(calls + 10):
                started = time.perf_counter()
                slept = struct.unpack("d", await wait(request, timeout=10))[0]
                if i >= 10:
                    added.append((time.perf_counter() - started - slept) * 1000)
        return {"grpc_wait_floor_ms_p50": statistics.median(added),
                "grpc_wait_floor_ms_p90": pct(added, .9)}
    finally:
        server.terminate()
        server.wait(timeout=10)
