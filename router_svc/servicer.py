"""jobextract.v1.Router over gRPC: checks input, runs the Extractor, maps failures to status.

This is the one place where the router's error causes become gRPC status codes.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import grpc

from jobextract.proto import extraction_pb2 as pb
from jobextract.proto import extraction_pb2_grpc as pb_grpc
from router_svc.errors import ExtractionFailed
from router_svc.extract import Extractor
from router_svc.replies import decision_proto

# How an extraction's failure reaches the caller (ExtractionFailed.cause).
STATUS = {
    "unavailable": grpc.StatusCode.UNAVAILABLE,
    "busy": grpc.StatusCode.RESOURCE_EXHAUSTED,
    "context": grpc.StatusCode.FAILED_PRECONDITION,
    "deadline": grpc.StatusCode.DEADLINE_EXCEEDED,
    "invalid_output": grpc.StatusCode.INTERNAL,
    "misconfigured": grpc.StatusCode.FAILED_PRECONDITION,
    "cloud_not_configured": grpc.StatusCode.FAILED_PRECONDITION,
    "rejected": grpc.StatusCode.INTERNAL,
}

REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


class BadInput(ValueError):
    pass


def check_content(content: str, max_bytes: int) -> None:
    if not content.strip():
        raise BadInput("content is empty: send the posting's text")
    size = len(content.encode())
    if size > max_bytes:
        raise BadInput(f"content is {size} bytes; the limit is {max_bytes} "
                       f"(ROUTER_MAX_CONTENT_BYTES)")


def check_request(request: pb.ExtractRequest, max_bytes: int) -> str:
    """Raise BadInput for a malformed request; return its request id."""
    check_content(request.content, max_bytes)
    if request.source_url:
        url = request.source_url
        parts = urlsplit(url) if len(url) <= 2048 and not any(c.isspace() for c in url) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadInput(f"source_url must be an http(s) URL, got {url[:100]!r}")
    if request.request_id and not REQUEST_ID.fullmatch(request.request_id):
        raise BadInput("request_id must be 1-128 characters of letters, digits and ._:-")
    return request.request_id or uuid.uuid4().hex


class RouterServicer(pb_grpc.RouterServicer):
    def __init__(self, extractor: Extractor):
        self.extractor = extractor
        self.max_bytes = extractor.settings.max_content_bytes

    async def _events(self, request: pb.ExtractRequest, context):
        try:
            request_id = check_request(request, self.max_bytes)
        except BadInput as e:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
        try:
            async for event in self.extractor.extract(request.content, request_id,
                                                      context.time_remaining):
                yield event
        except ExtractionFailed as e:
            await context.abort(STATUS[e.cause], e.message)

    async def Extract(self, request, context):
        last = None
        async for event in self._events(request, context):
            last = event
        return last.result

    async def ExtractStream(self, request, context):
        async for event in self._events(request, context):
            yield event

    async def Analyze(self, request: pb.AnalyzeRequest, context):
        try:
            check_content(request.content, self.max_bytes)
        except BadInput as e:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
        decision, _ = self.extractor.analyze(request.content)
        return decision_proto(decision)

    async def GetStats(self, request, context):
        return self.extractor.stats.to_proto(self.extractor.policy.switches)
