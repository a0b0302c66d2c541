"""Small helpers the tests share."""

from __future__ import annotations

import asyncio
import time


async def eventually(check, timeout: float = 10.0, interval: float = 0.1):
    """Poll the async `check` until it returns a truthy value; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(interval)
