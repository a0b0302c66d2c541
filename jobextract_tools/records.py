"""JSONL records keyed by "id": how batch runs and evaluations resume where they stopped;
and the records as JSON or CSV for people and spreadsheets."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.json_format import MessageToDict

from jobextract.v1 import extraction_pb2 as pb

_INT64 = {FieldDescriptor.CPPTYPE_INT64, FieldDescriptor.CPPTYPE_UINT64}
_DOUBLE = {FieldDescriptor.CPPTYPE_DOUBLE, FieldDescriptor.CPPTYPE_FLOAT}


def as_dict(message) -> dict:
    """A protobuf message as JSON-ready data, with the .proto's field names, every field
    shown (a counter at 0 is 0, not missing; optional fields the posting does not state stay
    absent), int64 counters as numbers (the protobuf JSON mapping writes them as strings,
    which a script would have to convert) and timings rounded to 0.1 ms."""
    data = MessageToDict(message, preserving_proto_field_name=True,
                         always_print_fields_with_no_presence=True)
    return _plain(message.DESCRIPTOR, data)


def _plain(descriptor, data: dict) -> dict:
    """`data` (MessageToDict's, of a `descriptor` message) with _scalar applied to every
    field, nested messages, repeated fields and maps included."""
    for field in descriptor.fields:
        if field.name not in data:
            continue
        value = data[field.name]
        entry = field.message_type
        if entry is not None and entry.GetOptions().map_entry:
            inner = entry.fields_by_name["value"]
            data[field.name] = {k: _value(inner, v) for k, v in value.items()}
        elif field.is_repeated:
            data[field.name] = [_value(field, v) for v in value]
        else:
            data[field.name] = _value(field, value)
    return data


def _value(field, value):
    if field.message_type is not None and isinstance(value, dict):
        return _plain(field.message_type, value)
    if field.cpp_type in _INT64 and isinstance(value, str):
        return int(value)
    if field.cpp_type in _DOUBLE and isinstance(value, float):
        if field.name.endswith("_ms"):
            return round(value, 1)
        if field.name.endswith("_seconds"):
            return round(value, 4)  # 0.1 ms too
    return value


def complete_records(path: Path | None) -> Iterator[tuple[str, dict]]:
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
    return dict(complete_records(path))


def read_ids(path: Path) -> set[str]:
    """The ids of every complete line of `path` (a batch of a million results resumes
    without holding them)."""
    return {record_id for record_id, _ in complete_records(path)}


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


# ---- output formats -----------------------------------------------------------------------

FORMATS = ("jsonl", "json", "csv")
_JOB_FIELDS = [f.name for f in pb.JobPosting.DESCRIPTOR.fields]
CSV_COLUMNS = ["id", "ok", "error", *_JOB_FIELDS]


def csv_row(record: dict) -> dict:
    """One batch record as a CSV row: id, ok, the error as "CODE: message", and the
    JobPosting's fields, a list's items joined by "; " (a cell per field, so a spreadsheet
    filters on them). A field the posting does not state is an empty cell."""
    error = record.get("error") or {}
    job = record.get("job") or {}
    row = {"id": record.get("id"), "ok": "true" if record.get("ok") else "false",
           "error": f"{error.get('code')}: {error.get('message')}" if error else ""}
    for name in _JOB_FIELDS:
        value = job.get(name, "")
        row[name] = "; ".join(map(str, value)) if isinstance(value, list) else value
    return row


def write_records(records: Iterable[dict], sink, fmt: str, compact: bool = False) -> None:
    """`records` to `sink` as JSONL, a JSON array (indented unless `compact`) or CSV, one
    record at a time (a batch of a million results is converted in flat memory)."""
    if fmt == "csv":
        writer = csv.DictWriter(sink, CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(csv_row(record) for record in records)
    elif fmt == "json":
        sink.write("[")
        written = 0
        for record in records:
            if compact:
                sink.write((", " if written else "") + json.dumps(record))
            else:  # indented as json.dumps(records, indent=2) would, one record at a time
                sink.write(("," if written else "") + "\n  "
                           + json.dumps(record, indent=2).replace("\n", "\n  "))
            written += 1
        sink.write("\n]\n" if written and not compact else "]\n")
    else:
        for record in records:
            sink.write(json.dumps(record) + "\n")


def export(journal: Path, out: Path, fmt: str, compact: bool = False) -> None:
    """The records of `journal` (the resumable JSONL a batch appends to) written to `out`
    in `fmt`, replaced at once (an interruption leaves the previous `out`)."""
    partial = out.with_name(out.name + ".tmp")
    with open(partial, "w", encoding="utf-8", newline="") as sink:
        write_records((record for _, record in complete_records(journal)), sink, fmt, compact)
    os.replace(partial, out)
