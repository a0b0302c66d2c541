"""Running an evaluation set through a router, one record per posting, resumable.

Each record keeps the model's raw answer: the text of the attempt whose answer the router
returned, exactly as its answer check received it (ExtractStream streams it as deltas), so
a replay (replay.py) can put the same answer through another version of the check, with no
model, in seconds.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import grpc

from jobextract.security import ClientSecurity
from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract_tools.eval.datasets import LABELLED_FILE, Posting
from jobextract_tools.records import append, as_dict, open_for_append, read_records


@dataclass
class Outcome:
    records: list[dict]   # one per posting that has one, in the postings' order
    wall_seconds: float
    new: int              # postings this run extracted (the others were recorded before)


def text_id(text: str) -> str:
    """What a replay checks that it reads the text the answer was recorded for."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


async def _extract(stub, posting: Posting, timeout: float, metadata) -> dict:
    """One posting's record from ExtractStream's events: the routing decision, the text of
    the last attempt (the answer the result was checked from) and the result."""
    record = {"ok": False, "error": "the stream ended without a result"}
    answer: list[str] = []
    try:
        async for event in stub.ExtractStream(
                pb.ExtractStreamRequest(content=posting.text, request_id=posting.id),
                timeout=timeout, metadata=metadata):
            kind = event.WhichOneof("event")
            if kind == "decision":
                record["use_local"] = event.decision.use_local
            elif kind == "attempt":
                answer = []  # a new generation: the earlier one's text is void
            elif kind == "delta":
                answer.append(event.delta)
            elif kind == "result":
                reply = event.result
                del record["error"]
                record.update(ok=True, route=pb.Route.Name(reply.route),
                              attempts=reply.attempts, job=as_dict(reply.job),
                              reasoning=reply.decision.reasoning)
    except grpc.aio.AioRpcError as e:
        record.update(ok=False, error=f"{e.code().name}: {e.details()}")
    record["answer"] = "".join(answer)
    return record


def _carried(posting: Posting) -> dict:
    """What a record keeps of its posting: a labelled file's posting in full (a replay finds
    it in the record, wherever the file went), a shared set's by its id only."""
    if posting.source != LABELLED_FILE:
        return {}
    return {"text": posting.text, "labels": posting.labels, "source": posting.source,
            **({"paste": posting.paste} if posting.paste else {})}


async def run(address: str, postings: list[Posting], concurrency: int, timeout: float,
              progress=None, records_path: Path | None = None, set_name: str = "") -> Outcome:
    """Extract every posting not yet in `records_path`, appending one record each (with its
    set's name, for replays): an interrupted evaluation resumes where it stopped."""
    records = read_records(records_path)
    todo = [p for p in postings if p.id not in records]
    done = len(postings) - len(todo)
    semaphore = asyncio.Semaphore(concurrency)
    sink = open_for_append(records_path) if records_path else None
    started = time.monotonic()
    security = ClientSecurity.from_env()  # JOBEXTRACT_API_KEY, JOBEXTRACT_TLS_*
    metadata = security.metadata()
    try:
        async with security.aio_channel(address) as channel:
            stub = pb_grpc.RouterServiceStub(channel)

            async def one(posting: Posting) -> None:
                nonlocal done
                async with semaphore:
                    t = time.monotonic()
                    record = {"id": posting.id, "set": set_name,
                              "text_id": text_id(posting.text), **_carried(posting),
                              **await _extract(stub, posting, timeout, metadata),
                              "seconds": time.monotonic() - t}
                records[posting.id] = record
                if sink:
                    append(sink, record)
                done += 1
                if progress:
                    progress(done, len(postings))

            await asyncio.gather(*(one(p) for p in todo))
    finally:
        if sink:
            sink.close()
    return Outcome([records[p.id] for p in postings if p.id in records],
                   time.monotonic() - started, len(todo))
