"""The inference service's errors. Each kind names the gRPC status the servicer answers
with; a `reason` is machine-readable detail sent as trailing metadata."""

from __future__ import annotations


class InvalidRequest(ValueError):
    """The request is malformed; the message says which field and why."""


class HostError(Exception):
    """Why a request or load could not be served; `kind` picks the gRPC status."""

    kind = "internal"

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.message = message
        self.reason = reason  # machine-readable detail, sent as trailing metadata


class NotReady(HostError):
    kind = "unavailable"        # loading, switching or failed: retry later


class Overloaded(HostError):
    kind = "resource_exhausted"


class WrongModel(HostError):
    kind = "failed_precondition"


class BadPrompt(HostError):
    kind = "invalid_argument"   # e.g. longer than the model's context


class LoadFailed(HostError):
    kind = "failed_precondition"


class Aborted(HostError):
    kind = "unavailable"        # cut off by a switch or shutdown after the grace period
