"""The jobextract command line against a real router (tiny model), as a user runs it."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time

import pytest

from jobextract.v1 import extraction_pb2 as pb
from jobextract_tools.launch import EPHEMERAL_RANGE, ROOT, free_port
from jobextract_tools.records import read_records
from jobextract_tools.samples import SPEC_SAMPLE


async def jobextract(address: str, *args: str, stdin: str | bytes = "") -> tuple[int, str, str]:
    return await run("-m", "jobextract_tools.cli", "--address", address, *args, stdin=stdin)


async def run(*args: str, stdin: str | bytes = "") -> tuple[int, str, str]:
    """`python *args` in the project, as a user runs it: exit code, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, *args, cwd=ROOT, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(
        process.communicate(stdin.encode() if isinstance(stdin, str) else stdin), timeout=120)
    return process.returncode, out.decode(), err.decode()


def test_ports_for_services_are_outside_the_kernels_range_and_not_given_twice():
    """The kernel gives ports of its ephemeral range to binds to port 0 and to outgoing
    connections, so a port found free there can be taken before its service binds it."""
    low, high = map(int, EPHEMERAL_RANGE.read_text().split()[:2])
    ports = [free_port() for _ in range(100)]
    assert len(set(ports)) == len(ports)
    assert not any(low <= port <= high for port in ports)


async def test_extract_analyze_stats_health(start_router, tmp_path):
    router = await start_router()
    posting = tmp_path / "posting.txt"
    posting.write_text(SPEC_SAMPLE)
    code, out, err = await jobextract(router.address, "extract", str(posting))
    assert code == 0 and json.loads(out)["route"] == "ROUTE_LOCAL"
    assert err == ""  # stderr is not a terminal: no progress
    reply = json.loads(out)
    assert all(round(ms, 1) == ms for ms in reply["timings"].values())
    code, out, _ = await jobextract(router.address, "extract", "-", stdin=SPEC_SAMPLE)
    assert code == 0 and json.loads(out)["job"]["description"]
    code, out, _ = await jobextract(router.address, "analyze", str(posting))
    assert code == 0 and json.loads(out)["decision"]["use_local"] is True
    code, out, _ = await jobextract(router.address, "stats")
    stats = json.loads(out)
    assert code == 0 and stats["succeeded"] == 2 and stats["failed"] == 0  # numbers, zeros too
    code, out, _ = await jobextract(router.address, "stats", "--compact")
    assert code == 0 and len(out.splitlines()) == 1 and json.loads(out)["succeeded"] == 2
    code, out, _ = await jobextract(router.address, "health")
    assert code == 0 and "SERVING" in out


async def test_errors_are_plain_words_with_exit_codes(start_router, tmp_path):
    router = await start_router()
    code, _, err = await jobextract(router.address, "extract", "-", stdin="   ")
    assert code == 2 and err.startswith("jobextract: rejected: content is empty")
    code, _, err = await jobextract(router.address, "extract", str(tmp_path / "missing.txt"))
    assert code == 2 and "cannot read" in err
    dead = f"127.0.0.1:{free_port()}"
    code, _, err = await jobextract(dead, "stats")
    assert code == 3 and "cannot reach the router" in err and "Traceback" not in err
    code, out, _ = await jobextract(dead, "health")
    assert code == 3 and "UNAVAILABLE" in out


async def test_input_that_is_not_text_is_a_usage_error(tmp_path):
    """Nothing reaches a router (there is none at this address): the input is refused first,
    with its name and exit 2, not a decoding traceback."""
    nowhere = f"127.0.0.1:{free_port()}"
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.4\n\x00\x01\x02binary")
    code, _, err = await jobextract(nowhere, "extract", str(binary))
    assert code == 2 and f"{binary} looks binary" in err and "Traceback" not in err, err
    code, _, err = await jobextract(nowhere, "extract", "-", stdin="Café cook".encode("latin-1"))
    assert code == 2 and "stdin is not UTF-8 text" in err and "Traceback" not in err, err
    for fields in (",", " , ,"):
        code, _, err = await jobextract(nowhere, "extract", "-", "--fields", fields,
                                        stdin=SPEC_SAMPLE)
        assert code == 2 and "--fields: names no field" in err, err


async def test_help_shows_every_option_with_its_default():
    from jobextract_tools.cli import parser

    code, out, _ = await run("-m", "jobextract_tools.cli", "batch", "--help")
    assert code == 0 and out.startswith("usage: jobextract batch")
    assert "(default: 4)" in out and "(default: jsonl)" in out
    assert "--address ADDRESS" in out and "(default: localhost:50051)" in out
    code, out, _ = await run("-m", "jobextract_tools.cli", "--help")
    assert code == 0 and "(default: 900.0)" in out
    # Every option of every subcommand has a help text.
    main = parser()
    commands = next(a for a in main._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in [("", main), *commands.choices.items()]:
        for action in sub._actions:
            assert action.help, f"jobextract {name} {action.dest} has no help text"
    code, out, _ = await run("-m", "jobextract_tools.cli", "eval", "--help")
    assert code == 0 and out.startswith("usage: jobextract eval "), out


@pytest.mark.parametrize("module", ["router_svc", "inference_svc"])
async def test_services_help_starts_nothing(module):
    code, out, _ = await run("-m", module, "--help")
    assert code == 0 and out.startswith(f"usage: python -m {module}"), out
    assert "environment variables" in out and "README.md, section Configuration" in out
    code, _, err = await run("-m", module, "--port", "1")  # not an option: refused
    assert code == 2 and "unrecognized arguments" in err


async def test_batch_records_failures_and_resumes(start_router, tmp_path):
    router = await start_router()
    source = tmp_path / "postings.jsonl"
    source.write_text("\n".join(json.dumps(row) for row in [
        {"id": "a", "content": SPEC_SAMPLE}, {"id": "empty", "content": " "},
        {"id": "c", "text": "Backend developer, Python, Lisbon"}]) + "\n")
    out = tmp_path / "results.jsonl"
    code, _, err = await jobextract(router.address, "batch", str(source), "--out", str(out),
                                    "--concurrency", "2")
    assert code == 1 and "2 extracted, 1 failed" in err
    records = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert records["a"]["ok"] and records["c"]["ok"]
    assert records["empty"]["error"]["code"] == "INVALID_ARGUMENT"
    # Interrupted mid-line: the cut line is ignored and that item runs again; the failed
    # item is retried (and fails again), its old record replaced.
    out.write_text(out.read_text() + '{"id": "d", "ok": tr')
    source.write_text(source.read_text() + json.dumps({"id": "d", "content": SPEC_SAMPLE}) + "\n")
    code, _, err = await jobextract(router.address, "batch", str(source), "--out", str(out))
    assert code == 1 and "resuming: 2 of 4" in err and "retrying 1 that failed" in err
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert sorted(ids) == ["a", "c", "d", "empty"]


async def test_batch_keeps_at_most_its_concurrency_in_flight(start_router, tmp_path):
    """A router that refuses a third call at once: a batch at --concurrency 2 never gets
    refused, because it never has more than two calls in flight."""
    router = await start_router(ROUTER_MAX_CONCURRENT=2)
    source = tmp_path / "postings.jsonl"
    source.write_text("".join(json.dumps({"id": f"p{i}", "content": f"Cook number {i}, Lisbon"})
                              + "\n" for i in range(12)))
    out = tmp_path / "results.jsonl"
    code, _, err = await jobextract(router.address, "batch", str(source), "--out", str(out),
                                    "--concurrency", "2")
    assert code == 0, err
    assert "12 extracted, 0 failed" in err and "/min" in err
    assert (await router.stub.GetStats(pb.GetStatsRequest())).rejected_busy == 0


async def test_batch_input_errors(start_router, tmp_path):
    router = await start_router()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n')
    code, _, err = await jobextract(router.address, "batch", str(bad), "--out",
                                    str(tmp_path / "o.jsonl"))
    assert code == 2 and "bad.jsonl:1" in err


async def test_eval_reads_any_copy_of_the_data(start_router, tmp_path):
    from tests.test_eval import write_indeed_fixture

    data, labels = write_indeed_fixture(tmp_path)
    router = await start_router()
    code, out, err = await jobextract(
        router.address, "eval", "--data", str(data), "--emscad", "0", "--skillspan", "none",
        "--indeed", "text", "--indeed-labels", str(labels), "--out", str(tmp_path / "out"))
    assert code == 2 and "evaluation set not found" in out and "glassdoor" in out
    code, out, err = await jobextract(
        router.address, "eval", "--data", str(data), "--emscad", "0", "--skillspan", "none",
        "--indeed", "text", "--indeed-labels", str(labels), "--glassdoor", "0",
        "--part", "all", "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert "Indeed text (all): 2 postings" in out and "| Indeed text | postings |" in out
    assert (tmp_path / "out" / "records-indeed-text.jsonl").exists()
    code, out, _ = await jobextract(router.address, "eval", "--data", str(tmp_path / "none"))
    assert code == 2 and "evaluation data not found" in out


async def test_eval_scores_a_file_of_your_own_postings(start_router, tmp_path):
    """--postings: a JSONL of one's own labelled postings is a set of its own, needs no
    shared data, and its records replay without the file."""
    mine = tmp_path / "mine.jsonl"
    rows = [{"id": f"own-{i}", "text": f"Line Cook {i}\nBluegill Diner\nMobile, AL\n"
                                       "Pay: $16 - $18 per hour. Prep and grill.",
             "title": f"Line Cook {i}", "company": "Bluegill Diner", "location": "Mobile, AL",
             "salary_min": 16, "salary_max": 18, "salary_currency": "USD",
             "salary_period": "hour"} for i in range(3)]
    mine.write_text("".join(json.dumps(row) + "\n" for row in rows))
    router = await start_router()
    out, records = tmp_path / "out", tmp_path / "records.jsonl"
    code, printed, err = await jobextract(
        router.address, "eval", "--postings", str(mine), "--part", "all",
        "--data", str(tmp_path / "none"), "--record", str(records), "--out", str(out))
    assert code == 0, err
    assert "File mine.jsonl (all): 3 postings" in printed
    assert "| File mine.jsonl | postings |" in printed  # no shared set ran
    kept = read_records(records)
    assert set(kept) == {"own-0", "own-1", "own-2"}
    assert all(kept[row["id"]]["text"] == row["text"] and kept[row["id"]]["source"] == "file"
               and kept[row["id"]]["answer"] for row in rows)
    mine.unlink()  # the records hold the postings: the replay needs neither file nor data
    code, printed, err = await jobextract(
        router.address, "eval", "--answers", str(records), "--part", "all",
        "--data", str(tmp_path / "none"), "--out", str(out))
    assert code == 0, err
    assert "## File mine.jsonl, " in printed and "posting not found" not in printed

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n')
    code, printed, _ = await jobextract(router.address, "eval", "--postings", str(bad),
                                        "--out", str(out))
    assert code == 2 and "bad.jsonl:2" in printed and "twice" in printed


async def test_serve_runs_both_services_and_stops_them(tiny_models, tmp_path):
    """`jobextract serve` on the tiny checkpoints: both services come up, a posting is
    extracted through them, SIGTERM stops both and the command exits 0."""
    import signal

    from jobextract.healthcheck import check
    from jobextract_tools.launch import tiny_inference_env

    router_port, inference_port = free_port(), free_port()
    env = tiny_inference_env(tiny_models, inference_port)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "jobextract_tools.cli", "serve", "--port", str(router_port),
        "--inference-port", str(inference_port), "--logs", str(tmp_path / "logs"), cwd=ROOT,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    address = f"127.0.0.1:{router_port}"
    try:
        for _ in range(480):
            status = await asyncio.to_thread(check, address, "jobextract.v1.RouterService", 1)
            if status == "SERVING" or process.returncode is not None:
                break
            await asyncio.sleep(0.5)
        assert status == "SERVING"
        code, out, _ = await jobextract(address, "extract", "-", stdin=SPEC_SAMPLE)
        assert code == 0 and json.loads(out)["route"] == "ROUTE_LOCAL"
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()
    assert "stopped: exit 0, exit 0" in err.decode()


async def test_serve_stopped_while_starting_leaves_no_service_behind(tiny_models, tmp_path):
    """SIGTERM while the model is still loading: the command stops both children instead
    of leaving them running without it."""
    import signal

    from jobextract.healthcheck import check
    from jobextract_tools.launch import tiny_inference_env

    router_port, inference_port = free_port(), free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "jobextract_tools.cli", "serve", "--port", str(router_port),
        "--inference-port", str(inference_port), "--logs", str(tmp_path / "logs"), cwd=ROOT,
        env=tiny_inference_env(tiny_models, inference_port), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    inference = f"127.0.0.1:{inference_port}"
    for _ in range(120):  # the inference process answers (NOT_SERVING) while it loads
        if await asyncio.to_thread(check, inference, "", 1) == "NOT_SERVING":
            break
        await asyncio.sleep(0.25)
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 130, err.decode()
    assert "stopped:" in err.decode()
    assert await asyncio.to_thread(check, inference, "", 1) == "UNAVAILABLE"


# A service that stops as a slow or careless one does: `ignore` ignores SIGTERM (a stop that
# never ends), `leave` exits on it and leaves its child behind (an engine process its
# service was still starting). Its child ignores SIGTERM, as a busy engine process may.
STUBBORN_SERVICE = """
import os, signal, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import signal, time; "
                          "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"])
signal.signal(signal.SIGTERM, signal.SIG_IGN if os.environ["STUBBORN"] == "ignore"
              else lambda *_: os._exit(0))
print(child.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("how", ["ignore", "leave"])
def test_a_stopped_service_leaves_no_process_of_its_group_behind(how, tmp_path):
    """A service that does not end within the stop's timeout, or ends and leaves a child
    running, is killed with its whole group: nothing it started outlives the stop."""
    from jobextract_tools.launch import processes_in_group, start_module

    (tmp_path / "stubborn.py").write_text(STUBBORN_SERVICE)
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "STUBBORN": how}
    service = start_module("a stubborn service", "stubborn", "127.0.0.1:1", env,
                           tmp_path / "stubborn.log")
    for _ in range(200):  # the child is started once its pid is printed
        if (tmp_path / "stubborn.log").read_text().strip():
            break
        time.sleep(0.05)
    assert len(processes_in_group(service.process.pid)) == 2
    service.stop(timeout=1)
    assert processes_in_group(service.process.pid) == []
