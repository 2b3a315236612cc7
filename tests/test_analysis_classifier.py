"""The firing-pattern classifier.

It must give every preset its own label on the published run, and the same rules must hold up
on runs that are not presets (other parameters, amplitudes, timings, steps); the simulations
for those run as one batch so the file stays fast.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest

from analysis_helpers import CH, FS, IB, RS, TC, preset_params, train
from izhi_widgets import (PRESETS, Constant, OUNoise, Piecewise, PulseTrain, Ramp, RunSpec, Sine,
                          Step, simulate, simulate_batch)
from izhi_widgets.analysis import (DEFAULT_THRESHOLDS, LABELS, Classification,
                                   ClassifierThresholds, classify, label_matches)
from izhi_widgets.result import time_grid


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
    assert classify(train(spikes)).label == label


@pytest.mark.parametrize("spikes, label", [
    ([60.0], "rebound spike"),
    ([60.0, 80.0], "rebound spike"),
    ([60.0, 65.0, 71.0], "rebound burst"),
    ([30.0, 60.0], "phasic spiking"),  # fired during the hyperpolarization: no rebound
    # Firing that never stops is no rebound: the pulse switched the cell to lasting firing.
    (np.arange(60.0, 300.0, 20.0), "bistability"),
])
def test_rebound_rule_on_hand_made_trains(spikes, label):
    assert classify(train(spikes, 300.0, Step(-10, 20, 40))).label == label


def test_diverged_runs_are_divergent():
    found = classify(train(np.arange(11.0, 1000.0, 1.0), diverged=True))
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
    "B params, long run": (preset_params("B"), Step(0.5, 20), 500, 0.25, -64, None, {"phasic spiking"}),
    "D params, long run": (preset_params("D"), Step(0.6, 20), 500, 0.25, -64, None,
                           {"phasic bursting"}),
    "TC released from -10": (TC, Step(-10, 20, 40), 200, 0.25, -65, None, {"rebound spike"}),
    "TC released from -25": (TC, Step(-25, 20, 60), 200, 0.25, -65, None, {"rebound burst"}),
    "M params, -20 pulse": (preset_params("M"), Step(-20, 20, 25), 200, 0.25, -64, None,
                            {"rebound spike"}),
    "N params, -10 window": (preset_params("N"), Step(-10, 30, 40), 200, 0.25, -64, None,
                             {"rebound burst"}),
    "J params, subthreshold pulse": (preset_params("J"), Step(1, 20, 25), 200, 0.25, -62.5, None,
                                     {"subthreshold oscillations"}),
    "K params, one subthreshold pulse": (preset_params("K"), Step(0.65, 40, 44), 300, 0.25, -62.5,
                                         None, {"subthreshold oscillations"}),
    "RZ params, step only": (preset_params("RZ"), Constant(-0.5) + Step(-1.5, 0, 10, closed="both"),
                             150, 0.25, -70, None, {"subthreshold oscillations"}),
    "RZ params, later pulse": (preset_params("RZ"), Constant(-0.5) + Step(-1.5, 0, 10, closed="both")
                               + Step(10.5, 80, 85), 150, 0.25, -70, None, {"resonator"}),
    "K params, pairs 15/45 ms": (preset_params("K"), PulseTrain(0.65, (40, 55, 250, 295), 4), 400, 0.25,
                                 -62, None, {"resonator"}),
    "L params, pairs 4/15 ms": (preset_params("L"), PulseTrain(9, (9.09, 13.09, 70, 85), 2), 120, 0.25,
                                -60, None, {"integrator"}),
    "G params, ramp 0.05": (preset_params("G"), Ramp(0.05, 30), 400, 0.25, -60, None,
                            {"class 1 excitable"}),
    "H params, ramp 0.01": (preset_params("H"), Constant(-0.5) + Ramp(0.01, 30), 500, 0.25, -64, None,
                            {"class 2 excitable"}),
    "R params, other ramps": (preset_params("R"), Ramp(1 / 30, 0, 250) + Ramp(0.3, 300, 315), 400,
                              0.25, -65, -16.0, {"accommodation"}),
    "S params, later window": (preset_params("S"), Constant(80) + Step(-5, 100, 300), 400, 0.5, -63.8,
                               None, {"inhibition-induced spiking"}),
    "T params, later window": (preset_params("T"), Constant(80) + Step(-5, 100, 300), 400, 0.5, -63.8,
                               None, {"inhibition-induced bursting"}),
    "P params, other pulse times": (preset_params("P"), Constant(0.24) + Step(1, 50, 55)
                                    + Step(1, 230, 235), 350, 0.25, -61, None, {"bistability"}),
    "Q params, stronger pulse": (preset_params("Q"), Step(25, 9, 11), 60, 0.1, -70, None,
                                 {"depolarizing after-potential"}),
    "I params, later pulse": (preset_params("I"), Step(7.2, 20, 23), 150, 0.25, -70, None,
                              {"spike latency"}),
    "O params, other timing": (preset_params("O"), Step(1, 10, 15) + Step(-8, 60, 65)
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
    quiet = simulate(preset_params("M"), Step(-15, 20, 25), duration_ms=800, dt_ms=0.25, v0_mV=-64)
    assert quiet.n_spikes == 0 and classify(quiet).label == "quiescent"


# ---------------------------------------------------------------------------------------
# The thresholds: one frozen dataclass, passed as an optional argument


def test_default_thresholds_are_the_documented_values():
    th = DEFAULT_THRESHOLDS
    assert (th.burst_min_spikes, th.burst_gap_ratio, th.class2_min_rate_hz) == (3, 3.0, 40.0)
    assert (th.brief_fraction, th.min_ramp_steps, th.staircase_samples) == (0.2, 3, 4)
    assert th.inhibition_fraction == th.tonic_burst_fraction == Fraction(2, 3)
    assert (th.min_half_period_decay, th.ringing_first_crossing,
            th.ringing_second_crossing) == (0.05, 0.1, 0.01)
    assert (th.stop_silence_onsets, th.stop_silence_isis) == (2.0, 3.0)
    assert (th.adaptation_lengthening, th.adaptation_min_run, th.adaptation_doublet_ratio) == (
        1.2, 3, 4.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        th.class2_min_rate_hz = 30.0


def test_thresholds_are_an_optional_argument():
    g = simulate(PRESETS["G"])
    assert classify(g) == classify(g, DEFAULT_THRESHOLDS) == classify(g, ClassifierThresholds())
    assert classify(g).label == "class 1 excitable"
    faster = dataclasses.replace(DEFAULT_THRESHOLDS, class2_min_rate_hz=5.0)
    assert classify(g, faster).label == "class 2 excitable"
    assert label_matches(g, "class 2 excitable", faster)
    # Bursts of 4 or more: panel C's bursts of 6-10 spikes still count, hand-made triplets not.
    triplets = train([20, 22, 24, 120, 122, 124, 220, 222, 224, 320, 322, 324])
    assert classify(triplets).label == "tonic bursting"
    assert classify(triplets, dataclasses.replace(DEFAULT_THRESHOLDS,
                                                  burst_min_spikes=4)).label != "tonic bursting"


@pytest.mark.parametrize("field, value", [
    ("burst_min_spikes", 1), ("class2_min_rate_hz", -1.0), ("brief_fraction", float("nan")),
    ("min_ramp_steps", 2.5), ("adaptation_min_spikes", 2),
])
def test_thresholds_are_validated_naming_the_field(field, value):
    with pytest.raises(ValueError, match=f"^{field} "):
        ClassifierThresholds(**{field: value})
