"""Stimuli: exact protocol semantics, validation, round trips."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from izhi_widgets.stimulus import (STIMULUS_KINDS, Constant, OUNoise, PeriodicPulses,
                                   Piecewise, Pulse, PulseTrain, Ramp, Sine, Step, Stimulus,
                                   Sum, stimulus_from_dict)


def test_step_is_strict_at_its_start_as_in_the_published_protocols():
    stim = Step(14, start_ms=10)
    assert stim.current([9.75, 10.0, 10.25, 1e4]).tolist() == [0, 0, 14, 14]


def test_step_window_ends_are_open_unless_closed():
    t = [20.0, 22.0, 25.0]
    assert Step(-15, 20, 25).current(t).tolist() == [0, -15, 0]
    assert Step(-15, 20, 25, closed="both").current(t).tolist() == [-15, -15, -15]
    assert Step(-15, 20, 25, closed="left").current(t).tolist() == [-15, -15, 0]
    assert Step(-15, 20, 25, closed="right").current(t).tolist() == [0, -15, -15]


def test_pulse_and_train_are_open_intervals():
    assert Pulse(7.04, 10, 3).current([10, 10.2, 12.8, 13]).tolist() == [0, 7.04, 7.04, 0]
    train = PulseTrain(0.65, (40, 60), 4)
    assert train.current([40, 41, 44, 59, 61, 64]).tolist() == [0, 0.65, 0, 0, 0.65, 0]
    regular = PulseTrain.regular(1.0, start_ms=0, width_ms=1, period_ms=10, count=3)
    assert regular.onsets_ms == (0.0, 10.0, 20.0)


def test_ramp_rises_from_its_start_and_stops():
    ramp = Ramp(0.075, start_ms=30)
    assert ramp.current([30, 40]).tolist() == [0, pytest.approx(0.75)]
    r = Ramp(1 / 25, 0, 200)
    assert r.current([100, 199.5, 200]).tolist() == [4.0, 199.5 / 25, 0.0]


def test_sine_has_its_frequency_and_offset():
    stim = Sine(amplitude=2, frequency_hz=10, offset=1)
    t = np.array([0.0, 25.0, 50.0, 75.0])  # quarter periods of 100 ms
    np.testing.assert_allclose(stim.current(t), [1, 3, 1, -1], atol=1e-12)


def test_ou_noise_is_seeded_grid_independent_and_has_its_statistics():
    noise = OUNoise(mean=5, sigma=2, tau_ms=5, seed=3)
    fine = noise.current(np.arange(0, 2000, 0.1))
    coarse = noise.current(np.arange(0, 2000, 0.5))
    np.testing.assert_array_equal(fine[::5], coarse)  # same path, whatever the grid
    assert noise.current([0.0]).tolist() == [0.0]  # open window: zero at its start
    long = OUNoise(mean=5, sigma=2, tau_ms=5, seed=4).current(np.arange(0.1, 200_000, 0.1))
    assert abs(long.mean() - 5) < 0.1 and abs(long.std() - 2) < 0.1
    other = OUNoise(mean=5, sigma=2, tau_ms=5, seed=4).current(np.arange(0.1, 100, 0.1))
    assert not np.array_equal(other, fine[1:1000])


def test_piecewise_hold_and_linear():
    hold = Piecewise((0, 50, 100), (0, 10, 0))
    assert hold.current([-1, 0, 49, 50, 120]).tolist() == [0, 0, 0, 10, 0]
    lin = Piecewise((0, 10), (0, 10), interpolation="linear")
    assert lin.current([5, 20]).tolist() == [5, 10]


def test_sums_add_and_flatten():
    stim = Constant(0.24) + Step(1, 37.5, 42.5) + Step(1, 216, 221)
    assert isinstance(stim, Sum) and len(stim.terms) == 3
    assert stim.current([37.5, 40, 218, 250]).tolist() == [0.24, 1.24, 1.24, 0.24]


ALL_EXAMPLES = [
    Constant(-0.5), Step(14, 10), Step(-25, 0, 45, closed="both"), Pulse(7.04, 10, 3),
    PulseTrain(9, (100 / 11, 100 / 11 + 5), 2), Ramp(0.015, 30), Sine(1, 8, 0.5, 0.1, 5, 90),
    OUNoise(1, 0.5, 3, 7), Piecewise((0, 5), (1, 2), "linear"),
    Constant(80) + Step(-5, 50, 250, closed="both"), PeriodicPulses(15, 5, 3, 20, 4),
]


@pytest.mark.parametrize("stim", ALL_EXAMPLES, ids=lambda s: s.kind)
def test_round_trip_through_plain_json(stim):
    data = json.loads(json.dumps(stim.to_dict()))
    back = stimulus_from_dict(data)
    assert back == stim
    t = np.linspace(0, 300, 1201)
    np.testing.assert_array_equal(back.current(t), stim.current(t))


def test_classmethod_from_dict_checks_the_kind():
    assert Step.from_dict(Step(14, 10).to_dict()) == Step(14, 10)
    assert isinstance(Sum.from_dict((Constant(1) + Step(2)).to_dict()), Sum)
    with pytest.raises(ValueError, match="Ramp"):
        Ramp.from_dict(Step(1).to_dict())


def test_every_kind_is_covered_by_the_examples():
    assert {s.kind for s in ALL_EXAMPLES} == set(STIMULUS_KINDS)


@pytest.mark.parametrize("make, field", [
    (lambda: Step(float("nan"), 1), "amplitude"),
    (lambda: Step(1, 10, 5), "stop_ms"),
    (lambda: Step(1, math.inf), "start_ms"),
    (lambda: Step(1e9), "amplitude"),
    (lambda: Step(1, closed="sideways"), "closed"),
    (lambda: Pulse(1, 0, 0), "width_ms"),
    (lambda: PulseTrain(1, (), 1), "onsets_ms"),
    (lambda: PulseTrain.regular(1, 0, 1, 10, 0), "count"),
    (lambda: Ramp("1"), "slope_per_ms"),
    (lambda: Sine(1, -5), "frequency_hz"),
    (lambda: OUNoise(sigma=-1), "sigma"),
    (lambda: OUNoise(tau_ms=0), "tau_ms"),
    (lambda: OUNoise(seed=-1), "seed"),
    (lambda: Piecewise((0, 0), (1, 2)), "strictly increasing"),
    (lambda: Piecewise((0, 1), (1,)), "values"),
    (lambda: Sum(()), "terms"),
    (lambda: PeriodicPulses(1, 0, 30, 20, 3), "width_ms"),
    (lambda: PeriodicPulses(1, 0, 2, 20, 2.5), "count"),
    (lambda: OUNoise(seed=1.5), "seed"),
    (lambda: Piecewise((0, float("nan")), (1, 2)), "times_ms"),
])
def test_bad_fields_raise_value_errors_naming_them(make, field):
    with pytest.raises(ValueError, match=field):
        make()


@pytest.mark.parametrize("data, match", [
    ({"kind": "__import__('os')"}, "kind"),
    ({"kind": "step", "amplitude": 1, "evil": 2}, "evil"),
    ({"kind": "sum", "terms": "x"}, "terms"),
    ({"kind": "step", "amplitude": "1+1"}, "amplitude"),
    ("step", "dict"),
])
def test_from_dict_rejects_unknown_input(data, match):
    with pytest.raises(ValueError, match=match):
        stimulus_from_dict(data)


@given(amplitude=st.floats(allow_nan=True, allow_infinity=True),
       start=st.floats(allow_nan=True, allow_infinity=True),
       width=st.floats(allow_nan=True, allow_infinity=True))
def test_pulses_either_validate_or_raise_value_error(amplitude, start, width):
    try:
        stim = Pulse(amplitude, start, width)
    except ValueError:
        return
    values = stim.current(np.linspace(-10, 10, 21))
    assert np.all(np.isfinite(values))
    assert stimulus_from_dict(stim.to_dict()) == stim


def test_periodic_pulses_equal_the_regular_train():
    t = np.arange(-5, 200, 0.05)
    regular = PulseTrain.regular(1.5, start_ms=3, width_ms=2, period_ms=7.1, count=9)
    np.testing.assert_array_equal(PeriodicPulses(1.5, 3, 2, 7.1, 9).current(t),
                                  regular.current(t))
    assert PeriodicPulses(1, 0, 1, 10, 3).onsets() == [0.0, 10.0, 20.0]


@pytest.mark.parametrize("kind", sorted(STIMULUS_KINDS))
def test_every_shape_declares_its_fields_once(kind):
    """The registry drives validation, to_dict and the designer: every dataclass field is
    declared (label, kind) and the defaults make a valid stimulus (except Sum: no terms)."""
    cls = STIMULUS_KINDS[kind]
    specs = cls.fields()
    assert specs and all(spec.label and spec.kind for spec in specs)
    assert [spec.name for spec in specs] == [name for name in cls.defaults()]
    if kind != "sum":
        stim = cls()
        assert list(stim.to_dict()) == ["kind", *[spec.name for spec in specs]]
        assert cls.function is not None and stim.current(np.arange(0, 50, 0.5)).shape == (100,)
        for spec in specs:
            if spec.kind in ("float", "int") and spec.hi is not None:
                with pytest.raises(ValueError, match=f"{cls.__name__}.{spec.name}"):
                    cls(**{spec.name: spec.hi * 2 + 1})


def test_a_new_shape_registers_itself():
    from izhi_widgets.stimulus.base import quantity

    def square_current(t, level):
        return np.full(t.shape, level * level)

    @dataclass(frozen=True)
    class Square(Stimulus):
        level: float = quantity(2.0, "level", lo=-10, hi=10)
        kind: ClassVar[str] = "test_square"
        function = staticmethod(square_current)

    try:
        stim = stimulus_from_dict({"kind": "test_square", "level": 3})
        assert stim.current([0.0, 1.0]).tolist() == [9.0, 9.0]
        with pytest.raises(ValueError, match="Square.level must be between -10 and 10"):
            Square(11)
    finally:
        del STIMULUS_KINDS["test_square"]


def test_nested_sums_are_bounded():
    data = {"kind": "constant", "amplitude": 1.0}
    for _ in range(6):
        data = {"kind": "sum", "terms": [data]}
    with pytest.raises(ValueError, match="nested"):
        stimulus_from_dict(data)
