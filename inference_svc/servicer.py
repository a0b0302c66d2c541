"""jobextract.v1.InferenceService over gRPC: checks requests, calls the ModelHost, maps errors.

The servicer knows nothing about job postings: it streams what the resident model
generates for chat messages, optionally under a JSON schema.
"""

from __future__ import annotations

import logging
import time
from contextlib import aclosing

import grpc

from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract.contract import CONTEXT_EXCEEDED, REASON_KEY, TIER_ENUM
from jobextract.status import abort
from inference_svc.device import memory_in_use
from inference_svc.engine import ModelHost, State
from inference_svc.errors import HostError, InvalidRequest
from inference_svc.requests import check_grace, parse_generate, wanted_model

log = logging.getLogger(__name__)

STATUS = {
    "unavailable": grpc.StatusCode.UNAVAILABLE,
    "resource_exhausted": grpc.StatusCode.RESOURCE_EXHAUSTED,
    "failed_precondition": grpc.StatusCode.FAILED_PRECONDITION,
    "invalid_argument": grpc.StatusCode.INVALID_ARGUMENT,
    "internal": grpc.StatusCode.INTERNAL,
}
FINISH = {"stop": pb.FINISH_REASON_STOP, "length": pb.FINISH_REASON_LENGTH,
          "abort": pb.FINISH_REASON_ABORT}
STATES = {State.LOADING: pb.MODEL_STATE_LOADING, State.READY: pb.MODEL_STATE_READY,
          State.FAILED: pb.MODEL_STATE_FAILED}


class InferenceServicer(pb_grpc.InferenceServiceServicer):
    def __init__(self, host: ModelHost, profile: str, device: str):
        self.host = host
        self.profile = profile
        self.device = device  # cuda | cpu: read once at start, not on every GetModelInfo
        self.max_context = max(spec.max_model_len for spec in host.registry.values())

    async def Generate(self, request: pb.GenerateRequest, context: grpc.aio.ServicerContext):
        started = time.monotonic()
        try:
            self.host.refuse_if_full()  # before any work: overload is refused at once
            job = parse_generate(request, self.host.registry, self.max_context,
                                 context.time_remaining())
        except InvalidRequest as e:
            await abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(e), "INVALID_FIELD",
                        e.field)
        except HostError as e:
            await abort_host_error(context, e)
        first_token_at = None
        last = None
        try:
            async with aclosing(self.host.generate(job)) as stream:
                async for chunk in stream:
                    first = first_token_at is None
                    if first:
                        first_token_at = time.monotonic()
                    response = pb.GenerateResponse(delta=chunk.text, request_id=job.request_id)
                    if first or chunk.finish_reason:
                        response.model = self.host.spec.name
                        response.tier = self._tier()
                    if chunk.finish_reason:
                        response.finish_reason = FINISH.get(chunk.finish_reason,
                                                            pb.FINISH_REASON_STOP)
                        response.usage.prompt_tokens = chunk.prompt_tokens
                        response.usage.completion_tokens = chunk.completion_tokens
                        response.usage.cached_prompt_tokens = chunk.cached_prompt_tokens
                        response.usage.reasoning_tokens = chunk.reasoning_tokens
                        last = chunk
                    yield response
        except HostError as e:
            log.info("generate %s rejected: %s", job.request_id, e.message)
            await abort_host_error(context, e)
        if last is not None:
            now = time.monotonic()
            log.info("generate %s model=%s prompt_tokens=%d cached=%d completion_tokens=%d "
                     "reasoning_tokens=%d finish=%s ttft_ms=%.0f total_ms=%.0f", job.request_id,
                     self.host.spec.name, last.prompt_tokens, last.cached_prompt_tokens,
                     last.completion_tokens, last.reasoning_tokens, last.finish_reason,
                     (first_token_at - started) * 1000, (now - started) * 1000)

    async def LoadModel(self, request: pb.LoadModelRequest, context: grpc.aio.ServicerContext):
        try:
            spec = wanted_model(self.host.registry, request.tier, request.model)
            grace = check_grace(request)
        except InvalidRequest as e:
            await abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(e), "INVALID_FIELD",
                        e.field)
        if spec is None:
            await abort(context, grpc.StatusCode.INVALID_ARGUMENT,
                        "name a tier or a registered model to load", "INVALID_FIELD", "tier")
        try:
            result = await self.host.load(spec, grace)
        except HostError as e:
            await abort_host_error(context, e)
        return pb.LoadModelResponse(info=self._info(), switched=result.switched,
                                    switch_seconds=result.seconds,
                                    aborted_requests=result.aborted)

    async def GetModelInfo(self, request, context):
        return pb.GetModelInfoResponse(info=self._info())

    def _tier(self) -> int:
        tiers = self.host.tiers()
        return TIER_ENUM[tiers[0]] if len(tiers) == 1 else pb.TIER_UNSPECIFIED

    def _info(self) -> pb.ModelInfo:
        host, spec = self.host, self.host.spec
        memory, memory_kind = memory_in_use()
        info = pb.ModelInfo(
            state=STATES[host.state], reason=host.reason, load_seconds=host.load_seconds,
            memory_bytes=memory, memory_kind=memory_kind, requests_served=host.requests_served,
            switches=host.switches, active_requests=host.active_requests,
            engine_unfinished_requests=host.engine_unfinished_requests(),
            max_pending=host.pending_limit(spec) if spec else host.max_pending or 0,
            profile=self.profile, device=self.device,
            switch_mode=host.switch_mode.mode, switch_mode_note=host.switch_mode.note,
            sleeping_models=len(host.sleeping_models))
        if spec is not None:
            info.name, info.checkpoint = spec.name, spec.checkpoint
            info.tiers.extend(TIER_ENUM[t] for t in host.tiers())
            info.max_model_len, info.dtype = spec.max_model_len, spec.dtype
            info.quantization = spec.quantization or ""
            info.thinking_budget = spec.thinking_budget if spec.reasoning_parser else 0
        return info


async def abort_host_error(context, e: HostError):
    """The host's refusal as a status with its reason (and the older reason trailer)."""
    reason = "CONTEXT_EXCEEDED" if e.reason == CONTEXT_EXCEEDED else e.error_reason
    await abort(context, STATUS[e.kind], e.message, reason,
                extra=((REASON_KEY, e.reason),) if e.reason else ())

