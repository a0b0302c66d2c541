"""python -m router_svc: serve jobextract.v1.Router until SIGTERM."""

import asyncio
import logging

from router_svc.config import RouterSettings
from router_svc.server import serve

if __name__ == "__main__":
    settings = RouterSettings()
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(settings))
