"""`jobextract batch` on its own defects: failed items retried on resume, ids used twice,
a folder's file that is not text. The command runs as a user runs it, against a stub router
on loopback (a real gRPC server) that answers at once or is UNAVAILABLE on demand."""

from __future__ import annotations

import json

import grpc
import pytest

from jobextract.proto import extraction_pb2 as pb
from jobextract.proto import extraction_pb2_grpc as pb_grpc
from tests.test_cli import jobextract


class StubRouter(pb_grpc.RouterServicer):
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
        return pb.ExtractResponse(job=pb.JobPosting(title=request.content),
                                  route=pb.ROUTE_LOCAL)


@pytest.fixture
async def stub_router():
    router = StubRouter()
    server = grpc.aio.server()
    pb_grpc.add_RouterServicer_to_server(router, server)
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
