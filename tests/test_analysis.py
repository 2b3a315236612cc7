"""Analysis: spike statistics, bursts, stimulus structure, the pattern classifier, F–I curves
and the phase-plane geometry.

The classifier must give every preset its own label on the published run, and the same rules
must hold up on runs that are not presets (other parameters, amplitudes, timings, steps); the
simulations for those run as one batch so the file stays fast.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import izhi_widgets.model as model
from izhi_widgets import (PRESETS, Constant, IzhikevichParams, OUNoise, Piecewise, PulseTrain,
                          Ramp, RunSpec, Sine, Step, simulate, simulate_batch)
from izhi_widgets.analysis import (LABELS, Burst, Classification, burst_isi_threshold, classify,
                                   describe_stimulus, detect_bursts, fi_curve, fixed_points,
                                   label_matches, nullclines, spike_stats)
from izhi_widgets.result import SimulationResult, time_grid

RS = IzhikevichParams(a=0.02, b=0.2, c=-65, d=8)
CH = IzhikevichParams(a=0.02, b=0.2, c=-50, d=2)
FS = IzhikevichParams(a=0.1, b=0.2, c=-65, d=2)
IB = IzhikevichParams(a=0.02, b=0.2, c=-55, d=4)
TC = IzhikevichParams(a=0.02, b=0.25, c=-65, d=0.05)


def _params(key: str) -> IzhikevichParams:
    return PRESETS[key].params


def _train(spikes, duration_ms: float = 1000.0, stimulus=Step(1.0, 10.0), *, dt_ms: float = 0.25,
           diverged: bool = False) -> SimulationResult:
    """A hand-made result holding only a spike train (no traces), for exact checks."""
    return SimulationResult(
        t_ms=time_grid(duration_ms, dt_ms), v_mV=np.zeros(0), u=np.zeros(0), I=np.zeros(0),
        spike_times_ms=np.asarray(spikes, dtype=float), params=RS, stimulus=stimulus,
        dt_ms=dt_ms, duration_ms=duration_ms, numerics="published", v0_mV=-70.0, u0=-14.0,
        diverged=diverged, message="Runaway spiking (test)." if diverged else "")


# ---------------------------------------------------------------------------------------
# The 28 presets


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_gets_its_label_on_the_published_run(key):
    preset = PRESETS[key]
    result = simulate(preset)
    found = classify(result)
    assert found.label == preset.label, found.explanation
    assert label_matches(result, preset.label)
    assert found.explanation.endswith(".") and len(found.explanation) > 20


def test_labels_are_the_published_vocabulary():
    assert len(LABELS) == len(set(LABELS)) == 22
    assert {p.label for p in PRESETS.values()} <= set(LABELS)
    assert set(LABELS) - {p.label for p in PRESETS.values()} == {"quiescent", "divergent"}


def test_label_matches_rejects_unknown_labels_and_wrong_ones():
    result = simulate(PRESETS["A"])
    assert not label_matches(result, "tonic bursting")
    with pytest.raises(ValueError, match="unknown label"):
        label_matches(result, "tonic")


def test_classifier_reads_the_sampled_current_not_the_stimulus_type():
    # Panel K's pulse train rebuilt as a held piecewise current: same run, same label.
    preset = PRESETS["K"]
    t = time_grid(preset.duration_ms, preset.dt_ms)
    as_samples = Piecewise(tuple(t), tuple(preset.stimulus.current(t)))
    result = simulate(preset, as_samples)
    assert result.spike_times_ms.tolist() == list(preset.expected_spikes_ms)
    assert classify(result).label == "resonator"


# ---------------------------------------------------------------------------------------
# Spike statistics (exact numbers on hand-made trains)


def test_spike_stats_exact_numbers():
    stats = spike_stats(_train([13.0, 23.0, 43.0, 73.0], duration_ms=500.0))
    assert stats.count == 4
    assert stats.rate_hz == pytest.approx(8.0)
    assert stats.isis_ms.tolist() == [10.0, 20.0, 30.0]
    assert stats.mean_isi_ms == pytest.approx(20.0)
    assert stats.cv_isi == pytest.approx(math.sqrt(200 / 3) / 20)
    # ((20-10)/(20+10) + (30-20)/(30+20)) / 2
    assert stats.adaptation_index == pytest.approx((1 / 3 + 1 / 5) / 2)
    assert stats.onset_ms == 10.0
    assert stats.first_spike_latency_ms == pytest.approx(3.0)


def test_spike_stats_regular_train_has_no_variability_or_adaptation():
    stats = spike_stats(_train(np.arange(20.0, 500.0, 25.0)))
    assert stats.cv_isi == pytest.approx(0.0, abs=1e-12)
    assert stats.adaptation_index == pytest.approx(0.0, abs=1e-12)
    assert stats.first_spike_latency_ms == pytest.approx(10.0)


def test_spike_stats_sparse_trains():
    empty = spike_stats(_train([]))
    assert empty.count == 0 and empty.rate_hz == 0.0 and empty.first_spike_latency_ms is None
    assert math.isnan(empty.mean_isi_ms) and math.isnan(empty.cv_isi)
    assert math.isnan(empty.adaptation_index)
    one = spike_stats(_train([30.0]))
    assert one.count == 1 and math.isnan(one.mean_isi_ms) and one.first_spike_latency_ms == 20.0
    two = spike_stats(_train([30.0, 40.0]))
    assert two.mean_isi_ms == 10.0 and math.isnan(two.cv_isi) and math.isnan(two.adaptation_index)


def test_latency_counts_from_the_first_departure_of_the_current():
    # A spike before the onset is not a response; a constant current has its onset at t = 0.
    assert spike_stats(_train([5.0, 18.0])).first_spike_latency_ms == pytest.approx(8.0)
    stats = spike_stats(_train([7.0], stimulus=Constant(3.0)))
    assert stats.onset_ms == 0.0 and stats.first_spike_latency_ms == 7.0
    # A closed window: the current already departs at t = 10, so the onset is the sample before.
    stats = spike_stats(_train([12.0], stimulus=Step(1.0, 10.0, closed="left")))
    assert stats.onset_ms == 9.75


def test_spike_stats_on_a_published_run():
    stats = spike_stats(simulate(PRESETS["F"]))
    assert stats.count == 6 and stats.onset_ms == 8.5
    assert stats.first_spike_latency_ms == pytest.approx(1.75)
    assert stats.adaptation_index > 0.2  # F is the adapting panel


# ---------------------------------------------------------------------------------------
# Bursts


def test_detect_bursts_fixed_threshold():
    spikes = [0, 2, 4, 20, 40, 41, 42, 43, 80, 81]
    assert detect_bursts(spikes, max_isi_ms=3, min_spikes=3) == [
        Burst(0.0, 4.0, 3), Burst(40.0, 43.0, 4)]
    assert detect_bursts(spikes, max_isi_ms=3) == [
        Burst(0.0, 4.0, 3), Burst(40.0, 43.0, 4), Burst(80.0, 81.0, 2)]
    assert detect_bursts(spikes, max_isi_ms=0.5) == []
    assert Burst(40.0, 43.0, 4).duration_ms == 3.0


def test_detect_bursts_adaptive_threshold_lies_in_the_largest_isi_gap():
    spikes = [0, 2, 4, 50, 52, 54, 100]
    assert burst_isi_threshold(spikes) == pytest.approx(math.sqrt(2 * 46))
    assert detect_bursts(spikes, min_spikes=3) == [Burst(0.0, 4.0, 3), Burst(50.0, 54.0, 3)]
    # Order does not matter.
    assert detect_bursts(spikes[::-1], min_spikes=3) == detect_bursts(spikes, min_spikes=3)


def test_detect_bursts_adaptive_finds_no_bursts_in_a_regular_or_mildly_adapting_train():
    assert burst_isi_threshold([0, 10, 20, 30, 40]) is None
    # A factor 2.5 between intervals is not a gap by default, but is with gap_ratio=2.
    assert burst_isi_threshold([0, 10, 35, 45]) is None
    assert burst_isi_threshold([0, 10, 35, 45], gap_ratio=2) == pytest.approx(math.sqrt(250))
    assert detect_bursts([0, 10, 20, 30, 40]) == []
    # LTS-like gradual adaptation: no ISI gap of a factor 3.
    assert detect_bursts(np.cumsum([3.5, 4.25, 5.75, 8.75, 13.25, 14.5, 15.0])) == []


def test_detect_bursts_end_of_window_reveals_a_lone_burst():
    spikes = [39.0, 42.8, 47.0, 51.8, 57.6, 67.2]  # panel D
    assert detect_bursts(spikes, min_spikes=3) == []
    assert detect_bursts(spikes, min_spikes=3, end_ms=200.0) == [Burst(39.0, 67.2, 6)]
    # A short tail is not a silence.
    assert detect_bursts(spikes, min_spikes=3, end_ms=70.0) == []


def test_detect_bursts_mixed_mode_train():
    # Panel E: the gap rule finds the initial burst although bursts hold a minority of ISIs.
    assert detect_bursts([20, 22.75, 27.25, 67, 99.25, 131.5]) == [Burst(20.0, 27.25, 3)]


def test_detect_bursts_rejects_bad_arguments():
    with pytest.raises(ValueError, match="min_spikes"):
        detect_bursts([0, 1, 2], min_spikes=1)
    with pytest.raises(ValueError, match="max_isi_ms"):
        detect_bursts([0, 1, 2], max_isi_ms=0)


# ---------------------------------------------------------------------------------------
# Stimulus structure


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


# ---------------------------------------------------------------------------------------
# The classifier: spike-train rules on hand-made trains (exact, no simulation)


@pytest.mark.parametrize("spikes, label", [
    ([], "quiescent"),
    (np.arange(12.0, 1000.0, 25.0), "tonic spiking"),
    ([30.0], "phasic spiking"),
    ([30.0, 45.0], "phasic spiking"),
    ([30.0, 33.0, 36.5, 41.0], "phasic bursting"),
    ([20, 22, 24, 26, 120, 122, 124, 126, 220, 222, 224, 226, 320, 322, 324, 326],
     "tonic bursting"),
    ([600, 602, 604, 606, 900, 902, 904, 906], "tonic bursting"),
    ([20, 22.5, 26, 66, 99, 132, 165, 198, 231, 264, 297, 330, 363, 396, 429, 462, 495,
      528, 561, 594, 627, 660, 693, 726, 759, 792, 825, 858, 891, 924, 957, 990], "mixed mode"),
    ([12, 14, 17, 22, 30, 43, 63, 93, 133, 183, 243, 313, 393, 483, 583, 693, 813, 943],
     "spike frequency adaptation"),
    # An onset doublet followed by much slower firing also counts as adaptation ...
    (np.concatenate(([12.0], np.arange(18.0, 1000.0, 30.0))), "spike frequency adaptation"),
    # ... but a milder initial speed-up does not (the published tonic-spiking panel).
    (np.concatenate(([12.0], np.arange(15.0, 1000.0, 9.0))), "tonic spiking"),
])
def test_spike_train_rules(spikes, label):
    assert classify(_train(spikes)).label == label


@pytest.mark.parametrize("spikes, label", [
    ([60.0], "rebound spike"),
    ([60.0, 80.0], "rebound spike"),
    ([60.0, 65.0, 71.0], "rebound burst"),
    ([30.0, 60.0], "phasic spiking"),  # fired during the hyperpolarization: no rebound
    # Firing that never stops is no rebound: the pulse switched the cell to lasting firing.
    (np.arange(60.0, 300.0, 20.0), "bistability"),
])
def test_rebound_rule_on_hand_made_trains(spikes, label):
    assert classify(_train(spikes, 300.0, Step(-10, 20, 40))).label == label


def test_diverged_runs_are_divergent():
    found = classify(_train(np.arange(11.0, 1000.0, 1.0), diverged=True))
    assert found == Classification("divergent", found.explanation)
    assert "Runaway" in found.explanation


def test_diverged_real_run():
    # Plain Euler at a fine step removes the published scheme's large u-reset: T runs away.
    result = simulate(PRESETS["T"], numerics="euler", dt_ms=0.01)
    assert result.diverged
    assert classify(result).label == "divergent"


def test_classify_without_traces_uses_spikes_and_stimulus():
    burst = simulate(PRESETS["C"], record=False)
    assert classify(burst).label == "tonic bursting"
    # The rebound rule needs only the stimulus.
    assert classify(simulate(PRESETS["N"], record=False)).label == "rebound burst"


# ---------------------------------------------------------------------------------------
# The classifier on runs that are not presets (one batch)

#: name -> (params, stimulus, duration_ms, dt_ms, v0_mV, u0, accepted labels)
GENERAL_CASES = {
    "RS step 10": (RS, Step(10, 10), 300, 0.25, -70, None,
                   {"tonic spiking", "spike frequency adaptation"}),
    "RS at rest, no input": (RS, Constant(0.0), 300, 0.25, -70, None, {"quiescent"}),
    "RS subthreshold pulse": (RS, Step(2, 40, 45), 300, 0.25, -70, None, {"quiescent"}),
    "CH step 6": (CH, Step(6, 10), 300, 0.25, -70, None, {"tonic bursting"}),
    "CH step 12": (CH, Step(12, 10), 300, 0.25, -70, None, {"tonic bursting"}),
    "FS step 14": (FS, Step(14, 10), 300, 0.25, -70, None, {"tonic spiking"}),
    "FS step 5": (FS, Step(5, 10), 300, 0.25, -70, None, {"tonic spiking"}),
    "IB step 15": (IB, Step(15, 10), 300, 0.25, -70, None, {"mixed mode"}),
    "B params, long run": (_params("B"), Step(0.5, 20), 500, 0.25, -64, None, {"phasic spiking"}),
    "D params, long run": (_params("D"), Step(0.6, 20), 500, 0.25, -64, None,
                           {"phasic bursting"}),
    "TC released from -10": (TC, Step(-10, 20, 40), 200, 0.25, -65, None, {"rebound spike"}),
    "TC released from -25": (TC, Step(-25, 20, 60), 200, 0.25, -65, None, {"rebound burst"}),
    "M params, -20 pulse": (_params("M"), Step(-20, 20, 25), 200, 0.25, -64, None,
                            {"rebound spike"}),
    "N params, -10 window": (_params("N"), Step(-10, 30, 40), 200, 0.25, -64, None,
                             {"rebound burst"}),
    "J params, subthreshold pulse": (_params("J"), Step(1, 20, 25), 200, 0.25, -62.5, None,
                                     {"subthreshold oscillations"}),
    "K params, one subthreshold pulse": (_params("K"), Step(0.65, 40, 44), 300, 0.25, -62.5,
                                         None, {"subthreshold oscillations"}),
    "RZ params, step only": (_params("RZ"), Constant(-0.5) + Step(-1.5, 0, 10, closed="both"),
                             150, 0.25, -70, None, {"subthreshold oscillations"}),
    "RZ params, later pulse": (_params("RZ"), Constant(-0.5) + Step(-1.5, 0, 10, closed="both")
                               + Step(10.5, 80, 85), 150, 0.25, -70, None, {"resonator"}),
    "K params, pairs 15/45 ms": (_params("K"), PulseTrain(0.65, (40, 55, 250, 295), 4), 400, 0.25,
                                 -62, None, {"resonator"}),
    "L params, pairs 4/15 ms": (_params("L"), PulseTrain(9, (9.09, 13.09, 70, 85), 2), 120, 0.25,
                                -60, None, {"integrator"}),
    "G params, ramp 0.05": (_params("G"), Ramp(0.05, 30), 400, 0.25, -60, None,
                            {"class 1 excitable"}),
    "H params, ramp 0.01": (_params("H"), Constant(-0.5) + Ramp(0.01, 30), 500, 0.25, -64, None,
                            {"class 2 excitable"}),
    "R params, other ramps": (_params("R"), Ramp(1 / 30, 0, 250) + Ramp(0.3, 300, 315), 400,
                              0.25, -65, -16.0, {"accommodation"}),
    "S params, later window": (_params("S"), Constant(80) + Step(-5, 100, 300), 400, 0.5, -63.8,
                               None, {"inhibition-induced spiking"}),
    "T params, later window": (_params("T"), Constant(80) + Step(-5, 100, 300), 400, 0.5, -63.8,
                               None, {"inhibition-induced bursting"}),
    "P params, other pulse times": (_params("P"), Constant(0.24) + Step(1, 50, 55)
                                    + Step(1, 230, 235), 350, 0.25, -61, None, {"bistability"}),
    "Q params, stronger pulse": (_params("Q"), Step(25, 9, 11), 60, 0.1, -70, None,
                                 {"depolarizing after-potential"}),
    "I params, later pulse": (_params("I"), Step(7.2, 20, 23), 150, 0.25, -70, None,
                              {"spike latency"}),
    "O params, other timing": (_params("O"), Step(1, 10, 15) + Step(-8, 60, 65)
                               + Step(1, 70, 75), 120, 0.25, -64, None,
                               {"threshold variability"}),
    "RS under a sine": (RS, Sine(5, 10, offset=8), 300, 0.25, -70, None,
                        {"tonic spiking", "spike frequency adaptation"}),
    "RS under noise": (RS, OUNoise(8, 3, 5, seed=1), 300, 0.25, -70, None,
                       {"tonic spiking", "spike frequency adaptation"}),
}


@pytest.fixture(scope="module")
def general_results():
    # At most 2048 steps and 32 runs: the compiled structure the preset batches use too.
    runs = [RunSpec(p, s, dur, dt, v0, u0) for p, s, dur, dt, v0, u0, _ in GENERAL_CASES.values()]
    return dict(zip(GENERAL_CASES, simulate_batch(runs)))


@pytest.mark.parametrize("name", list(GENERAL_CASES))
def test_classifier_on_other_runs(name, general_results):
    result = general_results[name]
    assert not result.diverged
    found = classify(result)
    assert found.label in GENERAL_CASES[name][-1], f"{name}: {found.label}: {found.explanation}"


def test_explanations_carry_the_measured_numbers(general_results):
    found = classify(general_results["CH step 12"])
    assert found.features["n_bursts"] >= 3 and "bursts of" in found.explanation
    found = classify(simulate(PRESETS["C"]))
    assert found.explanation == "4 bursts of 6–10 spikes at intervals of 52.8–55 ms."
    assert classify(simulate(PRESETS["K"])).features["pair_gaps_ms"] == [20.0, 40.0]


def test_resonance_needs_ringing_not_just_an_overshoot(general_results):
    # A node (RS rest) never rings; a heavily damped focus (M/O rest) only overshoots.
    assert classify(general_results["RS subthreshold pulse"]).label == "quiescent"
    quiet = simulate(_params("M"), Step(-15, 20, 25), duration_ms=800, dt_ms=0.25, v0_mV=-64)
    assert quiet.n_spikes == 0 and classify(quiet).label == "quiescent"


# ---------------------------------------------------------------------------------------
# F–I curves (one structure: 32 currents x 1000 ms, spikes only)


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
        return [_train(trains[run.stimulus.amplitude], run.duration_ms, run.stimulus)
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
    class1 = fi_curve(_params("G"), np.linspace(2.2, 3.0, 32))
    class2 = fi_curve(_params("H"), np.linspace(0.2, 0.5, 32))
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


# ---------------------------------------------------------------------------------------
# Phase plane


def test_fixed_points_of_regular_spiking_at_rest():
    rest, saddle = fixed_points(IzhikevichParams(b=0.2), 0.0)
    assert rest.v_mV == pytest.approx(-70.0) and rest.u == pytest.approx(-14.0)
    assert rest.kind == "stable node" and rest.stable
    assert saddle.v_mV == pytest.approx(-50.0) and saddle.kind == "saddle" and not saddle.stable


def test_fixed_points_vanish_above_the_saddle_node():
    assert len(fixed_points(IzhikevichParams(b=0.2), 3.9)) == 2
    assert fixed_points(IzhikevichParams(b=0.2), 4.1) == []
    assert fixed_points(IzhikevichParams(b=0.2), 10.0) == []


def test_resonator_rest_is_a_focus():
    (rest, _) = fixed_points(_params("J"), 0.0)
    assert rest.kind == "stable focus" and rest.v_mV == pytest.approx(-62.5)
    assert abs(rest.eigenvalues[0].imag) > 0.1


def test_accommodation_form_has_its_fixed_point_on_v_minus_65():
    (fp,) = fixed_points(_params("R"), 0.0)
    assert fp.v_mV == -65.0


def test_nullclines_meet_at_the_fixed_points():
    params = IzhikevichParams(b=0.2)
    v = np.array([fp.v_mV for fp in fixed_points(params, 0.0)])
    v_null, u_null = nullclines(params, 0.0, v)
    np.testing.assert_allclose(v_null, u_null, atol=1e-9)
    _, u_null = nullclines(_params("R"), 0.0, np.array([-70.0, -65.0]))
    assert math.isnan(u_null[0]) and u_null[1] == 0.0
