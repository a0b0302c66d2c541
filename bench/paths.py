"""The compared paths: the same posting through (a) the engine in-process, (b)
InferenceService.Generate, (c) RouterService.Extract and (d) vLLM's own OpenAI-compatible server, each
timed from the caller's side."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from dataclasses import dataclass

from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from router_svc import prompt
from router_svc.config import RouterSettings
from router_svc.schema import generation_schema, schema_text

MAX_TOKENS = 1536          # the router's ROUTER_LOCAL_MAX_TOKENS default, for every path
CONTEXT = 12288            # the CPU profile's context, for every path
MAX_NUM_SEQS = 16          # so concurrency 16 runs as one batch on every path
STREAM_INTERVAL = RouterSettings.model_fields["stream_interval"].default
# The settings every engine gets, whichever path serves it.
ENGINE_ENV = {"VLLM_MAX_MODEL_LEN": str(CONTEXT), "VLLM_CPU_KVCACHE_SPACE": "2",
              "INFERENCE_MAX_NUM_SEQS": str(MAX_NUM_SEQS), "INFERENCE_MAX_PENDING": "64",
              "INFERENCE_SWITCH_GRACE_SECONDS": "0", "INFERENCE_LOG_LEVEL": "WARNING"}


@dataclass
class Sample:
    seconds: float
    first_token_seconds: float | None
    output_tokens: int
    router_ms: float | None = None  # extract: the call minus the router's time in Generate
    # extract, the router's own parts of it: count and decide; the answer check (with its
    # worker process round trip)
    decision_ms: float | None = None
    check_ms: float | None = None


def generate_request(text: str, stream_interval: int = STREAM_INTERVAL,
                     tier: int = pb.TIER_PRIMARY) -> pb.GenerateRequest:
    """What the router sends for `text` (on `tier`)."""
    return pb.GenerateRequest(messages=[pb.ChatMessage(**m) for m in prompt.messages(text)],
                              json_schema=schema_text(), max_tokens=MAX_TOKENS,
                              tier=tier, stream_interval=stream_interval)


class EnginePath:
    """(a) The engine in this process, called the way ModelHost calls it."""

    def __init__(self, env: dict[str, str]):
        os.environ.update(env)
        from inference_svc.config import InferenceSettings
        from inference_svc.environment import apply_environment
        from inference_svc.registry import build_registry

        settings = InferenceSettings()
        self.registry = build_registry(settings, "cpu")
        apply_environment(settings.model_cache_dir, self.registry, "cpu")
        self.spec = self.registry[settings.initial_tier]
        self.engine = None

    async def start(self) -> None:
        from inference_svc.engine import start_engine

        self.engine = await asyncio.to_thread(start_engine, self.spec, False)

    async def __call__(self, text: str) -> Sample:
        from vllm.inputs import TokensPrompt

        from inference_svc.engine import render_prompt
        from inference_svc.engine_params import sampling_params
        from inference_svc.requests import parse_generate

        started = time.perf_counter()
        job = parse_generate(generate_request(text), self.registry, CONTEXT)
        ids = await asyncio.to_thread(render_prompt, self.engine.get_tokenizer(), self.spec, job)
        first, tokens = None, 0
        async for out in self.engine.generate(TokensPrompt(prompt_token_ids=ids),
                                              sampling_params(job, self.spec, MAX_TOKENS),
                                              uuid.uuid4().hex):
            tokens += len(out.outputs[0].token_ids)
            if first is None and out.outputs[0].text:
                first = time.perf_counter() - started
        return Sample(time.perf_counter() - started, first, tokens)

    def shutdown(self) -> None:
        if self.engine is not None:
            self.engine.shutdown()
            self.engine = None  # collected now, not during interpreter teardown


class GeneratePath:
    """(b) InferenceService.Generate over gRPC."""

    def __init__(self, channel, stream_interval: int = STREAM_INTERVAL):
        self.stub = pb_grpc.InferenceServiceStub(channel)
        self.stream_interval = stream_interval

    async def __call__(self, text: str) -> Sample:
        started = time.perf_counter()
        first, tokens = None, 0
        async for response in self.stub.Generate(generate_request(text, self.stream_interval)):
            if first is None and response.delta:
                first = time.perf_counter() - started
            if response.finish_reason:
                tokens = response.usage.completion_tokens
        return Sample(time.perf_counter() - started, first, tokens)


class ExtractPath:
    """(c) RouterService.Extract: the caller gets a validated JobPosting (first token: the router's
    own timing of it)."""

    def __init__(self, channel):
        self.stub = pb_grpc.RouterServiceStub(channel)

    async def __call__(self, text: str) -> Sample:
        started = time.perf_counter()
        reply = await self.stub.Extract(pb.ExtractRequest(content=text))
        seconds = time.perf_counter() - started
        return Sample(seconds, reply.timings.first_token_ms / 1000, reply.usage.completion_tokens,
                      router_ms=seconds * 1000 - reply.timings.generation_ms,
                      decision_ms=reply.timings.decision_ms,
                      check_ms=reply.timings.validation_ms)


class VllmPath:
    """(d) vLLM's OpenAI-compatible server, as a user would call it instead of the pair."""

    def __init__(self, base_url: str, api_key: str, model: str):
        from openai import AsyncOpenAI

        self.client = AsyncOpenAI(base_url=base_url, api_key=api_key, max_retries=0)
        self.model = model
        self.format = {"type": "json_schema", "json_schema": {
            "name": "JobPosting", "schema": generation_schema(), "strict": True}}

    async def __call__(self, text: str) -> Sample:
        started = time.perf_counter()
        first, tokens = None, 0
        stream = await self.client.chat.completions.create(
            model=self.model, messages=prompt.messages(text), response_format=self.format,
            temperature=0, max_tokens=MAX_TOKENS, stream=True,
            stream_options={"include_usage": True})
        async for chunk in stream:
            if first is None and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter() - started
            if chunk.usage:
                tokens = chunk.usage.completion_tokens
        return Sample(time.perf_counter() - started, first, tokens)
