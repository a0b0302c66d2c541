"""python -m router_svc: serve jobextract.v1.RouterService until SIGTERM."""

import asyncio

from jobextract.settings import configure_logging, parse_command_line
from router_svc.config import RouterSettings

DESCRIPTION = ("The jobextract router: serves jobextract.v1.RouterService over gRPC, routing each "
               "posting to the local inference service or the cloud by its token count, "
               "validating the result, and falling back to the cloud when the local answer "
               "fails. Runs until SIGTERM or Ctrl-C.")

if __name__ == "__main__":
    parse_command_line("router_svc", DESCRIPTION, RouterSettings)
    settings = RouterSettings()
    configure_logging(settings.log_level)
    from router_svc.server import serve

    asyncio.run(serve(settings))
