"""Wrapping a gRPC method handler's behaviour, for the server interceptors (serving.py's
decode guard, metrics.py's counters): one place that knows the handler kinds."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import grpc

Around = Callable[[object, grpc.aio.ServicerContext], AbstractAsyncContextManager]


def wrap(handler: grpc.RpcMethodHandler, around: Around, **replace) -> grpc.RpcMethodHandler:
    """`handler` with its unary or server-streaming behaviour run inside `around(request,
    context)`; `replace` swaps other handler fields (e.g. the deserializer). Handlers of
    other kinds are returned as they are."""
    if handler.unary_unary:
        inner = handler.unary_unary

        async def unary(request, context):
            async with around(request, context):
                return await inner(request, context)

        return handler._replace(unary_unary=unary, **replace)
    if not handler.unary_stream:
        return handler
    inner = handler.unary_stream
    if not inspect.isasyncgenfunction(inner):  # writes with context.write (health Watch)
        async def writing(request, context):
            async with around(request, context):
                return await inner(request, context)

        return handler._replace(unary_stream=writing, **replace)

    async def streaming(request, context):
        async with around(request, context):
            async for response in inner(request, context):
                yield response

    return handler._replace(unary_stream=streaming, **replace)
