"""A typed Python client of the router: plain values in, plain values out.

    from jobextract.client import Client

    with Client("localhost:50051") as client:
        job = client.extract(posting_text)
        print(job.title, job.salary_min, job.salary_period)   # 'Cook' 45000.0 'year'

`AsyncClient` is the same with `async with` and `await`. Keys and TLS come from the same
settings as the `jobextract` command (JOBEXTRACT_API_KEY, JOBEXTRACT_TLS_CA,
JOBEXTRACT_TLS_CERT, JOBEXTRACT_TLS_KEY, JOBEXTRACT_TLS_SERVER_NAME), or from a
`ClientSecurity` given to the constructor. A failed call raises `ExtractionError`, whose
`reason` is the stable machine-readable one the README's error table lists.

Installing `jobextract` without extras gives this module, the CLI's client commands and
the generated stubs: none of the router's or vLLM's dependencies.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import grpc

from jobextract.security import ClientSecurity
from jobextract.status import details_of
from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc

DEFAULT_ADDRESS = "localhost:50051"
DEFAULT_TIMEOUT = 300.0  # seconds: a long posting on a busy CPU takes a minute or more


@dataclass(frozen=True)
class JobPosting:
    """The posting's facts; a field the posting does not state is None (lists: empty)."""
    title: str | None
    company: str | None
    location: str | None
    salary_min: float | None
    salary_max: float | None
    salary_currency: str | None   # ISO 4217, e.g. "USD"
    salary_period: str | None     # "hour", "day", "week", "month" or "year"
    description: str
    requirements: list[str]
    benefits: list[str]
    skills: list[str]

    @classmethod
    def from_proto(cls, job: pb.JobPosting) -> "JobPosting":
        def optional(name: str):
            return getattr(job, name) if job.HasField(name) else None

        period = optional("salary_period")
        return cls(
            title=optional("title"), company=optional("company"),
            location=optional("location"), salary_min=optional("salary_min"),
            salary_max=optional("salary_max"), salary_currency=optional("salary_currency"),
            salary_period=None if period is None else _plain_enum(pb.SalaryPeriod, period),
            description=job.description, requirements=list(job.requirements),
            benefits=list(job.benefits), skills=list(job.skills))

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Decision:
    """How the router routes a posting: local model (and which tier) or the cloud."""
    token_count: int
    threshold: int
    use_local: bool
    tier: str | None     # "thinking", "primary" or "maximum"; None for the cloud
    model: str
    reasoning: str

    @classmethod
    def from_proto(cls, d: pb.RoutingDecision) -> "Decision":
        return cls(token_count=d.token_count, threshold=d.threshold, use_local=d.use_local,
                   tier=_plain_enum(pb.Tier, d.tier), model=d.model, reasoning=d.reasoning)


@dataclass(frozen=True)
class Extraction:
    """An extraction with how it was made."""
    job: JobPosting
    decision: Decision
    route: str            # "local" or "cloud": where the returned answer was produced
    attempts: int         # generations tried, all routes together
    fallback_reason: str  # why the cloud served a job decided local; "" if it did not
    request_id: str
    total_ms: float

    @classmethod
    def from_proto(cls, r: pb.ExtractResponse) -> "Extraction":
        return cls(job=JobPosting.from_proto(r.job), decision=Decision.from_proto(r.decision),
                   route=_plain_enum(pb.Route, r.route) or "", attempts=r.attempts,
                   fallback_reason=r.fallback_reason, request_id=r.request_id,
                   total_ms=r.timings.total_ms)


class ExtractionError(Exception):
    """A call that failed: `code` the gRPC status, `reason` the stable reason (e.g.
    "INVALID_FIELD", "ROUTER_BUSY"), `retry_seconds` when a retry may succeed later,
    `field` the request field at fault."""

    def __init__(self, error: grpc.RpcError):
        found = details_of(error)
        self.code: grpc.StatusCode = error.code()
        self.message: str = error.details() or ""
        self.reason: str = found.get("reason", "")
        self.retry_seconds: float | None = found.get("retry_seconds")
        self.field: str = found.get("field", "")
        super().__init__(f"{self.code.name}: {self.message}"
                         + (f" [{self.reason}]" if self.reason else ""))


def _plain_enum(enum, value: int) -> str | None:
    """SALARY_PERIOD_YEAR -> "year"; the zero value (UNSPECIFIED) -> None."""
    if not value:
        return None
    prefix = enum.DESCRIPTOR.values[0].name.removesuffix("UNSPECIFIED")
    return enum.Name(value).removeprefix(prefix).lower()


def _extract_request(content: str, fields_wanted, request_id: str) -> pb.ExtractRequest:
    return pb.ExtractRequest(content=content, fields=list(fields_wanted or ()),
                             request_id=request_id)


class Client:
    """Blocking calls to a router. One client keeps one channel: make one and reuse it."""

    def __init__(self, address: str = DEFAULT_ADDRESS, *, security: ClientSecurity | None = None,
                 timeout: float = DEFAULT_TIMEOUT):
        self.security = security or ClientSecurity.from_env()
        self.timeout = timeout
        self._channel = self.security.channel(address)
        self._stub = pb_grpc.RouterServiceStub(self._channel)

    def _call(self, method: str, request, timeout: float | None):
        try:
            return getattr(self._stub, method)(
                request, timeout=self.timeout if timeout is None else timeout,
                metadata=self.security.metadata())
        except grpc.RpcError as e:
            raise ExtractionError(e) from None

    def extract(self, content: str, *, fields=None, request_id: str = "",
                timeout: float | None = None) -> JobPosting:
        """The posting's facts. `fields` (e.g. ["title", "salary"]) limits what is read."""
        return self.extract_detailed(content, fields=fields, request_id=request_id,
                                     timeout=timeout).job

    def extract_detailed(self, content: str, *, fields=None, request_id: str = "",
                         timeout: float | None = None) -> Extraction:
        """The facts with the routing decision, the route that served and the attempts."""
        reply = self._call("Extract", _extract_request(content, fields, request_id), timeout)
        return Extraction.from_proto(reply)

    def analyze(self, content: str, *, timeout: float | None = None) -> Decision:
        """The routing decision alone: nothing is generated."""
        reply = self._call("Analyze", pb.AnalyzeRequest(content=content), timeout)
        return Decision.from_proto(reply.decision)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_) -> None:
        self.close()


class AsyncClient:
    """The same calls for asyncio: `async with AsyncClient(...) as client`."""

    def __init__(self, address: str = DEFAULT_ADDRESS, *, security: ClientSecurity | None = None,
                 timeout: float = DEFAULT_TIMEOUT):
        self.security = security or ClientSecurity.from_env()
        self.timeout = timeout
        self._channel = self.security.aio_channel(address)
        self._stub = pb_grpc.RouterServiceStub(self._channel)

    async def _call(self, method: str, request, timeout: float | None):
        try:
            return await getattr(self._stub, method)(
                request, timeout=self.timeout if timeout is None else timeout,
                metadata=self.security.metadata())
        except grpc.RpcError as e:
            raise ExtractionError(e) from None

    async def extract(self, content: str, *, fields=None, request_id: str = "",
                      timeout: float | None = None) -> JobPosting:
        return (await self.extract_detailed(content, fields=fields, request_id=request_id,
                                            timeout=timeout)).job

    async def extract_detailed(self, content: str, *, fields=None, request_id: str = "",
                               timeout: float | None = None) -> Extraction:
        reply = await self._call("Extract", _extract_request(content, fields, request_id),
                                 timeout)
        return Extraction.from_proto(reply)

    async def analyze(self, content: str, *, timeout: float | None = None) -> Decision:
        reply = await self._call("Analyze", pb.AnalyzeRequest(content=content), timeout)
        return Decision.from_proto(reply.decision)

    async def close(self) -> None:
        await self._channel.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *_) -> None:
        await self.close()
