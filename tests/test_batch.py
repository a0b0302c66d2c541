"""`jobextract batch` on its own defects: failed items retried on resume, ids used twice,
a folder's file that is not text; its output formats and progress. The command runs as a
user runs it, against a stub router on loopback (a real gRPC server) that answers at once
or is UNAVAILABLE on demand."""

from __future__ import annotations

import asyncio
import csv
import fcntl
import json
import os
import pty
import re
import struct
import sys
import termios

import grpc
import pytest

from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract_tools.launch import ROOT, free_port
from tests.test_cli import jobextract


class StubRouter(pb_grpc.RouterServiceServicer):
    """Extract answers with the content as the title, except for contents in `unavailable`
    (a router restarting, for exactly those calls). Every content asked is in `calls`."""

    def __init__(self) -> None:
        self.unavailable: set[str] = set()
        self.calls: list[str] = []
        self.address = ""

    async def Extract(self, request, context):
        self.calls.append(request.content)
        if request.content in self.unavailable:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "router restarting")
        return self.reply(request)

    @staticmethod
    def reply(request) -> pb.ExtractResponse:
        return pb.ExtractResponse(
            job=pb.JobPosting(title=request.content, skills=["Python", "SQL"]),
            route=pb.ROUTE_LOCAL, attempts=1, timings=pb.Timings(total_ms=12.345678))

    async def ExtractStream(self, request, context):
        self.calls.append(request.content)
        yield pb.ExtractStreamResponse(decision=pb.RoutingDecision(token_count=3, use_local=True,
                                                          model="tiny"))
        yield pb.ExtractStreamResponse(attempt=pb.AttemptStarted(attempt=1, route=pb.ROUTE_LOCAL))
        for piece in ("{", '"title"', "}"):
            yield pb.ExtractStreamResponse(delta=piece)
            await asyncio.sleep(0.2)  # long enough for the progress line to be drawn
        yield pb.ExtractStreamResponse(result=self.reply(request))


@pytest.fixture
async def stub_router():
    router = StubRouter()
    server = grpc.aio.server()
    pb_grpc.add_RouterServiceServicer_to_server(router, server)
    router.address = f"127.0.0.1:{server.add_insecure_port('127.0.0.1:0')}"
    await server.start()
    yield router
    await server.stop(0)


def records(out) -> list[dict]:
    return [json.loads(line) for line in out.read_text().splitlines()]


def write_jsonl(path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


async def test_batch_retries_failed_items_on_resume(stub_router, tmp_path):
    """A failed item is not done: a rerun retries it (one record per id in the end), and the
    exit code stays 1 while the output holds a failure."""
    source, out = tmp_path / "postings.jsonl", tmp_path / "results.jsonl"
    write_jsonl(source, [{"id": i, "content": f"Cook {i}"} for i in "abc"])
    stub_router.unavailable = {"Cook b"}
    run = ("batch", str(source), "--out", str(out))
    code, _, err = await jobextract(stub_router.address, *run)
    assert code == 1 and "2 extracted, 1 failed" in err, err
    assert [r["error"]["code"] for r in records(out) if not r["ok"]] == ["UNAVAILABLE"]

    stub_router.calls.clear()
    code, _, err = await jobextract(stub_router.address, *run)  # still down: failed again
    assert code == 1 and "retrying 1 that failed" in err, err
    assert stub_router.calls == ["Cook b"]
    assert sorted(r["id"] for r in records(out)) == ["a", "b", "c"]

    # Kept as they were: no call, and still not a success.
    code, _, err = await jobextract(stub_router.address, *run, "--no-retry-failed")
    assert code == 1 and "1 failed earlier and not retried" in err, err
    assert stub_router.calls == ["Cook b"] and len(records(out)) == 3

    stub_router.unavailable.clear()
    code, _, err = await jobextract(stub_router.address, *run)
    assert code == 0 and "resuming: 2 of 3" in err and "1 extracted, 0 failed" in err, err
    results = records(out)
    assert sorted(r["id"] for r in results) == ["a", "b", "c"] and all(r["ok"] for r in results)
    assert stub_router.calls == ["Cook b", "Cook b"]

    code, _, _ = await jobextract(stub_router.address, *run)  # all done: nothing to call
    assert code == 0 and len(stub_router.calls) == 2


@pytest.mark.parametrize("rows, repeated", [
    ([{"id": "a", "content": "x"}, {"id": "b", "content": "y"}, {"id": "a", "content": "z"}],
     "'a'"),
    ([{"content": "line one, id 1"}, {"id": 1, "content": "explicit id 1"}], "'1'"),
])
async def test_batch_refuses_ids_used_twice_before_any_call(stub_router, tmp_path, rows,
                                                            repeated):
    source, out = tmp_path / "postings.jsonl", tmp_path / "results.jsonl"
    write_jsonl(source, rows)
    code, _, err = await jobextract(stub_router.address, "batch", str(source), "--out", str(out))
    assert code == 2 and f"the id {repeated} is used more than once" in err, err
    assert stub_router.calls == [] and not out.exists()


async def test_batch_records_a_txt_file_that_is_not_utf8_and_goes_on(stub_router, tmp_path):
    folder, out = tmp_path / "postings", tmp_path / "results.jsonl"
    folder.mkdir()
    (folder / "a.txt").write_text("Cook a")
    (folder / "b.txt").write_bytes("Café cook".encode("latin-1"))
    (folder / "c.txt").write_text("Cook c")
    code, _, err = await jobextract(stub_router.address, "batch", str(folder), "--out", str(out))
    assert code == 1 and "2 extracted, 1 failed" in err and "Traceback" not in err, err
    by_id = {r["id"]: r for r in records(out)}
    assert by_id["a"]["ok"] and by_id["c"]["ok"] and not by_id["b"]["ok"]
    assert "b.txt is not UTF-8 text" in by_id["b"]["error"]["message"]
    assert sorted(stub_router.calls) == ["Cook a", "Cook c"]


async def on_a_terminal(address: str, *args: str) -> tuple[int, str, str]:
    """`jobextract` with stderr on a pseudo-terminal (stdout a pipe): what a user at a
    terminal sees on stderr, and the stdout a pipe gets."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "jobextract_tools.cli", "--address", address, *args, cwd=ROOT,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=slave)
    os.close(slave)

    def read_all() -> bytes:  # until the child is gone (EIO): the pty buffer never fills
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        err, (out, _) = await asyncio.wait_for(asyncio.gather(
            asyncio.to_thread(read_all), process.communicate()), timeout=60)
    finally:
        os.close(master)
    return process.returncode, out.decode(), err.decode(errors="replace")


async def test_router_options_work_after_the_subcommand(stub_router, tmp_path):
    """Before the subcommand a dead address; after it the stub's, which wins (as the last
    one given); the batch runs against the stub."""
    source, out = tmp_path / "postings.jsonl", tmp_path / "results.jsonl"
    write_jsonl(source, [{"id": "a", "content": "Cook a"}])
    code, _, err = await jobextract(f"127.0.0.1:{free_port()}", "batch", str(source),
                                    "--out", str(out), "--address", stub_router.address,
                                    "--timeout", "30")
    assert code == 0 and "1 extracted, 0 failed" in err, err
    code, out_, err = await jobextract(f"127.0.0.1:{free_port()}", "stats")
    assert code == 3  # and before the subcommand it is used as ever


@pytest.mark.parametrize("kind", ["folder", "jsonl"])
async def test_batch_refuses_an_empty_input(stub_router, tmp_path, kind):
    source = tmp_path / "postings"
    if kind == "folder":
        source.mkdir()
        (source / "notes.md").write_text("not a posting")
    else:
        source.write_text("\n\n")
    code, _, err = await jobextract(stub_router.address, "batch", str(source), "--out",
                                    str(tmp_path / "out.jsonl"))
    assert code == 2 and f"{source}: nothing to extract" in err, err
    assert stub_router.calls == []


async def test_batch_writes_csv_and_json(stub_router, tmp_path):
    source = tmp_path / "postings.jsonl"
    write_jsonl(source, [{"id": i, "content": f"Cook {i}"} for i in "abc"])
    stub_router.unavailable = {"Cook b"}
    table = tmp_path / "results.csv"
    code, _, err = await jobextract(stub_router.address, "batch", str(source), "--out",
                                    str(table), "--format", "csv")
    assert code == 1 and f"results in {table}" in err, err
    with open(table, newline="") as f:
        rows = {row["id"]: row for row in csv.DictReader(f)}
    assert rows["a"]["ok"] == "true" and rows["a"]["title"] == "Cook a"
    assert rows["a"]["skills"] == "Python; SQL" and rows["a"]["company"] == ""
    assert rows["b"]["ok"] == "false" and rows["b"]["error"] == "UNAVAILABLE: router restarting"
    # A rerun resumes from the records beside it and rewrites the table.
    stub_router.unavailable.clear()
    code, _, err = await jobextract(stub_router.address, "batch", str(source), "--out",
                                    str(table), "--format", "csv")
    assert code == 0 and "resuming: 2 of 3" in err, err
    with open(table, newline="") as f:
        assert sorted(row["ok"] for row in csv.DictReader(f)) == ["true"] * 3

    for compact in (False, True):
        document = tmp_path / f"results-{compact}.json"
        code, _, err = await jobextract(stub_router.address, "batch", str(source), "--out",
                                        str(document), "--format", "json",
                                        *(["--compact"] if compact else []))
        assert code == 0, err
        text = document.read_text()
        results = json.loads(text)
        assert text == json.dumps(results, indent=None if compact else 2) + "\n"
        assert sorted(r["id"] for r in results) == ["a", "b", "c"]
        first = results[0]
        assert first["attempts"] == 1 and first["timings"]["total_ms"] == 12.3


async def test_progress_is_a_bar_on_a_terminal_and_plain_lines_elsewhere(stub_router,
                                                                         tmp_path):
    source = tmp_path / "postings.jsonl"
    write_jsonl(source, [{"id": i, "content": f"Cook {i}"} for i in "abc"])
    code, _, err = await jobextract(stub_router.address, "batch", str(source), "--out",
                                    str(tmp_path / "plain.jsonl"))
    assert code == 0 and "\r" not in err and "3/3 done: ok 3, failed 0" in err, err
    code, _, err = await on_a_terminal(stub_router.address, "batch", str(source), "--out",
                                       str(tmp_path / "tty.jsonl"))
    assert code == 0 and "\r" in err and "100%" in err and "3/3 [" in err, err
    assert "done: ok" not in err  # the bar, not the plain lines


async def test_extract_shows_its_progress_on_a_terminal_only(stub_router, tmp_path):
    """On a terminal the stream's events are drawn on stderr; the JSON on stdout is the
    same either way, and a pipe's stderr gets nothing."""
    posting = tmp_path / "posting.txt"
    posting.write_text("Cook a")
    code, out, err = await jobextract(stub_router.address, "extract", str(posting))
    assert code == 0 and err == "", err
    assert json.loads(out)["job"]["title"] == "Cook a"
    code, tty_out, err = await on_a_terminal(stub_router.address, "extract", str(posting))
    assert code == 0 and tty_out == out
    # tqdm redraws at most every 0.1 s: which counts are drawn depends on timing.
    assert "3 tokens in, local tiny" in err, err
    assert re.search(r"attempt 1, local: [1-3] tokens streamed", err), err
    code, compact, _ = await jobextract(stub_router.address, "extract", str(posting),
                                        "--compact")
    assert code == 0 and compact.count("\n") == 1 and json.loads(compact) == json.loads(out)
