"""The inference service's own Prometheus metrics, and which engine's `vllm:*` metrics
are exported. Switch times and admission refusals are observed as they happen; the rest is
read from the ModelHost when scraped.

vLLM registers its engine metrics itself: each AsyncLLM's PrometheusStatLogger
(vllm/v1/metrics/loggers.py) first unregisters every `vllm:*` collector in the default
registry (vllm/v1/metrics/prometheus.py unregister_vllm_metrics), then registers its own.
In sleep mode the registry therefore holds the engine that started last: after a wake,
the woken engine records into collectors nobody exports, while /metrics shows a sleeping
(or shut down) engine's frozen values. The ModelHost keeps each engine's collectors and shows
the resident engine's (show_engine_metrics) whenever it changes, and again after an engine
whose start was given up on comes up (its logger has replaced them by then).
"""

from __future__ import annotations

import logging
from weakref import WeakSet

from prometheus_client import Counter, Histogram
from prometheus_client.core import REGISTRY, CounterMetricFamily, GaugeMetricFamily

SWITCH_SECONDS = Histogram("jobextract_switch_seconds", "Model switch (drain, unload, load) "
                           "time.", buckets=(1, 5, 10, 20, 30, 60, 120, 300, 600))
ADMISSION_REFUSED = Counter("jobextract_admission_rejections", "Generate requests refused at "
                            "admission, by why.", ["why"])

_HOSTS: WeakSet = WeakSet()
log = logging.getLogger(__name__)


def vllm_collectors() -> list:
    """vLLM's collectors in the default registry (vLLM's own test: a `_name` that starts
    with `vllm:`)."""
    return [collector for collector in list(REGISTRY._collector_to_names)
            if str(getattr(collector, "_name", "")).startswith("vllm:")]


def show_engine_metrics(collectors: list) -> None:
    """Make `collectors` (one engine's, as it registered them) the registry's `vllm:*`
    metrics: every other vLLM collector leaves the registry, these come back to it."""
    current = vllm_collectors()
    for collector in current:
        if all(collector is not mine for mine in collectors):
            try:
                REGISTRY.unregister(collector)
            except KeyError:  # gone meanwhile (an engine starting in its thread)
                pass
    for collector in collectors:
        if all(collector is not shown for shown in current):
            try:
                REGISTRY.register(collector)
            except ValueError as e:  # a name taken by something that is not vLLM's
                log.warning("cannot export engine metric %s: %s",
                            getattr(collector, "_name", collector), e)


def watch(host) -> None:
    _HOSTS.add(host)


class InferenceCollector:
    def collect(self):
        switches = CounterMetricFamily("jobextract_model_switches", "Model switches done.")
        served = CounterMetricFamily("jobextract_requests_served", "Generations finished.")
        active = GaugeMetricFamily("jobextract_requests_active", "Requests queued or running.")
        ready = GaugeMetricFamily("jobextract_model_ready", "1 while a model is ready.",
                                  labels=["model"])
        for host in list(_HOSTS):
            switches.add_metric([], host.switches)
            served.add_metric([], host.requests_served)
            active.add_metric([], host.active_requests)
            if host.spec is not None:
                ready.add_metric([host.spec.name], int(host.state.value == "ready"))
        yield from (switches, served, active, ready)


REGISTRY.register(InferenceCollector())
