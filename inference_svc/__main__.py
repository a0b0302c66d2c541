"""python -m inference_svc: serve jobextract.v1.InferenceService until SIGTERM."""

import asyncio

from jobextract.settings import configure_logging, parse_command_line

DESCRIPTION = ("The jobextract inference service: serves jobextract.v1.InferenceService over gRPC, "
               "generating with the resident local model (the embedded CPU model or a GPU "
               "tier) and switching models on request. Runs until SIGTERM or Ctrl-C.")

if __name__ == "__main__":  # the engine spawns worker processes: keep this guard
    from inference_svc.config import InferenceSettings

    # --help answers before the server (and its engine) is imported.
    parse_command_line("inference_svc", DESCRIPTION, InferenceSettings)
    from inference_svc.server import serve

    settings = InferenceSettings()
    configure_logging(settings.log_level)
    asyncio.run(serve(settings))
