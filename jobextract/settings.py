"""What both services' settings share: environment names and the `.env` file."""

from pydantic import AliasChoices
from pydantic_settings import BaseSettings, SettingsConfigDict


def env(name: str) -> AliasChoices:
    """Read a field from the environment variable `name` (any case)."""
    return AliasChoices(name, name.lower())


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)
