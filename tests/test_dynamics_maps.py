"""Pattern maps (`izhi_widgets.dynamics.maps`): batched, labelled as `classify` labels each run.

The central check: on every cell of several maps (the paper's two planes under steps,
pulses, a ramp, a lowered window with runaway cells, a rebound, an amplitude axis), the
map's spikes equal `simulate_batch(..., record=False)`'s for the same runs and its labels
equal `classify` of those runs one by one.
"""

from __future__ import annotations

import re
import threading

import numpy as np
import pytest

from izhi_widgets import PRESETS, IzhikevichParams, Ramp, Step, simulate_batch
from izhi_widgets.analysis import LABELS, classify
from izhi_widgets.analysis.thresholds import DEFAULT_THRESHOLDS
from izhi_widgets.dynamics import maps as maps_mod
from izhi_widgets.dynamics.maps import (AXES, PAPER_MAPS, MapCancelled, PatternMap,
                                        clear_map_cache, label_colors, pattern_map)
from izhi_widgets.model import pack_runs

RS = IzhikevichParams(a=0.02, b=0.2, c=-65.0, d=8.0)

# name -> (pattern_map arguments); each a different protocol family
MAPS = {
    "paper cd (step)": PAPER_MAPS["cd"].kwargs(),
    "paper ab (step)": PAPER_MAPS["ab"].kwargs(),
    "step amplitude x d": dict(base=RS, x=("amplitude", -5.0, 20.0, 11), y=("d", 0.0, 10.0, 6),
                               stimulus=Step(10.0, 15.0), duration_ms=200.0, v0_mV=-70.0),
    "pulse pairs K (amplitude x a)": dict(base=PRESETS["K"], x=("amplitude", 0.2, 2.0, 10),
                                          y=("a", 0.02, 0.15, 8)),
    "pulse pairs L (amplitude x b)": dict(base=PRESETS["L"], x=("amplitude", 3.0, 12.0, 8),
                                          y=("b", -0.2, 0.1, 6)),
    "pulses O (a x d)": dict(base=PRESETS["O"], x=("a", 0.01, 0.05, 8), y=("d", 2.0, 6.0, 6)),
    "ramp G (a x d)": dict(base=PRESETS["G"], x=("a", 0.01, 0.05, 8), y=("d", 2.0, 8.0, 6)),
    "lowered window T (a x d)": dict(base=PRESETS["T"], x=("a", -0.039, -0.013, 8),
                                     y=("d", -4.0, 0.0, 6)),
    "rebound TC_burst (c x d)": dict(base=PRESETS["TC_burst"], x=("c", -70.0, -50.0, 8),
                                     y=("d", 0.0, 4.0, 6)),
}


def _cells(pm: PatternMap):
    return [(i, j) for i in range(pm.shape[0]) for j in range(pm.shape[1])]


@pytest.mark.parametrize("name", list(MAPS))
def test_every_cell_equals_simulate_batch_and_classify_one_by_one(name):
    pm = pattern_map(**MAPS[name])
    cells = _cells(pm)
    results = simulate_batch([pm.run_spec(i, j) for i, j in cells], pm.numerics, record=False)
    assert pm.labels.reshape(-1).tolist() == [classify(r).label for r in results]
    for (i, j), res in zip(cells, results):
        assert np.array_equal(pm.spike_times(i, j), res.spike_times_ms)
        assert pm.diverged[i, j] == res.diverged and pm.n_spikes[i, j] == res.n_spikes
        assert pm.rates[i, j] == res.rate_hz
    # pm.result is that same spikes-only run (checked in full on the small maps)
    sample = cells if len(cells) <= 100 else [cells[k] for k in range(0, len(cells), 23)]
    for i, j in sample:
        mine, theirs = pm.result(i, j), results[i * pm.shape[1] + j]
        assert classify(mine).label == pm.labels[i, j]
        assert (mine.message, mine.u0, mine.params, mine.stimulus) == (
            theirs.message, theirs.u0, theirs.params, theirs.stimulus)
    assert len(pm.counts()) >= 2  # each map shows more than one pattern


def test_the_maps_cover_protocol_rules_and_runaway_cells():
    found = set()
    for kwargs in MAPS.values():
        found |= set(pattern_map(**kwargs).counts())
    assert {"resonator", "integrator", "threshold variability", "class 1 excitable",
            "inhibition-induced bursting", "rebound burst", "divergent", "quiescent",
            "tonic bursting", "mixed mode", "spike frequency adaptation"} <= found


def test_chunks_are_packed_as_pack_runs_packs_the_runs(monkeypatch):
    """Several engine runs (a small chunk size forced) give the one-run map, and each chunk's
    arrays are exactly `pack_runs`' for the cells' RunSpecs (u0 = b·v0 per cell)."""
    kwargs = dict(base=RS, x=("amplitude", 2.0, 14.0, 7), y=("b", 0.15, 0.3, 10),
                  stimulus=Step(10.0, 15.0), duration_ms=150.0, v0_mV=-70.0)
    whole = pattern_map(**kwargs)
    clear_map_cache()
    seen = []
    real = maps_mod.run_cells

    def spy(spec, values, stimulus, n_cells, n_samples, cap):
        seen.append((spec, values, stimulus, n_cells))
        return real(spec, values, stimulus, n_cells, n_samples, cap)

    monkeypatch.setattr(maps_mod, "chunk_size", lambda n_steps: 32)
    monkeypatch.setattr(maps_mod, "run_cells", spy)
    pm = pattern_map(**kwargs)
    assert [n for *_, n in seen] == [23, 24, 23]
    assert np.array_equal(pm.labels, whole.labels)
    assert np.array_equal(pm.spike_steps, whole.spike_steps)
    cells = _cells(pm)
    start = 0
    for spec, values, stimulus, n in seen:
        packed = pack_runs([pm.run_spec(i, j) for i, j in cells[start:start + n]],
                           pm.numerics, record=False)
        assert spec == packed.spec
        assert set(values) == set(packed.values)
        for name in values:
            assert np.array_equal(values[name], packed.values[name]), name
        assert np.array_equal(stimulus, packed.stimulus)
        start += n
    assert np.array_equal(seen[0][1]["u"][:23], seen[0][1]["b"][:23] * -70.0)


@pytest.mark.parametrize("name", list(PAPER_MAPS))
def test_paper_maps_put_each_preset_in_a_cell_of_its_expected_label(name):
    spec = PAPER_MAPS[name]
    pm = spec.run()
    for key, expected in spec.expected.items():
        params = PRESETS[key].params
        i, j, cell = pm.cell_at(getattr(params, pm.x_name), getattr(params, pm.y_name))
        assert (getattr(cell, pm.x_name), getattr(cell, pm.y_name)) == (
            getattr(params, pm.x_name), getattr(params, pm.y_name)), key  # on the grid
        assert pm.labels[i, j] == expected, key
    # Only RZ (a step does not probe resonance) and TC (its d is not the map's) differ from
    # their presets' own labels; both are documented in maps_paper.
    differ = {k for k, label in spec.expected.items() if label != PRESETS[k].label}
    assert differ == ({"RZ", "TC"} if name == "ab" else set())
    if name == "ab":
        assert pm.cell_at(0.02, 0.25)[:2] == pm.cell_at(PRESETS["TC"].params.a,
                                                         PRESETS["TC"].params.b)[:2]


def test_map_shape_grid_and_read_only_arrays():
    pm = pattern_map(RS, x=("c", -65.0, -50.0, 4), y=("d", 2.0, 8.0, 3), stimulus=Step(10, 15),
                     duration_ms=150.0, v0_mV=-70.0)
    assert pm.shape == pm.labels.shape == pm.rates.shape == pm.n_spikes.shape == (3, 4)
    assert pm.x.tolist() == [-65.0, -60.0, -55.0, -50.0] and pm.y.tolist() == [2.0, 5.0, 8.0]
    assert set(pm.labels.reshape(-1)) <= set(LABELS)
    assert np.array_equal(pm.rates, 1000.0 * pm.n_spikes / 150.0)
    assert pm.params_at(2, 1) == RS.with_values(c=-60.0, d=8.0)
    with pytest.raises(ValueError):
        pm.labels[0, 0] = "quiescent"
    assert pm.extent == (-67.5, -47.5, 0.5, 9.5)
    assert pm.timings["simulate_s"] > 0 and pm.timings["classify_s"] > 0


def test_grid_values_are_clean_decimals():
    pm = pattern_map(**PAPER_MAPS["ab"].kwargs())
    assert 0.2 in pm.y.tolist() and 0.25 in pm.y.tolist() and 0.1 in pm.x.tolist()
    assert pm.y[0] == 0.1 and pm.y[-1] == 0.3


def test_a_preset_base_supplies_its_protocol_and_u0_follows_b():
    p = PRESETS["CH"]
    pm = pattern_map(p, x=("a", 0.01, 0.03, 3), y=("b", 0.15, 0.25, 3))
    assert (pm.stimulus, pm.duration_ms, pm.dt_ms, pm.v0_mV) == (p.stimulus, 150.0, 0.25, -70.0)
    assert pm.labels[1, 1] == p.label  # the preset's own cell
    assert [pm.result(i, 0).u0 for i in range(3)] == [b * -70.0 for b in pm.y]
    # a preset's explicit u0 (panel R's -16) is not used: every cell starts at b·v0
    r = pattern_map(PRESETS["R"], x=("a", 0.01, 0.03, 2), y=("d", 2.0, 4.0, 2))
    assert r.result(0, 0).u0 == PRESETS["R"].params.b * PRESETS["R"].v0_mV


def test_amplitude_axis_sets_the_last_amplitude_of_the_stimulus():
    pm = pattern_map(PRESETS["O"], x=("amplitude", 0.5, 2.5, 4), y=("a", 0.01, 0.05, 2))
    stim = pm.stimulus_at(0, 3)
    assert [t.amplitude for t in stim.terms] == [1.0, -6.0, pm.x[3]]
    assert pm.cell_at(pm.x[3], pm.y[0])[2] == pm.params_at(0, 3)


@pytest.mark.parametrize("kwargs, message", [
    (dict(x=("e", 0, 1, 3)), "x: the axis name must be one of"),
    (dict(y=("I", 0, 1, 3)), "y: the axis name must be one of"),
    (dict(x=("c", -60, -50, 3), y=("c", -70, -60, 3)), "x and y must name different axes"),
    (dict(x=("c", -50, -60, 3)), "x: lo must be below hi"),
    (dict(y=("d", 0, 60, 3)), "y hi (d) must be between -50 and 50"),
    (dict(x=("a", -2, 0.1, 3)), "x lo (a) must be between -1 and 2"),
    (dict(x=("c", -60, -50, 1)), "x n must be between 2 and 200"),
    (dict(y=("d", 0, 8, 201)), "y n must be between 2 and 200"),
    (dict(y=("d", 0, 8, 2.5)), "y n must be a whole number"),
    (dict(x=("c", -60, -50)), "x must be (name, lo, hi, n)"),
    (dict(x=("amplitude", 0, 10, 3), stimulus=Ramp(0.1, 10.0)), "'amplitude' axis needs"),
    (dict(x=("amplitude", 0, 2e4, 3)), "x hi (amplitude) must be between -10000 and 10000"),
    (dict(base=RS.with_values(v_peak_mV=0.0), x=("c", -60, 10, 3)), "x = c 10, y = d 0:"),
    (dict(x=("c", -60, -50, 200), y=("d", 0, 8, 200), duration_ms=1000.0), "neuron-steps"),
    (dict(duration_ms=-1.0), "duration_ms must be"),
    (dict(dt_ms=0.0), "dt_ms must be"),
    (dict(numerics="heun"), "numerics must be one of"),
    (dict(stimulus=None), "stimulus is required"),
    (dict(base="RS"), "base must be IzhikevichParams or a Preset"),
    (dict(cancel=3), "cancel must be a callable or a threading.Event"),
])
def test_bad_input_is_refused_naming_the_field(kwargs, message):
    args = dict(base=RS, x=("c", -60.0, -50.0, 3), y=("d", 0.0, 8.0, 3),
                stimulus=Step(10.0, 15.0), duration_ms=100.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=re.escape(message)):
        pattern_map(**args)


def test_progress_is_reported_and_the_same_inputs_come_from_the_cache():
    clear_map_cache()
    calls = []
    kwargs = dict(base=RS, x=("c", -65.0, -50.0, 4), y=("d", 2.0, 8.0, 3),
                  stimulus=Step(10, 15), duration_ms=150.0, v0_mV=-70.0)
    pm = pattern_map(**kwargs, progress=lambda f, text: calls.append((f, text)))
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and fractions[0] < 0.5
    assert any("classifying 12" in text for _, text in calls)
    calls.clear()
    assert pattern_map(**kwargs, progress=lambda f, text: calls.append((f, text))) is pm
    assert calls == [(1.0, "done (cached)")]
    # anything that matters makes a new map: thresholds, v0, numerics
    other = dataclasses_replace_threshold()
    assert pattern_map(**kwargs, thresholds=other) is not pm
    assert pattern_map(**{**kwargs, "v0_mV": -65.0}) is not pm
    clear_map_cache()
    assert pattern_map(**kwargs) is not pm


def dataclasses_replace_threshold():
    import dataclasses

    return dataclasses.replace(DEFAULT_THRESHOLDS, class2_min_rate_hz=30.0)


def test_cancel_by_event_before_any_run_caches_nothing():
    clear_map_cache()
    kwargs = dict(base=RS, x=("c", -65.0, -50.0, 4), y=("d", 2.0, 8.0, 3),
                  stimulus=Step(10, 15), duration_ms=150.0)
    stop = threading.Event()
    stop.set()
    with pytest.raises(MapCancelled):
        pattern_map(**kwargs, cancel=stop)
    calls = []
    pattern_map(**kwargs, progress=lambda f, text: calls.append(text))
    assert calls[-1] == "done"  # computed, not from the cache


def test_cancel_between_engine_runs(monkeypatch):
    clear_map_cache()
    runs = []
    real = maps_mod.run_cells
    monkeypatch.setattr(maps_mod, "chunk_size", lambda n_steps: 32)
    monkeypatch.setattr(maps_mod, "run_cells", lambda *a: runs.append(a) or real(*a))
    asked = []
    with pytest.raises(MapCancelled):
        pattern_map(RS, x=("c", -65.0, -50.0, 10), y=("d", 2.0, 8.0, 7), stimulus=Step(10, 15),
                    duration_ms=150.0, cancel=lambda: asked.append(1) or len(asked) > 1)
    assert len(runs) == 1 and len(asked) == 2


def test_cell_at_picks_the_nearest_cell_and_refuses_points_outside():
    pm = pattern_map(RS, x=("c", -65.0, -50.0, 4), y=("d", 2.0, 8.0, 3), stimulus=Step(10, 15),
                     duration_ms=150.0, v0_mV=-70.0)
    assert pm.cell_at(-50.4, 2.3)[:2] == (0, 3)
    assert pm.cell_at(-67.4, 9.4)[:2] == (2, 0)  # within half a cell of the edge
    i, j, params = pm.cell_at(-57.0, 5.0)
    assert (i, j) == (1, 2) and (params.c, params.d) == (-55.0, 5.0)
    with pytest.raises(ValueError, match="outside the map"):
        pm.cell_at(-70.0, 5.0)
    with pytest.raises(IndexError):
        pm.params_at(3, 0)


def test_label_colors_are_fixed_distinct_and_cover_every_label():
    colors = label_colors()
    assert list(colors) == list(LABELS)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colors.values())
    assert len(set(colors.values())) == len(LABELS)
    colors["quiescent"] = "#ffffff"
    assert label_colors()["quiescent"] == "#d9d9d9"  # a fresh dict each call
    assert label_colors()["tonic bursting"] == "#d62728"
    pm = pattern_map(RS, x=("c", -65.0, -50.0, 4), y=("d", 2.0, 8.0, 3), stimulus=Step(10, 15),
                     duration_ms=150.0, v0_mV=-70.0)
    rgb = pm.rgb()
    assert rgb.shape == (3, 4, 3)
    hex_of = "#" + "".join(f"{round(v * 255):02x}" for v in rgb[0, 3])
    assert hex_of == label_colors()[pm.labels[0, 3]]


def test_axes_are_the_four_parameters_and_the_amplitude():
    assert AXES == ("a", "b", "c", "d", "amplitude")
