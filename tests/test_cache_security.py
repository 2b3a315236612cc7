"""The engine cache is private: created 0700, and no binary runs from a directory that
someone else owns or could write to."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

import numpy as np
import pytest

from izhi_widgets import engine as engine_mod
from izhi_widgets import engine_cache
from izhi_widgets.engine import ENGINE_INPUTS, EngineSpec, cache_dir, get_engine

SPEC = EngineSpec("published", 1, 1024, False)
needs_root = pytest.mark.skipif(os.getuid() != 0, reason="chown to another user needs root")


@pytest.fixture(autouse=True)
def _forget_loaded_engines(monkeypatch):
    monkeypatch.setattr(engine_mod, "_ENGINES", {})


def _fake_engine(root: Path, spec: EngineSpec = SPEC) -> Path:
    """A cache holding a stand-in 'engine' for ``spec``: a shell script that writes a
    marker file when run (so a test can see whether it was executed)."""
    target = root / "engines" / spec.key()
    target.mkdir(parents=True)
    for path in (root, root / "engines", target):
        path.chmod(0o700)
    files = {"spike_i": "i.dat", "spike_t": "t.dat", "final_nspk": "n.dat"}
    manifest = {"spec": {}, "binary": "main", "files": files,
                "dtypes": {"spike_i": "<i4", "spike_t": "<f8", "final_nspk": "<f8"},
                "group": "izhi", "stim": "izhi_stim"}
    (target / "manifest.json").write_text(json.dumps(manifest))
    (target / "main").write_text(f"#!/bin/sh\ntouch {root / 'executed'}\n")
    (target / "main").chmod(0o755)
    return target


def _run(spec: EngineSpec = SPEC):
    values = {name: np.zeros(1) for name in ENGINE_INPUTS}
    return get_engine(spec).run(values, np.zeros((spec.n_steps, 1)))


def test_a_new_cache_dir_is_created_private(tmp_path, monkeypatch):
    root = tmp_path / "fresh" / "cache"
    monkeypatch.setenv("IZHI_CACHE_DIR", str(root))
    old = os.umask(0o000)  # even with a permissive umask
    try:
        assert cache_dir() == root.resolve()
    finally:
        os.umask(old)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_a_private_cache_runs_its_engine(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    _fake_engine(root)
    monkeypatch.setenv("IZHI_CACHE_DIR", str(root))
    out = _run()
    assert (root / "executed").exists() and out["spike_t"].size == 0


@pytest.mark.parametrize("which", ["root", "engines", "engine"])
@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777])
def test_a_group_or_world_writable_directory_is_refused(tmp_path, monkeypatch, which, mode):
    root = tmp_path / "cache"
    target = _fake_engine(root)
    path = {"root": root, "engines": root / "engines", "engine": target}[which]
    path.chmod(mode)
    monkeypatch.setenv("IZHI_CACHE_DIR", str(root))
    with pytest.raises(PermissionError, match="writable by group or others") as err:
        _run()
    assert str(path) in str(err.value) and f"{mode:04o}" in str(err.value)
    assert not (root / "executed").exists()


def test_a_writable_binary_is_refused(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    target = _fake_engine(root)
    (target / "main").chmod(0o777)
    monkeypatch.setenv("IZHI_CACHE_DIR", str(root))
    with pytest.raises(PermissionError, match="refusing to run .*main"):
        _run()
    assert not (root / "executed").exists()


@needs_root
@pytest.mark.parametrize("mode", [0o700, 0o755])
@pytest.mark.parametrize("which", ["root", "engines", "engine"])
def test_a_directory_owned_by_another_user_is_refused(tmp_path, monkeypatch, which, mode):
    """Even a directory another user keeps private (0700) or merely readable: they could
    swap the binary at any time."""
    root = tmp_path / "cache"
    target = _fake_engine(root)
    path = {"root": root, "engines": root / "engines", "engine": target}[which]
    path.chmod(mode)
    os.chown(path, 65534, 65534)
    monkeypatch.setenv("IZHI_CACHE_DIR", str(root))
    with pytest.raises(PermissionError, match=r"owned by uid 65534, not by the current user"):
        _run()
    assert not (root / "executed").exists()


def test_the_engine_is_checked_again_before_every_run(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    target = _fake_engine(root)
    monkeypatch.setenv("IZHI_CACHE_DIR", str(root))
    _run()
    (root / "executed").unlink()
    target.chmod(0o777)  # opened up after the engine was loaded
    with pytest.raises(PermissionError, match="writable by group or others"):
        _run()
    assert not (root / "executed").exists()


def _unusable_home(tmp_path, monkeypatch) -> Path:
    """No IZHI_CACHE_DIR, a home cache that cannot be created, a private temp dir."""
    monkeypatch.delenv("IZHI_CACHE_DIR", raising=False)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    shared = tmp_path / "shared-tmp"
    shared.mkdir(mode=0o777)
    shared.chmod(0o1777)
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    monkeypatch.setattr(engine_cache, "_SESSION_DIR", [])
    return shared / f"izhi_widgets-{os.getuid()}"


def test_the_temp_fallback_is_created_private(tmp_path, monkeypatch):
    fallback = _unusable_home(tmp_path, monkeypatch)
    assert cache_dir() == fallback.resolve()
    assert stat.S_IMODE(fallback.stat().st_mode) == 0o700


def test_a_pre_created_temp_fallback_is_not_used(tmp_path, monkeypatch):
    fallback = _unusable_home(tmp_path, monkeypatch)
    _fake_engine(fallback)
    fallback.chmod(0o777)  # someone prepared it for us
    with pytest.warns(RuntimeWarning, match="not using .*writable by group or others"):
        chosen = cache_dir()
    assert chosen != fallback.resolve() and chosen.parent == fallback.parent
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o700 and not any(chosen.iterdir())
    with pytest.warns(RuntimeWarning):
        assert cache_dir() == chosen  # one private directory per process


@needs_root
def test_a_temp_fallback_owned_by_another_user_is_not_used(tmp_path, monkeypatch):
    fallback = _unusable_home(tmp_path, monkeypatch)
    _fake_engine(fallback)
    os.chown(fallback, 65534, 65534)
    with pytest.warns(RuntimeWarning, match="owned by uid 65534"):
        chosen = cache_dir()
    assert chosen != fallback.resolve()
    assert not (fallback / "executed").exists()


@needs_root
def test_a_symlink_to_another_users_directory_is_refused(tmp_path, monkeypatch):
    """IZHI_CACHE_DIR (or ~/.cache/izhi_widgets) pointing, through a link we own, at a
    directory someone else owns: the directory the link leads to is checked."""
    theirs = tmp_path / "theirs"
    _fake_engine(theirs)
    for path in (theirs, theirs / "engines", *(theirs / "engines").iterdir()):
        os.chown(path, 65534, 65534)
    link = tmp_path / "cache"
    link.symlink_to(theirs, target_is_directory=True)
    monkeypatch.setenv("IZHI_CACHE_DIR", str(link))
    with pytest.raises(PermissionError, match=r"owned by uid 65534"):
        _run()
    assert not (theirs / "executed").exists()


def test_a_world_writable_binary_inside_a_private_engine_is_refused_after_loading(
        tmp_path, monkeypatch):
    """A binary made group-writable after it was loaded (someone could now rewrite it)."""
    root = tmp_path / "cache"
    target = _fake_engine(root)
    monkeypatch.setenv("IZHI_CACHE_DIR", str(root))
    _run()
    (root / "executed").unlink()
    (target / "main").chmod(0o775)
    with pytest.raises(PermissionError, match="refusing to run .*main"):
        _run()
    assert not (root / "executed").exists()
