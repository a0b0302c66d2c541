"""The router's own Prometheus metrics, read from its counters (stats.py, the cloud client,
the switch policy, the servicer's bound) when scraped: one source of truth, nothing counted
twice. One collector per process sums over the routers it serves (one in production)."""

from __future__ import annotations

from weakref import WeakSet

from prometheus_client.core import REGISTRY, CounterMetricFamily, GaugeMetricFamily

_SERVICERS: WeakSet = WeakSet()


def watch(servicer) -> None:
    """Export `servicer`'s counters (a RouterServicer: its extractor and its bound)."""
    _SERVICERS.add(servicer)


def _counter(name: str, documentation: str, labels=()) -> CounterMetricFamily:
    return CounterMetricFamily(name, documentation, labels=list(labels))


class RouterCollector:
    def collect(self):
        extractions = _counter("jobextract_extractions", "Extractions answered, by route and tier.",
                               ("route", "tier"))
        failures = _counter("jobextract_extraction_failures", "Extractions that ended in an error.")
        fallbacks = _counter("jobextract_fallbacks", "Jobs decided local that the cloud served, "
                                                     "by reason.", ("reason",))
        retries = _counter("jobextract_validation_retries", "Generations re-asked after an "
                                                            "invalid answer.")
        dropped = _counter("jobextract_salaries_dropped", "Salary figures removed by grounding: "
                                                          "not stated in the posting.")
        switches = _counter("jobextract_model_switches_seen", "Model changes the router saw on "
                                                              "inference.")
        rejected = _counter("jobextract_rejected", "Calls refused at ROUTER_MAX_CONCURRENT.")
        in_progress = GaugeMetricFamily("jobextract_calls_in_progress", "Calls in progress.")
        cloud_calls = _counter("jobextract_cloud_calls", "Cloud HTTP calls, by outcome.",
                               ("outcome",))
        cloud_tokens = _counter("jobextract_cloud_tokens", "Cloud tokens, by kind.", ("kind",))
        cloud_cost = _counter("jobextract_cloud_cost", "Cloud cost at the configured prices.")
        breaker = GaugeMetricFamily("jobextract_cloud_breaker_open",
                                    "1 while the cloud breaker refuses calls.")
        replicas = GaugeMetricFamily("jobextract_replica_ready", "1 while an inference replica "
                                     "answers with a model ready, by replica and model.",
                                     labels=["replica", "model"])
        replica_jobs = GaugeMetricFamily("jobextract_replica_in_flight", "Generations in flight "
                                         "on each inference replica.", labels=["replica"])
        totals: dict = {}

        def add(key, value):
            totals[key] = totals.get(key, 0) + value

        for servicer in list(_SERVICERS):
            stats, cloud = servicer.extractor.stats, servicer.extractor.cloud
            for tier, count in stats.tiers.items():
                add(("extractions", "cloud" if tier == "cloud" else "local",
                     "" if tier == "cloud" else tier), count)
            for reason, count in stats.fallbacks.items():
                add(("fallbacks", reason), count)
            add(("failures",), stats.failed)
            add(("retries",), stats.validation_retries)
            add(("dropped",), stats.salaries_dropped)
            add(("switches",), servicer.extractor.replicas.switches)
            for replica in servicer.extractor.replicas.all:
                replicas.add_metric([replica.address, replica.policy.resident_model],
                                    int(replica.usable))
                replica_jobs.add_metric([replica.address], replica.policy.in_flight)
            add(("rejected",), stats.rejected)
            add(("in_progress",), servicer.in_progress)
            if cloud is not None:
                usage = cloud.usage
                add(("cloud_calls", "ok"), usage.calls - usage.failed_calls)
                add(("cloud_calls", "failed"), usage.failed_calls)
                add(("cloud_tokens", "prompt"), usage.prompt_tokens)
                add(("cloud_tokens", "completion"), usage.completion_tokens)
                add(("cloud_cost",), usage.cost)
                add(("breaker",), int(cloud.breaker.open))
        families = {"extractions": extractions, "fallbacks": fallbacks, "failures": failures,
                    "retries": retries, "dropped": dropped, "switches": switches,
                    "rejected": rejected, "in_progress": in_progress,
                    "cloud_calls": cloud_calls, "cloud_tokens": cloud_tokens,
                    "cloud_cost": cloud_cost, "breaker": breaker}
        for (name, *labels), value in totals.items():
            families[name].add_metric(labels, value)
        yield from families.values()
        yield from (replicas, replica_jobs)


REGISTRY.register(RouterCollector())
