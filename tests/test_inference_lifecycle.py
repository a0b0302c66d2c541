"""The service process itself: truthful health while loading, a failed start, SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from jobextract.serving import LIVENESS
from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract_tools.launch import free_port, tiny_inference_env, start_inference
from tests.helpers import eventually
from tests.test_inference_generate import long_request

NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
SERVING = health_pb2.HealthCheckResponse.SERVING


async def first_answer(stub_call, timeout: float = 60):
    """Retry until the freshly started server answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await stub_call()
        except grpc.aio.AioRpcError as e:
            if e.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def test_missing_model_starts_not_serving_with_reason(tiny_models, tmp_path):
    port = free_port()
    env = tiny_inference_env(tiny_models, port, INFERENCE_MODEL_PRIMARY=str(tmp_path / "absent"))
    service = start_inference(env, tmp_path / "inference.log")
    try:
        async with grpc.aio.insecure_channel(service.address) as channel:
            inference = pb_grpc.InferenceServiceStub(channel)
            health = health_pb2_grpc.HealthStub(channel)

            async def failed():
                info = (await first_answer(lambda: inference.GetModelInfo(pb.GetModelInfoRequest()))).info
                return info if info.state == pb.MODEL_STATE_FAILED else None

            info = await eventually(failed, timeout=30)
            assert info and "no config.json" in info.reason
            for name in ("", "jobextract.v1.InferenceService"):
                reply = await health.Check(health_pb2.HealthCheckRequest(service=name))
                assert reply.status == NOT_SERVING
            with pytest.raises(grpc.aio.AioRpcError) as e:
                async for _ in inference.Generate(long_request(max_tokens=4)):
                    pass
            assert e.value.code() == grpc.StatusCode.UNAVAILABLE
            assert "no config.json" in e.value.details()
    finally:
        assert service.stop(timeout=30) == 0, service.log_tail()


async def test_health_while_loading_and_graceful_sigterm(tiny_models, tmp_path):
    """NOT_SERVING + LOADING while the engine starts; on SIGTERM health turns NOT_SERVING,
    the request in flight finishes within the grace period and the process exits 0."""
    port = free_port()
    # A grace period far longer than the request needs, even on a loaded machine.
    env = tiny_inference_env(tiny_models, port, INFERENCE_SHUTDOWN_GRACE_SECONDS="120")
    service = start_inference(env, tmp_path / "inference.log")
    try:
        async with grpc.aio.insecure_channel(service.address) as channel:
            inference = pb_grpc.InferenceServiceStub(channel)
            health = health_pb2_grpc.HealthStub(channel)
            info = (await first_answer(lambda: inference.GetModelInfo(pb.GetModelInfoRequest()))).info
            assert info.state == pb.MODEL_STATE_LOADING, "engine start takes seconds"
            reply = await health.Check(health_pb2.HealthCheckRequest())
            assert reply.status == NOT_SERVING
            # Alive while loading: a liveness probe must not restart a loading pod.
            alive = await health.Check(health_pb2.HealthCheckRequest(service=LIVENESS))
            assert alive.status == SERVING

            deadline = time.monotonic() + 240
            while (await health.Check(health_pb2.HealthCheckRequest())).status != SERVING:
                assert time.monotonic() < deadline and service.process.poll() is None, \
                    service.log_tail()
                await asyncio.sleep(0.5)

            call = inference.Generate(long_request(max_tokens=200))
            await call.read()
            service.process.send_signal(signal.SIGTERM)
            rest = []
            while (reply := await call.read()) is not grpc.aio.EOF:
                rest.append(reply)
            assert rest[-1].finish_reason == pb.FINISH_REASON_LENGTH
            assert rest[-1].usage.completion_tokens == 200
        assert service.process.wait(timeout=60) == 0
        assert "stopped" in service.log_tail()
    finally:
        service.stop()
