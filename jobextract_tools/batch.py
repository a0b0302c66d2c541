"""`jobextract batch`: many postings through the router in flat memory, resumable.

The input is read lazily, twice: a first pass checks every line and counts the items (so a
malformed line stops the run before any work, and the progress line has a total and an
ETA); the second feeds a bounded queue that `concurrency` workers take from. At most
`concurrency` calls are in flight and at most twice that many items are held, whatever the
input's size. Each result is one flushed JSONL line, so an interrupted run resumes by
skipping the ids already in `--out` (only the ids are kept in memory).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc

from jobextract.proto import extraction_pb2 as pb
from jobextract.proto import extraction_pb2_grpc as pb_grpc
from jobextract.security import ClientSecurity
from jobextract_tools.records import append, as_dict, open_for_append, read_ids


class BatchInputError(ValueError):
    """The input cannot be read or a line is not an item; the message names the place."""


def _parse(line: str, where: str, number: int) -> tuple[str, str]:
    try:
        row = json.loads(line)
        text = row.get("content", row.get("text"))
        if not isinstance(text, str):
            raise ValueError
    except (ValueError, AttributeError):
        raise BatchInputError(f"{where}:{number}: expected a JSON object with \"content\" "
                              "(or \"text\") and an optional \"id\"") from None
    return str(row.get("id", number)), text


def _txt_files(folder: Path) -> Iterator[Path]:
    """The folder's .txt files in name order (names only are held, not contents)."""
    names = sorted(entry.name for entry in os.scandir(folder)
                   if entry.name.endswith(".txt") and entry.is_file())
    return (folder / name for name in names)


def iter_items(source: Path) -> Iterator[tuple[str, str]]:
    """(id, text) one at a time from a JSONL file ({"id", "content"|"text"}) or a folder of
    .txt files."""
    if source.is_dir():
        for path in _txt_files(source):
            yield path.stem, path.read_text(encoding="utf-8")
        return
    try:
        with open(source, encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    yield _parse(line, str(source), number)
    except OSError as e:
        raise BatchInputError(f"cannot read {source}: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise BatchInputError(f"{source}: not UTF-8 text ({e.reason})") from None


def scan(source: Path, done: set[str]) -> tuple[int, int]:
    """Every item checked, none kept: how many there are, and how many `done` holds."""
    if source.is_dir():
        ids = [path.stem for path in _txt_files(source)]
    else:
        ids = (item_id for item_id, _ in iter_items(source))
    total = already = 0
    for item_id in ids:
        total += 1
        already += item_id in done
    return total, already


@dataclass
class Progress:
    total: int
    skipped: int
    ok: int = 0
    failed: int = 0
    started: float = 0.0
    shown: float = 0.0

    @property
    def done(self) -> int:
        return self.ok + self.failed

    def show(self, final: bool = False) -> None:
        """One line on stderr, at most 4 times a second: counts, rate and ETA."""
        now = time.monotonic()
        if not final and now - self.shown < 0.25:
            return
        self.shown = now
        todo = self.total - self.skipped
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = f", ~{_duration((todo - self.done) / rate)} left" if rate and self.done < todo else ""
        width = 30
        filled = int(width * self.done / todo) if todo else width
        print(f"\r[{'#' * filled}{'-' * (width - filled)}] {self.done}/{todo} ok {self.ok} "
              f"failed {self.failed}, {rate * 60:.1f}/min{eta}   ", end="\n" if final else "",
              file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


async def run_batch(address: str, source: Path, out: Path, concurrency: int, timeout: float,
                    security: ClientSecurity, fields: list[str] = ()) -> Progress:
    """Extract every item of `source` not already in `out` (only `fields`, when given); the
    counts at the end."""
    done = read_ids(out)
    progress = Progress(*scan(source, done))
    if progress.skipped:
        print(f"resuming: {progress.skipped} of {progress.total} already in {out}",
              file=sys.stderr)
    if progress.total == progress.skipped:
        return progress
    queue: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue(maxsize=2 * concurrency)
    metadata = security.metadata()
    progress.started = time.monotonic()

    async with security.aio_channel(address) as channel:
        stub = pb_grpc.RouterStub(channel)

        async def feed() -> None:
            for item in iter_items(source):
                if item[0] not in done:
                    await queue.put(item)
            for _ in range(concurrency):
                await queue.put(None)

        async def work(sink) -> None:
            while (item := await queue.get()) is not None:
                item_id, text = item
                try:
                    reply = await stub.Extract(pb.ExtractRequest(content=text, fields=fields),
                                               timeout=timeout, metadata=metadata)
                    record = {"id": item_id, "ok": True, **as_dict(reply)}
                    progress.ok += 1
                except grpc.aio.AioRpcError as e:
                    record = {"id": item_id, "ok": False,
                              "error": {"code": e.code().name, "message": e.details()}}
                    progress.failed += 1
                append(sink, record)  # one whole line, flushed: safe to interrupt
                progress.show()

        with open_for_append(out) as sink:
            await asyncio.gather(feed(), *(work(sink) for _ in range(concurrency)))
    progress.show(final=True)
    return progress

