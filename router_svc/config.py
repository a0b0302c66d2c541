"""Configuration of the router: one place, from the environment and `.env`.

TOKEN_THRESHOLD, OPENAI_API_KEY and OPENAI_BASE_URL keep the names the spec and the openai
SDK use; the router's own settings are prefixed ROUTER_.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator

from jobextract.security import ClientSecurity, ServerSecurity, read_keys
from jobextract.settings import ServiceSettings, env


class RouterSettings(ServiceSettings):
    # Loopback by default: another address needs TLS (ROUTER_ALLOW_INSECURE waives it)
    # and keys.
    host: str = Field("127.0.0.1", validation_alias=env("ROUTER_HOST"))
    port: int = Field(50051, ge=0, le=65535, validation_alias=env("ROUTER_PORT"))
    # One inference replica, several (comma-separated), or dns:///name:port resolving to
    # several (a headless Service); jobs go to a replica holding their tier.
    inference_address: str = Field("localhost:50052",
                                   validation_alias=env("ROUTER_INFERENCE_ADDRESS"))

    # Routing: at or under the threshold local, above it the cloud (tiktoken cl100k_base).
    token_threshold: int = Field(8000, ge=1, validation_alias=env("TOKEN_THRESHOLD"))
    thinking_below: int = Field(2000, ge=1, validation_alias=env("ROUTER_THINKING_BELOW"))
    primary_below: int = Field(5000, ge=1, validation_alias=env("ROUTER_PRIMARY_BELOW"))
    # A more capable resident model keeps serving smaller jobs; it is switched down only
    # after the router has been idle this long.
    switch_down_idle_seconds: float = Field(
        300.0, ge=0, validation_alias=env("ROUTER_SWITCH_DOWN_IDLE_SECONDS"))

    # Who may call (keys, several at once for rotation) and over what (TLS, mTLS).
    api_keys: SecretStr = Field(SecretStr(""), validation_alias=env("ROUTER_API_KEYS"))
    api_keys_file: Path | None = Field(None, validation_alias=env("ROUTER_API_KEYS_FILE"))
    tls_cert: Path | None = Field(None, validation_alias=env("ROUTER_TLS_CERT"))
    tls_key: Path | None = Field(None, validation_alias=env("ROUTER_TLS_KEY"))
    tls_client_ca: Path | None = Field(None, validation_alias=env("ROUTER_TLS_CLIENT_CA"))
    reflection_needs_key: bool = Field(False, validation_alias=env("ROUTER_REFLECTION_NEEDS_KEY"))
    # Beyond loopback: plaintext on a trusted network; no keys (a local experiment only).
    allow_insecure: bool = Field(False, validation_alias=env("ROUTER_ALLOW_INSECURE"))
    allow_no_keys: bool = Field(False, validation_alias=env("ROUTER_ALLOW_NO_KEYS"))
    # How the router reaches inference: its own key, TLS with a CA, a client certificate.
    inference_api_key: SecretStr = Field(SecretStr(""),
                                         validation_alias=env("ROUTER_INFERENCE_API_KEY"))
    inference_tls_ca: Path | None = Field(None, validation_alias=env("ROUTER_INFERENCE_TLS_CA"))
    inference_tls_cert: Path | None = Field(None,
                                            validation_alias=env("ROUTER_INFERENCE_TLS_CERT"))
    inference_tls_key: Path | None = Field(None, validation_alias=env("ROUTER_INFERENCE_TLS_KEY"))
    inference_tls_server_name: str = Field(
        "", validation_alias=env("ROUTER_INFERENCE_TLS_SERVER_NAME"))

    # Input limits and bounded work.
    max_content_bytes: int = Field(1024 * 1024, ge=1,
                                   validation_alias=env("ROUTER_MAX_CONTENT_BYTES"))
    # Calls (Extract, ExtractStream, Analyze) in progress at once; past it RESOURCE_EXHAUSTED.
    max_concurrent: int = Field(64, ge=1, validation_alias=env("ROUTER_MAX_CONCURRENT"))
    # The longest any call may take, whatever deadline the caller sets (or none).
    max_call_seconds: float = Field(600.0, gt=0, validation_alias=env("ROUTER_MAX_CALL_SECONDS"))

    # The answer check runs in these worker processes, off the event loop; one that takes
    # longer than ROUTER_CHECK_SECONDS (a crafted posting) is stopped and the call refused.
    check_workers: int = Field(2, ge=1, le=64, validation_alias=env("ROUTER_CHECK_WORKERS"))
    check_seconds: float = Field(5.0, gt=0, validation_alias=env("ROUTER_CHECK_SECONDS"))

    # Local generation.
    local_attempts: int = Field(3, ge=1, le=10, validation_alias=env("ROUTER_LOCAL_ATTEMPTS"))
    local_max_tokens: int = Field(1536, ge=16, validation_alias=env("ROUTER_LOCAL_MAX_TOKENS"))
    # Tokens per message streamed from inference: fewer, larger messages leave the CPU to
    # the engine (the first token still comes at once).
    stream_interval: int = Field(16, ge=1, le=1024, validation_alias=env("ROUTER_STREAM_INTERVAL"))
    # Retries while the inference service is loading or switching (UNAVAILABLE) before the
    # cloud takes the job; without a cloud route the router waits for inference (a restart
    # takes 20-60 s) up to this long, within the caller's deadline.
    local_unavailable_retries: int = Field(
        2, ge=0, validation_alias=env("ROUTER_LOCAL_UNAVAILABLE_RETRIES"))
    local_unavailable_wait_seconds: float = Field(
        90.0, ge=0, validation_alias=env("ROUTER_LOCAL_UNAVAILABLE_WAIT_SECONDS"))

    # Cloud fallback: any OpenAI-compatible API. No key: no cloud route.
    openai_api_key: SecretStr | None = Field(None, validation_alias=env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=env("OPENAI_BASE_URL"))
    cloud_model: str = Field("gpt-4o-mini", validation_alias=env("ROUTER_CLOUD_MODEL"))
    cloud_attempts: int = Field(4, ge=1, le=10, validation_alias=env("ROUTER_CLOUD_ATTEMPTS"))
    cloud_timeout_seconds: float = Field(
        60.0, gt=0, validation_alias=env("ROUTER_CLOUD_TIMEOUT_SECONDS"))
    cloud_max_tokens: int = Field(2048, ge=16, validation_alias=env("ROUTER_CLOUD_MAX_TOKENS"))
    # Cap on one Retry-After wait, so a server cannot park a request for an hour.
    cloud_max_retry_after_seconds: float = Field(
        30.0, ge=0, validation_alias=env("ROUTER_CLOUD_MAX_RETRY_AFTER_SECONDS"))
    # Spend bounds: cloud HTTP calls one job may make (all retries together), calls in
    # flight at once, and a breaker that stops calling for a while after consecutive failures.
    cloud_max_calls_per_job: int = Field(
        4, ge=1, validation_alias=env("ROUTER_CLOUD_MAX_CALLS_PER_JOB"))
    cloud_max_concurrent: int = Field(8, ge=1, validation_alias=env("ROUTER_CLOUD_MAX_CONCURRENT"))
    cloud_breaker_failures: int = Field(
        5, ge=1, validation_alias=env("ROUTER_CLOUD_BREAKER_FAILURES"))
    cloud_breaker_seconds: float = Field(
        30.0, gt=0, validation_alias=env("ROUTER_CLOUD_BREAKER_SECONDS"))
    # Price per million tokens, for the cost GetStats reports (0: not counted).
    cloud_price_input_per_mtok: float = Field(
        0.0, ge=0, validation_alias=env("ROUTER_CLOUD_PRICE_INPUT_PER_MTOK"))
    cloud_price_output_per_mtok: float = Field(
        0.0, ge=0, validation_alias=env("ROUTER_CLOUD_PRICE_OUTPUT_PER_MTOK"))

    max_message_bytes: int = Field(4 * 1024 * 1024, ge=1024,
                                   validation_alias=env("ROUTER_MAX_MESSAGE_BYTES"))
    # Prometheus metrics over HTTP on this port, same host as the gRPC port (0: off).
    metrics_port: int = Field(0, ge=0, le=65535, validation_alias=env("ROUTER_METRICS_PORT"))
    health_poll_seconds: float = Field(2.0, gt=0,
                                       validation_alias=env("ROUTER_HEALTH_POLL_SECONDS"))
    # Long enough for a CPU extraction (40-60 s) to finish on SIGTERM.
    shutdown_grace_seconds: float = Field(
        75.0, ge=0, validation_alias=env("ROUTER_SHUTDOWN_GRACE_SECONDS"))
    log_level: str = Field("INFO", validation_alias=env("ROUTER_LOG_LEVEL"))
    # Debug only: log what grounding changed (it quotes the posting). Off: ids, sizes,
    # codes and timings only.
    log_content: bool = Field(False, validation_alias=env("ROUTER_LOG_CONTENT"))

    @model_validator(mode="after")
    def _tiers_ordered(self) -> "RouterSettings":
        if not self.thinking_below <= self.primary_below:
            raise ValueError("ROUTER_THINKING_BELOW must not exceed ROUTER_PRIMARY_BELOW")
        from router_svc.replicas import parse_targets

        parse_targets(self.inference_address)  # host:port[,...] or dns:///name:port
        return self

    def server_security(self) -> ServerSecurity:
        return ServerSecurity(
            keys=read_keys(self.api_keys.get_secret_value(), self.api_keys_file),
            tls_cert=self.tls_cert, tls_key=self.tls_key, tls_client_ca=self.tls_client_ca,
            reflection_needs_key=self.reflection_needs_key, allow_insecure=self.allow_insecure,
            allow_no_keys=self.allow_no_keys,
            env_prefix="ROUTER_")

    def inference_security(self) -> ClientSecurity:
        return ClientSecurity(
            key=self.inference_api_key.get_secret_value(), tls_ca=self.inference_tls_ca,
            tls_cert=self.inference_tls_cert, tls_key=self.inference_tls_key,
            server_name=self.inference_tls_server_name)

    @property
    def cloud_configured(self) -> bool:
        return bool(self.openai_api_key and self.openai_api_key.get_secret_value())
