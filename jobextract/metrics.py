"""Prometheus metrics, served as text on a separate HTTP port (`*_METRICS_PORT`; 0: off).

Both services export the standard gRPC server set (the names go-grpc-prometheus and
py-grpc-prometheus use): `grpc_server_started_total`, `grpc_server_handled_total` (with
`grpc_code`) and `grpc_server_handling_seconds`, through one interceptor. Each service adds
its own `jobextract_*` metrics (router_svc/stats.py, inference_svc/engine.py); the inference
service also exports vLLM's own engine metrics (`vllm:*`) from the in-process engine.
Metrics are per process, as Prometheus expects: objects are created once, at import.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager

import grpc
from prometheus_client import Counter, Histogram, start_http_server

from jobextract.handlers import wrap

log = logging.getLogger(__name__)

_LABELS = ("grpc_type", "grpc_service", "grpc_method")
STARTED = Counter("grpc_server_started_total", "RPCs started on the server.", _LABELS)
HANDLED = Counter("grpc_server_handled_total", "RPCs completed on the server, by status.",
                  (*_LABELS, "grpc_code"))
HANDLING = Histogram("grpc_server_handling_seconds", "Time to complete an RPC on the server.",
                     _LABELS, buckets=(0.001, 0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60,
                                       120, 300, 600))


def serve_metrics(host: str, port: int) -> int:
    """Start the metrics HTTP server (a thread); the port, or 0 when off."""
    if not port:
        return 0
    server, _ = start_http_server(port, addr=host)
    bound = server.server_address[1]
    log.info("metrics on http://%s:%d/metrics", host, bound)
    return bound


def _code_of(context, error: BaseException | None) -> str:
    if error is None:
        return "OK"
    if isinstance(error, asyncio.CancelledError):
        return "CANCELLED"
    code = context.code()  # set by context.abort
    if isinstance(code, grpc.StatusCode):
        return code.name
    return "UNKNOWN"


class GrpcMetrics(grpc.aio.ServerInterceptor):
    """Counts every unary and server-streaming RPC: started, handled by code, and time."""

    async def intercept_service(self, continuation, details):
        handler = await continuation(details)
        if handler is None or not (handler.unary_unary or handler.unary_stream):
            return handler
        service, _, method = details.method.lstrip("/").partition("/")
        labels = ("unary" if handler.unary_unary else "server_stream", service, method)

        @asynccontextmanager
        async def counted(request, context):
            STARTED.labels(*labels).inc()
            started, error = time.monotonic(), None
            try:
                yield
            except BaseException as e:
                error = e
                raise
            finally:
                HANDLED.labels(*labels, _code_of(context, error)).inc()
                HANDLING.labels(*labels).observe(time.monotonic() - started)

        return wrap(handler, counted)
