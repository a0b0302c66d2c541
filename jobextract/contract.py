"""Parts of the contract that a .proto cannot state: machine-readable error details.

An error status may carry trailing metadata `jobextract-reason` so a client can act on the
cause without parsing the message; documented in protos/extraction.proto.
"""

REASON_KEY = "jobextract-reason"
# Inference.Generate INVALID_ARGUMENT: the prompt (plus max_tokens) exceeds the model context.
CONTEXT_EXCEEDED = "context_exceeded"


def reason_of(error) -> str:
    """The `jobextract-reason` of a grpc.aio.AioRpcError, or ""."""
    for key, value in error.trailing_metadata() or ():
        if key == REASON_KEY:
            return value
    return ""
