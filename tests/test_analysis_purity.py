"""The house rules of the reshaped package, checked on the source.

* `izhi_widgets.analysis` is pure: it imports numpy, the standard library and the package's
  data types only, never anything that runs a simulation (`model`, `engine`, `experiments`)
  or draws (`plotting`, matplotlib).
* Only `izhi_widgets.experiments` (besides `model` and the app) makes runs: `sensitivity` and
  the plotting modules do not import `model` or `engine` at all.
* Library modules write no files: the report builder (``report/build.py``) does.
* No module is longer than ~500 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "izhi_widgets"
ANALYSIS = sorted((PACKAGE / "analysis").glob("*.py"))
PLOTTING = sorted((PACKAGE / "plotting").glob("*.py"))
SENSITIVITY = PACKAGE / "sensitivity.py"
EXPERIMENTS = PACKAGE / "experiments.py"

PURE_STDLIB = {"__future__", "math", "dataclasses", "typing", "fractions", "numbers"}
PURE_PACKAGE = {"params", "result", "stimulus", "validation"}
RUNNERS = {"model", "engine", "experiments", "panel", "reference", "codegen"}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(level, absolute-or-relative module name) of every import in the file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is None:  # from . import x
            found += [(node.level, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module))
    return found


def _package_module(path: Path, level: int, name: str) -> str | None:
    """The ``izhi_widgets`` module an import refers to ('' for the package), else None."""
    if level == 0:
        return name.removeprefix("izhi_widgets").lstrip(".") if name.startswith(
            "izhi_widgets") else None
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)[:-level]
    return ".".join(parts[1:] + ([name] if name else []))


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.name)
def test_analysis_imports_numpy_and_data_types_only(path):
    for level, name in _imports(path):
        inner = _package_module(path, level, name)
        if inner is None:
            assert name.split(".")[0] in PURE_STDLIB | {"numpy"}, f"{path.name} imports {name}"
        else:
            top = inner.split(".")[0]
            assert top in PURE_PACKAGE | {"analysis"}, f"{path.name} imports izhi_widgets.{inner}"


@pytest.mark.parametrize("path", [SENSITIVITY, *PLOTTING], ids=lambda p: p.name)
def test_only_experiments_runs_simulations(path):
    for level, name in _imports(path):
        inner = _package_module(path, level, name)
        assert name.split(".")[0] != "brian2", f"{path.name} imports brian2"
        if inner is not None:
            top = inner.split(".")[0]
            if top == "experiments" and path.parent.name == "plotting":
                continue  # only to fetch the default runs when none are given
            assert top not in RUNNERS, f"{path.name} imports izhi_widgets.{inner}"


WRITERS = {"savefig", "write_text", "write_bytes", "mkdir", "open"}


@pytest.mark.parametrize("path", [*ANALYSIS, *PLOTTING, SENSITIVITY, EXPERIMENTS],
                         ids=lambda p: p.name)
def test_library_modules_write_no_files(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert name not in WRITERS, f"{path.name}:{node.lineno} calls {name}"


@pytest.mark.parametrize("path", [*ANALYSIS, *PLOTTING, SENSITIVITY, EXPERIMENTS],
                         ids=lambda p: p.name)
def test_modules_stay_short(path):
    lines = path.read_text().count("\n")
    assert lines <= 550, f"{path.name} has {lines} lines"
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ClassDef):
            assert node.end_lineno - node.lineno < 250, f"{path.name}: class {node.name}"
