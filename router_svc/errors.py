"""The router's errors: why an answer is unusable, why a route could not serve, why an
extraction failed. Each carries a cause; the servicer alone turns causes into gRPC codes.
"""

from __future__ import annotations


class InvalidOutput(ValueError):
    """The model's answer is not a valid, grounded JobPosting; the message says why, briefly
    (it is fed back to the model on a re-ask)."""


class RouteError(Exception):
    """A route (local inference or the cloud) could not serve. `cause` is one of:
    unavailable, busy, context, deadline, invalid_output, misconfigured, rejected, and
    exhausted (the job's cloud call budget is spent)."""

    def __init__(self, cause: str, message: str):
        super().__init__(message)
        self.cause = cause
        self.message = message


class ExtractionFailed(Exception):
    """No route is left for this job. `cause` is a RouteError cause, or `cloud_not_configured`
    when the job needs the cloud and no key is set."""

    def __init__(self, cause: str, message: str):
        super().__init__(message)
        self.cause = cause
        self.message = message
