"""python -m inference_svc: serve jobextract.v1.Inference until SIGTERM."""

import asyncio
import logging

from inference_svc.server import serve

if __name__ == "__main__":  # the engine spawns worker processes: keep this guard
    from inference_svc.config import InferenceSettings

    settings = InferenceSettings()
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(settings))
