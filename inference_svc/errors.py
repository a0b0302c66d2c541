"""The inference service's errors. Each kind names the gRPC status the servicer answers
with; a `reason` is machine-readable detail sent as trailing metadata."""

from __future__ import annotations

import re


class InvalidRequest(ValueError):
    """The request is malformed; the message says which field and why. `field` names it
    (by default the message's first word, which by convention is the field's path, e.g.
    "sampling.top_p is 0; ...")."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field or re.match(r"[\w.\[\]]*", message).group(0)


class HostError(Exception):
    """Why a request or load could not be served; `kind` picks the gRPC status and
    `error_reason` the ErrorInfo reason (jobextract/status.py)."""

    kind = "internal"
    error_reason = "INVALID_REQUEST"

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.message = message
        self.reason = reason  # machine-readable detail, sent as trailing metadata


class NotReady(HostError):
    kind = "unavailable"        # loading, switching or failed: retry later
    error_reason = "MODEL_NOT_READY"


class Overloaded(HostError):
    kind = "resource_exhausted"
    error_reason = "ADMISSION_FULL"


class WrongModel(HostError):
    kind = "failed_precondition"
    error_reason = "MODEL_NOT_RESIDENT"


class BadPrompt(HostError):
    kind = "invalid_argument"   # e.g. longer than the model's context
    error_reason = "INVALID_REQUEST"


class LoadFailed(HostError):
    kind = "failed_precondition"
    error_reason = "LOAD_FAILED"


class Aborted(HostError):
    kind = "unavailable"        # cut off by a switch or shutdown after the grace period
    error_reason = "ABORTED_BY_SWITCH"
