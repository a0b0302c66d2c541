"""The inference replicas the router sends jobs to, and which one serves a job.

`ROUTER_INFERENCE_ADDRESS` names one replica, several (comma-separated), or a
`dns:///name:port` target that resolves to several (a Kubernetes headless Service), re-read
on every refresh. Each replica has its own channel and its own SwitchPolicy (what it holds,
how busy it is), refreshed from GetModelInfo.

Model affinity: a job goes to a replica already holding its tier; else to one holding the
least capable tier above it; a replica is switched only when none holds a capable tier,
and then the least busy one (least busy also breaks ties, then round robin). Replicas that
failed a call or are not ready are skipped until a refresh finds them ready again; when no
replica is known ready, one is tried anyway (it may be loading). A ready replica whose
health probe times out stays ready for SLOW_PROBES_TOLERATED - 1 probes in a row: a busy
engine slows the probe, and one slow answer must not take the router out of service. With
one replica the choice is its SwitchPolicy's, as before (including the switch down after
idle time).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from jobextract.contract import RANK
from jobextract.v1 import extraction_pb2 as pb
from router_svc.errors import RouteError
from router_svc.local import InferenceClient, tiers_of
from router_svc.routing import Choice, SwitchPolicy

log = logging.getLogger(__name__)
DNS = "dns:///"
# A ready replica whose GetModelInfo runs past its deadline is busy (its event loop shares
# two cores with a full engine) more often than gone: it stays ready until this many probes
# in a row have timed out, as a Kubernetes readiness probe's failureThreshold. A refused
# connection or any other error marks it not ready at once.
SLOW_PROBES_TOLERATED = 3


def parse_targets(value: str) -> list[str]:
    """`a:1,b:2` or `dns:///name:port` (or a mix): the targets, each checked."""
    targets = [t.strip() for t in value.split(",") if t.strip()]
    if not targets:
        raise ValueError("ROUTER_INFERENCE_ADDRESS is empty: give host:port, several "
                         "separated by commas, or dns:///name:port")
    for target in targets:
        host, _, port = target.removeprefix(DNS).rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"inference target {target!r} is not host:port or "
                             f"dns:///host:port")
    return targets


def resolve(target: str) -> list[str]:
    """A dns:/// target's addresses now (IPv4 and IPv6), sorted; others as they are."""
    if not target.startswith(DNS):
        return [target]
    host, _, port = target.removeprefix(DNS).rpartition(":")
    try:
        infos = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        log.warning("inference target %s does not resolve: %s", target, e)
        return []
    addresses = {f"[{info[4][0]}]:{port}" if info[0] == socket.AF_INET6 else
                 f"{info[4][0]}:{port}" for info in infos}
    return sorted(addresses)


@dataclass
class Replica:
    address: str
    client: InferenceClient
    policy: SwitchPolicy       # what it holds, how busy it is
    ready: bool = False        # the last refresh found a model ready
    reachable: bool = True     # no failed call since the last refresh
    failed_probes: int = 0     # refreshes in a row whose probe failed

    @property
    def usable(self) -> bool:
        return self.ready and self.reachable

    def top_rank(self) -> int:
        tiers = self.policy.resident_tiers
        return max((RANK[t] for t in tiers), default=-1)


class Placement(NamedTuple):
    replica: Replica | None  # None: no replica known yet (a dns:/// target not resolved)
    choice: Choice


class Replicas:
    def __init__(self, targets: str, make_client: Callable[[str], InferenceClient],
                 switch_down_idle_seconds: float, resolver=resolve):
        self.targets = parse_targets(targets)
        self._make_client = make_client
        self._idle = switch_down_idle_seconds
        self._resolve = resolver
        self._replicas: dict[str, Replica] = {}
        self._turn = itertools.count()
        self.lost_switches = 0   # switches counted by replicas that have since gone away
        self._sync(self._static_addresses())

    def _static_addresses(self) -> list[str]:
        return [t for t in self.targets if not t.startswith(DNS)]

    def _sync(self, addresses: list[str]) -> None:
        for address in addresses:
            if address not in self._replicas:
                self._replicas[address] = Replica(address, self._make_client(address),
                                                  SwitchPolicy(self._idle))
        for address in [a for a in self._replicas if a not in addresses]:
            gone = self._replicas.pop(address)
            self.lost_switches += gone.policy.switches
            asyncio.ensure_future(gone.client.close())
            log.info("inference replica %s left the target set", address)

    async def _addresses(self) -> list[str]:
        addresses = self._static_addresses()
        for target in self.targets:
            if target.startswith(DNS):
                addresses += await asyncio.to_thread(self._resolve, target)
        return list(dict.fromkeys(addresses))

    @property
    def all(self) -> list[Replica]:
        return list(self._replicas.values())

    @property
    def single(self) -> bool:
        return len(self._replicas) == 1

    async def refresh(self) -> bool:
        """Re-resolve the targets and ask every replica what it holds; True when some
        replica has a model ready."""
        if any(t.startswith(DNS) for t in self.targets):
            resolved = await self._addresses()
            if resolved:  # a failed lookup keeps the replicas we know
                self._sync(resolved)
        await asyncio.gather(*(self.refresh_one(r) for r in self.all))
        return any(r.ready for r in self.all)

    async def refresh_one(self, replica: Replica) -> None:
        try:
            info = await replica.client.model_info()
        except RouteError as e:
            replica.failed_probes += 1
            if (e.cause == "deadline" and replica.ready
                    and replica.failed_probes < SLOW_PROBES_TOLERATED):
                log.warning("inference replica %s answered no probe in time (%d in a row); "
                            "still counted ready", replica.address, replica.failed_probes)
                return
            replica.ready = replica.reachable = False
            return
        replica.failed_probes = 0
        replica.reachable = True
        replica.ready = info.state == pb.MODEL_STATE_READY
        if replica.ready:
            replica.policy.observe(info.name, tiers_of(info))
        elif info.state == pb.MODEL_STATE_FAILED:
            replica.policy.forget()  # the next job asks it for a load, which retries it

    def mark_failed(self, replica: Replica) -> None:
        """A call to `replica` failed: skip it until a refresh finds it ready."""
        replica.reachable = False

    def place(self, wanted: str) -> Placement:
        """The replica for a job of tier `wanted`, and what to ask it for."""
        replicas = self.all
        if not replicas:
            return Placement(None, Choice(wanted, True, f"no inference replica known yet: "
                                                        f"{', '.join(self.targets)} resolved "
                                                        f"to no address"))
        candidates = ([r for r in replicas if r.usable] or [r for r in replicas if r.reachable]
                      or replicas)
        exact = [r for r in candidates if wanted in r.policy.resident_tiers]
        above = [r for r in candidates if r.top_rank() > RANK[wanted]]
        if exact:
            pool = exact
        elif above:
            lowest = min(r.top_rank() for r in above)
            pool = [r for r in above if r.top_rank() == lowest]
        else:
            pool = candidates
        turn = next(self._turn)
        replica = min(pool, key=lambda r: (r.policy.in_flight,
                                           (replicas.index(r) - turn) % len(replicas)))
        choice = replica.policy.choose(wanted, may_switch_down=self.single)
        if not self.single:
            choice.note += f" (replica {replica.address})"
        return Placement(replica, choice)

    @property
    def switches(self) -> int:
        return self.lost_switches + sum(r.policy.switches for r in self.all)

    async def close(self) -> None:
        await asyncio.gather(*(r.client.close() for r in self.all))
