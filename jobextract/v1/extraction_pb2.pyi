from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Tier(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIER_UNSPECIFIED: _ClassVar[Tier]
    TIER_THINKING: _ClassVar[Tier]
    TIER_PRIMARY: _ClassVar[Tier]
    TIER_MAXIMUM: _ClassVar[Tier]

class SalaryPeriod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SALARY_PERIOD_UNSPECIFIED: _ClassVar[SalaryPeriod]
    SALARY_PERIOD_HOUR: _ClassVar[SalaryPeriod]
    SALARY_PERIOD_DAY: _ClassVar[SalaryPeriod]
    SALARY_PERIOD_WEEK: _ClassVar[SalaryPeriod]
    SALARY_PERIOD_MONTH: _ClassVar[SalaryPeriod]
    SALARY_PERIOD_YEAR: _ClassVar[SalaryPeriod]

class Route(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROUTE_UNSPECIFIED: _ClassVar[Route]
    ROUTE_LOCAL: _ClassVar[Route]
    ROUTE_CLOUD: _ClassVar[Route]

class FinishReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FINISH_REASON_UNSPECIFIED: _ClassVar[FinishReason]
    FINISH_REASON_STOP: _ClassVar[FinishReason]
    FINISH_REASON_LENGTH: _ClassVar[FinishReason]
    FINISH_REASON_ABORT: _ClassVar[FinishReason]

class ModelState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MODEL_STATE_UNSPECIFIED: _ClassVar[ModelState]
    MODEL_STATE_LOADING: _ClassVar[ModelState]
    MODEL_STATE_READY: _ClassVar[ModelState]
    MODEL_STATE_FAILED: _ClassVar[ModelState]
TIER_UNSPECIFIED: Tier
TIER_THINKING: Tier
TIER_PRIMARY: Tier
TIER_MAXIMUM: Tier
SALARY_PERIOD_UNSPECIFIED: SalaryPeriod
SALARY_PERIOD_HOUR: SalaryPeriod
SALARY_PERIOD_DAY: SalaryPeriod
SALARY_PERIOD_WEEK: SalaryPeriod
SALARY_PERIOD_MONTH: SalaryPeriod
SALARY_PERIOD_YEAR: SalaryPeriod
ROUTE_UNSPECIFIED: Route
ROUTE_LOCAL: Route
ROUTE_CLOUD: Route
FINISH_REASON_UNSPECIFIED: FinishReason
FINISH_REASON_STOP: FinishReason
FINISH_REASON_LENGTH: FinishReason
FINISH_REASON_ABORT: FinishReason
MODEL_STATE_UNSPECIFIED: ModelState
MODEL_STATE_LOADING: ModelState
MODEL_STATE_READY: ModelState
MODEL_STATE_FAILED: ModelState

class JobPosting(_message.Message):
    __slots__ = ("title", "company", "location", "salary_min", "salary_max", "salary_currency", "salary_period", "description", "requirements", "benefits", "skills")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    SALARY_MIN_FIELD_NUMBER: _ClassVar[int]
    SALARY_MAX_FIELD_NUMBER: _ClassVar[int]
    SALARY_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    SALARY_PERIOD_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    REQUIREMENTS_FIELD_NUMBER: _ClassVar[int]
    BENEFITS_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    title: str
    company: str
    location: str
    salary_min: float
    salary_max: float
    salary_currency: str
    salary_period: SalaryPeriod
    description: str
    requirements: _containers.RepeatedScalarFieldContainer[str]
    benefits: _containers.RepeatedScalarFieldContainer[str]
    skills: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, title: _Optional[str] = ..., company: _Optional[str] = ..., location: _Optional[str] = ..., salary_min: _Optional[float] = ..., salary_max: _Optional[float] = ..., salary_currency: _Optional[str] = ..., salary_period: _Optional[_Union[SalaryPeriod, str]] = ..., description: _Optional[str] = ..., requirements: _Optional[_Iterable[str]] = ..., benefits: _Optional[_Iterable[str]] = ..., skills: _Optional[_Iterable[str]] = ...) -> None: ...

class Usage(_message.Message):
    __slots__ = ("prompt_tokens", "completion_tokens", "cached_prompt_tokens", "reasoning_tokens")
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CACHED_PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REASONING_TOKENS_FIELD_NUMBER: _ClassVar[int]
    prompt_tokens: int
    completion_tokens: int
    cached_prompt_tokens: int
    reasoning_tokens: int
    def __init__(self, prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., cached_prompt_tokens: _Optional[int] = ..., reasoning_tokens: _Optional[int] = ...) -> None: ...

class ExtractRequest(_message.Message):
    __slots__ = ("content", "source_url", "request_id", "fields")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_URL_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    content: str
    source_url: str
    request_id: str
    fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, content: _Optional[str] = ..., source_url: _Optional[str] = ..., request_id: _Optional[str] = ..., fields: _Optional[_Iterable[str]] = ...) -> None: ...

class ExtractStreamRequest(_message.Message):
    __slots__ = ("content", "source_url", "request_id", "fields")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_URL_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    content: str
    source_url: str
    request_id: str
    fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, content: _Optional[str] = ..., source_url: _Optional[str] = ..., request_id: _Optional[str] = ..., fields: _Optional[_Iterable[str]] = ...) -> None: ...

class AnalyzeRequest(_message.Message):
    __slots__ = ("content",)
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    content: str
    def __init__(self, content: _Optional[str] = ...) -> None: ...

class AnalyzeResponse(_message.Message):
    __slots__ = ("decision",)
    DECISION_FIELD_NUMBER: _ClassVar[int]
    decision: RoutingDecision
    def __init__(self, decision: _Optional[_Union[RoutingDecision, _Mapping]] = ...) -> None: ...

class RoutingDecision(_message.Message):
    __slots__ = ("token_count", "threshold", "use_local", "tier", "model", "reasoning", "model_token_count")
    TOKEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    USE_LOCAL_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    MODEL_TOKEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    token_count: int
    threshold: int
    use_local: bool
    tier: Tier
    model: str
    reasoning: str
    model_token_count: int
    def __init__(self, token_count: _Optional[int] = ..., threshold: _Optional[int] = ..., use_local: _Optional[bool] = ..., tier: _Optional[_Union[Tier, str]] = ..., model: _Optional[str] = ..., reasoning: _Optional[str] = ..., model_token_count: _Optional[int] = ...) -> None: ...

class Timings(_message.Message):
    __slots__ = ("total_ms", "decision_ms", "first_token_ms", "generation_ms", "validation_ms")
    TOTAL_MS_FIELD_NUMBER: _ClassVar[int]
    DECISION_MS_FIELD_NUMBER: _ClassVar[int]
    FIRST_TOKEN_MS_FIELD_NUMBER: _ClassVar[int]
    GENERATION_MS_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_MS_FIELD_NUMBER: _ClassVar[int]
    total_ms: float
    decision_ms: float
    first_token_ms: float
    generation_ms: float
    validation_ms: float
    def __init__(self, total_ms: _Optional[float] = ..., decision_ms: _Optional[float] = ..., first_token_ms: _Optional[float] = ..., generation_ms: _Optional[float] = ..., validation_ms: _Optional[float] = ...) -> None: ...

class ExtractResponse(_message.Message):
    __slots__ = ("job", "decision", "route", "attempts", "fallback_reason", "usage", "timings", "request_id")
    JOB_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    FALLBACK_REASON_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    job: JobPosting
    decision: RoutingDecision
    route: Route
    attempts: int
    fallback_reason: str
    usage: Usage
    timings: Timings
    request_id: str
    def __init__(self, job: _Optional[_Union[JobPosting, _Mapping]] = ..., decision: _Optional[_Union[RoutingDecision, _Mapping]] = ..., route: _Optional[_Union[Route, str]] = ..., attempts: _Optional[int] = ..., fallback_reason: _Optional[str] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., timings: _Optional[_Union[Timings, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ExtractStreamResponse(_message.Message):
    __slots__ = ("decision", "attempt", "delta", "result")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    decision: RoutingDecision
    attempt: AttemptStarted
    delta: str
    result: ExtractResponse
    def __init__(self, decision: _Optional[_Union[RoutingDecision, _Mapping]] = ..., attempt: _Optional[_Union[AttemptStarted, _Mapping]] = ..., delta: _Optional[str] = ..., result: _Optional[_Union[ExtractResponse, _Mapping]] = ...) -> None: ...

class AttemptStarted(_message.Message):
    __slots__ = ("attempt", "route", "reason")
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    attempt: int
    route: Route
    reason: str
    def __init__(self, attempt: _Optional[int] = ..., route: _Optional[_Union[Route, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class GetStatsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LatencySummary(_message.Message):
    __slots__ = ("count", "p50_ms", "p90_ms", "p99_ms")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    P50_MS_FIELD_NUMBER: _ClassVar[int]
    P90_MS_FIELD_NUMBER: _ClassVar[int]
    P99_MS_FIELD_NUMBER: _ClassVar[int]
    count: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    def __init__(self, count: _Optional[int] = ..., p50_ms: _Optional[float] = ..., p90_ms: _Optional[float] = ..., p99_ms: _Optional[float] = ...) -> None: ...

class GetStatsResponse(_message.Message):
    __slots__ = ("requests", "succeeded", "failed", "local", "cloud", "local_processing_rate", "tier_counts", "fallbacks_by_reason", "model_switches", "validation_retries", "latency", "uptime_seconds", "salaries_dropped", "rejected_busy", "cloud_usage")
    class TierCountsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class FallbacksByReasonEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    LOCAL_FIELD_NUMBER: _ClassVar[int]
    CLOUD_FIELD_NUMBER: _ClassVar[int]
    LOCAL_PROCESSING_RATE_FIELD_NUMBER: _ClassVar[int]
    TIER_COUNTS_FIELD_NUMBER: _ClassVar[int]
    FALLBACKS_BY_REASON_FIELD_NUMBER: _ClassVar[int]
    MODEL_SWITCHES_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_RETRIES_FIELD_NUMBER: _ClassVar[int]
    LATENCY_FIELD_NUMBER: _ClassVar[int]
    UPTIME_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SALARIES_DROPPED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_BUSY_FIELD_NUMBER: _ClassVar[int]
    CLOUD_USAGE_FIELD_NUMBER: _ClassVar[int]
    requests: int
    succeeded: int
    failed: int
    local: int
    cloud: int
    local_processing_rate: float
    tier_counts: _containers.ScalarMap[str, int]
    fallbacks_by_reason: _containers.ScalarMap[str, int]
    model_switches: int
    validation_retries: int
    latency: LatencySummary
    uptime_seconds: float
    salaries_dropped: int
    rejected_busy: int
    cloud_usage: CloudUsage
    def __init__(self, requests: _Optional[int] = ..., succeeded: _Optional[int] = ..., failed: _Optional[int] = ..., local: _Optional[int] = ..., cloud: _Optional[int] = ..., local_processing_rate: _Optional[float] = ..., tier_counts: _Optional[_Mapping[str, int]] = ..., fallbacks_by_reason: _Optional[_Mapping[str, int]] = ..., model_switches: _Optional[int] = ..., validation_retries: _Optional[int] = ..., latency: _Optional[_Union[LatencySummary, _Mapping]] = ..., uptime_seconds: _Optional[float] = ..., salaries_dropped: _Optional[int] = ..., rejected_busy: _Optional[int] = ..., cloud_usage: _Optional[_Union[CloudUsage, _Mapping]] = ...) -> None: ...

class CloudUsage(_message.Message):
    __slots__ = ("calls", "failed_calls", "prompt_tokens", "completion_tokens", "cost", "breaker_open", "breaker_refusals", "capped")
    CALLS_FIELD_NUMBER: _ClassVar[int]
    FAILED_CALLS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    BREAKER_OPEN_FIELD_NUMBER: _ClassVar[int]
    BREAKER_REFUSALS_FIELD_NUMBER: _ClassVar[int]
    CAPPED_FIELD_NUMBER: _ClassVar[int]
    calls: int
    failed_calls: int
    prompt_tokens: int
    completion_tokens: int
    cost: float
    breaker_open: bool
    breaker_refusals: int
    capped: int
    def __init__(self, calls: _Optional[int] = ..., failed_calls: _Optional[int] = ..., prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., cost: _Optional[float] = ..., breaker_open: _Optional[bool] = ..., breaker_refusals: _Optional[int] = ..., capped: _Optional[int] = ...) -> None: ...

class ChatMessage(_message.Message):
    __slots__ = ("role", "content")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    role: str
    content: str
    def __init__(self, role: _Optional[str] = ..., content: _Optional[str] = ...) -> None: ...

class SamplingOptions(_message.Message):
    __slots__ = ("temperature", "top_p", "top_k", "seed", "repetition_penalty", "stop", "ignore_eos")
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    TOP_P_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    REPETITION_PENALTY_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    IGNORE_EOS_FIELD_NUMBER: _ClassVar[int]
    temperature: float
    top_p: float
    top_k: int
    seed: int
    repetition_penalty: float
    stop: _containers.RepeatedScalarFieldContainer[str]
    ignore_eos: bool
    def __init__(self, temperature: _Optional[float] = ..., top_p: _Optional[float] = ..., top_k: _Optional[int] = ..., seed: _Optional[int] = ..., repetition_penalty: _Optional[float] = ..., stop: _Optional[_Iterable[str]] = ..., ignore_eos: _Optional[bool] = ...) -> None: ...

class GenerateRequest(_message.Message):
    __slots__ = ("request_id", "messages", "tier", "model", "allow_switch", "sampling", "json_schema", "max_tokens", "enable_thinking", "stream_interval")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ALLOW_SWITCH_FIELD_NUMBER: _ClassVar[int]
    SAMPLING_FIELD_NUMBER: _ClassVar[int]
    JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    ENABLE_THINKING_FIELD_NUMBER: _ClassVar[int]
    STREAM_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    messages: _containers.RepeatedCompositeFieldContainer[ChatMessage]
    tier: Tier
    model: str
    allow_switch: bool
    sampling: SamplingOptions
    json_schema: str
    max_tokens: int
    enable_thinking: bool
    stream_interval: int
    def __init__(self, request_id: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[ChatMessage, _Mapping]]] = ..., tier: _Optional[_Union[Tier, str]] = ..., model: _Optional[str] = ..., allow_switch: _Optional[bool] = ..., sampling: _Optional[_Union[SamplingOptions, _Mapping]] = ..., json_schema: _Optional[str] = ..., max_tokens: _Optional[int] = ..., enable_thinking: _Optional[bool] = ..., stream_interval: _Optional[int] = ...) -> None: ...

class GenerateResponse(_message.Message):
    __slots__ = ("delta", "finish_reason", "usage", "model", "tier", "request_id")
    DELTA_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    delta: str
    finish_reason: FinishReason
    usage: Usage
    model: str
    tier: Tier
    request_id: str
    def __init__(self, delta: _Optional[str] = ..., finish_reason: _Optional[_Union[FinishReason, str]] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., model: _Optional[str] = ..., tier: _Optional[_Union[Tier, str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class LoadModelRequest(_message.Message):
    __slots__ = ("tier", "model", "grace_seconds")
    TIER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    GRACE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    tier: Tier
    model: str
    grace_seconds: float
    def __init__(self, tier: _Optional[_Union[Tier, str]] = ..., model: _Optional[str] = ..., grace_seconds: _Optional[float] = ...) -> None: ...

class LoadModelResponse(_message.Message):
    __slots__ = ("info", "switched", "switch_seconds", "aborted_requests")
    INFO_FIELD_NUMBER: _ClassVar[int]
    SWITCHED_FIELD_NUMBER: _ClassVar[int]
    SWITCH_SECONDS_FIELD_NUMBER: _ClassVar[int]
    ABORTED_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    info: ModelInfo
    switched: bool
    switch_seconds: float
    aborted_requests: int
    def __init__(self, info: _Optional[_Union[ModelInfo, _Mapping]] = ..., switched: _Optional[bool] = ..., switch_seconds: _Optional[float] = ..., aborted_requests: _Optional[int] = ...) -> None: ...

class GetModelInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetModelInfoResponse(_message.Message):
    __slots__ = ("info",)
    INFO_FIELD_NUMBER: _ClassVar[int]
    info: ModelInfo
    def __init__(self, info: _Optional[_Union[ModelInfo, _Mapping]] = ...) -> None: ...

class ModelInfo(_message.Message):
    __slots__ = ("name", "checkpoint", "tiers", "state", "reason", "load_seconds", "max_model_len", "dtype", "quantization", "device", "memory_bytes", "memory_kind", "requests_served", "switches", "active_requests", "engine_unfinished_requests", "max_pending", "profile", "thinking_budget", "switch_mode", "switch_mode_note", "sleeping_models")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    LOAD_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MAX_MODEL_LEN_FIELD_NUMBER: _ClassVar[int]
    DTYPE_FIELD_NUMBER: _ClassVar[int]
    QUANTIZATION_FIELD_NUMBER: _ClassVar[int]
    DEVICE_FIELD_NUMBER: _ClassVar[int]
    MEMORY_BYTES_FIELD_NUMBER: _ClassVar[int]
    MEMORY_KIND_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_SERVED_FIELD_NUMBER: _ClassVar[int]
    SWITCHES_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    ENGINE_UNFINISHED_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    MAX_PENDING_FIELD_NUMBER: _ClassVar[int]
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    THINKING_BUDGET_FIELD_NUMBER: _ClassVar[int]
    SWITCH_MODE_FIELD_NUMBER: _ClassVar[int]
    SWITCH_MODE_NOTE_FIELD_NUMBER: _ClassVar[int]
    SLEEPING_MODELS_FIELD_NUMBER: _ClassVar[int]
    name: str
    checkpoint: str
    tiers: _containers.RepeatedScalarFieldContainer[Tier]
    state: ModelState
    reason: str
    load_seconds: float
    max_model_len: int
    dtype: str
    quantization: str
    device: str
    memory_bytes: int
    memory_kind: str
    requests_served: int
    switches: int
    active_requests: int
    engine_unfinished_requests: int
    max_pending: int
    profile: str
    thinking_budget: int
    switch_mode: str
    switch_mode_note: str
    sleeping_models: int
    def __init__(self, name: _Optional[str] = ..., checkpoint: _Optional[str] = ..., tiers: _Optional[_Iterable[_Union[Tier, str]]] = ..., state: _Optional[_Union[ModelState, str]] = ..., reason: _Optional[str] = ..., load_seconds: _Optional[float] = ..., max_model_len: _Optional[int] = ..., dtype: _Optional[str] = ..., quantization: _Optional[str] = ..., device: _Optional[str] = ..., memory_bytes: _Optional[int] = ..., memory_kind: _Optional[str] = ..., requests_served: _Optional[int] = ..., switches: _Optional[int] = ..., active_requests: _Optional[int] = ..., engine_unfinished_requests: _Optional[int] = ..., max_pending: _Optional[int] = ..., profile: _Optional[str] = ..., thinking_budget: _Optional[int] = ..., switch_mode: _Optional[str] = ..., switch_mode_note: _Optional[str] = ..., sleeping_models: _Optional[int] = ...) -> None: ...
