"""Running an evaluation set through a router, one record per posting, resumable."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import grpc

from jobextract.security import ClientSecurity
from jobextract.proto import extraction_pb2 as pb
from jobextract.proto import extraction_pb2_grpc as pb_grpc
from jobextract_tools.eval.datasets import Posting
from jobextract_tools.eval.scoring import summarise
from jobextract_tools.records import append, as_dict, open_for_append, read_records


async def run(address: str, postings: list[Posting], concurrency: int,
              timeout: float, progress=None, records_path: Path | None = None) -> dict:
    """Extract every posting not yet in `records_path`, appending one record each, then
    score all records: an interrupted evaluation resumes where it stopped."""
    records = read_records(records_path)
    todo = [p for p in postings if p.id not in records]
    semaphore = asyncio.Semaphore(concurrency)
    sink = open_for_append(records_path) if records_path else None
    started = time.monotonic()
    security = ClientSecurity.from_env()  # JOBEXTRACT_API_KEY, JOBEXTRACT_TLS_*
    metadata = security.metadata()
    try:
        async with security.aio_channel(address) as channel:
            stub = pb_grpc.RouterStub(channel)

            async def one(posting: Posting) -> None:
                decision = await stub.Analyze(pb.AnalyzeRequest(content=posting.text),
                                              metadata=metadata)
                record = {"id": posting.id, "use_local": decision.use_local}
                async with semaphore:
                    t = time.monotonic()
                    try:
                        reply = await stub.Extract(pb.ExtractRequest(
                            content=posting.text, request_id=posting.id), timeout=timeout,
                            metadata=metadata)
                        record.update(ok=True, route=pb.Route.Name(reply.route),
                                      attempts=reply.attempts, job=as_dict(reply.job),
                                      reasoning=reply.decision.reasoning)
                    except grpc.aio.AioRpcError as e:
                        record.update(ok=False, error=f"{e.code().name}: {e.details()}")
                    record["seconds"] = time.monotonic() - t
                records[posting.id] = record
                if sink:
                    append(sink, record)
                if progress:
                    progress(len(records), len(postings))

            await asyncio.gather(*(one(p) for p in todo))
    finally:
        if sink:
            sink.close()
    return summarise([records[p.id] for p in postings if p.id in records],
                     {p.id: p for p in postings}, time.monotonic() - started, len(todo))
