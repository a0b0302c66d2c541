"""The router's client of jobextract.v1.InferenceService.

Errors come back as RouteError with the cause classified, so the extractor can decide
between retrying, falling back to the cloud and answering the caller.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from jobextract.contract import CONTEXT_EXCEEDED, TIER_ENUM, TIER_NAME, reason_of
from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract.security import ClientSecurity
from jobextract.serving import KEEPALIVE_CLIENT
from router_svc.errors import RouteError


_CAUSES = {
    grpc.StatusCode.UNAVAILABLE: "unavailable",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "busy",
    grpc.StatusCode.FAILED_PRECONDITION: "unavailable",   # another model resident / failed
    grpc.StatusCode.DEADLINE_EXCEEDED: "deadline",
    grpc.StatusCode.CANCELLED: "unavailable",
    # The router's own key or certificate refused: its configuration, not the caller's.
    grpc.StatusCode.UNAUTHENTICATED: "misconfigured",
    grpc.StatusCode.PERMISSION_DENIED: "misconfigured",
}


def local_error(e: grpc.aio.AioRpcError) -> RouteError:
    if e.code() == grpc.StatusCode.INVALID_ARGUMENT and reason_of(e) == CONTEXT_EXCEEDED:
        return RouteError("context", e.details())
    cause = _CAUSES.get(e.code(), "rejected")
    return RouteError(cause, f"inference {e.code().name}: {e.details()}")


class InferenceClient:
    """One channel to inference (TLS and a key when configured, keepalive so a half-open
    connection is found in under a minute)."""

    def __init__(self, address: str, max_message_bytes: int,
                 security: ClientSecurity = ClientSecurity()):
        self.address = address
        self._metadata = security.metadata()
        self._channel = security.aio_channel(address, [
            ("grpc.max_receive_message_length", max_message_bytes),
            ("grpc.max_send_message_length", max_message_bytes), *KEEPALIVE_CLIENT])
        self._stub = pb_grpc.InferenceServiceStub(self._channel)

    async def model_info(self, timeout: float = 2.0) -> pb.ModelInfo:
        try:
            return (await self._stub.GetModelInfo(pb.GetModelInfoRequest(), timeout=timeout,
                                                 metadata=self._metadata)).info
        except grpc.aio.AioRpcError as e:
            raise local_error(e) from None

    async def generate(self, request_id: str, messages: list[dict[str, str]], tier: str,
                       allow_switch: bool, json_schema: str, max_tokens: int,
                       timeout: float | None,
                       stream_interval: int = 1) -> AsyncIterator[pb.GenerateResponse]:
        request = pb.GenerateRequest(
            request_id=request_id, tier=TIER_ENUM[tier], allow_switch=allow_switch,
            json_schema=json_schema, max_tokens=max_tokens, stream_interval=stream_interval,
            messages=[pb.ChatMessage(**m) for m in messages])
        call = self._stub.Generate(request, timeout=timeout, metadata=self._metadata)
        try:
            async for response in call:
                yield response
        except grpc.aio.AioRpcError as e:
            raise local_error(e) from None
        finally:
            call.cancel()  # no-op when finished; aborts the generation otherwise

    async def close(self) -> None:
        await self._channel.close()


def tiers_of(info: pb.ModelInfo) -> list[str]:
    return [TIER_NAME[t] for t in info.tiers if t in TIER_NAME]
