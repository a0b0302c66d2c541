"""Assemble the router: clients of inference and the cloud, the extractor, health."""

from __future__ import annotations

import asyncio
import gc
import logging

from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract.metrics import serve_metrics
from jobextract.serving import build_server, run_until_stopped
from router_svc import metrics
from router_svc.checker import AnswerChecker
from router_svc.cloud import CloudClient
from router_svc.config import RouterSettings
from router_svc.extract import Extractor
from router_svc.local import InferenceClient
from router_svc.replicas import Replicas
from router_svc.servicer import RouterServicer
from router_svc.stats import Stats
from router_svc.tokens import count_tokens

log = logging.getLogger(__name__)
SERVICE = pb.DESCRIPTOR.services_by_name["RouterService"].full_name


async def watch_routes(extractor: Extractor, health, poll_seconds: float) -> None:
    """Health is SERVING while some route can serve: a ready local model or the cloud."""
    cloud = extractor.cloud is not None
    last = None
    await extractor.checker.warm_up()  # not SERVING before an answer can be checked
    while True:
        local = await extractor.refresh_resident()
        serving = local or cloud
        if serving != last:
            log.info("routes: local %s, cloud %s", "ready" if local else "not ready",
                     "configured" if cloud else "not configured")
            await health.set(SERVICE, serving)
            last = serving
        await asyncio.sleep(poll_seconds)


def build_extractor(settings: RouterSettings) -> Extractor:
    security = settings.inference_security()
    replicas = Replicas(settings.inference_address,
                        lambda address: InferenceClient(address, settings.max_message_bytes,
                                                        security),
                        settings.switch_down_idle_seconds)
    cloud = CloudClient(settings) if settings.cloud_configured else None
    return Extractor(settings, replicas, cloud, Stats(),
                     AnswerChecker(settings.check_workers, settings.check_seconds))


def build_router(settings: RouterSettings):
    """The router's gRPC server (not started), its health, bound port and extractor."""
    count_tokens("")  # load the encoding now, not on the first request
    extractor = build_extractor(settings)
    servicer = RouterServicer(extractor)
    metrics.watch(servicer)

    def register(server) -> list[str]:
        pb_grpc.add_RouterServiceServicer_to_server(servicer, server)
        return [SERVICE]

    server, health, port = build_server(f"{settings.host}:{settings.port}", register,
                                        settings.max_message_bytes, settings.server_security(),
                                        settings.max_concurrent,
                                        metrics=settings.metrics_port > 0)
    return server, health, port, extractor


async def close_extractor(extractor: Extractor) -> None:
    try:
        await extractor.replicas.close()
        if extractor.cloud:
            await extractor.cloud.close()
    finally:  # the check's worker processes are stopped whatever else failed
        await asyncio.to_thread(extractor.checker.close)


async def serve(settings: RouterSettings) -> None:
    server, health, port, extractor = build_router(settings)
    serve_metrics(settings.host, settings.metrics_port)
    # What start made (openai's and pydantic's models, the stubs, the encoding) lives as long
    # as the process: frozen out of the collector's sight, a full collection no longer walks
    # its ~100,000 objects (76 ms here) while a call or a health check waits on the loop.
    gc.collect()
    gc.freeze()
    log.info("router on %s:%d -> inference %s; threshold %d tokens; cloud %s",
             settings.host, port, settings.inference_address, settings.token_threshold,
             settings.cloud_model if extractor.cloud else "not configured")
    await run_until_stopped(server, health, lambda: close_extractor(extractor),
                            settings.shutdown_grace_seconds,
                            watch_routes(extractor, health, settings.health_poll_seconds))
