"""python -m inference_svc: serve jobextract.v1.Inference until SIGTERM."""

import argparse
import asyncio
import logging


def parse_command_line() -> None:
    """--help, and nothing else: the service is configured by the environment (a container
    or a Kubernetes Deployment sets variables, not arguments), so an argument is either a
    request for help or a mistake, and neither should load a model. The server (and its
    engine) is imported only after this, so --help answers at once."""
    from inference_svc.config import InferenceSettings

    names = ", ".join(field.validation_alias.choices[0]
                      for field in InferenceSettings.model_fields.values()
                      if field.validation_alias is not None)
    argparse.ArgumentParser(
        prog="python -m inference_svc",
        description="The jobextract inference service: serves jobextract.v1.Inference over "
                    "gRPC, generating with the resident local model (the embedded CPU model "
                    "or a GPU tier) and switching models on request. Runs until SIGTERM or "
                    "Ctrl-C.",
        epilog="Configuration is by environment variables (or a .env file in the working "
               f"directory){': ' + names if names else ''}. Their defaults and meaning: "
               "README.md, section Configuration.").parse_args()


if __name__ == "__main__":  # the engine spawns worker processes: keep this guard
    parse_command_line()
    from inference_svc.config import InferenceSettings
    from inference_svc.server import serve

    settings = InferenceSettings()
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(settings))
