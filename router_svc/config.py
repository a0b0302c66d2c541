"""Configuration of the router: one place, from the environment and `.env`.

TOKEN_THRESHOLD, OPENAI_API_KEY and OPENAI_BASE_URL keep the names the spec and the openai
SDK use; the router's own settings are prefixed ROUTER_.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator

from jobextract.settings import ServiceSettings, env


class RouterSettings(ServiceSettings):
    host: str = Field("0.0.0.0", validation_alias=env("ROUTER_HOST"))
    port: int = Field(50051, ge=0, le=65535, validation_alias=env("ROUTER_PORT"))
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

    # Input limits.
    max_content_bytes: int = Field(1024 * 1024, ge=1,
                                   validation_alias=env("ROUTER_MAX_CONTENT_BYTES"))

    # Local generation.
    local_attempts: int = Field(3, ge=1, le=10, validation_alias=env("ROUTER_LOCAL_ATTEMPTS"))
    local_max_tokens: int = Field(1536, ge=16, validation_alias=env("ROUTER_LOCAL_MAX_TOKENS"))
    # Tokens per message streamed from inference: fewer, larger messages leave the CPU to
    # the engine (the first token still comes at once).
    stream_interval: int = Field(16, ge=1, le=1024, validation_alias=env("ROUTER_STREAM_INTERVAL"))
    # Retries while the inference service is loading or switching (UNAVAILABLE).
    local_unavailable_retries: int = Field(
        2, ge=0, validation_alias=env("ROUTER_LOCAL_UNAVAILABLE_RETRIES"))

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

    max_message_bytes: int = Field(4 * 1024 * 1024, ge=1024,
                                   validation_alias=env("ROUTER_MAX_MESSAGE_BYTES"))
    health_poll_seconds: float = Field(2.0, gt=0,
                                       validation_alias=env("ROUTER_HEALTH_POLL_SECONDS"))
    shutdown_grace_seconds: float = Field(
        10.0, ge=0, validation_alias=env("ROUTER_SHUTDOWN_GRACE_SECONDS"))
    log_level: str = Field("INFO", validation_alias=env("ROUTER_LOG_LEVEL"))

    @model_validator(mode="after")
    def _tiers_ordered(self) -> "RouterSettings":
        if not self.thinking_below <= self.primary_below:
            raise ValueError("ROUTER_THINKING_BELOW must not exceed ROUTER_PRIMARY_BELOW")
        return self

    @property
    def cloud_configured(self) -> bool:
        return bool(self.openai_api_key and self.openai_api_key.get_secret_value())
