"""`jobextract batch`: many postings through the router in flat memory, resumable.

The input is read lazily, twice: a first pass checks every line and every id and counts the
items (so a malformed line or an id used twice stops the run before any work, and the
progress line has a total and an ETA); the second feeds a bounded queue that `concurrency`
workers take from. At most `concurrency` calls are in flight and at most twice that many
items are held, whatever the input's size. Each result is one flushed JSONL line, so an
interrupted run resumes by skipping the ids `--out` holds a result for (only the ids are
kept in memory). A failed item is retried on resume (unless `retry_failed` is off): its
failed record is dropped from `--out` first, so the output keeps one record per id.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
from tqdm import tqdm

from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract.security import ClientSecurity
from jobextract_tools.records import append, as_dict, complete_records, open_for_append


class BatchInputError(ValueError):
    """The input cannot be read or a line is not an item; the message names the place."""


@dataclass(frozen=True)
class Unreadable:
    """A folder's file that cannot be read as text: recorded as a failed item, so one bad
    file does not stop the rest of the folder."""
    reason: str


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


class NotText(ValueError):
    """Bytes that are not a text posting; the message names the source and why."""


def decode_text(data: bytes, name: str) -> str:
    """`data` as UTF-8 text, or NotText. A PDF or a Latin-1 file is caught here, with its
    name, rather than as a decoding traceback, or as gRPC's refusal of a message that is
    not UTF-8, which does not say which input it was."""
    if (nul := data.find(b"\0")) >= 0:
        raise NotText(f"{name} looks binary (a NUL byte at byte {nul}), not a text posting")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise NotText(f"{name} is not UTF-8 text ({e.reason} at byte {e.start})") from None


def _read_txt(path: Path) -> str | Unreadable:
    try:
        return decode_text(path.read_bytes(), path.name)
    except NotText as e:
        return Unreadable(str(e))
    except OSError as e:
        return Unreadable(f"cannot read {path.name}: {e.strerror}")


def iter_items(source: Path) -> Iterator[tuple[str, str | Unreadable]]:
    """(id, text) one at a time from a JSONL file ({"id", "content"|"text"}) or a folder of
    .txt files (a file that is not UTF-8 text comes as Unreadable)."""
    if source.is_dir():
        for path in _txt_files(source):
            yield path.stem, _read_txt(path)
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


def _ids(source: Path) -> Iterator[str]:
    """The items' ids in input order (a folder's from its file names, no file read)."""
    if source.is_dir():
        return (path.stem for path in _txt_files(source))
    return (item_id for item_id, _ in iter_items(source))


class _Repeats:
    """Which id the input uses twice, at 8 bytes an id: the ids' hashes, in 256 arrays
    counted one at a time (a set of the ids themselves would grow with the input, and the
    batch's memory is meant to stay flat). Equal hashes are confirmed on the ids."""

    def __init__(self) -> None:
        self._buckets = [array("Q") for _ in range(256)]

    @staticmethod
    def _digest(item_id: str) -> int:
        return hash(item_id) & 0xFFFF_FFFF_FFFF_FFFF  # unsigned, for the arrays

    def add(self, item_id: str) -> None:
        digest = self._digest(item_id)
        self._buckets[digest & 0xFF].append(digest)

    def first(self, ids: Callable[[], Iterable[str]]) -> str | None:
        """The first id seen twice, from a second pass over `ids()` if any hashes met."""
        clashes = {digest for bucket in self._buckets
                   for digest, count in Counter(bucket).items() if count > 1}
        if not clashes:
            return None
        seen: set[str] = set()
        for item_id in ids():
            if self._digest(item_id) in clashes:
                if item_id in seen:
                    return item_id
                seen.add(item_id)
        return None


def scan(source: Path, done: set[str], failed: set[str]) -> tuple[int, int, set[str]]:
    """The first pass: every item checked, none kept. How many there are, how many `done`
    holds, and the input's ids among `failed` (to retry)."""
    total = already = 0
    retry: set[str] = set()
    repeats = _Repeats()
    for item_id in _ids(source):
        total += 1
        already += item_id in done
        if item_id in failed:
            retry.add(item_id)
        repeats.add(item_id)
    if (twice := repeats.first(lambda: _ids(source))) is not None:
        raise BatchInputError(f"{source}: the id {twice!r} is used more than once (a line "
                              "without an \"id\" has its line number as id)")
    return total, already, retry


def read_outcomes(out: Path) -> tuple[set[str], set[str]]:
    """The ids `out` holds a result for, and those of them it holds only failures for."""
    ok: set[str] = set()
    failed: set[str] = set()
    for record_id, record in complete_records(out):
        (ok if record.get("ok") else failed).add(record_id)
    return ok, failed - ok


def drop_records(out: Path, ids: set[str]) -> None:
    """`out` without the records of `ids`, replaced at once (an interruption leaves the old
    file): the items about to be retried, so each id keeps one record, the latest."""
    kept = out.with_name(out.name + ".tmp")
    with open(kept, "w", encoding="utf-8") as sink:
        for record_id, record in complete_records(out):
            if record_id not in ids:
                sink.write(json.dumps(record) + "\n")
    os.replace(kept, out)


PLAIN_EVERY = 30.0  # seconds between progress lines when stderr is not a terminal


@dataclass
class Progress:
    """The run's counts, shown as a tqdm bar on a terminal; elsewhere (a log, a CI job) as
    a plain line every PLAIN_EVERY seconds and one at the end, since a bar redrawn with
    carriage returns turns a log into one unreadable line."""
    total: int
    skipped: int
    kept_failed: int = 0  # failed records of earlier runs left in the output, not retried
    ok: int = 0
    failed: int = 0
    started: float = 0.0
    shown: float = 0.0
    bar: tqdm | None = None

    @property
    def done(self) -> int:
        return self.ok + self.failed

    @property
    def todo(self) -> int:
        return self.total - self.skipped

    def start(self) -> None:
        self.started = self.shown = time.monotonic()
        if sys.stderr.isatty():
            self.bar = tqdm(total=self.todo, unit="posting", file=sys.stderr,
                            dynamic_ncols=True)

    def count(self, ok: bool) -> None:
        if ok:
            self.ok += 1
        else:
            self.failed += 1
        if self.bar is not None:
            self.bar.set_postfix(ok=self.ok, failed=self.failed, refresh=False)
            self.bar.update(1)
        elif time.monotonic() - self.shown >= PLAIN_EVERY:
            self._print_line()

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.close()  # left drawn, complete
        else:
            self._print_line()

    def _print_line(self) -> None:
        """Counts, rate and ETA, as one plain line on stderr."""
        self.shown = now = time.monotonic()
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (f", ~{_duration((self.todo - self.done) / rate)} left"
               if rate and self.done < self.todo else "")
        print(f"{self.done}/{self.todo} done: ok {self.ok}, failed {self.failed}, "
              f"{rate * 60:.1f}/min{eta}", file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _failure(item_id: str, code: str, message: str) -> dict:
    return {"id": item_id, "ok": False, "error": {"code": code, "message": message}}


async def run_batch(address: str, source: Path, out: Path, concurrency: int, timeout: float,
                    security: ClientSecurity, fields: list[str] = (),
                    retry_failed: bool = True) -> Progress:
    """Extract every item of `source` without a result in `out` (only `fields`, when given),
    and, with `retry_failed`, every item `out` holds a failure for; the counts at the end."""
    ok, failed = read_outcomes(out)
    done = ok if retry_failed else ok | failed
    total, skipped, retry = scan(source, done, failed if retry_failed else set())
    if total == 0:  # most likely the wrong path: say so rather than "0 extracted"
        what = "no .txt file in the folder" if source.is_dir() else "no posting in the file"
        raise BatchInputError(f"{source}: nothing to extract ({what})")
    progress = Progress(total, skipped, kept_failed=len(failed) - len(retry))
    if skipped or retry:
        again = f", retrying {len(retry)} that failed" if retry else ""
        print(f"resuming: {skipped} of {total} already in {out}{again}", file=sys.stderr)
    if total == skipped:
        return progress
    if retry:
        drop_records(out, retry)
    queue: asyncio.Queue[tuple[str, str | Unreadable] | None] = asyncio.Queue(
        maxsize=2 * concurrency)
    metadata = security.metadata()
    progress.start()

    async with security.aio_channel(address) as channel:
        stub = pb_grpc.RouterServiceStub(channel)

        async def feed() -> None:
            for item in iter_items(source):
                if item[0] not in done:
                    await queue.put(item)
            for _ in range(concurrency):
                await queue.put(None)

        async def extract(item_id: str, text: str | Unreadable) -> dict:
            if isinstance(text, Unreadable):
                return _failure(item_id, "UNREADABLE", text.reason)
            try:
                reply = await stub.Extract(pb.ExtractRequest(content=text, fields=fields),
                                           timeout=timeout, metadata=metadata)
            except grpc.aio.AioRpcError as e:
                return _failure(item_id, e.code().name, e.details())
            return {"id": item_id, "ok": True, **as_dict(reply)}

        async def work(sink) -> None:
            while (item := await queue.get()) is not None:
                record = await extract(*item)
                append(sink, record)  # one whole line, flushed: safe to interrupt
                progress.count(record["ok"])

        with open_for_append(out) as sink:
            await asyncio.gather(feed(), *(work(sink) for _ in range(concurrency)))
    progress.finish()
    return progress
