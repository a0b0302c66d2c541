"""python -m router_svc: serve jobextract.v1.Router until SIGTERM."""

import argparse
import asyncio
import logging

from router_svc.config import RouterSettings


def parse_command_line() -> None:
    """--help, and nothing else: the router is configured by the environment (a container
    or a Kubernetes Deployment sets variables, not arguments), so an argument is either a
    request for help or a mistake, and neither should start a router."""
    names = ", ".join(field.validation_alias.choices[0]
                      for field in RouterSettings.model_fields.values())
    argparse.ArgumentParser(
        prog="python -m router_svc",
        description="The jobextract router: serves jobextract.v1.Router over gRPC, routing "
                    "each posting to the local inference service or the cloud by its token "
                    "count, validating the result, and falling back to the cloud when the "
                    "local answer fails. Runs until SIGTERM or Ctrl-C.",
        epilog="Configuration is by environment variables (or a .env file in the working "
               f"directory): {names}. Their defaults and meaning: README.md, section "
               "Configuration.").parse_args()


if __name__ == "__main__":
    parse_command_line()
    settings = RouterSettings()
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from router_svc.server import serve

    asyncio.run(serve(settings))
