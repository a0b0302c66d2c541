"""What every jobextract gRPC server has: health, reflection, keys and TLS, keepalive,
undecodable requests answered as such, and a graceful stop on SIGTERM.

Both services build their server here, so grpcurl and orchestrators see the same things on
either port: `grpc.health.v1.Health` (overall status under "" and one per service) and
server reflection.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection

from jobextract.handlers import wrap
from jobextract.metrics import GrpcMetrics
from jobextract.security import ServerSecurity
from jobextract.status import abort

log = logging.getLogger(__name__)

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
# A health entry that is SERVING while the server answers, whatever its services can do
# now, unless a service says it cannot recover without a restart (inference: its engine
# died): what a liveness probe asks (readiness asks for a service by name).
LIVENESS = "liveness"


class Health:
    """Per-service health: the overall status ("") is SERVING only when every service is;
    LIVENESS is SERVING from the start (a loading model is alive, not ready) until
    `set_alive(False)`."""

    def __init__(self, servicer: HealthServicer, services: list[str]):
        self._servicer = servicer
        self._status = {name: NOT_SERVING for name in services}

    async def start(self) -> None:
        """Everything NOT_SERVING until the service says it can serve."""
        for service in self._status:
            await self._servicer.set(service, NOT_SERVING)
        await self._servicer.set("", NOT_SERVING)
        await self._servicer.set(LIVENESS, SERVING)

    async def set(self, service: str, serving: bool) -> None:
        self._status[service] = SERVING if serving else NOT_SERVING
        await self._servicer.set(service, self._status[service])
        overall = all(s == SERVING for s in self._status.values())
        await self._servicer.set("", SERVING if overall else NOT_SERVING)

    async def set_alive(self, alive: bool) -> None:
        """LIVENESS NOT_SERVING asks the orchestrator to restart the process."""
        await self._servicer.set(LIVENESS, SERVING if alive else NOT_SERVING)

    async def shutting_down(self) -> None:
        """Every status NOT_SERVING from now on, so probes stop routing traffic here."""
        await self._servicer.enter_graceful_shutdown()


# Stands in for a request whose bytes are not the method's message.
_UNDECODABLE = object()


class DecodeGuard(grpc.aio.ServerInterceptor):
    """INVALID_ARGUMENT for a request that does not parse (e.g. invalid UTF-8 in a string
    field); grpcio itself would answer INTERNAL, which blames the service."""

    async def intercept_service(self, continuation, details):
        handler = await continuation(details)
        if handler is None or handler.request_deserializer is None \
                or not (handler.unary_unary or handler.unary_stream):
            return handler
        parse = handler.request_deserializer

        def deserialize(data: bytes):
            try:
                return parse(data)
            except Exception:  # noqa: BLE001 - any parse failure is the caller's
                return _UNDECODABLE

        message = f"the request is not a valid {details.method.rsplit('/', 1)[-1]} request message"

        @asynccontextmanager
        async def refuse_undecodable(request, context):
            if request is _UNDECODABLE:
                await abort(context, grpc.StatusCode.INVALID_ARGUMENT, message,
                            "UNDECODABLE_REQUEST")
            yield

        return wrap(handler, refuse_undecodable, request_deserializer=deserialize)


# Keepalive: pings find a dead peer in a minute instead of never; clients may ping every
# 10 s, also between calls (the router keeps its inference channel warm this way).
KEEPALIVE_SERVER = [
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 1),
]
KEEPALIVE_CLIENT = [
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.max_pings_without_data", 0),
    # A restarted peer is found within seconds, not after the default 2-minute backoff.
    ("grpc.initial_reconnect_backoff_ms", 500),
    ("grpc.max_reconnect_backoff_ms", 5_000),
]


# Calls beyond a service's own bound that the server still takes at once: health probes and
# Watch streams, reflection, stats. Past it gRPC itself answers RESOURCE_EXHAUSTED, so no
# number of open streams (health Watch, reflection) can grow without bound.
RPC_HEADROOM = 64


def build_server(
    bind: str,
    register: Callable[[grpc.aio.Server], list[str]],
    max_message_bytes: int,
    security: ServerSecurity,
    calls_bound: int,
    metrics: bool = False,
) -> tuple[grpc.aio.Server, Health, int]:
    """A grpc.aio server with the services `register` adds, health and reflection, behind
    `security` (keys, TLS; raises SecurityError for an unsafe bind).

    `calls_bound`: the service's own bound on its calls in progress (it refuses past it
    with its own status); the server takes at most RPC_HEADROOM more calls of any kind.
    `metrics`: count every call for Prometheus (jobextract/metrics.py).
    `register` adds the servicers and returns their full service names. Returns the
    server, its health reporter and the bound port (useful when `bind` asks for port 0).
    """
    security.check_bind(bind.rsplit(":", 1)[0])
    options = [
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes),
        ("grpc.so_reuseport", 0),
        *KEEPALIVE_SERVER,
    ]
    # Metrics outermost, so refusals by the key check are counted too.
    server = grpc.aio.server(options=options, interceptors=[
        *([GrpcMetrics()] if metrics else []), *security.interceptors(), DecodeGuard()],
        maximum_concurrent_rpcs=calls_bound + RPC_HEADROOM)
    services = register(server)
    health_servicer = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        [*services, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
         reflection.SERVICE_NAME],
        server,
    )
    credentials = security.server_credentials()
    port = (server.add_secure_port(bind, credentials) if credentials is not None
            else server.add_insecure_port(bind))
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
