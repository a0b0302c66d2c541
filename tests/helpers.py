"""Small helpers the tests share."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import grpc

from jobextract.status import details_of


async def eventually(check, timeout: float = 10.0, interval: float = 0.1):
    """Poll the async `check` until it returns a truthy value; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(interval)


class Outcome(NamedTuple):
    code: grpc.StatusCode
    message: str
    seconds: float
    details: dict  # jobextract.status.details_of: reason, retry_seconds, field


async def outcome(call) -> Outcome:
    """Run a call to its end: an awaitable, a streaming call, or a function returning
    either. Its status code, message, seconds and error details (empty when OK)."""
    started = time.monotonic()
    try:
        result = call() if callable(call) else call
        if hasattr(result, "__aiter__"):
            [_ async for _ in result]
        else:
            await result
        code, message, details = grpc.StatusCode.OK, "", {}
    except grpc.aio.AioRpcError as e:
        code, message, details = e.code(), e.details() or "", details_of(e)
    return Outcome(code, message, time.monotonic() - started, details)


@contextmanager
def nothing_listening() -> Iterator[str]:
    """An address where nothing listens, while the block runs: its port stays bound and not
    listening, so calls to it are refused and no server started meanwhile (one binding port
    0, or on a port free_port() found free) can take it and answer as the missing peer."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield f"127.0.0.1:{held.getsockname()[1]}"
