"""The contract: checked-in stubs match protos/jobextract/v1/extraction.proto, buf's lint
passes, and the messages users rely on."""

import subprocess
from pathlib import Path

from jobextract import codegen
from jobextract.v1 import extraction_pb2 as pb

ROOT = Path(__file__).resolve().parent.parent
BUF = ROOT / "clients" / "node" / "node_modules" / ".bin" / "buf"  # from npm (make install)


def test_generated_stubs_match_the_proto():
    assert codegen.drift() == [], "run `make protos` (python -m jobextract.codegen) and commit"


def test_buf_lint_passes_on_the_contract():
    """buf.yaml asks for buf's STANDARD rules: names callers' generated code will carry."""
    lint = subprocess.run([str(BUF), "lint"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_an_extract_request_is_also_an_extract_stream_request():
    """The two requests keep one wire form: a caller may send either's bytes to either."""
    def shape(message):
        return [(f.name, f.number, f.type, f.is_repeated) for f in message.DESCRIPTOR.fields]

    assert shape(pb.ExtractRequest) == shape(pb.ExtractStreamRequest)


def test_services_and_methods():
    services = {s.full_name: [m.name for m in s.methods] for s in pb.DESCRIPTOR.services_by_name.values()}
    assert services == {
        "jobextract.v1.RouterService": ["Extract", "ExtractStream", "Analyze", "GetStats"],
        "jobextract.v1.InferenceService": ["Generate", "LoadModel", "GetModelInfo"],
    }
    generate = pb.DESCRIPTOR.services_by_name["InferenceService"].methods_by_name["Generate"]
    assert generate.server_streaming and not generate.client_streaming


def test_job_posting_fields_and_nullability():
    fields = {f.name: f for f in pb.JobPosting.DESCRIPTOR.fields}
    assert list(fields) == ["title", "company", "location", "salary_min", "salary_max",
                            "salary_currency", "salary_period", "description",
                            "requirements", "benefits", "skills"]
    nullable = {name for name, f in fields.items() if f.has_presence}
    assert nullable == {"title", "company", "location", "salary_min", "salary_max", "salary_currency",
                        "salary_period"}
    job = pb.JobPosting(title="x")
    assert not job.HasField("salary_min")  # absent, not 0
