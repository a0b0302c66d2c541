"""The contract: checked-in stubs match protos/extraction.proto; the messages users rely on."""

from jobextract import codegen
from jobextract.proto import extraction_pb2 as pb


def test_generated_stubs_match_the_proto():
    assert codegen.drift() == [], "run `make protos` (python -m jobextract.codegen) and commit"


def test_services_and_methods():
    services = {s.full_name: [m.name for m in s.methods] for s in pb.DESCRIPTOR.services_by_name.values()}
    assert services == {
        "jobextract.v1.Router": ["Extract", "ExtractStream", "Analyze", "GetStats"],
        "jobextract.v1.Inference": ["Generate", "LoadModel", "GetModelInfo"],
    }
    generate = pb.DESCRIPTOR.services_by_name["Inference"].methods_by_name["Generate"]
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
