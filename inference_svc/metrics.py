"""The inference service's own Prometheus metrics (vLLM's `vllm:*` engine metrics are
registered by the engine itself). Switch times and admission refusals are observed as
they happen; the rest is read from the ModelHost when scraped."""

from __future__ import annotations

from weakref import WeakSet

from prometheus_client import Counter, Histogram
from prometheus_client.core import REGISTRY, CounterMetricFamily, GaugeMetricFamily

SWITCH_SECONDS = Histogram("jobextract_switch_seconds", "Model switch (drain, unload, load) "
                           "time.", buckets=(1, 5, 10, 20, 30, 60, 120, 300, 600))
ADMISSION_REFUSED = Counter("jobextract_admission_rejections", "Generate requests refused at "
                            "admission, by why.", ["why"])

_HOSTS: WeakSet = WeakSet()


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
