"""docker-compose.yml and the Dockerfiles against the code (no Docker engine runs here).

Every variable compose sets is one the services read, ports agree everywhere, and the
health checks call a probe that exists, for services the proto defines.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from inference_svc.config import InferenceSettings
from inference_svc.device import wait_gpu_released
from inference_svc.environment import cache_layout, hub_checkpoints
from inference_svc.registry import build_registry
from jobextract.contract import TIERS
from jobextract.v1 import extraction_pb2 as pb
from router_svc.config import RouterSettings
from jobextract_tools.launch import ROOT, free_port

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# Read by libraries the inference service runs, not by our settings.
LIBRARY_VARIABLES = {"HF_TOKEN": "huggingface_hub, for gated downloads",
                     "CUDA_VISIBLE_DEVICES": "CUDA",
                     "HOME": "every library's per-user caches (k8s: a writable /tmp)"}


# An engine's own exit once told to shut down (vLLM stops its engine core and workers): an
# estimate, the one figure here the code does not bound.
ENGINE_EXIT_SECONDS = 10.0


def inference_shutdown_seconds() -> float:
    """The longest a SIGTERM may take the inference service, from the code's own bounds.

    Calls in flight get INFERENCE_SHUTDOWN_GRACE_SECONDS (run_until_stopped); a model switch
    still running then gets as long again, less if its own timeouts end it sooner (a put
    away within the sleep timeout, then a load or a wake within theirs; ModelHost.shutdown);
    then every engine, the resident one and the others asleep (at most one per tier), shuts
    down and may take wait_gpu_released's timeout to free its GPU memory, plus its own exit.
    """
    fields = InferenceSettings.model_fields
    grace = fields["shutdown_grace_seconds"].default
    switch = min(grace, fields["sleep_timeout_seconds"].default
                 + max(fields["load_timeout_seconds"].default,
                       fields["wake_timeout_seconds"].default))
    release = inspect.signature(wait_gpu_released).parameters["timeout"].default
    return grace + switch + len(TIERS) * (release + ENGINE_EXIT_SECONDS)


def seconds(duration: str) -> float:
    """A compose duration as this file writes them ("240s")."""
    assert re.fullmatch(r"\d+s", duration), duration
    return float(duration[:-1])


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
    ("inference", InferenceSettings, "INFERENCE_PORT", "InferenceService"),
    ("router", RouterSettings, "ROUTER_PORT", "RouterService")])
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
                                 "jobextract.v1.InferenceService"], cwd=ROOT, capture_output=True,
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


def test_stop_grace_periods_outlast_the_services_shutdowns():
    """Past stop_grace_period Docker kills the process: in-flight work and an engine that
    has not freed the GPU are cut off (75 s was below a 60 s drain plus engine shutdowns)."""
    assert seconds(SERVICES["inference"]["stop_grace_period"]) >= inference_shutdown_seconds()
    assert seconds(SERVICES["router"]["stop_grace_period"]) > \
        RouterSettings.model_fields["shutdown_grace_seconds"].default


def _fake_snapshot(hub: Path, repo: str) -> None:
    """A complete snapshot as huggingface_hub lays it out (refs/main, blobs, symlinks):
    config, tokenizer and single-file weights."""
    folder = hub / f"models--{repo.replace('/', '--')}"
    revision = "0" * 40
    snapshot = folder / "snapshots" / revision
    for path in (folder / "refs", folder / "blobs", snapshot):
        path.mkdir(parents=True)
    (folder / "refs" / "main").write_text(revision)
    for name in ("config.json", "tokenizer_config.json", "tokenizer.json", "model.safetensors"):
        blob = folder / "blobs" / name.replace(".", "-")
        blob.write_bytes(b"{}")
        (snapshot / name).symlink_to(os.path.relpath(blob, snapshot))


def test_up_before_prepare_stops_at_once_saying_to_run_prepare(tmp_path):
    """`docker compose up` with ./models empty: the inference container stops with the
    command to run, instead of fetching at first load and failing the start period mute."""
    inference = SERVICES["inference"]
    shell, flag, script = inference["entrypoint"]
    assert (shell, flag) == ("sh", "-c")
    words = shlex.split(script)
    python, dash_c, check, *rest = words
    # Then the image's own command, exec'd: the service is PID 1 and gets SIGTERM.
    dockerfile = (ROOT / inference["build"]["dockerfile"]).read_text()
    image_command = json.loads(re.search(r"^ENTRYPOINT (.+)$", dockerfile, re.M)[1])
    assert (python, dash_c) == ("python3", "-c")
    assert rest == ["&&", "exec", *image_command]

    # The check itself, here, with the service's environment and MODEL_CACHE_DIR in tmp.
    cache = tmp_path / "models"
    env = {k: str(v) for k, v in inference["environment"].items() if "${" not in str(v)}
    env.update(PATH=os.environ["PATH"], PYTHONPATH=str(ROOT), MODEL_CACHE_DIR=str(cache))

    def run():
        return subprocess.run([sys.executable, "-c", check], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)

    empty = run()
    assert empty.returncode == 1, empty.stderr
    assert "models not prepared" in empty.stderr
    prepare = "docker compose run --rm prepare"
    assert prepare in empty.stderr and prepare.split()[-1] in SERVICES
    # Prepared (every checkpoint of the profile in the hub cache): the service starts.
    settings = InferenceSettings(_env_file=None, **{**inference["environment"],
                                                     "MODEL_CACHE_DIR": str(cache)})
    checkpoints = hub_checkpoints(build_registry(settings, settings.profile))
    hub = Path(cache_layout(cache)["HF_HOME"]) / "hub"
    for repo in checkpoints[:-1]:
        _fake_snapshot(hub, repo)
    partly = run()
    assert partly.returncode == 1 and checkpoints[-1] in partly.stderr
    assert not any(repo in partly.stderr for repo in checkpoints[:-1]), (checkpoints, partly.stderr)
    _fake_snapshot(hub, checkpoints[-1])
    prepared = run()
    assert prepared.returncode == 0, prepared.stderr
