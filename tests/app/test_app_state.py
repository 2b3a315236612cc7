"""The share-link state: round trips, old links, and strict rejection of anything else."""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import urlencode

import numpy as np
import pytest

from izhi_widgets import PRESETS
from izhi_widgets.app.fields import parse_number
from izhi_widgets.app.legacy import LEGACY_FIELDS, legacy_stimulus, parse_points
from izhi_widgets.app.state import PanelState, decode_state, encode_state, read_query
from izhi_widgets.result import time_grid
from izhi_widgets.stimulus import (STIMULUS_KINDS, Constant, OUNoise, PeriodicPulses,
                                   Piecewise, PulseTrain, Ramp, Sine, Step)

#: Links written by the first version of the explorer (the designer's own vocabulary).
OLD_DESIGNS = {
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
#: What those links mean in the registry's vocabulary.
OLD_MEANS = {
    "step": Step(12.5, 20.0, 80.0),
    "pulses": PeriodicPulses(9.0, 5.0, 2.0, 7.5, 4),
    "ramp": Constant(-0.5) + Ramp(0.075, 30.0),
    "sine": Sine(3.0, 12.0, 5.0, 0.0, 0.0, 150.0),
    "noise": OUNoise(6.0, 2.5, 4.0, 123456789, 10.0),
    "piecewise": Piecewise((0.0, 50.0, 100.0), (0.0, 10.0, -2.5)),
}
STIMULI = [Step(12.5, 20, 80), PeriodicPulses(9, 5, 2, 7.5, 4), PulseTrain(0.65, (40, 60), 4),
           Constant(-0.5) + Ramp(0.075, 30), Sine(3, 12, 5, 0.1, 0, 150),
           OUNoise(6, 2.5, 4, 123456789, 10), Piecewise((0, 50, 100), (0, 10, -2.5), "linear"),
           Constant(80) + Step(-5, 50, 250, closed="both")]


# ---------------------------------------------------------------------------------------
# round trips


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_round_trips_with_a_short_query(key):
    state = PanelState.from_preset(key)
    query = encode_state(state)
    assert query == f"preset={key}"
    assert decode_state(query) == state
    assert decode_state("?" + query) == state


@pytest.mark.parametrize("stim", STIMULI, ids=lambda s: s.kind)
def test_edited_state_round_trips_exactly(stim):
    state = replace(PanelState.from_preset("C"), a=0.1 + 0.2, b=-0.125, c=-47.5, d=1e-3,
                    k1=4.1, k0=108.0, recovery="accommodation", v0=-61.25, u0=-12.0,
                    duration=321.0, dt=0.05, numerics="rk4", stim=stim)
    query = encode_state(state)
    back = decode_state(query)
    assert back == state
    assert back.a == 0.30000000000000004  # written with repr(float): nothing rounded
    assert encode_state(back) == query


@pytest.mark.parametrize("stim", STIMULI, ids=lambda s: s.kind)
def test_the_link_carries_the_registry_vocabulary(stim):
    """The share link's stim is exactly Stimulus.to_dict (one vocabulary everywhere)."""
    query = encode_state(replace(PanelState.from_preset("A"), stim=stim))
    pairs = dict(p.split("=", 1) for p in query.split("&"))
    from urllib.parse import unquote

    assert json.loads(unquote(pairs["stim"])) == stim.to_dict()


def test_decode_fills_unlisted_fields_from_the_preset():
    state = decode_state("preset=P&a=0.1")
    assert state.preset == "P" and state.a == 0.1
    assert state.b == PRESETS["P"].params.b and state.dt == PRESETS["P"].dt_ms
    assert state.u0 is None and state.initial_u == PRESETS["P"].initial_u
    assert state.stim is None
    assert decode_state("") == PanelState.from_preset("A")
    assert decode_state("a=0.05").preset == "A"


def test_query_keeps_only_what_differs_from_the_preset():
    state = replace(PanelState.from_preset("R"), d=2.0)
    assert encode_state(state) == "preset=R&d=2"
    assert decode_state("preset=R").u0 == -16.0  # R's own u0 is part of the preset


def test_u0_at_rest_follows_b_and_an_explicit_u0_stays():
    rest = decode_state("preset=P&b=0.25")
    assert rest.u0 is None and rest.initial_u == 0.25 * -61.0
    chosen = decode_state("preset=P&b=0.25&u0=-10")
    assert chosen.initial_u == -10.0
    assert decode_state(encode_state(chosen)) == chosen
    # R starts from its own u0; a link can put it back at rest
    assert decode_state(encode_state(replace(PanelState.from_preset("R"), u0=None))).u0 is None


@pytest.mark.parametrize("shape", sorted(OLD_DESIGNS))
def test_old_links_still_decode(shape):
    query = urlencode({"preset": "C", "stim": json.dumps(OLD_DESIGNS[shape])})
    state = decode_state(query)
    assert state.stim == OLD_MEANS[shape]
    t = time_grid(200.0, 0.25)
    assert np.all(np.isfinite(state.stimulus().current(t)))
    assert set(LEGACY_FIELDS[shape]) == set(OLD_DESIGNS[shape]) - {"shape"}


def test_old_link_missing_fields_take_the_old_defaults():
    state = decode_state('preset=A&stim={"shape":"step","amplitude":5}')
    assert state.stim == Step(5.0, 10.0, None)


def test_old_pulses_link_gives_the_same_current_as_before():
    old = PulseTrain.regular(9.0, 5.0, 2.0, 7.5, 4)  # what that link built before
    new = legacy_stimulus(OLD_DESIGNS["pulses"])
    t = np.arange(0, 60, 0.05)
    np.testing.assert_array_equal(new.current(t), old.current(t))


# ---------------------------------------------------------------------------------------
# strict rejection (decode_state) and lenient reading (read_query)


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
    ("preset=A&dt=0.005&duration=5000", "dt"),
])
def test_rejects_bad_values_naming_the_field(query, field):
    with pytest.raises(ValueError) as err:
        decode_state(query)
    assert field in str(err.value)


def test_an_invalid_link_keeps_every_valid_field_and_names_the_invalid_ones():
    state, problems = read_query("preset=P&a=nan&d=1.5&c=-400&dt=0.1&evil=1")
    assert state.preset == "P" and state.d == 1.5 and state.dt == 0.1
    assert state.a == PRESETS["P"].params.a and state.c == PRESETS["P"].params.c
    assert len(problems) == 3
    assert any(p.startswith("a") and "nan" in p for p in problems)
    assert any(p.startswith("c") and "-120" in p for p in problems)
    assert any("evil" in p for p in problems)
    state, problems = read_query("preset=ZZ&a=0.05")
    assert state.preset == "A" and state.a == 0.05 and problems == ["preset: unknown preset 'ZZ'"]


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
    '{"kind": "step", "amplitude": NaN}',
    '{"kind": "step", "amplitude": 1, "start_ms": 50, "stop_ms": 10}',
    '{"kind": "periodic_pulses", "count": 0}',
    '{"kind": "sum", "terms": [{"kind": "sum", "terms": [{"kind": "sum", "terms": [{"kind": '
    '"sum", "terms": [{"kind": "sum", "terms": [{"kind": "sum", "terms": [{"kind": "constant"}]'
    '}]}]}]}]}]}',
    '{"kind": "__class__"}',
    '{"kind": "step", "closed": "__import__"}',
    "[" * 600 + "]" * 600,
])
def test_rejects_bad_stimulus_json(stim):
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


def test_parse_points_of_old_links_is_strict():
    assert parse_points("0:0, 50:10, 100:0") == ((0.0, 50.0, 100.0), (0.0, 10.0, 0.0))
    assert parse_points("0 : 1 ; 2.5:-3e1") == ((0.0, 2.5), (1.0, -30.0))
    for bad in ("", "0", "0:0:0", "a:1", "0:1, 0:2", "0:1, x", "0:1e999",
                "0:__import__('os')", "0:1, 1:(2)", "0:1, 1:2*3"):
        with pytest.raises(ValueError, match="points"):
            parse_points(bad)


def test_state_builds_params_and_stimulus():
    state = decode_state('preset=G&a=0.03&stim={"kind":"step","amplitude":3,"start_ms":5}')
    params = state.params()
    assert params.a == 0.03 and params.k1 == 4.1 and params.k0 == 108.0
    assert state.stimulus().current(np.array([5.0, 5.25])).tolist() == [0.0, 3.0]
    assert PanelState.from_preset("P").stimulus() is PRESETS["P"].stimulus


def test_every_registered_kind_can_travel_in_a_link():
    for kind, cls in STIMULUS_KINDS.items():
        if kind == "sum":
            continue
        state = replace(PanelState.from_preset("A"), stim=cls())
        assert decode_state(encode_state(state)) == state
