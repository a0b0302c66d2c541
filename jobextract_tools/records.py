"""JSONL records keyed by "id": how batch runs and evaluations resume where they stopped."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from google.protobuf.json_format import MessageToDict


def as_dict(message) -> dict:
    """A protobuf message as JSON-ready data, with the .proto's field names."""
    return MessageToDict(message, preserving_proto_field_name=True)


def _complete(path: Path | None) -> Iterator[tuple[str, dict]]:
    """(id, record) for every complete line of `path`, one line at a time (a line cut
    short by an interruption is skipped, so its item runs again)."""
    if path is None or not path.exists():
        return
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            try:
                record = json.loads(line)
                yield record["id"], record
            except (ValueError, KeyError, TypeError):
                continue


def read_records(path: Path | None) -> dict[str, dict]:
    """id -> record for every complete line of `path`."""
    return dict(_complete(path))


def read_ids(path: Path) -> set[str]:
    """The ids of every complete line of `path` (a batch of a million results resumes
    without holding them)."""
    return {record_id for record_id, _ in _complete(path)}


def open_for_append(path: Path):
    """`path` opened for appending whole lines, after ending a line an interrupted run cut."""
    cut = path.exists() and path.stat().st_size > 0 and _last_byte(path) != b"\n"
    sink = open(path, "a", encoding="utf-8")
    if cut:
        sink.write("\n")
    return sink


def append(sink, record: dict) -> None:
    """One whole line, flushed: safe to interrupt."""
    sink.write(json.dumps(record) + "\n")
    sink.flush()


def _last_byte(path: Path) -> bytes:
    with open(path, "rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1)
