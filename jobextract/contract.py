"""Parts of the contract that a .proto cannot state: the tier vocabulary and error reasons.

Tiers are named once here, in order of capability, with their proto enum values; both
services and every tool take them from this module.

An error status may carry trailing metadata `jobextract-reason` so a client can act on the
cause without parsing the message; documented in protos/extraction.proto.
"""

from jobextract.proto import extraction_pb2 as pb

# Model tiers, least to most capable.
TIERS = ("thinking", "primary", "maximum")
RANK = {tier: i for i, tier in enumerate(TIERS, start=1)}
TIER_ENUM = {"thinking": pb.TIER_THINKING, "primary": pb.TIER_PRIMARY,
             "maximum": pb.TIER_MAXIMUM}
TIER_NAME = {value: name for name, value in TIER_ENUM.items()}

REASON_KEY = "jobextract-reason"
# Inference.Generate INVALID_ARGUMENT: the prompt (plus max_tokens) exceeds the model context.
CONTEXT_EXCEEDED = "context_exceeded"


def reason_of(error) -> str:
    """The `jobextract-reason` of a grpc.aio.AioRpcError, or ""."""
    for key, value in error.trailing_metadata() or ():
        if key == REASON_KEY:
            return value
    return ""
