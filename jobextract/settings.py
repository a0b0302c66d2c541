"""What both services' settings share: environment names, the `.env` file, and a command
line that only answers --help."""

import argparse
import logging

from pydantic import AliasChoices
from pydantic_settings import BaseSettings, SettingsConfigDict


def env(name: str) -> AliasChoices:
    """Read a field from the environment variable `name` (any case)."""
    return AliasChoices(name, name.lower())


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)


def parse_command_line(module: str, description: str, settings: type[ServiceSettings]) -> None:
    """--help, and nothing else: a service is configured by the environment (a container
    or a Kubernetes Deployment sets variables, not arguments), so an argument is either a
    request for help or a mistake, and neither should start a service."""
    names = ", ".join(field.validation_alias.choices[0]
                      for field in settings.model_fields.values()
                      if field.validation_alias is not None)
    argparse.ArgumentParser(
        prog=f"python -m {module}", description=description,
        epilog="Configuration is by environment variables (or a .env file in the working "
               f"directory): {names}. Their defaults and meaning: README.md, section "
               "Configuration.").parse_args()


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
