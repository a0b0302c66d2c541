"""Configuration of the inference service: one place, from the environment and `.env`.

Names the spec gave (MODEL_CACHE_DIR, VLLM_GPU_MEMORY, VLLM_QUANTIZATION, VLLM_MAX_MODEL_LEN,
VLLM_SWAP_SPACE, VLLM_TRUST_REMOTE_CODE) keep their names; the service's own settings are
prefixed INFERENCE_.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator

from jobextract.contract import TIERS
from jobextract.security import ServerSecurity, read_keys
from jobextract.settings import ServiceSettings, env

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SwitchTimeouts:
    """Bounds on the engine calls a model switch makes while it holds the switch lock: a
    wedged engine fails the switch instead of holding every later one and the shutdown."""

    load: float = 900.0   # an engine start: a GPU cold start, the k8s startup probe's 15 min
    wake: float = 60.0    # a sleeping engine's wake-up and its one-token check
    sleep: float = 60.0   # level-1 sleep: the weights copied to host memory


class InferenceSettings(ServiceSettings):
    # Loopback by default: another address needs TLS (INFERENCE_ALLOW_INSECURE waives it)
    # and keys.
    host: str = Field("127.0.0.1", validation_alias=env("INFERENCE_HOST"))
    port: int = Field(50052, ge=0, le=65535, validation_alias=env("INFERENCE_PORT"))

    # Who may call: keys for Generate and GetModelInfo, admin keys also for LoadModel and a
    # Generate with allow_switch (the router's key, when it switches models); several at
    # once for rotation. TLS, and mTLS with a client CA.
    api_keys: SecretStr = Field(SecretStr(""), validation_alias=env("INFERENCE_API_KEYS"))
    api_keys_file: Path | None = Field(None, validation_alias=env("INFERENCE_API_KEYS_FILE"))
    admin_keys: SecretStr = Field(SecretStr(""), validation_alias=env("INFERENCE_ADMIN_KEYS"))
    admin_keys_file: Path | None = Field(None, validation_alias=env("INFERENCE_ADMIN_KEYS_FILE"))
    tls_cert: Path | None = Field(None, validation_alias=env("INFERENCE_TLS_CERT"))
    tls_key: Path | None = Field(None, validation_alias=env("INFERENCE_TLS_KEY"))
    tls_client_ca: Path | None = Field(None, validation_alias=env("INFERENCE_TLS_CLIENT_CA"))
    reflection_needs_key: bool = Field(
        False, validation_alias=env("INFERENCE_REFLECTION_NEEDS_KEY"))
    # Beyond loopback: plaintext on a trusted network; no keys (a local experiment only).
    allow_insecure: bool = Field(False, validation_alias=env("INFERENCE_ALLOW_INSECURE"))
    allow_no_keys: bool = Field(False, validation_alias=env("INFERENCE_ALLOW_NO_KEYS"))

    # Which model registry to use: cpu (embedded default), gpu-16gb (Qwen3), auto (by device).
    profile: Literal["auto", "cpu", "gpu-16gb"] = Field(
        "auto", validation_alias=env("INFERENCE_PROFILE"))
    # Tier made resident at start; empty leaves the service NOT_SERVING until LoadModel.
    initial_tier: str = Field("primary", validation_alias=env("INFERENCE_INITIAL_TIER"))
    # Per-tier checkpoint overrides: a local folder or a model id.
    model_thinking: str = Field("", validation_alias=env("INFERENCE_MODEL_THINKING"))
    model_primary: str = Field("", validation_alias=env("INFERENCE_MODEL_PRIMARY"))
    model_maximum: str = Field("", validation_alias=env("INFERENCE_MODEL_MAXIMUM"))

    # The gpu profile's small tier: Qwen3-4B-Instruct-2507 (answers at once), or
    # Qwen3-4B-Thinking-2507 (reasons first, within INFERENCE_THINKING_BUDGET tokens). With
    # INFERENCE_MODEL_THINKING set, `thinking` says that checkpoint reasons (any profile).
    small_model: Literal["instruct", "thinking"] = Field(
        "instruct", validation_alias=env("INFERENCE_SMALL_MODEL"))
    thinking_budget: int = Field(1024, ge=1, le=32768,
                                 validation_alias=env("INFERENCE_THINKING_BUDGET"))
    # How a model switch is made: reload (shut the engine down, start the next) or sleep
    # (vLLM sleep mode: the previous model's weights wait in host memory, a switch back is
    # a wake-up of seconds). auto: sleep on CUDA, reload elsewhere (sleep needs CUDA).
    switch_mode: Literal["auto", "reload", "sleep"] = Field(
        "auto", validation_alias=env("INFERENCE_SWITCH_MODE"))
    # Host memory that sleeping models must leave free; past it the oldest sleeper is shut down.
    sleep_host_reserve_gb: float = Field(
        4.0, ge=0, validation_alias=env("INFERENCE_SLEEP_HOST_RESERVE_GB"))

    # The cpu profile's model: the embedded 0.5B, or its more accurate, slower 1.5B sibling.
    embedded_model: Literal["0.5b", "1.5b"] = Field(
        "0.5b", validation_alias=env("INFERENCE_EMBEDDED_MODEL"))
    model_cache_dir: Path = Field(Path("./models"), validation_alias=env("MODEL_CACHE_DIR"))
    gpu_memory: float | None = Field(
        None, gt=0, le=1, validation_alias=env("VLLM_GPU_MEMORY"))
    quantization: str | None = Field(None, validation_alias=env("VLLM_QUANTIZATION"))
    max_model_len: int | None = Field(None, gt=0, validation_alias=env("VLLM_MAX_MODEL_LEN"))
    trust_remote_code: bool = Field(False, validation_alias=env("VLLM_TRUST_REMOTE_CODE"))
    # Accepted for compatibility with the spec and ignored: swap_space never switched
    # models and current vLLM has no such option.
    swap_space: float | None = Field(None, validation_alias=env("VLLM_SWAP_SPACE"))
    dtype: str | None = Field(None, validation_alias=env("INFERENCE_DTYPE"))

    # Admission: requests queued plus running; past it RESOURCE_EXHAUSTED at once. Empty:
    # four times what the engine runs at once (max_num_seqs), so the queue is short.
    max_pending: int | None = Field(None, ge=1, validation_alias=env("INFERENCE_MAX_PENDING"))
    # Sequences the engine runs at once (vLLM max_num_seqs); empty: the profile's value.
    max_num_seqs: int | None = Field(None, ge=1, validation_alias=env("INFERENCE_MAX_NUM_SEQS"))
    # n-gram speculative decoding, tokens proposed per step (0: off); empty: the profile's.
    speculative_tokens: int | None = Field(
        None, ge=0, le=16, validation_alias=env("INFERENCE_SPECULATIVE_TOKENS"))
    default_max_tokens: int = Field(1024, ge=1, validation_alias=env("INFERENCE_DEFAULT_MAX_TOKENS"))
    max_message_bytes: int = Field(
        8 * 1024 * 1024, ge=1024, validation_alias=env("INFERENCE_MAX_MESSAGE_BYTES"))
    # How long in-flight work may finish before a model switch or shutdown cuts it off.
    switch_grace_seconds: float = Field(
        30.0, ge=0, validation_alias=env("INFERENCE_SWITCH_GRACE_SECONDS"))
    # Long enough for a CPU generation (40-60 s) to finish on SIGTERM.
    shutdown_grace_seconds: float = Field(
        60.0, ge=0, validation_alias=env("INFERENCE_SHUTDOWN_GRACE_SECONDS"))
    # Past one of these the switch fails (FAILED, or the previous model restored).
    load_timeout_seconds: float = Field(
        SwitchTimeouts.load, gt=0, validation_alias=env("INFERENCE_LOAD_TIMEOUT_SECONDS"))
    wake_timeout_seconds: float = Field(
        SwitchTimeouts.wake, gt=0, validation_alias=env("INFERENCE_WAKE_TIMEOUT_SECONDS"))
    sleep_timeout_seconds: float = Field(
        SwitchTimeouts.sleep, gt=0, validation_alias=env("INFERENCE_SLEEP_TIMEOUT_SECONDS"))
    # Prometheus metrics (ours, gRPC's and vLLM's) over HTTP on this port (0: off).
    metrics_port: int = Field(0, ge=0, le=65535, validation_alias=env("INFERENCE_METRICS_PORT"))
    log_level: str = Field("INFO", validation_alias=env("INFERENCE_LOG_LEVEL"))

    @field_validator("initial_tier")
    @classmethod
    def _known_tier(cls, value: str) -> str:
        if value not in (*TIERS, ""):
            raise ValueError(f"INFERENCE_INITIAL_TIER must be one of {', '.join(TIERS)} or empty")
        return value

    def switch_timeouts(self) -> SwitchTimeouts:
        return SwitchTimeouts(load=self.load_timeout_seconds, wake=self.wake_timeout_seconds,
                              sleep=self.sleep_timeout_seconds)

    def server_security(self) -> ServerSecurity:
        from jobextract.v1 import extraction_pb2 as pb

        service = pb.DESCRIPTOR.services_by_name["InferenceService"].full_name
        return ServerSecurity(
            keys=read_keys(self.api_keys.get_secret_value(), self.api_keys_file),
            admin_keys=read_keys(self.admin_keys.get_secret_value(), self.admin_keys_file),
            admin_methods=frozenset({f"/{service}/LoadModel"}),
            admin_requests={f"/{service}/Generate": _switch_request},
            tls_cert=self.tls_cert, tls_key=self.tls_key, tls_client_ca=self.tls_client_ca,
            reflection_needs_key=self.reflection_needs_key, allow_insecure=self.allow_insecure,
            allow_no_keys=self.allow_no_keys,
            env_prefix="INFERENCE_")

    def warn_inert(self) -> None:
        if self.swap_space is not None:
            log.warning("VLLM_SWAP_SPACE=%s is ignored: vLLM has no swap space option and "
                        "model switching is done by LoadModel", self.swap_space)


def _switch_request(request) -> str | None:
    """A Generate that may switch the resident model aborts other callers' work: admin only."""
    # getattr: an undecodable request reaches this check as DecodeGuard's marker, which
    # DecodeGuard then refuses as INVALID_ARGUMENT.
    return "Generate with allow_switch (a model switch)" \
        if getattr(request, "allow_switch", False) else None
