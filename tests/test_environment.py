"""The set-up files agree with each other.

Binder builds from environment.yml (conda-forge), everything else installs the exact pins of
pyproject.toml with pip. Conda channels are not reachable from CI, so these tests are what keeps
the two in step. They also pin down the README's two commands and the CI entry point.
"""

import json
import os
import re
import tomllib
from pathlib import Path

from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]

# The packages that make up the app; they must be pinned in both files.
CORE_STACK = {"brian2", "numpy", "matplotlib", "ipywidgets", "voila", "ipympl", "ipykernel"}
# conda-forge names that stand for a pip distribution of another name.
CONDA_ALIASES = {"matplotlib-base": "matplotlib"}
# Conda-only build tools (not Python distributions, so not in pyproject.toml).
CONDA_ONLY = {"python", "pip", "cxx-compiler", "c-compiler", "compilers", "make"}


def _norm(name):
    name = re.sub(r"[-_.]+", "-", name.strip().lower())
    return CONDA_ALIASES.get(name, name)


def conda_specs(text):
    """{normalised name: version or None} from the top-level `dependencies:` of environment.yml.

    Plain-text parsing of the simple list form (`- name=version`); nested `pip:` lists are
    ignored.
    """
    specs = {}
    in_deps = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not raw[0].isspace() and not line.startswith("-"):
            in_deps = line.strip() == "dependencies:"
            continue
        if not in_deps:
            continue
        m = re.match(r"^(\s*)-\s*(.+)$", line)
        if not m or len(m.group(1)) > 2:  # nested (e.g. under `- pip:`)
            continue
        item = m.group(2).strip()
        if item.endswith(":"):  # `- pip:` sub-list header
            continue
        m = re.match(r"^([A-Za-z0-9._-]+)\s*(?:==?\s*([^\s=]+))?\s*$", item)
        assert m, f"unparsed environment.yml dependency: {item!r}"
        name, version = _norm(m.group(1)), m.group(2)
        assert name not in specs, f"{name} listed twice in environment.yml"
        specs[name] = version
    return specs


def pip_pins(requirements):
    """{normalised name: version} from `name==version` requirement strings; all must be exact."""
    pins = {}
    for req in requirements:
        m = re.match(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*==\s*([^\s;,]+)\s*$", req)
        assert m, f"not an exact pin: {req!r}"
        pins[_norm(m.group(1))] = m.group(2)
    return pins


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _env():
    return conda_specs((ROOT / "environment.yml").read_text())


def _runtime_pins():
    return pip_pins(_pyproject()["project"]["dependencies"])


def test_parsers_on_a_sample():
    sample = (
        "name: x\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n"
        "  - matplotlib-base=3.10.9  # comment\n  - make\n  - pip\n  - pip:\n    - foo==1.0\n"
    )
    assert conda_specs(sample) == {"python": "3.11", "matplotlib": "3.10.9", "make": None, "pip": None}
    assert pip_pins(["Brian2==2.9.0", "numpy == 2.3.5"]) == {"brian2": "2.9.0", "numpy": "2.3.5"}


def test_environment_is_python_311_on_conda_forge():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*conda-forge\s*$", text, re.M)
    assert _env().get("python") == "3.11"
    assert _pyproject()["project"]["requires-python"] == ">=3.11,<3.12"


def test_every_runtime_pin_is_in_environment_with_the_same_version():
    env = _env()
    for name, version in _runtime_pins().items():
        assert name in env, f"{name} is pinned in pyproject.toml but missing from environment.yml"
        assert env[name] == version, (
            f"{name}: pyproject.toml pins {version}, environment.yml has {env[name]}"
        )


def test_environment_packages_are_pinned_in_pyproject():
    env, pins = _env(), _runtime_pins()
    assert CORE_STACK <= set(pins), f"missing from pyproject.toml: {CORE_STACK - set(pins)}"
    assert CORE_STACK <= set(env), f"missing from environment.yml: {CORE_STACK - set(env)}"
    for name, version in env.items():
        if name in CONDA_ONLY:
            continue
        assert name in pins, f"{name} is in environment.yml but not pinned in pyproject.toml"
        assert version == pins[name], (
            f"{name}: environment.yml has {version}, pyproject.toml pins {pins[name]}"
        )


def test_environment_has_a_compiler_for_brian2():
    env = _env()
    assert "cxx-compiler" in env and "make" in env


def test_numpy_and_brian2_pins():
    pins = _runtime_pins()
    # brian2 2.9.0 is the last release for Python 3.11 and breaks with numpy 2.4 (ndarray.ptp).
    assert pins["brian2"] == "2.9.0"
    assert Version("2") <= Version(pins["numpy"]) < Version("2.4")


def test_test_extra_is_pinned():
    extra = pip_pins(_pyproject()["project"]["optional-dependencies"]["test"])
    assert {"pytest", "hypothesis", "nbmake", "playwright", "pytest-timeout"} <= set(extra)


def _command_lines(path):
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def test_ci_runs_the_readme_test_command():
    ci = ROOT / ".ci" / "run"
    assert os.access(ci, os.X_OK), ".ci/run must be executable"
    lines = _command_lines(ci)
    assert "set -euo pipefail" in lines
    assert "make test" in lines


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    fenced = []
    for block in re.findall(r"^```[^\n]*\n(.*?)^```", readme, re.S | re.M):
        fenced += [line.strip() for line in block.splitlines()]
    assert "make app" in fenced
    assert "make test" in fenced
    assert "http://127.0.0.1:8866" in readme


def test_postbuild_installs_and_warms_with_the_kernel_interpreter():
    post = ROOT / "postBuild"
    assert os.access(post, os.X_OK), "postBuild must be executable"
    lines = _command_lines(post)
    assert "set -euo pipefail" in lines
    assert "pip install --no-deps -e ." in lines
    assert "python3 -m izhi_widgets warm" in lines


def test_voila_config():
    conf = json.loads((ROOT / "voila.json").read_text())
    vc = conf["VoilaConfiguration"]
    assert vc["template"] == "lab"
    assert vc["theme"] == "light"
    assert vc["strip_sources"] is True
    assert vc["show_tracebacks"] is False
    assert vc["file_allowlist"] == []  # /voila/files/ serves nothing (tests/browser/test_lockdown.py)
    assert "preheat_kernel" not in vc  # set on the command line (standalone voila only)
    km = conf["MappingKernelManager"]
    assert km["cull_idle_timeout"] > 0
    assert km["cull_interval"] > 0
    assert km["cull_connected"] is False
