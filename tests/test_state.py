"""The share-link state: round trips, and strict rejection of anything else."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from izhi_widgets import PRESETS
from izhi_widgets.result import time_grid
from izhi_widgets.state import (FIELD_DEFAULTS, SHAPE_FIELDS, SHAPES, PanelState,
                                build_stimulus, decode_state, designer_from_stimulus,
                                encode_state, parse_number, parse_points)

DESIGNS = {
    "step": {"shape": "step", "amplitude": 12.5, "start": 20.0, "stop": 80.0},
    "pulses": {"shape": "pulses", "amplitude": 9.0, "start": 5.0, "width": 2.0, "period": 7.5,
               "count": 4},
    "ramp": {"shape": "ramp", "slope": 0.075, "start": 30.0, "stop": None, "offset": -0.5},
    "sine": {"shape": "sine", "amplitude": 3.0, "frequency": 12.0, "offset": 5.0, "start": 0.0,
             "stop": 150.0},
    "noise": {"shape": "noise", "mean": 6.0, "sigma": 2.5, "tau": 4.0, "seed": 123456789,
              "start": 10.0, "stop": None},
    "piecewise": {"shape": "piecewise", "points": "0:0, 50:10, 100:-2.5"},
}


# ---------------------------------------------------------------------------------------
# round trips


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_round_trips_with_a_short_query(key):
    state = PanelState.from_preset(key)
    query = encode_state(state)
    assert query == f"preset={key}"
    assert decode_state(query) == state
    assert decode_state("?" + query) == state


@pytest.mark.parametrize("shape", sorted(DESIGNS))
def test_edited_state_round_trips_exactly(shape):
    state = replace(PanelState.from_preset("C"), a=0.1 + 0.2, b=-0.125, c=-47.5, d=1e-3,
                    k1=4.1, k0=108.0, recovery="accommodation", v0=-61.25, u0=-12.0,
                    duration=321.0, dt=0.05, numerics="rk4", stim=DESIGNS[shape])
    query = encode_state(state)
    back = decode_state(query)
    assert back == state
    assert back.a == 0.30000000000000004  # written with repr(float): nothing rounded
    assert encode_state(back) == query


def test_decode_fills_unlisted_fields_from_the_preset():
    state = decode_state("preset=P&a=0.1")
    assert state.preset == "P" and state.a == 0.1
    assert state.b == PRESETS["P"].params.b and state.dt == PRESETS["P"].dt_ms
    assert state.u0 == PRESETS["P"].initial_u and state.stim is None
    assert decode_state("") == PanelState.from_preset("A")
    assert decode_state("a=0.05").preset == "A"


def test_query_keeps_only_what_differs_from_the_preset():
    state = replace(PanelState.from_preset("R"), d=2.0)
    assert encode_state(state) == "preset=R&d=2"


def test_stimulus_json_missing_fields_take_defaults():
    state = decode_state('preset=A&stim={"shape":"step","amplitude":5}')
    assert state.stim == {"shape": "step", "amplitude": 5.0, "start": FIELD_DEFAULTS["start"],
                          "stop": None}


# ---------------------------------------------------------------------------------------
# strict rejection


@pytest.mark.parametrize("query, field", [
    ("preset=A&foo=1", "foo"),
    ("preset=A&__class__=1", "__class__"),
    ("preset=ZZ", "preset"),
    ("preset=__import__('os')", "preset"),
    ("preset=A&preset=B", "preset"),
    ("preset=A&a=0.1&a=0.2", "a"),
    ("preset=A&a=nan", "a"),
    ("preset=A&a=NaN", "a"),
    ("preset=A&b=inf", "b"),
    ("preset=A&b=-Infinity", "b"),
    ("preset=A&c=1e999", "c"),
    ("preset=A&a=1e6", "a"),
    ("preset=A&d=-1e300", "d"),
    ("preset=A&c=30", "c"),
    ("preset=A&dt=0", "dt"),
    ("preset=A&dt=1e-9", "dt"),
    ("preset=A&duration=1e7", "duration"),
    ("preset=A&duration=-5", "duration"),
    ("preset=A&v0=1e5", "v0"),
    ("preset=A&u0=1e5", "u0"),
    ("preset=A&a=", "a"),
    ("preset=A&a=0x10", "a"),
    ("preset=A&a=1_0", "a"),
    ("preset=A&a=1%2B1", "a"),
    ("preset=A&a=__import__('os').system('true')", "a"),
    ("preset=A&a=(0.1)", "a"),
    ("preset=A&numerics=eval", "numerics"),
    ("preset=A&recovery=exec", "recovery"),
])
def test_rejects_bad_values_naming_the_field(query, field):
    with pytest.raises(ValueError) as err:
        decode_state(query)
    assert field in str(err.value)


@pytest.mark.parametrize("stim", [
    "{",
    "not json",
    "[1, 2]",
    '"step"',
    '{"shape": "step", "amplitude": NaN}',
    '{"shape": "step", "amplitude": Infinity}',
    '{"shape": "step", "amplitude": 1e999}',
    '{"shape": "step", "amplitude": 1e9}',
    '{"shape": "step", "amplitude": "__import__(\'os\')"}',
    '{"shape": "step", "amplitude": true}',
    '{"shape": "step", "amplitude": [1]}',
    '{"shape": "step", "amplitude": 1, "amplitude": 2}',
    '{"shape": "step", "evil": 1}',
    '{"shape": "step", "width": 1}',
    '{"shape": "exec"}',
    '{"shape": "preset"}',
    '{"amplitude": 1}',
    '{"shape": "pulses", "count": 2.5}',
    '{"shape": "pulses", "count": 100000}',
    '{"shape": "noise", "seed": -1}',
    '{"shape": "noise", "sigma": -1}',
    '{"shape": "piecewise", "points": "0:0, 50:__import__(\'os\')"}',
    '{"shape": "piecewise", "points": "0:0, 50:10, 40:1"}',
    '{"shape": "piecewise", "points": 5}',
    '{"shape": "step", "amplitude": {"a": 1}}',
    "[" * 600 + "]" * 600,
])
def test_rejects_bad_stimulus_json(stim):
    from urllib.parse import urlencode

    with pytest.raises(ValueError) as err:
        decode_state(urlencode({"preset": "A", "stim": stim}))
    assert "stim" in str(err.value)


def test_rejects_oversized_and_malformed_query_strings():
    with pytest.raises(ValueError, match="query string"):
        decode_state("preset=A&a=0.1" + "&b=0.2" * 1000)
    with pytest.raises(ValueError):
        decode_state("preset")
    with pytest.raises(ValueError):
        decode_state(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e400", "0x1p3", "1_000", "1+1",
                                  "", " ", "--1", "1e", ".", "abs(1)", "1;2", "١٢"])
def test_parse_number_accepts_only_plain_decimals(text):
    with pytest.raises(ValueError):
        parse_number("x", text)


@pytest.mark.parametrize("text, value", [("1", 1.0), ("-0.25", -0.25), ("\u22122.5", -2.5),
                                         ("+3.", 3.0), (".5", 0.5), ("1e-3", 1e-3),
                                         (" 42 ", 42.0)])
def test_parse_number_reads_plain_decimals(text, value):
    assert parse_number("x", text) == value


# ---------------------------------------------------------------------------------------
# the stimulus designer


def test_parse_points_is_strict():
    assert parse_points("0:0, 50:10, 100:0") == ((0.0, 50.0, 100.0), (0.0, 10.0, 0.0))
    assert parse_points("0 : 1 ; 2.5:-3e1") == ((0.0, 2.5), (1.0, -30.0))
    for bad in ("", "0", "0:0:0", "a:1", "0:1, 0:2", "0:1, x", "0:1e999",
                "0:__import__('os')", "0:1, 1:(2)", "0:1, 1:2*3"):
        with pytest.raises(ValueError, match="points"):
            parse_points(bad)


@pytest.mark.parametrize("shape", [s for s in SHAPES if s != "preset"])
def test_build_stimulus_for_every_shape(shape):
    design = dict(DESIGNS[shape])
    stim = build_stimulus(design.pop("shape"), design, 200.0)
    current = stim.current(time_grid(200.0, 0.25))
    assert np.all(np.isfinite(current)) and current.shape == (801,)
    assert set(SHAPE_FIELDS[shape]) == set(DESIGNS[shape]) - {"shape"}


def test_build_stimulus_rejects_impossible_windows():
    with pytest.raises(ValueError, match="stop"):
        build_stimulus("step", {"amplitude": 1.0, "start": 50.0, "stop": 20.0}, 100.0)
    with pytest.raises(ValueError, match="stop"):
        build_stimulus("ramp", {"slope": 1.0, "start": 50.0, "stop": 50.0, "offset": 0.0}, 100.0)
    with pytest.raises(ValueError, match="width"):
        build_stimulus("pulses", {"amplitude": 1.0, "start": 0.0, "width": 10.0, "period": 5.0,
                                  "count": 3}, 100.0)
    # a stop at or after the end means "until the end"
    stim = build_stimulus("step", {"amplitude": 1.0, "start": 10.0, "stop": 500.0}, 100.0)
    assert stim.stop_ms is None


@pytest.mark.parametrize("key", ["A", "B", "G", "H", "Q", "RS"])
def test_designer_prefill_rebuilds_the_preset_protocol_exactly(key):
    preset = PRESETS[key]
    designed = designer_from_stimulus(preset.stimulus)
    assert designed is not None
    shape, values = designed
    stim = build_stimulus(shape, values, preset.duration_ms)
    t = time_grid(preset.duration_ms, preset.dt_ms)
    assert np.array_equal(stim.current(t), preset.stimulus.current(t))


def test_designer_prefill_declines_protocols_it_cannot_express():
    for key in ("K", "L", "O", "P", "S"):
        assert designer_from_stimulus(PRESETS[key].stimulus) is None


def test_state_builds_params_and_stimulus():
    state = decode_state('preset=G&a=0.03&stim={"shape":"step","amplitude":3,"start":5}')
    params = state.params()
    assert params.a == 0.03 and params.k1 == 4.1 and params.k0 == 108.0
    assert state.stimulus().current(np.array([5.0, 5.25])).tolist() == [0.0, 3.0]
    assert PanelState.from_preset("P").stimulus() is PRESETS["P"].stimulus
