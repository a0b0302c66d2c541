"""Machine-readable errors: every error status carries a `google.rpc.Status` in the
`grpc-status-details-bin` trailer (AIP-193), so a client acts on a stable reason instead of
parsing the message.

The details hold one `ErrorInfo` (an UPPER_SNAKE `reason` from the table below, domain
`jobextract.v1`), `RetryInfo` on RESOURCE_EXHAUSTED and UNAVAILABLE (how long to wait), and
`BadRequest` with the field on INVALID_ARGUMENT. The older `jobextract-reason` trailer is
still sent where it was (context_exceeded).
"""

from __future__ import annotations

import datetime

import grpc
from google.protobuf import duration_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

DOMAIN = "jobextract.v1"
DETAILS_KEY = "grpc-status-details-bin"

# reason -> what it means; the README's error table lists the same.
REASONS = {
    "INVALID_FIELD": "a request field is malformed (BadRequest names it)",
    "UNDECODABLE_REQUEST": "the bytes are not the method's request message",
    "API_KEY_MISSING": "keys are configured and the call sent none",
    "API_KEY_INVALID": "the key is not one of the configured keys",
    "ADMIN_KEY_REQUIRED": "the method needs an admin key",
    "ROUTER_BUSY": "the router's concurrency bound is full",
    "ROUTE_UNAVAILABLE": "no route can serve now (inference down or loading, cloud failing)",
    "BACKEND_BUSY": "inference's admission or the cloud's concurrency cap is full",
    "CONTEXT_EXCEEDED": "the prompt does not fit the model's context",
    "DEADLINE_EXCEEDED": "the deadline passed",
    "NO_VALID_ANSWER": "no valid answer within the attempts",
    "MISCONFIGURED": "the service's own configuration was refused (a key, a model)",
    "CLOUD_NOT_CONFIGURED": "the job needs the cloud and no key is set",
    "INFERENCE_REJECTED": "inference or the cloud refused the router's request",
    "CLOUD_CALL_BUDGET_SPENT": "the job made its allowed cloud calls",
    "MODEL_NOT_READY": "no model is ready (loading, switching or failed)",
    "MODEL_NOT_RESIDENT": "another model is resident and the request may not switch",
    "ADMISSION_FULL": "inference's queue is full or would not start the request in time",
    "INVALID_REQUEST": "the engine refused the request",
    "CONTENT_TOO_COSTLY": "checking the answer against the posting overran its time budget",
    "LOAD_FAILED": "the model could not be loaded",
    "ABORTED_BY_SWITCH": "a model switch or shutdown cut the request off",
}
# Seconds a client should wait before retrying, by status.
RETRY_AFTER = {grpc.StatusCode.RESOURCE_EXHAUSTED: 1.0, grpc.StatusCode.UNAVAILABLE: 5.0}


def details(code: grpc.StatusCode, message: str, reason: str, field: str = "") -> bytes:
    """The serialized google.rpc.Status for the `grpc-status-details-bin` trailer."""
    assert reason in REASONS, reason
    status = status_pb2.Status(code=code.value[0], message=message)
    status.details.add().Pack(error_details_pb2.ErrorInfo(reason=reason, domain=DOMAIN))
    if code in RETRY_AFTER:
        delay = duration_pb2.Duration()
        delay.FromTimedelta(datetime.timedelta(seconds=RETRY_AFTER[code]))
        status.details.add().Pack(error_details_pb2.RetryInfo(retry_delay=delay))
    if code == grpc.StatusCode.INVALID_ARGUMENT and field:
        status.details.add().Pack(error_details_pb2.BadRequest(field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=field, description=message)]))
    return status.SerializeToString()


async def abort(context, code: grpc.StatusCode, message: str, reason: str, field: str = "",
                extra: tuple = ()):
    """End the call with `code`, `message` and the details (plus `extra` trailing
    metadata); never returns."""
    await context.abort(code, message, trailing_metadata=(
        (DETAILS_KEY, details(code, message, reason, field)), *extra))


def details_of(error) -> dict:
    """An RpcError's details as {"reason", "domain", "retry_seconds", "field"} (those present)."""
    status = rpc_status.from_call(error)
    out: dict = {}
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            out.update(reason=info.reason, domain=info.domain)
        elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            retry = error_details_pb2.RetryInfo()
            detail.Unpack(retry)
            out["retry_seconds"] = retry.retry_delay.ToTimedelta().total_seconds()
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            out["field"] = bad.field_violations[0].field if bad.field_violations else ""
    return out
