"""Check a GenerateRequest before the engine sees it, and turn it into a GenerationJob.

Every rejection here is the caller's mistake and becomes INVALID_ARGUMENT with a message
that names the field; nothing here touches the engine.
"""

from __future__ import annotations

import functools
import json
import math
import uuid
from dataclasses import dataclass, field

from jobextract.contract import (ATTEMPT_SUFFIX, REQUEST_ID_MAX, TIER_NAME, request_id_rule,
                                 valid_request_id)
from jobextract.v1 import extraction_pb2 as pb
from inference_svc.errors import InvalidRequest
from inference_svc.registry import ModelSpec, find_model

ROLES = ("system", "user", "assistant")
MAX_SCHEMA_BYTES = 64 * 1024
MAX_SCHEMA_DEPTH = 32
MAX_MESSAGES = 64
MAX_STOP_STRINGS = 16
MAX_STOP_CHARS = 256
MAX_STREAM_INTERVAL = 1024
MAX_GRACE_SECONDS = 3600
# A caller's id, or the router's id of one attempt of its call (jobextract.contract).
GENERATE_ID_MAX = REQUEST_ID_MAX + ATTEMPT_SUFFIX


@dataclass
class GenerationJob:
    """A checked request: what to run, on which model, with which parameters."""

    request_id: str
    messages: list[dict[str, str]]
    wanted: ModelSpec | None          # None: whatever is resident
    allow_switch: bool
    max_tokens: int | None            # None: service default, capped by the context left
    json_schema: dict | None
    enable_thinking: bool | None
    temperature: float | None = None  # None: the model's own (greedy, or a thinking
    top_p: float | None = None        # model's card sampling)
    top_k: int | None = None
    seed: int | None = None
    repetition_penalty: float = 1.0
    stop: list[str] = field(default_factory=list)
    ignore_eos: bool = False
    stream_interval: int = 1
    time_left: float | None = None    # seconds to the caller's deadline, if it set one


def wanted_model(registry: dict[str, ModelSpec], tier: int, model: str) -> ModelSpec | None:
    """The registered model a request or LoadModel names, or None for 'the resident one'."""
    if model:
        spec = find_model(registry, model)
        if spec is None:
            known = sorted({s.name for s in registry.values()})
            raise InvalidRequest(f"unknown model {model[:100]!r}; registered models: "
                                 f"{', '.join(known)}", "model")
        if tier and registry.get(TIER_NAME.get(tier, "")) not in (None, spec):
            raise InvalidRequest(f"model {model!r} does not serve tier {TIER_NAME[tier]}",
                                 "tier")
        return spec
    if tier == pb.TIER_UNSPECIFIED:
        return None
    if tier not in TIER_NAME:
        raise InvalidRequest(f"unknown tier {tier}; use TIER_THINKING, TIER_PRIMARY or "
                             f"TIER_MAXIMUM", "tier")
    return registry[TIER_NAME[tier]]


def parse_schema(text: str) -> dict | None:
    """The request's JSON schema, decoded afresh (the engine may keep it); the costly
    check (a few ms per schema) is done once per distinct schema text: callers send the
    same schema on every request, and admission must not wait behind the check."""
    if not text:
        return None
    _check_schema(text)
    return json.loads(text)


@functools.lru_cache(maxsize=64)
def _check_schema(text: str) -> None:
    if len(text.encode()) > MAX_SCHEMA_BYTES:
        raise InvalidRequest(f"json_schema is larger than {MAX_SCHEMA_BYTES} bytes")
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidRequest(f"json_schema is not valid JSON: {e}") from None
    except RecursionError:  # thousands of "[" fit in the size limit
        raise InvalidRequest(f"json_schema nests deeper than {MAX_SCHEMA_DEPTH} levels") from None
    if not isinstance(schema, dict):
        raise InvalidRequest("json_schema must be a JSON object")
    if _depth(schema) > MAX_SCHEMA_DEPTH:
        raise InvalidRequest(f"json_schema nests deeper than {MAX_SCHEMA_DEPTH} levels")
    import jsonschema

    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as e:
        raise InvalidRequest(f"json_schema is not a valid JSON Schema: {e.message[:300]}") from None


def _depth(node) -> int:
    """How deeply objects and arrays nest in a decoded JSON value (without recursion)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def check_grace(request: pb.LoadModelRequest) -> float | None:
    """LoadModel's grace_seconds: unset (the service default) or finite, 0-3600."""
    if not request.HasField("grace_seconds"):
        return None
    grace = request.grace_seconds
    if not math.isfinite(grace) or not 0 <= grace <= MAX_GRACE_SECONDS:
        raise InvalidRequest(f"grace_seconds is {grace}; it must be between 0 and "
                             f"{MAX_GRACE_SECONDS}")
    return grace


def parse_generate(request: pb.GenerateRequest, registry: dict[str, ModelSpec],
                   max_context: int, time_left: float | None = None) -> GenerationJob:
    """Check `request`; `max_context` bounds max_tokens (the largest registered context),
    `time_left` is the caller's deadline in seconds, if it set one."""
    if request.request_id and not valid_request_id(request.request_id, GENERATE_ID_MAX):
        raise InvalidRequest(request_id_rule(GENERATE_ID_MAX), "request_id")
    if not request.messages:
        raise InvalidRequest("messages is empty: send at least one chat message")
    if len(request.messages) > MAX_MESSAGES:
        raise InvalidRequest(f"messages has {len(request.messages)} entries; at most "
                             f"{MAX_MESSAGES}")
    messages = []
    for i, message in enumerate(request.messages):
        if message.role not in ROLES:
            raise InvalidRequest(f"messages[{i}].role is {message.role[:20]!r}; use one of "
                                 f"{', '.join(ROLES)}")
        messages.append({"role": message.role, "content": message.content})
    if not any(m["content"].strip() for m in messages):
        raise InvalidRequest("every message is empty", "messages")
    if request.max_tokens < 0 or request.max_tokens > max_context:
        raise InvalidRequest(f"max_tokens is {request.max_tokens}; it must be between 1 and "
                             f"{max_context} (0 for the service default)")
    s = request.sampling
    if s.HasField("temperature") and not 0.0 <= s.temperature <= 2.0:
        raise InvalidRequest(f"sampling.temperature is {s.temperature}; it must be in [0, 2]")
    if s.HasField("top_p") and not 0.0 < s.top_p <= 1.0:
        raise InvalidRequest(f"sampling.top_p is {s.top_p}; it must be in (0, 1]")
    if s.HasField("top_k") and s.top_k < 0:
        raise InvalidRequest(f"sampling.top_k is {s.top_k}; it must be 0 (off) or more")
    if s.HasField("repetition_penalty") and not 0.0 < s.repetition_penalty <= 2.0:
        raise InvalidRequest(f"sampling.repetition_penalty is {s.repetition_penalty}; it must be in (0, 2]")
    if request.stream_interval > MAX_STREAM_INTERVAL:
        raise InvalidRequest(f"stream_interval is {request.stream_interval}; it must be at most "
                             f"{MAX_STREAM_INTERVAL} tokens")
    if len(s.stop) > MAX_STOP_STRINGS or any(not 0 < len(stop) <= MAX_STOP_CHARS for stop in s.stop):
        raise InvalidRequest(f"sampling.stop takes at most {MAX_STOP_STRINGS} non-empty strings "
                             f"of at most {MAX_STOP_CHARS} characters")
    return GenerationJob(
        request_id=request.request_id or uuid.uuid4().hex,
        messages=messages,
        wanted=wanted_model(registry, request.tier, request.model),
        allow_switch=request.allow_switch,
        max_tokens=request.max_tokens or None,
        json_schema=parse_schema(request.json_schema),
        enable_thinking=request.enable_thinking if request.HasField("enable_thinking") else None,
        temperature=s.temperature if s.HasField("temperature") else None,
        top_p=s.top_p if s.HasField("top_p") else None,
        top_k=s.top_k if s.HasField("top_k") else None,
        seed=s.seed if s.HasField("seed") else None,
        repetition_penalty=s.repetition_penalty if s.HasField("repetition_penalty") else 1.0,
        stop=list(s.stop),
        ignore_eos=s.ignore_eos,
        stream_interval=max(1, request.stream_interval),
        time_left=time_left,
    )
