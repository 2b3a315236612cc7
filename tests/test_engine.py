"""The compiled engine: buckets, concurrent first use, and the cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from izhi_widgets import engine as engine_mod
from izhi_widgets.engine import EngineSpec, bucket_neurons, bucket_steps, get_engine

ROOT = Path(__file__).resolve().parent.parent


def test_buckets():
    assert [bucket_steps(n) for n in (1, 1024, 1025, 10_001)] == [1024, 1024, 2048, 16384]
    assert [bucket_neurons(n) for n in (1, 2, 28, 129)] == [1, 8, 32, 512]
    with pytest.raises(ValueError, match="batch size"):
        bucket_neurons(10**6)


def test_engine_refuses_a_stimulus_of_the_wrong_shape():
    engine = get_engine(EngineSpec("published", 1, 1024, True))
    with pytest.raises(ValueError, match="shape"):
        engine.run({}, np.zeros((10, 1)))


def test_concurrent_first_use_builds_once_and_both_runs_succeed(tmp_path):
    """Two kernels asking for the same new structure at once (a class opening the app):
    one builds under the file lock, the other waits and reuses it."""
    code = ("from izhi_widgets import PRESETS, simulate; "
            "print(simulate(PRESETS['A'], record=False).spike_times_ms.tolist())")
    env = dict(os.environ, IZHI_CACHE_DIR=str(tmp_path))
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert out.strip().splitlines()[-1] == "[13.0, 17.0, 31.5, 59.25, 86.75]"
    built = [p for p in (tmp_path / "engines").iterdir() if p.is_dir()]
    assert len(built) == 1 and (built[0] / "manifest.json").exists()
    assert built[0].name == EngineSpec("published", 1, 1024, False).key()

    # A second structure of the same family compiles only the files that differ (the
    # stimulus length is baked into the update code, main and objects): the other object
    # files come from the cache, and the engine still reproduces the paper.
    objects = tmp_path / "objects"
    before = set(objects.iterdir())
    assert len(before) >= 10
    code = ("from izhi_widgets import PRESETS, simulate; "
            "print(simulate(PRESETS['K'], record=False).spike_times_ms.tolist())")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[338.0]"
    assert (tmp_path / "engines" / EngineSpec("published", 1, 2048, False).key()).is_dir()
    assert len(set(objects.iterdir()) - before) == 3


def test_object_keys_follow_the_sources_and_headers_each_file_includes(tmp_path):
    (tmp_path / "makefile").write_text(
        "OPTIMISATIONS = -O3\nCXXFLAGS = -c $(OPTIMISATIONS)\n"
        "make.deps: a.cpp b.cpp\n\t$(CXX) -MM a.cpp b.cpp > make.deps\n")
    (tmp_path / "h.h").write_text("int h();\n")
    (tmp_path / "a.cpp").write_text('#include "h.h"\nint a() { return h(); }\n')
    (tmp_path / "b.cpp").write_text("int b() { return 1; }\n")
    keys = engine_mod._object_keys(tmp_path)
    assert set(keys) == {"a.o", "b.o"} and keys["a.o"] != keys["b.o"]
    (tmp_path / "make.deps").unlink()
    assert engine_mod._object_keys(tmp_path) == keys  # stable
    (tmp_path / "h.h").write_text("long h();\n")  # a header change reaches its includers only
    (tmp_path / "make.deps").unlink()
    changed = engine_mod._object_keys(tmp_path)
    assert changed["a.o"] != keys["a.o"] and changed["b.o"] == keys["b.o"]
    (tmp_path / "makefile").write_text((tmp_path / "makefile").read_text().replace("-O3", "-O2"))
    (tmp_path / "make.deps").unlink()
    assert engine_mod._object_keys(tmp_path)["b.o"] != keys["b.o"]  # flags are part of the key
