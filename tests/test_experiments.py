"""The studies that run simulations: F–I curves (one structure: 32 currents x 1000 ms,
spikes only), the presets under one setting."""

from __future__ import annotations

import numpy as np
import pytest

import izhi_widgets.model as model
from analysis_helpers import RS, preset_params, train
from izhi_widgets import PRESETS
from izhi_widgets.experiments import fi_curve, fi_examples, preset_results, run_setting
from izhi_widgets.sensitivity import Setting


def test_fi_curve_runs_one_batch(monkeypatch):
    calls = []
    real = model.simulate_batch

    def counting(runs, *args, **kwargs):
        calls.append((len(runs), kwargs.get("record")))
        return real(runs, *args, **kwargs)

    monkeypatch.setattr(model, "simulate_batch", counting)
    fi_curve(RS, np.linspace(0, 15.5, 32))
    assert calls == [(32, False)]


def test_fi_curve_rate_definitions(monkeypatch):
    # Known spike trains in place of the simulation: steady rate over the second half of the
    # step, first rate from the first interval after the onset.
    trains = {1.0: [], 2.0: [50.0, 105.0, 120.0, 600.0, 700.0, 800.0, 900.0], 3.0: [400.0]}

    def fake(runs, numerics="published", *, record=True, progress=None):
        assert not record and numerics == "rk4"
        return [train(trains[run.stimulus.amplitude], run.duration_ms, run.stimulus)
                for run in runs]

    monkeypatch.setattr(model, "simulate_batch", fake)
    curve = fi_curve(RS, [1.0, 2.0, 3.0], onset_ms=100.0, numerics="rk4")
    np.testing.assert_allclose(curve.rates_hz, [0.0, 1000 * 4 / 450, 0.0])
    np.testing.assert_allclose(curve.first_rates_hz, [0.0, 1000 / 15, 0.0])
    assert curve.n_spikes.tolist() == [0, 6, 1] and curve.rheobase == 2.0


def test_fi_curve_regular_spiking():
    currents = np.linspace(0, 15.5, 32)  # steps of 0.5
    curve = fi_curve(RS, currents)
    assert curve.currents.tolist() == currents.tolist()
    below = currents < 3.9  # RS rheobase is 4 (saddle-node at v = -60)
    assert np.all(curve.rates_hz[below] == 0) and np.all(curve.rates_hz[~below] > 0)
    assert curve.rheobase == 4.0
    # Rates grow with the current (up to the 2 Hz counting resolution of a 500 ms window).
    assert np.all(np.diff(curve.rates_hz) >= -2.0) and curve.rates_hz[-1] > 3 * curve.rates_hz[8]
    # RS adapts: the first interval is faster than the steady state.
    assert np.all(curve.first_rates_hz[~below] >= curve.rates_hz[~below])
    assert not curve.diverged.any()


def test_fi_curve_class_1_starts_slow_class_2_jumps():
    class1 = fi_curve(preset_params("G"), np.linspace(2.2, 3.0, 32))
    class2 = fi_curve(preset_params("H"), np.linspace(0.2, 0.5, 32))
    assert class1.rates_hz[0] == 0 and class2.rates_hz[0] == 0
    assert 0 < class1.rates_hz[class1.rates_hz > 0].min() <= 4.0
    assert class2.rates_hz[class2.rates_hz > 0].min() >= 20.0


def test_fi_curve_validates():
    with pytest.raises(ValueError, match="empty"):
        fi_curve(RS, [])
    with pytest.raises(ValueError, match="finite"):
        fi_curve(RS, [1.0, float("nan")])
    with pytest.raises(ValueError, match="onset_ms"):
        fi_curve(RS, [1.0], duration_ms=100, onset_ms=100)


def test_preset_results_come_from_one_run_of_all_presets(monkeypatch):
    calls = []
    real = model.simulate_batch

    def counting(runs, *args, **kwargs):
        calls.append((len(runs), args, kwargs))
        return real(runs, *args, **kwargs)

    monkeypatch.setattr(model, "simulate_batch", counting)
    found = preset_results(["P", "A"], "euler", 0.1)
    assert list(found) == ["P", "A"] and calls == [(28, (), {"numerics": "euler", "record": True})]
    every = run_setting(Setting("euler", 0.1))
    assert list(every) == list(PRESETS)
    assert every["P"].cached and np.array_equal(every["P"].v_mV, found["P"].v_mV)  # the cache
    assert found["A"].dt_ms == 0.1 and found["A"].numerics == "euler"


def test_fi_examples_span_the_rheobases():
    curves = fi_examples()
    assert list(curves) == ["G", "H"]
    assert curves["H"].currents[0] == -0.5 and curves["H"].currents[-1] == 6.0
    assert all(curve.rates_hz[0] == 0 and curve.rheobase is not None for curve in curves.values())
