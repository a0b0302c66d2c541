"""The house rules, read from the code's imports: every import points down or sideways.

    jobextract          the floor: contract, stubs, settings, serving; imports nothing above
    router_svc          floor only (never the inference service, torch or vllm)
    inference_svc       floor only (never the router)
    jobextract_tools    the floor and the services
    bench               the tools, the services, the floor
    tests               anything; nothing imports tests
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("jobextract", "router_svc", "inference_svc", "jobextract_tools", "bench", "tests")
ALLOWED = {
    "jobextract": {"jobextract"},
    "router_svc": {"jobextract", "router_svc"},
    "inference_svc": {"jobextract", "inference_svc"},
    "jobextract_tools": {"jobextract", "router_svc", "inference_svc", "jobextract_tools"},
    "bench": {"jobextract", "router_svc", "inference_svc", "jobextract_tools", "bench"},
    "tests": set(PACKAGES),
}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    """(top-level package, line) of every absolute import in `path` (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
    return found


def upward_imports() -> list[str]:
    problems = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for imported, line in imported_packages(path):
                if imported in PACKAGES and imported not in ALLOWED[package]:
                    problems.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    return problems


def test_no_import_points_up_and_nothing_imports_tests():
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The rule above can fail: a floor module importing a service is reported."""
    floor = tmp_path / "jobextract"
    floor.mkdir()
    (floor / "bad.py").write_text("def f():\n    from router_svc import prompt\n")
    for package in PACKAGES[1:]:
        (tmp_path / package).mkdir()
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert upward_imports() == ["jobextract/bad.py:2 imports router_svc"]


@pytest.mark.parametrize("words", [
    ('"thinking", "primary", "maximum"', "jobextract/contract.py"),
])
def test_tier_names_are_written_once(words):
    text, home = words
    places = [str(p.relative_to(ROOT)) for package in PACKAGES[:-1]
              for p in (ROOT / package).rglob("*.py") if text in p.read_text()]
    assert places == [home]
