"""Parts of the contract that a .proto cannot state: the tier vocabulary and error reasons.

Tiers are named once here, in order of capability, with their proto enum values; both
services and every tool take them from this module.

An error status may carry trailing metadata `jobextract-reason` so a client can act on the
cause without parsing the message; documented in protos/jobextract/v1/extraction.proto.
"""

import re
import uuid

from jobextract.v1 import extraction_pb2 as pb

# Model tiers, least to most capable.
TIERS = ("thinking", "primary", "maximum")
RANK = {tier: i for i, tier in enumerate(TIERS, start=1)}
TIER_ENUM = {"thinking": pb.TIER_THINKING, "primary": pb.TIER_PRIMARY,
             "maximum": pb.TIER_MAXIMUM}
TIER_NAME = {value: name for name, value in TIER_ENUM.items()}

REASON_KEY = "jobextract-reason"
# InferenceService.Generate INVALID_ARGUMENT: the prompt (plus max_tokens) exceeds the model context.
CONTEXT_EXCEEDED = "context_exceeded"


def reason_of(error) -> str:
    """The `jobextract-reason` of a grpc.aio.AioRpcError, or ""."""
    for key, value in error.trailing_metadata() or ():
        if key == REASON_KEY:
            return value
    return ""


# Request ids, on both services: they reach logs and the engine, so nothing that could
# forge a log line (newlines, control characters) and nothing unbounded. The router sends
# each attempt of a call to inference as the caller's id plus ATTEMPT_SUFFIX characters, so
# inference takes that much more: any id the router accepts stays valid on the local route.
REQUEST_ID_CHARS = r"[A-Za-z0-9._:\-]"
REQUEST_ID_MAX = 128
ATTEMPT_SUFFIX = 9  # "-" and 8 hex digits


def request_id_rule(max_chars: int = REQUEST_ID_MAX) -> str:
    return f"request_id must be 1-{max_chars} characters of letters, digits and ._:-"


REQUEST_ID_RULE = request_id_rule()


def valid_request_id(value: str, max_chars: int = REQUEST_ID_MAX) -> bool:
    return 0 < len(value) <= max_chars and re.fullmatch(f"{REQUEST_ID_CHARS}+", value) is not None


def attempt_id(request_id: str) -> str:
    """The id of one attempt of the call `request_id` (valid on inference, see above)."""
    suffix = f"-{uuid.uuid4().hex[:ATTEMPT_SUFFIX - 1]}"
    return request_id + suffix
