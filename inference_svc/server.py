"""Assemble the inference server: registry, model host, servicer, health, reflection."""

from __future__ import annotations

import asyncio
import logging

from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract.metrics import serve_metrics
from jobextract.serving import Health, build_server, run_until_stopped
from inference_svc import metrics
from inference_svc.config import InferenceSettings
from inference_svc.engine import ModelHost
from inference_svc.errors import HostError
from inference_svc.device import nvidia_gpus
from inference_svc.environment import apply_environment
from inference_svc.registry import build_registry, resolve_profile
from inference_svc.servicer import InferenceServicer
from inference_svc.switch_mode import choose_switch_mode, sleep_mode_available

log = logging.getLogger(__name__)
SERVICE = pb.DESCRIPTOR.services_by_name["InferenceService"].full_name
# How often liveness looks at the engine (the k8s probe asks every 10 s).
ENGINE_CHECK_SECONDS = 5.0


async def serve(settings: InferenceSettings) -> None:
    settings.warn_inert()
    profile = resolve_profile(settings)
    gpus = nvidia_gpus()
    registry = build_registry(settings, profile, gpus[0].capability if gpus else None)
    place = apply_environment(settings.model_cache_dir, registry, profile)
    if place["missing_from_cache"]:
        log.warning("not in %s yet, fetched from the hub at first load: %s (run `jobextract "
                    "models prepare --profile %s` once to start offline)", place["HF_HOME"],
                    ", ".join(place["missing_from_cache"]), profile)
    switch_mode = choose_switch_mode(settings.switch_mode, sleep_mode_available())
    log.info("switch mode %s: %s", switch_mode.mode, switch_mode.note)
    health = None

    async def on_serving(serving: bool) -> None:
        if health is not None:
            await health.set(SERVICE, serving)

    host = ModelHost(registry, max_pending=settings.max_pending,
                     default_max_tokens=settings.default_max_tokens,
                     switch_grace_seconds=settings.switch_grace_seconds, on_serving=on_serving,
                     switch_mode=switch_mode,
                     sleep_host_reserve_bytes=int(settings.sleep_host_reserve_gb * 2**30),
                     timeouts=settings.switch_timeouts())
    servicer = InferenceServicer(host, profile, "cuda" if gpus else "cpu")
    metrics.watch(host)

    def register(server) -> list[str]:
        pb_grpc.add_InferenceServiceServicer_to_server(servicer, server)
        return [SERVICE]

    server, health, port = build_server(f"{settings.host}:{settings.port}", register,
                                        settings.max_message_bytes, settings.server_security(),
                                        max(map(host.pending_limit, registry.values())),
                                        metrics=settings.metrics_port > 0)
    log.info("inference on %s:%d (profile %s); NOT_SERVING until a model is loaded",
             settings.host, port, profile)
    serve_metrics(settings.host, settings.metrics_port)
    liveness = asyncio.create_task(report_liveness(host, health))

    async def startup() -> None:
        if settings.initial_tier:
            try:
                await host.load(registry[settings.initial_tier])
            except HostError as e:
                log.error("initial model not loaded: %s", e.message)

    async def on_stop() -> None:
        liveness.cancel()
        await host.shutdown(settings.shutdown_grace_seconds)

    await run_until_stopped(server, health, on_stop, settings.shutdown_grace_seconds, startup())


async def report_liveness(host: ModelHost, health: Health,
                          every: float = ENGINE_CHECK_SECONDS) -> None:
    """Liveness follows the resident engine: a dead one (vLLM's engine core gone) never
    serves again and the host would not notice until a request fails, so the orchestrator
    is asked to restart the process."""
    while True:
        await health.set_alive(not host.engine_dead)
        await asyncio.sleep(every)
