"""The router's protobuf replies, built from what the extractor decided and produced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobextract.contract import TIER_ENUM
from jobextract.v1 import extraction_pb2 as pb
from router_svc.routing import Decision

if TYPE_CHECKING:
    from router_svc.extract import Run


def decision_proto(d: Decision, model_token_count: int | None = None) -> pb.RoutingDecision:
    message = pb.RoutingDecision(token_count=d.token_count, threshold=d.threshold,
                                 use_local=d.use_local, tier=TIER_ENUM.get(d.tier or "", 0),
                                 model=d.model, reasoning=d.reasoning)
    if model_token_count is not None:
        message.model_token_count = model_token_count
    return message


def extract_response(run: Run, cloud_model: str | None) -> pb.ExtractResponse:
    """The result of a finished run; `cloud_model` names the model when the cloud answered."""
    local = run.route == pb.ROUTE_LOCAL
    response = pb.ExtractResponse(
        job=run.job.to_proto(),
        decision=decision_proto(run.decision, run.model_token_count if local else None),
        route=run.route, attempts=run.attempts, fallback_reason=run.fallback_reason,
        request_id=run.request_id,
        usage=pb.Usage(prompt_tokens=run.prompt_tokens,
                       completion_tokens=run.completion_tokens,
                       cached_prompt_tokens=run.cached_prompt_tokens,
                       reasoning_tokens=run.reasoning_tokens),
        timings=pb.Timings(total_ms=run.elapsed_ms(), **run.timings))
    if cloud_model is not None:
        response.decision.model = cloud_model
    return response
