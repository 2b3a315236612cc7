"""The controller, the designer and the exports without any widget: drafts in, view
models out."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import numpy as np
import pytest

from izhi_widgets.sensitivity import load_sensitivity

from izhi_widgets import PRESETS, simulate
from izhi_widgets.app.controller import PanelController
from izhi_widgets.app.designer import (decompose, design_from_texts, design_texts,
                                       designer_kinds, seed_design)
from izhi_widgets.app.exports import csv_text, grid_time_text, script_text
from izhi_widgets.app.fields import PANEL_FIELDS, format_value
from izhi_widgets.app.state import PanelState, encode_state
from izhi_widgets.result import time_grid
from izhi_widgets.stimulus import STIMULUS_KINDS, Constant, PeriodicPulses, Step


@pytest.fixture
def ctl():
    controller = PanelController()
    controller.load_preset("A")
    return controller


# ---------------------------------------------------------------------------------------
# drafts and messages in the panel's words


def test_a_draft_round_trips_through_parse(ctl):
    for key in ("C", "G", "K", "R", "S", "TC_burst"):
        ctl.load_preset(key)
        state, errors = ctl.parse(ctl.draft())
        assert errors == {} and state == PanelState.from_preset(key)


@pytest.mark.parametrize("key, text, words", [
    ("a", "abc", "a: 'abc' is not a number"),
    ("a", "nan", "a: 'nan' is not a number"),
    ("a", "", "a: give a number (the box is empty)"),
    ("a", "5", "a must be between -1 and 2, got 5"),
    ("c", "-400", "c must be between -120 and 29, got -400"),
    ("dt", "0", "dt (ms) must be between 0.005 and 1 ms, got 0"),
    ("duration", "0", "duration (ms) must be > 0 and at most 5000 ms, got 0"),
    ("duration", "6000", "duration (ms) must be > 0 and at most 5000 ms, got 6000"),
    ("v0", "1e5", "v0 (mV) must be between -200 and 100 mV"),
    ("k0", "1e9", "k0 must be between -1000 and 1000"),
])
def test_bad_values_get_messages_in_the_panels_words(ctl, key, text, words):
    good = ctl.last
    vm = ctl.submit({**ctl.draft(), key: text})
    assert vm.stale and vm.message_level == "error"
    assert vm.message.startswith(words)
    assert key in vm.field_errors
    assert vm.result is good.result  # the last good run stays on screen, marked stale
    for internal in ("duration_ms", "dt_ms", "1e-09", "v0_mV"):
        assert internal not in vm.message


def test_too_many_steps_is_said_plainly(ctl):
    vm = ctl.submit({**ctl.draft(), "duration": "5000", "dt": "0.005"})
    assert vm.stale
    assert vm.message == ("duration (ms) / dt (ms) = 1000000 steps, more than the 499999 a "
                          "run may take: raise dt or shorten the duration")


def test_typed_values_inside_the_model_limits_are_accepted(ctl):
    for key, value in (("a", "1.5"), ("c", "-30"), ("d", "15")):
        vm = ctl.submit({**ctl.draft(), key: value})
        assert not vm.stale and vm.message == ""
        assert getattr(vm.result.params, key) == float(value)


def test_recovery_after_an_error(ctl):
    ctl.submit({**ctl.draft(), "dt": "x"})
    vm = ctl.submit({**ctl.draft(), "dt": "0.1"})
    assert not vm.stale and vm.message == "" and vm.result.dt_ms == 0.1


def test_u0_empty_means_at_rest_and_shows_short(ctl):
    vm = ctl.load_preset("P")
    assert vm.state.u0 is None
    assert vm.result.u0 == 0.26 * -61.0  # the papers' start, exactly
    assert ctl.draft()["u0"] == ""
    assert f"{vm.state.initial_u:.6g}" == "-15.86"
    vm = ctl.submit({**ctl.draft(), "b": "0.25"})
    assert vm.result.u0 == 0.25 * -61.0
    vm = ctl.submit({**ctl.draft(), "u0": "-10"})
    assert vm.result.u0 == -10.0 and ctl.draft()["u0"] == "-10"


def test_view_model_describes_the_run(ctl):
    vm = ctl.load_preset("C")
    assert vm.label == "tonic bursting" and vm.label_ok and not vm.edited
    assert vm.readout.n_spikes == 28 and vm.readout.numerics == "published"
    assert vm.share_query == "preset=C" and vm.numerics_level == "info"
    exact_n = load_sensitivity()["C"]["exact_n"]
    assert vm.numerics_note == f"The exact solution gives {exact_n} spikes; the paper's scheme 28."
    vm = ctl.submit({**ctl.draft(), "numerics": "euler", "dt": "0.01"})
    assert vm.edited and vm.numerics_level == "warn" and "preset C" in vm.numerics_note
    assert vm.numerics_note.startswith("The exact solution gives")


def test_a_cache_hit_is_not_reported_as_a_fresh_run_time(ctl):
    ctl.load_preset("C")
    ctl.load_preset("A")
    vm = ctl.load_preset("C")
    assert vm.readout.cached and vm.readout.elapsed_ms < 50


def test_a_diverging_run_is_shown_with_one_consistent_message(ctl):
    ctl.load_preset("T")
    vm = ctl.submit({**ctl.draft(), "numerics": "euler"})
    assert vm.result.diverged and vm.message_level == "warn"
    assert "Runaway" in vm.message
    assert "smaller dt" not in vm.message  # the note says a smaller dt runs away too
    vm = ctl.submit({**ctl.draft(), "numerics": "published"})
    assert vm.message == "" and vm.result.n_spikes == 12


def test_an_unexpected_failure_becomes_a_message():
    def boom(*args, **kwargs):
        raise RuntimeError("engine exploded")

    ctl = PanelController(simulate_fn=boom)
    vm = ctl.load_preset("A")
    assert vm.stale and "engine exploded" in vm.message
    assert ctl.last_exception and "RuntimeError" in ctl.last_exception


def test_load_query_applies_valid_fields_and_names_invalid_ones(ctl):
    vm = ctl.load_query("preset=P&a=nan&d=1.5")
    assert vm.state.preset == "P" and vm.state.d == 1.5 and vm.result.params.d == 1.5
    assert vm.message_level == "warn" and "a: 'nan' is not a number" in vm.message
    vm = ctl.load_query("preset=C&d=4")
    assert vm.message == "" and vm.share_query == "preset=C&d=4"


# ---------------------------------------------------------------------------------------
# the designer


def test_designer_offers_every_titled_shape_of_the_registry():
    kinds = designer_kinds()
    assert set(kinds) == {k for k, c in STIMULUS_KINDS.items() if c.title}
    assert "sum" not in kinds and "periodic_pulses" in kinds and "pulse_train" in kinds


@pytest.mark.parametrize("key", ["A", "B", "G", "H", "K", "L", "Q", "RS", "S", "T", "TC_burst"])
def test_designer_rebuilds_the_preset_protocol_exactly(key):
    preset = PRESETS[key]
    design = decompose(preset.stimulus)
    assert design is not None
    again = design_from_texts(design.kind, design_texts(design))
    t = time_grid(preset.duration_ms, preset.dt_ms)
    assert np.array_equal(again.stimulus().current(t), preset.stimulus.current(t))


def test_designer_declines_sums_it_cannot_express():
    for key in ("O", "P", "R", "RZ"):
        assert decompose(PRESETS[key].stimulus) is None


@pytest.mark.parametrize("key, kind, expected", [
    ("K", "periodic_pulses", {"amplitude": 0.65, "start_ms": 40.0, "width_ms": 4.0,
                              "period_ms": 20.0, "count": 4}),
    ("K", "step", {"amplitude": 0.65, "start_ms": 40.0}),
    ("S", "step", {"amplitude": -5.0, "start_ms": 50.0, "stop_ms": 250.0}),
    ("S", "pulse", {"amplitude": -5.0, "start_ms": 50.0, "width_ms": 200.0}),
    ("A", "periodic_pulses", {"amplitude": 14.0, "start_ms": 10.0}),
    ("A", "ou_noise", {"mean": 14.0, "start_ms": 10.0}),
    ("I", "pulse", {"amplitude": 7.04, "start_ms": 10.0, "width_ms": 3.0}),
])
def test_a_new_shape_starts_from_the_presets_own_values(key, kind, expected):
    design = seed_design(PRESETS[key].stimulus, kind, PRESETS[key].duration_ms)
    for name, value in expected.items():
        assert design.values[name] == value, name
    if key == "S":
        assert design.baseline == 80.0  # the baseline is kept
    design.stimulus()  # valid


def test_a_piecewise_shape_starts_from_the_protocol_itself():
    design = seed_design(PRESETS["S"].stimulus, "piecewise", 350.0)
    t = time_grid(350.0, 0.5)
    diff = design.stimulus().current(t) - PRESETS["S"].stimulus.current(t)
    assert np.count_nonzero(diff) <= 2  # a window edge may move by one sample


@pytest.mark.parametrize("kind, texts, words", [
    ("step", {"amplitude": "x", "start_ms": "0", "stop_ms": "", "closed": "neither"},
     "amplitude: 'x' is not a number"),
    ("step", {"amplitude": "1", "start_ms": "50", "stop_ms": "20", "closed": "neither"},
     "stop (ms) must be after start (ms)"),
    ("periodic_pulses", {"amplitude": "1", "start_ms": "0", "width_ms": "30",
                         "period_ms": "20", "count": "3"}, "width (ms)"),
    ("periodic_pulses", {"amplitude": "1", "start_ms": "0", "width_ms": "2",
                         "period_ms": "20", "count": "2.5"}, "count must be a whole number"),
    ("pulse_train", {"amplitude": "1", "onsets_ms": "40, x", "width_ms": "2"},
     "onsets (ms) (entry 2): 'x' is not a number"),
    ("piecewise", {"times_ms": "0, 50, 40", "values": "0, 1, 2", "interpolation": "hold"},
     "times (ms) must be strictly increasing"),
    ("piecewise", {"times_ms": "0, 50:__import__('os')", "values": "0, 1",
                   "interpolation": "hold"}, "is not a number"),
    ("ou_noise", {"mean": "1", "sigma": "-1", "tau_ms": "5", "seed": "0", "start_ms": "0",
                  "stop_ms": "", "resolution_ms": "0.1"}, "sigma must be between 0 and 1000"),
])
def test_designer_text_is_parsed_strictly_in_the_panels_words(kind, texts, words):
    with pytest.raises(ValueError) as err:
        design_from_texts(kind, {**texts, "baseline": "0"})
    assert words in str(err.value)
    assert "_ms" not in str(err.value)


def test_designer_baseline_adds_a_constant():
    design = design_from_texts("step", {"amplitude": "-5", "start_ms": "50", "stop_ms": "250",
                                        "closed": "both", "baseline": "80"})
    assert design.stimulus() == Constant(80.0) + Step(-5.0, 50.0, 250.0, closed="both")


# ---------------------------------------------------------------------------------------
# exports


def test_csv_reads_with_numpy_and_has_short_exact_numbers():
    state = replace(PanelState.from_preset("P"), d=0.5)
    result = simulate(state.params(), state.stimulus(), duration_ms=state.duration,
                      dt_ms=state.dt, v0_mV=state.v0, u0=state.initial_u)
    text = csv_text(result, state)
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert all("," not in line for line in comments)
    assert any("preset: P" in line for line in comments)
    assert any("d=0.5" in line for line in comments)
    assert any("numerics: published; dt_ms=0.25" in line for line in comments)
    data = np.genfromtxt(io.StringIO(text), delimiter=",", names=True)
    assert data.dtype.names == ("t_ms", "v_mV", "u", "I")
    assert len(data) == len(result.t_ms) == round(300 / 0.25) + 1
    for name, arr in zip(("v_mV", "u", "I"), (result.v_mV, result.u, result.I)):
        assert np.array_equal(data[name], arr)  # shortest round-trip repr: exact
    np.testing.assert_allclose(data["t_ms"], result.t_ms, rtol=1e-12)
    rows = list(csv.reader(line for line in text.splitlines() if not line.startswith("#")))
    assert rows[0] == ["t_ms", "v_mV", "u", "I"]


def test_csv_reads_with_pandas():
    import pandas  # a test dependency (pyproject: test extras)
    state = PanelState.from_preset("A")
    result = simulate(PRESETS["A"])
    frame = pandas.read_csv(io.StringIO(csv_text(result, state)), comment="#")
    assert list(frame.columns) == ["t_ms", "v_mV", "u", "I"]
    assert len(frame) == len(result.t_ms)
    np.testing.assert_allclose(frame["v_mV"].to_numpy(), result.v_mV, rtol=1e-14)  # C parser
    exact = pandas.read_csv(io.StringIO(csv_text(result, state)), comment="#",
                            float_precision="round_trip")
    assert np.array_equal(exact["u"].to_numpy(), result.u)


def test_grid_times_are_shown_as_the_grid_means_them():
    state = replace(PanelState.from_preset("A"), dt=0.1)
    result = simulate(state.params(), state.stimulus(), duration_ms=100, dt_ms=0.1,
                      v0_mV=state.v0)
    text = csv_text(result, state)
    spikes_line = next(line for line in text.splitlines() if line.startswith("# spikes_ms"))
    assert "00000000" not in spikes_line
    assert [float(x) for x in spikes_line.split(":")[1].split()] == pytest.approx(
        result.spike_times_ms.tolist(), abs=1e-9)
    assert grid_time_text(0.1 * 259) == "25.9"
    assert "00000000" not in "".join(text.splitlines()[9:200]).split(",")[0]


def test_script_of_the_state_names_its_preset():
    code = script_text(PanelState.from_preset("K"))
    assert "preset K (resonator)" in code and "import brian2" in code


def test_fields_have_labels_tips_and_ranges():
    for key, field in PANEL_FIELDS.items():
        assert field.label and field.tip, key
        if field.widget != "choice":
            assert field.lo is not None and field.hi is not None
    assert format_value(-15.860000000000001) == "-15.860000000000001"  # exact when asked
    assert format_value(10.0) == "10" and format_value(None) == ""
    assert encode_state(PanelState.from_preset("A")) == "preset=A"
    assert PeriodicPulses.title and Step.title
