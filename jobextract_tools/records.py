"""JSONL records keyed by "id": how batch runs and evaluations resume where they stopped."""

from __future__ import annotations

import json
import os
from pathlib import Path

from google.protobuf.json_format import MessageToDict


def as_dict(message) -> dict:
    """A protobuf message as JSON-ready data, with the .proto's field names."""
    return MessageToDict(message, preserving_proto_field_name=True)


def read_records(path: Path | None) -> dict[str, dict]:
    """id -> record for every complete line of `path` (a line cut short by an interruption
    is skipped, so its item runs again)."""
    records: dict[str, dict] = {}
    if path is None or not path.exists():
        return records
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
            records[record["id"]] = record
        except (ValueError, KeyError, TypeError):
            continue
    return records


def read_ids(path: Path) -> set[str]:
    """The ids of every complete line of `path`, reading one line at a time (a batch of a
    million results resumes without holding them)."""
    ids: set[str] = set()
    if not path.exists():
        return ids
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            try:
                ids.add(json.loads(line)["id"])
            except (ValueError, KeyError, TypeError):
                continue
    return ids


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
