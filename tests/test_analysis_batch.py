"""Batch classification (`izhi_widgets.analysis.batch`): the same labels as `classify`, run by run.

Equality is checked on every preset (with and without traces: every rule), on thousands of
seeded random spike trains under several protocols and thresholds, and on the rules'
preconditions themselves. Equality on every cell of parameter maps: test_dynamics_maps.py.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest

from analysis_helpers import train
from izhi_widgets import (PRESETS, Constant, PulseTrain, Ramp, RunSpec, Step, simulate_batch)
from izhi_widgets.analysis import DEFAULT_THRESHOLDS, classify
from izhi_widgets.analysis import rules as R
from izhi_widgets.analysis.batch import (classify_batch, classify_trains, rule_may_apply,
                                         spike_train_labels)
from izhi_widgets.analysis.protocol import describe_stimulus, sampled_current

PROTOCOLS = {
    "step": Step(10.0, 15.0),
    "pulses": PulseTrain(5.0, (100.0, 120.0, 500.0, 530.0), 4.0),
    "ramp": Ramp(0.02, 100.0),
    "lowered": Constant(10.0) + Step(-5.0, 300.0, 600.0, closed="both"),
    "rebound": Step(-10.0, 0.0, 200.0, closed="both"),
    "constant": Constant(3.0),
}


@pytest.fixture(scope="module")
def preset_results():
    runs = [RunSpec.from_preset(p) for p in PRESETS.values()]
    return {True: simulate_batch(runs, record=True), False: simulate_batch(runs, record=False)}


@pytest.mark.parametrize("record", [True, False])
def test_every_preset_batch_equals_one_by_one(preset_results, record):
    results = preset_results[record]
    assert classify_batch(results) == [classify(r).label for r in results]
    if record:  # with traces every preset keeps its own label, trace rules included
        assert classify_batch(results) == [p.label for p in PRESETS.values()]


def _random_trains(rng, n_trains: int, duration_ms: float = 1000.0) -> list[np.ndarray]:
    """Trains of every kind the spike-train rules tell apart: irregular, bursts with tails,
    adapting, regular, doublets, single spikes, none; on the 0.25 ms grid."""
    trains = []
    for _ in range(n_trains):
        kind = rng.integers(0, 5)
        n = int(rng.integers(0, 25))
        if kind == 0:
            sp = rng.choice(np.arange(4, 4000), n, replace=False) * 0.25
        elif kind == 1:
            starts = rng.choice(np.arange(10, 900, 40), rng.integers(1, 5), replace=False)
            sp = np.concatenate([s + np.arange(rng.integers(1, 6)) * rng.choice([1.0, 2.0, 2.5])
                                 for s in starts])
            sp = np.concatenate([sp, sp.max() + np.cumsum(rng.choice([20, 25.0, 30, 50],
                                                                     rng.integers(0, 5)))])
        elif kind == 2:
            sp = 20 + np.cumsum(5 * rng.choice([1.1, 1.2, 1.3, 1.0, 1.25], n).cumprod())
        elif kind == 3:
            sp = 15 + np.cumsum(rng.choice([0.25, 0.5, 2, 3, 10, 30], n))
        else:
            sp = rng.choice([12.0, 30.0, 650.0], rng.integers(0, 3), replace=False)
        sp = np.unique(np.round(np.asarray(sp, dtype=float) * 4) / 4)
        trains.append(sp[(sp > 0) & (sp < duration_ms)])
    return trains


THRESHOLD_VARIANTS = {
    "default": DEFAULT_THRESHOLDS,
    "loose": dataclasses.replace(DEFAULT_THRESHOLDS, burst_min_spikes=2, mixed_min_tail_spikes=1,
                                 tonic_burst_fraction=0.5, adaptation_min_run=1,
                                 burst_gap_ratio=2.0),
    "strict": dataclasses.replace(DEFAULT_THRESHOLDS, tonic_burst_fraction=Fraction(9, 10),
                                  tonic_burst_min_bursts=3, stop_silence_onsets=0.5,
                                  mixed_steady_ratio=0.9, adaptation_doublet_ratio=2.0),
}


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
@pytest.mark.parametrize("variant", list(THRESHOLD_VARIANTS))
def test_random_trains_batch_equals_one_by_one(rng, protocol, variant):
    th = THRESHOLD_VARIANTS[variant]
    results = [train(sp, 1000.0, PROTOCOLS[protocol]) for sp in _random_trains(rng, 600)]
    expected = [classify(r, th).label for r in results]
    assert classify_batch(results, th) == expected
    assert len(set(expected)) >= 3  # the trains exercise several rules


def test_each_spike_train_label_vectorised_as_classify():
    cases = {
        "quiescent": [],
        "phasic spiking": [40.0],
        "phasic bursting": [20.0, 22.0, 24.0, 26.0],
        "tonic bursting": [20.0, 22.0, 24.0, 300.0, 302.0, 304.0, 600.0, 602.0, 604.0],
        "mixed mode": [20.0, 22.0, 24.0, 100.0, 150.0, 200.0, 250.0, 300.0, 350.0, 400.0,
                       450.0, 500.0, 550.0, 600.0, 650.0, 700.0, 750.0, 800.0, 850.0, 900.0,
                       950.0],
        "spike frequency adaptation": [20.0, 30.0, 45.0, 70.0, 110.0, 170.0, 260.0, 400.0,
                                       600.0, 900.0],
        "tonic spiking": list(np.arange(20.0, 1000.0, 50.0)),
    }
    for label, spikes in cases.items():
        result = train(spikes, 1000.0, Step(1.0, 10.0))
        assert classify(result).label == label
        row = np.array(spikes, dtype=float).reshape(1, -1)
        assert spike_train_labels(row, 1000.0, 10.0).tolist() == [label]
        assert classify_batch([result]) == [label]


def test_divergent_runs_and_mixed_groups_keep_their_order():
    results = [train([20.0, 40.0], 500.0, Step(5.0, 10.0)),
               train([20.0], 1000.0, Step(1.0, 10.0), diverged=True),
               train([], 500.0, Constant(1.0)),
               train([20.0, 22.0, 24.0, 400.0, 402.0, 404.0], 1000.0, Step(1.0, 10.0), dt_ms=0.5)]
    assert classify_batch(results) == [classify(r).label for r in results]
    assert classify_batch(results)[1] == "divergent"
    assert classify_batch([]) == []


def test_classify_trains_calls_result_of_only_where_a_protocol_rule_must_look(preset_results):
    # A step, spikes only: no protocol rule can apply, so no result object is needed.
    result = preset_results[False][list(PRESETS).index("A")]
    t, current = result.t_ms, sampled_current(result)
    trains = [result.spike_times_ms, result.spike_times_ms[:1], np.zeros(0)]
    asked = []
    labels = classify_trains(t, current, trains, result_of=lambda k: asked.append(k) or result)
    assert asked == []
    assert labels.tolist() == ["tonic spiking", "phasic spiking", "quiescent"]
    # With traces the trace rules must look: after-potential and ringing at runs that
    # fire, subthreshold oscillations at runs of at most 2 spikes (so the silent one too).
    recorded = preset_results[True][list(PRESETS).index("A")]
    classify_trains(t, current, trains, result_of=lambda k: asked.append(k) or recorded,
                    traces=True)
    assert asked == [0, 1, 2]
    # Pulses-only protocols: the pulse rules look at runs that fire, never at silent ones.
    pulses = preset_results[False][list(PRESETS).index("K")]
    asked.clear()
    classify_trains(pulses.t_ms, sampled_current(pulses), trains,
                    result_of=lambda k: asked.append(k) or pulses)
    assert asked == [0, 1]


def test_every_protocol_rule_has_a_precondition_and_unknown_rules_always_run():
    proto = describe_stimulus(np.arange(0.0, 100.25, 0.25), np.full(401, 2.0))
    for rule in R.PROTOCOL_RULES:
        assert rule_may_apply(rule, proto, traces=True) != (0, float("inf")), rule.__name__
    assert rule_may_apply(lambda ctx: None, proto, traces=False) == (0, float("inf"))


@pytest.mark.parametrize("record", [True, False])
def test_preconditions_are_sound_on_every_preset_protocol(preset_results, rng, record):
    """Where `rule_may_apply` rules a spike count out, the rule really gives no label."""
    for result in preset_results[record]:
        t = np.asarray(result.t_ms, dtype=float)
        proto = describe_stimulus(t, sampled_current(result))
        v = np.asarray(result.v_mV, dtype=float) if record else None
        trains = [result.spike_times_ms] + _random_trains(rng, 40, float(t[-1]))
        for spikes in trains:
            ctx = R.RuleContext(result=result, t=t, v=v, spikes=np.sort(spikes), proto=proto,
                                params=result.params)
            for rule in R.PROTOCOL_RULES:
                lo, hi = rule_may_apply(rule, proto, traces=record)
                if not lo <= len(spikes) <= hi:
                    assert rule(ctx) is None, (rule.__name__, result.stimulus.describe())
