"""jobextract.v1.RouterService over gRPC: checks input, runs the Extractor, maps failures to status.

This is the one place where the router's error causes become gRPC status codes.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing, contextmanager
from urllib.parse import urlsplit

import grpc

from jobextract.contract import REQUEST_ID_RULE, valid_request_id
from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract.status import abort
from router_svc.errors import ExtractionFailed
from router_svc.extract import Extractor
from router_svc.replies import decision_proto
from router_svc.schema import wanted_fields

# How an extraction's failure reaches the caller (ExtractionFailed.cause): status, reason.
STATUS = {
    "unavailable": (grpc.StatusCode.UNAVAILABLE, "ROUTE_UNAVAILABLE"),
    "busy": (grpc.StatusCode.RESOURCE_EXHAUSTED, "BACKEND_BUSY"),
    "context": (grpc.StatusCode.FAILED_PRECONDITION, "CONTEXT_EXCEEDED"),
    "deadline": (grpc.StatusCode.DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED"),
    "invalid_output": (grpc.StatusCode.INTERNAL, "NO_VALID_ANSWER"),
    "misconfigured": (grpc.StatusCode.FAILED_PRECONDITION, "MISCONFIGURED"),
    "cloud_not_configured": (grpc.StatusCode.FAILED_PRECONDITION, "CLOUD_NOT_CONFIGURED"),
    "rejected": (grpc.StatusCode.INTERNAL, "INFERENCE_REJECTED"),
    "exhausted": (grpc.StatusCode.RESOURCE_EXHAUSTED, "CLOUD_CALL_BUDGET_SPENT"),
    "check_overran": (grpc.StatusCode.INVALID_ARGUMENT, "CONTENT_TOO_COSTLY"),
}


class BadInput(ValueError):
    """A malformed request field; `field` names it."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


# A character that shows: not a space, a control or format character (NUL, zero-width
# spaces and joiners, direction marks, the byte-order mark, soft hyphens), nor a
# noncharacter or specials-block code point (U+FFF0-U+FFFF, the replacement sign included).
_VISIBLE = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f"
                      r"\u202a-\u202e\u2060-\u206f\ufeff\ufff0-\uffff\U000e0000-\U000e007f]")


def check_content(content: str, max_bytes: int) -> None:
    size = len(content.encode())
    if size > max_bytes:
        raise BadInput(f"content is {size} bytes; the limit is {max_bytes} "
                       f"(ROUTER_MAX_CONTENT_BYTES)", "content")
    if not _VISIBLE.search(content):
        raise BadInput("content is empty or has no visible character: send the posting's "
                       "text", "content")


def _http_url(url: str) -> bool:
    if len(url) > 2048 or any(c.isspace() or not c.isprintable() for c in url):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and (
            parts.port is None or parts.port > 0)
    except ValueError:  # e.g. 'http://[::1' or a port out of range
        return False


def check_request(request: pb.ExtractRequest, max_bytes: int
                  ) -> tuple[str, frozenset[str] | None]:
    """Raise BadInput for a malformed request; return its request id and wanted fields."""
    check_content(request.content, max_bytes)
    if request.source_url and not _http_url(request.source_url):
        raise BadInput(f"source_url must be an http(s) URL of at most 2048 characters, got "
                       f"{request.source_url[:100]!r}", "source_url")
    if request.request_id and not valid_request_id(request.request_id):
        raise BadInput(REQUEST_ID_RULE, "request_id")
    try:
        wanted = wanted_fields(request.fields)
    except ValueError as e:
        raise BadInput(f"fields: {e}", "fields") from None
    return request.request_id or uuid.uuid4().hex, wanted


class Overloaded(Exception):
    pass


class CallTooLong(Exception):
    """The call reached ROUTER_MAX_CALL_SECONDS."""


async def _within(deadline: float, events: AsyncIterator):
    """`events`, each awaited before `deadline` (loop time). The bound runs only while the
    extraction works, never while gRPC writes an event out: a timeout there would land in
    gRPC's code and reach a streaming caller as CANCELLED, the slot still held."""
    async with aclosing(events):
        while True:
            bound = asyncio.timeout_at(deadline)
            try:
                async with bound:
                    event = await anext(events)
            except StopAsyncIteration:
                return
            except TimeoutError:
                if bound.expired():
                    raise CallTooLong from None
                raise
            yield event


class RouterServicer(pb_grpc.RouterServiceServicer):
    """Every call is checked, counted against the concurrency bound (refused at once past
    it) and bounded in time (the caller's deadline, and never more than max_call_seconds)."""

    def __init__(self, extractor: Extractor):
        self.extractor = extractor
        settings = extractor.settings
        self.max_bytes = settings.max_content_bytes
        self.max_concurrent = settings.max_concurrent
        self.max_call_seconds = settings.max_call_seconds
        self.in_progress = 0

    @contextmanager
    def _slot(self):
        if self.in_progress >= self.max_concurrent:
            self.extractor.stats.rejected += 1
            raise Overloaded(f"{self.in_progress} calls in progress, the limit is "
                             f"{self.max_concurrent} (ROUTER_MAX_CONCURRENT); retry later")
        self.in_progress += 1
        try:
            yield
        finally:
            self.in_progress -= 1

    def _time_left(self, context):
        """Seconds left for this call: the caller's deadline or the service's maximum."""
        ends = time.monotonic() + self.max_call_seconds

        def left() -> float:
            own = ends - time.monotonic()
            caller = context.time_remaining()
            return own if caller is None else min(caller, own)

        return left

    async def _events(self, request: pb.ExtractRequest, context):
        try:
            request_id, wanted = check_request(request, self.max_bytes)
        except BadInput as e:
            await abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(e), "INVALID_FIELD",
                        e.field)
        # The service's own bound on the whole call, whatever its parts do (sub-calls also
        # get the time left, so they end first where they can).
        deadline = asyncio.get_running_loop().time() + self.max_call_seconds
        try:
            with self._slot():
                events = self.extractor.extract(request.content, request_id,
                                                self._time_left(context), wanted)
                async for event in _within(deadline, events):
                    yield event
        except CallTooLong:
            await abort(context, grpc.StatusCode.DEADLINE_EXCEEDED,
                        f"the call took longer than {self.max_call_seconds:g} s "
                        f"(ROUTER_MAX_CALL_SECONDS)", "DEADLINE_EXCEEDED")
        except Overloaded as e:
            await abort(context, grpc.StatusCode.RESOURCE_EXHAUSTED, str(e), "ROUTER_BUSY")
        except ExtractionFailed as e:
            code, reason = STATUS[e.cause]
            await abort(context, code, e.message, reason)

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
            with self._slot():
                decision, _ = await self.extractor.analyze(request.content)
        except BadInput as e:
            await abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(e), "INVALID_FIELD",
                        e.field)
        except Overloaded as e:
            await abort(context, grpc.StatusCode.RESOURCE_EXHAUSTED, str(e), "ROUTER_BUSY")
        return pb.AnalyzeResponse(decision=decision_proto(decision))

    async def GetStats(self, request, context):
        return self.extractor.stats.to_proto(self.extractor.replicas.switches,
                                             self.extractor.cloud)
