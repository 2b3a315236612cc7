"""Reading the stimulus protocol back from the sampled current."""

from __future__ import annotations

import pytest

from izhi_widgets import PRESETS, Constant, OUNoise, PulseTrain, Ramp, Sine, Step
from izhi_widgets.analysis import describe_stimulus
from izhi_widgets.result import time_grid



def _protocol(stimulus, duration_ms: float, dt_ms: float = 0.25):
    t = time_grid(duration_ms, dt_ms)
    return describe_stimulus(t, stimulus.current(t))


def test_describe_step():
    proto = _protocol(Step(14, 10), 100)
    assert [(p.kind, p.start_ms, p.stop_ms, p.level) for p in proto.pieces] == [
        ("flat", 0.0, 10.0, 0.0), ("flat", 10.0, 100.0, 14.0)]
    assert proto.onset_ms == 10.0 and proto.excursions == ()


def test_describe_ramps():
    proto = _protocol(Constant(-0.5) + Ramp(0.015, 30), 300)
    assert [p.kind for p in proto.pieces] == ["flat", "ramp"]
    ramp = proto.pieces[1]
    assert ramp.start_ms == 30.0 and ramp.slope_per_ms == pytest.approx(0.015)
    assert proto.onset_ms == 30.0
    proto = _protocol(PRESETS["R"].stimulus, 400, 0.5)
    slopes = sorted(round(p.slope_per_ms, 6) for p in proto.ramps)
    assert slopes == [0.04, 0.32]


def test_describe_pulses_and_windows():
    proto = _protocol(PRESETS["O"].stimulus, 100)
    assert [(e.start_ms, e.amplitude, e.base) for e in proto.excursions] == [
        (10.0, 1.0, 0.0), (70.0, -6.0, 0.0), (80.0, 1.0, 0.0)]
    # A pulse train: the gaps between pulses are not excursions.
    proto = _protocol(PulseTrain(0.65, (40, 60, 280, 320), 4), 400)
    assert [e.start_ms for e in proto.excursions] == [40.0, 60.0, 280.0, 320.0]
    assert all(e.width_ms == 3.75 for e in proto.excursions)  # 15 samples inside (40, 44)
    proto = _protocol(PRESETS["S"].stimulus, 350, 0.5)
    assert [(e.level, e.base) for e in proto.excursions] == [(75.0, 80.0)]


def test_describe_constant_and_noise():
    proto = _protocol(Constant(3.0), 50)
    assert len(proto.pieces) == 1 and proto.onset_ms is None
    proto = _protocol(OUNoise(5, 2, 5, seed=3), 100)
    assert [p.kind for p in proto.pieces] == ["varying"]
    # Noise held on its 0.1 ms grid, sampled finer: a staircase, still one varying piece.
    proto = _protocol(OUNoise(5, 2, 5, seed=3, start_ms=20), 100, dt_ms=0.04)
    assert [p.kind for p in proto.pieces] == ["flat", "varying"]
    assert proto.pieces[1].start_ms == pytest.approx(20.0)
    proto = _protocol(Sine(5, 10, offset=8), 100)
    assert [p.kind for p in proto.pieces] == ["varying"]
    with pytest.raises(ValueError):
        describe_stimulus([], [])
