"""The typed Python client (jobextract.client) against a live pair: plain values, errors
with their reasons, keys and TLS; and the README's snippet run from a venv that installed
`jobextract` without extras (no router or vLLM dependencies)."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys

import grpc
import pytest

from jobextract.client import (AsyncClient, Client, Decision, Extraction, ExtractionError,
                               JobPosting)
from jobextract.security import ClientSecurity
from jobextract.v1 import extraction_pb2 as pb
from jobextract_tools.certs import make_authority
from jobextract_tools.launch import ROOT
from jobextract_tools.samples import SPEC_SAMPLE

CALLER_KEY = "python-client-key-0123456789"


def test_a_job_posting_has_plain_values_and_every_field():
    job = JobPosting.from_proto(pb.JobPosting(
        title="Cook", salary_min=45000, salary_period=pb.SALARY_PERIOD_YEAR,
        salary_currency="USD", description="d", skills=["knives"]))
    assert job.to_dict() == {
        "title": "Cook", "company": None, "location": None, "salary_min": 45000.0,
        "salary_max": None, "salary_currency": "USD", "salary_period": "year",
        "description": "d", "requirements": [], "benefits": [], "skills": ["knives"]}
    decision = Decision.from_proto(pb.RoutingDecision(tier=pb.TIER_PRIMARY, use_local=True))
    assert decision.tier == "primary"
    assert Decision.from_proto(pb.RoutingDecision(use_local=False)).tier is None


async def test_the_blocking_client_extracts_analyzes_and_explains_errors(start_router):
    router = await start_router()

    def calls():  # blocking calls in a thread: the router serves on this test's loop
        with Client(router.address, security=ClientSecurity()) as client:
            return (client.extract(SPEC_SAMPLE), client.extract_detailed(SPEC_SAMPLE),
                    client.analyze(SPEC_SAMPLE), _error(lambda: client.extract("   ")))

    job, detailed, decision, error = await asyncio.to_thread(calls)
    assert isinstance(job, JobPosting) and job.description  # the tiny model's answer
    assert isinstance(job.requirements, list) and job.salary_period in (None, "hour", "day",
                                                                         "week", "month", "year")
    assert isinstance(detailed, Extraction) and detailed.route == "local"
    assert detailed.decision.tier == "thinking" and detailed.attempts == 1
    assert decision.use_local and decision.token_count > 0
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert (error.reason, error.field) == ("INVALID_FIELD", "content")
    assert "content is empty" in str(error)


def _error(call) -> ExtractionError:
    with pytest.raises(ExtractionError) as raised:
        call()
    return raised.value


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    return make_authority(tmp_path_factory.mktemp("pki"))


async def test_the_async_client_over_tls_with_a_key_from_the_environment(
        start_router, authority, monkeypatch):
    router = await start_router(
        client_security=ClientSecurity(tls_ca=authority.ca), ROUTER_API_KEYS=CALLER_KEY,
        ROUTER_TLS_CERT=str(authority.server.cert), ROUTER_TLS_KEY=str(authority.server.key))
    monkeypatch.setenv("JOBEXTRACT_API_KEY", CALLER_KEY)
    monkeypatch.setenv("JOBEXTRACT_TLS_CA", str(authority.ca))
    async with AsyncClient(router.address) as client:  # the CLI's settings
        job = await client.extract(SPEC_SAMPLE, fields=["title", "salary"])
        assert job.description == ""  # not asked for
        with pytest.raises(ExtractionError) as late:
            await client.extract(SPEC_SAMPLE, timeout=0.001)
        assert late.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
    wrong = ClientSecurity(key="not-a-key-of-this-router-0", tls_ca=authority.ca)
    async with AsyncClient(router.address, security=wrong) as client:
        with pytest.raises(ExtractionError) as refused:
            await client.analyze(SPEC_SAMPLE)
    assert refused.value.code == grpc.StatusCode.UNAUTHENTICATED
    assert refused.value.reason == "API_KEY_INVALID"
    assert "not-a-key" not in str(refused.value)
    plaintext = ClientSecurity(key=CALLER_KEY)  # TLS is not optional on this router
    async with AsyncClient(router.address, security=plaintext) as client:
        with pytest.raises(ExtractionError) as unreachable:
            await client.analyze(SPEC_SAMPLE, timeout=10)
    assert unreachable.value.code == grpc.StatusCode.UNAVAILABLE


# ---- the README's snippet, from an install without extras ----------------------------------

def readme_snippet(section: str, language: str) -> str:
    readme = (ROOT / "README.md").read_text()
    part = readme[readme.index(f"## {section}"):]
    return re.search(rf"```{language}\n(.*?)```", part, re.S)[1]


@pytest.fixture(scope="module")
def client_venv(tmp_path_factory):
    """A venv with `pip install .` of a copy of the project: no extras."""
    folder = tmp_path_factory.mktemp("client")
    app = folder / "app"
    app.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, app / name)
    for package in ("jobextract", "jobextract_tools"):
        shutil.copytree(ROOT / package, app / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    install = subprocess.run([python, "-m", "pip", "install", "--quiet",
                              "--disable-pip-version-check", "."], cwd=app,
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    return venv


def test_installing_without_extras_brings_no_server_dependency(client_venv):
    present = subprocess.run(
        [str(client_venv / "bin" / "python"), "-c",
         "import importlib.util as u; print([m for m in ('pydantic', 'openai', 'tiktoken', "
         "'vllm', 'torch', 'pebble', 'prometheus_client') if u.find_spec(m)])"],
        capture_output=True, text=True, timeout=60)
    assert present.stdout.strip() == "[]", present.stderr
    cli = subprocess.run([str(client_venv / "bin" / "jobextract"), "extract", "--help"],
                         capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0 and "usage: jobextract" in cli.stdout, cli.stderr


async def test_the_readmes_python_snippet_runs_from_that_install(start_router, client_venv,
                                                                 tmp_path):
    router = await start_router()
    snippet = readme_snippet("Call it from Python", "python")
    assert "localhost:50051" in snippet
    (tmp_path / "posting.txt").write_text(SPEC_SAMPLE)
    (tmp_path / "snippet.py").write_text(snippet.replace("localhost:50051", router.address))
    process = await asyncio.create_subprocess_exec(
        str(client_venv / "bin" / "python"), "snippet.py", cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()
    assert out.decode().strip()  # it printed the posting's fields
