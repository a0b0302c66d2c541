"""docker-compose.yml and the Dockerfiles against the code (no Docker engine runs here).

Every variable compose sets is one the services read, ports agree everywhere, and the
health checks call a probe that exists, for services the proto defines.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml

from inference_svc.config import InferenceSettings
from jobextract.proto import extraction_pb2 as pb
from router_svc.config import RouterSettings
from jobextract_tools.launch import ROOT, free_port

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# Read by libraries the inference service runs, not by our settings.
LIBRARY_VARIABLES = {"HF_TOKEN": "huggingface_hub, for gated downloads",
                     "CUDA_VISIBLE_DEVICES": "CUDA"}


def env_names(settings_class) -> set[str]:
    names = set()
    for field in settings_class.model_fields.values():
        names.update(c for c in field.validation_alias.choices if c.isupper())
    return names


def test_every_variable_is_read_by_the_service():
    import vllm.envs

    inference_env = set(SERVICES["inference"]["environment"])
    known = env_names(InferenceSettings) | set(LIBRARY_VARIABLES) | set(vllm.envs.environment_variables)
    assert inference_env <= known, inference_env - known
    router_env = set(SERVICES["router"]["environment"])
    assert router_env <= env_names(RouterSettings), router_env - env_names(RouterSettings)


@pytest.mark.parametrize("name,settings_class,port_var,service", [
    ("inference", InferenceSettings, "INFERENCE_PORT", "Inference"),
    ("router", RouterSettings, "ROUTER_PORT", "Router")])
def test_ports_health_checks_and_images_agree(name, settings_class, port_var, service):
    spec = SERVICES[name]
    port = spec["environment"][port_var]
    # Only the router is published, and on the host's loopback; inference stays on the
    # compose network. Both bind all interfaces in their container, which the services
    # refuse without TLS and keys unless told the network is trusted.
    assert spec.get("ports", []) == ([f"127.0.0.1:{port}:{port}"] if name == "router" else [])
    prefix = port_var.split("_")[0]
    assert spec["environment"][f"{prefix}_HOST"] == "0.0.0.0"
    assert spec["environment"][f"{prefix}_ALLOW_INSECURE"] == "true"
    test = spec["healthcheck"]["test"]
    assert test[0] == "CMD" and test[2:4] == ["-m", "jobextract.healthcheck"]
    assert test[test.index("--address") + 1] == f"localhost:{port}"
    assert test[test.index("--service") + 1] == pb.DESCRIPTOR.services_by_name[service].full_name
    dockerfile = (ROOT / spec["build"]["dockerfile"]).read_text()
    assert re.search(rf"^EXPOSE {port}$", dockerfile, re.M)
    assert f'"-m", "{name}_svc"' in dockerfile
    python = test[1]
    assert python in ("python", "python3")
    # The settings parse the compose values.
    assert settings_class(_env_file=None, **spec["environment"]).port == int(port)


def test_gpu_reservation_models_volume_and_startup_order():
    inference = SERVICES["inference"]
    devices = inference["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
    cache = inference["environment"]["MODEL_CACHE_DIR"]
    assert f"./models:{cache}" in inference["volumes"]
    assert inference["environment"]["INFERENCE_PROFILE"] == "gpu-16gb"
    router = SERVICES["router"]
    assert router["depends_on"]["inference"]["condition"] == "service_healthy"
    host, port = router["environment"]["ROUTER_INFERENCE_ADDRESS"].split(":")
    assert host == "inference" and port == inference["environment"]["INFERENCE_PORT"]


def test_health_probe_against_a_live_service_and_a_dead_port(inference_service):
    probe = [sys.executable, "-m", "jobextract.healthcheck"]
    ok = subprocess.run(probe + ["--address", inference_service.address, "--service",
                                 "jobextract.v1.Inference"], cwd=ROOT, capture_output=True,
                        text=True, timeout=30)
    assert ok.returncode == 0 and "SERVING" in ok.stdout

    dead = subprocess.run(probe + ["--address", f"127.0.0.1:{free_port()}", "--timeout", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert dead.returncode == 1 and "UNAVAILABLE" in dead.stdout


def test_images_are_built_from_the_source_alone_with_the_listed_dependencies():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {"models/", ".venv/", ".git/"} <= ignored  # tens of GB never sent as context
    for dockerfile in ("inference_svc/Dockerfile", "router_svc/Dockerfile"):
        text = (ROOT / dockerfile).read_text()
        # pyproject.toml is the one dependency list: no image keeps its own copy.
        assert "--no-deps" not in text and re.search(r"pip install --no-cache-dir \"?\.", text)


def test_prepare_fills_the_volume_the_inference_service_reads():
    prepare, inference = SERVICES["prepare"], SERVICES["inference"]
    assert prepare["profiles"] == ["prepare"]  # run on demand, not with `up`
    assert prepare["entrypoint"][1:] == ["-m", "inference_svc.prepare", "--profile", "gpu-16gb"]
    assert prepare["volumes"] == inference["volumes"]
    assert prepare["environment"]["MODEL_CACHE_DIR"] == inference["environment"]["MODEL_CACHE_DIR"]
    assert set(prepare["environment"]) <= env_names(InferenceSettings) | set(LIBRARY_VARIABLES)


def test_keys_are_required_and_the_routers_key_may_switch_models():
    """No empty default: compose stops with a message naming the missing key, and the key
    the router sends inference is an admin key there (switches need one)."""
    inference, router = SERVICES["inference"]["environment"], SERVICES["router"]["environment"]
    required = re.compile(r"^\$\{(\w+):\?[^}]+\}$")
    for value in (router["ROUTER_API_KEYS"], router["ROUTER_INFERENCE_API_KEY"],
                  inference["INFERENCE_ADMIN_KEYS"]):
        assert required.match(value), value
    assert required.match(router["ROUTER_INFERENCE_API_KEY"])[1] == \
        required.match(inference["INFERENCE_ADMIN_KEYS"])[1]
    # Neither service is told it may run keyless.
    assert not {"ROUTER_ALLOW_NO_KEYS", "INFERENCE_ALLOW_NO_KEYS"} & {*router, *inference}
