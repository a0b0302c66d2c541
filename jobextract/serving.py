"""What every jobextract gRPC server has: health, reflection, and a graceful stop on SIGTERM.

Both services build their server here, so grpcurl and orchestrators see the same things on
either port: `grpc.health.v1.Health` (overall status under "" and one per service) and
server reflection.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection

log = logging.getLogger(__name__)

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class Health:
    """Per-service health: the overall status ("") is SERVING only when every service is."""

    def __init__(self, servicer: HealthServicer, services: list[str]):
        self._servicer = servicer
        self._status = {name: NOT_SERVING for name in services}

    async def start(self) -> None:
        """Everything NOT_SERVING until the service says it can serve."""
        for service in self._status:
            await self._servicer.set(service, NOT_SERVING)
        await self._servicer.set("", NOT_SERVING)

    async def set(self, service: str, serving: bool) -> None:
        self._status[service] = SERVING if serving else NOT_SERVING
        await self._servicer.set(service, self._status[service])
        overall = all(s == SERVING for s in self._status.values())
        await self._servicer.set("", SERVING if overall else NOT_SERVING)

    async def shutting_down(self) -> None:
        """Every status NOT_SERVING from now on, so probes stop routing traffic here."""
        await self._servicer.enter_graceful_shutdown()


def build_server(
    bind: str,
    register: Callable[[grpc.aio.Server], list[str]],
    max_message_bytes: int,
) -> tuple[grpc.aio.Server, Health, int]:
    """A grpc.aio server with the services `register` adds, health and reflection.

    `register` adds the servicers and returns their full service names. Returns the
    server, its health reporter and the bound port (useful when `bind` asks for port 0).
    """
    options = [
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes),
        ("grpc.so_reuseport", 0),
    ]
    server = grpc.aio.server(options=options)
    services = register(server)
    health_servicer = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        [*services, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
         reflection.SERVICE_NAME],
        server,
    )
    port = server.add_insecure_port(bind)
    if port == 0:
        raise RuntimeError(f"cannot bind {bind}: address in use or not available")
    return server, Health(health_servicer, services), port


async def run_until_stopped(
    server: grpc.aio.Server,
    health: Health,
    on_stop: Callable[[], Awaitable[None]],
    grace_seconds: float,
    startup: Awaitable[None] | None = None,
) -> None:
    """Start serving (health NOT_SERVING until `startup` says otherwise), run `startup`
    (e.g. loading a model) alongside, and stop gracefully on SIGTERM or SIGINT.

    Stopping: health turns NOT_SERVING, new calls are refused, calls in flight get
    `grace_seconds` to finish before they are cancelled, then `on_stop` releases what the
    service owns (the engine, clients).
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await health.start()
    await server.start()
    starting = asyncio.create_task(startup) if startup is not None else None
    waiters = {asyncio.create_task(server.wait_for_termination()), asyncio.create_task(stop.wait())}
    await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    log.info("stopping: in-flight calls get %.0f s to finish", grace_seconds)
    if starting is not None and not starting.done():
        starting.cancel()
    await health.shutting_down()
    await server.stop(grace_seconds)
    await on_stop()
    for task in waiters:
        task.cancel()
    log.info("stopped")
