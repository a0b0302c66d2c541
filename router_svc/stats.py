"""Counters measured since the router started; GetStats reports them, nothing is assumed."""

from __future__ import annotations

import time
from collections import Counter, deque

from jobextract.v1 import extraction_pb2 as pb

LATENCY_WINDOW = 10_000  # most recent requests kept for percentiles


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    rank = q * (len(sorted_values) - 1)
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


class Stats:
    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.started = clock()
        self.requests = self.succeeded = self.failed = 0
        self.local = self.cloud = 0
        self.validation_retries = 0
        self.salaries_dropped = 0  # figures the posting does not state (grounding)
        self.rejected = 0          # calls refused at the concurrency bound
        self.tiers: Counter[str] = Counter()
        self.fallbacks: Counter[str] = Counter()
        self.latencies_ms: deque[float] = deque(maxlen=LATENCY_WINDOW)

    def succeed(self, local: bool, tier: str | None, latency_ms: float) -> None:
        self.succeeded += 1
        if local:
            self.local += 1
        else:
            self.cloud += 1
        self.tiers[tier or "cloud"] += 1
        self.latencies_ms.append(latency_ms)

    def to_proto(self, switches: int, cloud=None) -> pb.GetStatsResponse:
        """`cloud`: the CloudClient, whose usage and breaker are reported, if configured."""
        ordered = sorted(self.latencies_ms)
        return pb.GetStatsResponse(
            requests=self.requests, succeeded=self.succeeded, failed=self.failed,
            local=self.local, cloud=self.cloud,
            local_processing_rate=self.local / self.succeeded if self.succeeded else 0.0,
            tier_counts=dict(self.tiers), fallbacks_by_reason=dict(self.fallbacks),
            model_switches=switches, validation_retries=self.validation_retries,
            latency=pb.LatencySummary(count=len(ordered), p50_ms=percentile(ordered, 0.5),
                                      p90_ms=percentile(ordered, 0.9),
                                      p99_ms=percentile(ordered, 0.99)),
            uptime_seconds=self.clock() - self.started, salaries_dropped=self.salaries_dropped,
            rejected_busy=self.rejected,
            cloud_usage=pb.CloudUsage(**vars(cloud.usage), breaker_open=cloud.breaker.open)
            if cloud is not None else None)
