"""`warm`: the prebuild plan is derived from the code and covers what the app, the report
and the tests run; builds run several at once, essential first."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from izhi_widgets import PRESETS, IzhikevichParams, RunSpec, Step
from izhi_widgets import warm as warm_mod
from izhi_widgets.engine import EngineSpec
from izhi_widgets.network.engine import NetSpec
from izhi_widgets.limits import (MAX_SAMPLES, PANEL_MAX_DT_MS, PANEL_MAX_DURATION_MS,
                                 PANEL_MIN_DT_MS, check_run_settings)
from izhi_widgets.model import pack_runs
from izhi_widgets.result import NUMERICS
from izhi_widgets.sensitivity import SETTINGS
from izhi_widgets.warm import panel_step_buckets, warm, warm_plan

ROOT = Path(__file__).resolve().parent.parent


def _specs(tier):
    return [item.spec for item in warm_plan(tier)]


def _needed(runs, numerics="published", record=True) -> EngineSpec:
    """The structure the model really uses for ``runs`` (independent of the plan)."""
    return pack_runs(runs, numerics, record).spec


def test_essential_covers_the_first_page_and_every_preset_at_its_own_settings():
    essential = _specs("essential")
    assert essential[0] == _needed([RunSpec.from_preset(PRESETS["A"])])  # first page
    for preset in PRESETS.values():
        assert _needed([RunSpec.from_preset(preset)]) in essential
    assert len(essential) == len(set(essential)) == 2


def test_full_starts_with_essential_and_has_no_duplicates():
    plan = warm_plan("full")
    specs = [item.spec for item in plan]
    assert specs[:2] == _specs("essential") and len(specs) == len(set(specs))
    assert [item.tier for item in plan] == ["essential"] * 2 + ["full"] * (len(plan) - 2)
    assert all(item.why for item in plan)
    with pytest.raises(ValueError, match="tier"):
        warm_plan("everything")


def test_full_covers_every_panel_run():
    full = set(_specs("full"))
    assert panel_step_buckets() == [1024 * 2**k for k in range(10)]
    corners = [(0.5, PANEL_MAX_DT_MS), (PANEL_MAX_DURATION_MS, PANEL_MAX_DT_MS),
               (100.0, PANEL_MIN_DT_MS), (1000.0, PANEL_MIN_DT_MS),
               (MAX_SAMPLES * 0.01 - 0.01, 0.01), (PANEL_MAX_DURATION_MS, 0.02)]
    for duration, dt in corners:
        run = RunSpec(IzhikevichParams(), Step(10), duration, dt, -65)
        for numerics in NUMERICS:
            assert _needed([run], numerics) in full, (duration, dt, numerics)
    # anything longer is refused before an engine is needed
    with pytest.raises(ValueError, match="steps, more than"):
        check_run_settings(PANEL_MAX_DURATION_MS, PANEL_MIN_DT_MS, -65, -13)


def test_full_covers_the_presets_spikes_only_the_sensitivity_table_and_fi_curves(monkeypatch):
    full = set(_specs("full"))
    for preset in PRESETS.values():
        assert _needed([RunSpec.from_preset(preset)], record=False) in full
    for setting in SETTINGS:
        if setting.numerics == "exact":  # SciPy, not an engine
            continue
        runs = [RunSpec.from_preset(p, dt_ms=setting.dt_ms) for p in PRESETS.values()]
        assert _needed(runs, setting.numerics) in full, setting
    # the report's convergence study: every scheme at every step
    from izhi_widgets.convergence import (CONVERGENCE_DTS, CONVERGENCE_METHODS,
                                          convergence_cases)

    cases = [run for _, run in convergence_cases()]
    for numerics in CONVERGENCE_METHODS:
        for dt in CONVERGENCE_DTS:
            runs = [RunSpec(r.params, r.stimulus, r.duration_ms, dt, r.v0_mV, r.u0) for r in cases]
            assert _needed(runs, numerics, record=False) in full, (numerics, dt)
    # the F-I figure as the report draws it: capture its batch instead of running it
    import izhi_widgets.model as model
    from izhi_widgets.plotting import plot_fi_examples

    class Captured(Exception):
        pass

    seen = []

    def capture(runs, numerics="published", *, record=True, progress=None):
        seen.append(_needed(runs, numerics, record))
        raise Captured

    monkeypatch.setattr(model, "simulate_batch", capture)
    with pytest.raises(Captured):
        plot_fi_examples()
    assert seen == [EngineSpec("published", 32, 4096, False)] and seen[0] in full


def test_full_covers_the_test_suites_batches():
    full = set(_specs("full"))
    assert EngineSpec("published", 128, 4096, True) in full   # 40 random cases
    assert EngineSpec("published", 128, 1024, False) in full  # 100 runs
    assert EngineSpec("euler", 32, 4096, True) in full        # 20 random euler cases


def test_full_covers_the_network_tab_the_report_and_the_network_tests():
    from izhi_widgets.network import NetworkParams, network_spec

    full = set(_specs("full"))
    paper = NetworkParams()
    for scheme, dt in (("published", None), ("euler", None), ("rk4", 0.1)):
        assert network_spec(paper, 1000, scheme, dt) in full  # the tab's default, the tests
    assert network_spec(paper, 2000) in full  # the tab's longest run
    assert network_spec(NetworkParams(p=0.2, seed=5), 600) in full  # the sparse test
    assert NetSpec("published", 1024, 1024, 1024, dense=True) in full


def _family(spec):
    if isinstance(spec, NetSpec):
        return ("network", spec.scheme, spec.n_neurons, spec.n_out, spec.dt_ms)
    return (spec.numerics, spec.n_neurons, spec.record)


def test_warm_builds_in_parallel_essential_first_family_seeds_first(monkeypatch):
    events, lock, running, peak = [], threading.Lock(), [0], [0]

    def fake_build(spec):
        with lock:
            events.append(("start", spec))
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
            events.append(("end", spec))

    monkeypatch.setattr(warm_mod, "get_engine", fake_build)
    plan = _specs("full")
    already = EngineSpec("euler", 1, 4096, True)  # the euler family starts seeded
    assert already in plan
    monkeypatch.setattr(warm_mod, "is_built", lambda spec: spec == already)
    lines = []
    elapsed = warm("full", jobs=3, echo=lines.append)
    started = [spec for kind, spec in events if kind == "start"]
    assert sorted(map(str, started)) == sorted(str(s) for s in plan if s != already)
    assert started[0] == plan[0]  # the first page's engine first
    # no structure starts before the first build of its family is done (it reuses its
    # object files), except in a family that already has a built member
    seed_done: dict = {_family(already): -1}
    for index, (kind, spec) in enumerate(events):
        if kind == "start" and _family(spec) in seed_done:
            assert seed_done[_family(spec)] < index
        elif kind == "start":
            seed_done[_family(spec)] = None  # this is the seed
        elif seed_done.get(_family(spec)) is None:
            seed_done[_family(spec)] = index
    # the second essential structure starts as soon as the first is done (the two other
    # workers may record the start of what they were given just before)
    first_end = events.index(("end", plan[0]))
    assert plan[1] in [spec for kind, spec in events[first_end:] if kind == "start"][:3]
    assert peak[0] == 3  # several at once
    assert lines[0] == (f"warm (full): {len(plan)} structures, 1 already built, building "
                        f"{len(plan) - 1} with 3 job(s)")
    assert sum(line.startswith("  ready ") for line in lines) == len(plan) - 1
    assert any(line.startswith("essential structures ready in") for line in lines)
    assert lines[-1] == f"warm (full): {len(plan)} structures ready in {elapsed:.1f} s"
    assert elapsed < 0.02 * len(plan) / 1.5  # really parallel


def test_warm_reports_every_failure(monkeypatch):
    def fake_build(spec):
        if spec.n_neurons == 1 and spec.n_steps == 2048 and spec.record:
            raise RuntimeError("compiler missing")

    monkeypatch.setattr(warm_mod, "get_engine", fake_build)
    monkeypatch.setattr(warm_mod, "is_built", lambda spec: False)
    lines = []
    with pytest.raises(RuntimeError, match=r"(?s)some builds failed.*compiler missing"):
        warm("essential", jobs=2, echo=lines.append)
    assert sum("FAILED" in line for line in lines) == 1
    assert sum(line.startswith("  ready ") for line in lines) == 1


def test_cli_lists_the_plan_without_building(tmp_path):
    env = dict(os.environ, IZHI_CACHE_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-m", "izhi_widgets", "warm", "--essential", "--list"],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2 and all("to build" in line for line in lines)
    assert lines[0].split()[:2] == ["essential", EngineSpec("published", 1, 1024).key()]
    assert not (tmp_path / "engines").exists()
