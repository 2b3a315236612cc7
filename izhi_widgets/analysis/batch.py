"""Batch classification: the labels of many runs at once, equal to `classify` one by one.

`classify_batch` takes any `SimulationResult` objects; `classify_trains` is its core, for
runs that share one sample grid and one sampled current (a parameter map's cells), given
as bare spike trains so that no result object is built for most of them.

How it stays fast and exact
---------------------------
`classify` reads the sampled current into a protocol (`describe_stimulus`), tries the
protocol rules (`izhi_widgets.analysis.rules.PROTOCOL_RULES`) in order and labels the rest
from the spike train (`spike_train_rule`). Here:

1. the protocol is read once per distinct (grid, current), not once per run;
2. a protocol rule is tried on a run only when it *can* apply: each rule has a
   precondition on the protocol, on whether the run has traces and on its spike count
   (`rule_may_apply`, read off the rule's own first lines: no spikes, no ramp, no
   lowered window, not a pulses-only protocol ... mean no label). The rules that can
   apply run as they are, one run at a time, with the shared protocol; a rule missing
   from that table always runs;
3. every run that no protocol rule labels goes through a vectorised copy of
   `spike_train_rule`: runs with the same spike count are stacked into one matrix, and
   each test of the rule (firing stops, the adaptive burst threshold of
   `burst_isi_threshold`, bursts, mixed mode, adaptation) becomes a few numpy operations
   doing the same floating-point arithmetic, so the labels are identical.

`tests/test_analysis_batch.py` checks equality with `classify` on every preset (traces
and all rules), on hand-made trains and on every cell of several parameter maps.

Examples
--------
>>> from izhi_widgets import PRESETS, simulate_batch, RunSpec
>>> results = simulate_batch([RunSpec.from_preset(PRESETS[k]) for k in ("A", "C", "RS")])
>>> classify_batch(results)
['tonic spiking', 'tonic bursting', 'spike frequency adaptation']
"""

from __future__ import annotations

from fractions import Fraction
from numbers import Rational
from typing import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..result import SimulationResult
from . import rules as R
from .protocol import StimulusProtocol, describe_stimulus, sampled_current
from .thresholds import DEFAULT_THRESHOLDS, ClassifierThresholds

__all__ = ["classify_batch", "classify_trains", "spike_train_labels", "rule_may_apply"]


def _pulses_only(proto: StimulusProtocol, th: ClassifierThresholds) -> bool:
    return R._pulses_only(proto, th.brief_fraction)


def _has_lowered(proto: StimulusProtocol, th: ClassifierThresholds) -> bool:
    return any(p.kind == "flat" and p.duration_ms > 0 and p.level < proto.initial - proto.tol
               for p in proto.pieces)


def _has_release(proto: StimulusProtocol, th: ClassifierThresholds) -> bool:
    pieces = proto.pieces
    for j in range(1, len(pieces)):
        low, rel = pieces[j - 1], pieces[j]
        if not (low.kind == rel.kind == "flat" and low.level < -proto.tol
                and rel.level > low.level):
            continue
        before = pieces[j - 2].level if j >= 2 and pieces[j - 2].kind == "flat" else 0.0
        if rel.level <= max(0.0, before) + proto.tol:
            return True
    return False


# rule -> (protocol precondition, needs traces, fewest spikes, most spikes or None).
# Each line is read off the rule's own early returns in `izhi_widgets.analysis.rules`.
_PRECONDITIONS = {
    R._rule_inhibition_induced: (_has_lowered, False, lambda th: 1, None),
    R._rule_rebound: (_has_release, False, lambda th: 1, None),
    R._rule_accommodation: (lambda p, th: len(p.ramps) >= 2, False, lambda th: 1, None),
    R._rule_excitability_class: (lambda p, th: bool(p.ramps), False,
                                 lambda th: th.excitability_min_spikes, None),
    R._rule_pulse_pairs: (_pulses_only, False, lambda th: 1, None),
    R._rule_threshold_variability: (_pulses_only, False, lambda th: 1, None),
    R._rule_bistability: (_pulses_only, False, lambda th: 2, None),
    R._rule_dap: (lambda p, th: True, True, lambda th: 1, None),
    R._rule_latency: (lambda p, th: _pulses_only(p, th) and len(p.excursions) == 1, False,
                      lambda th: 1, None),
    R._rule_resonator_ringing: (lambda p, th: True, True, lambda th: 1, None),
    R._rule_subthreshold_oscillations: (lambda p, th: True, True, lambda th: 0,
                                        lambda th: th.subthreshold_max_spikes),
}


def rule_may_apply(rule: R.Rule, proto: StimulusProtocol, traces: bool,
                   th: ClassifierThresholds = DEFAULT_THRESHOLDS) -> tuple[int, float]:
    """The spike counts ``(fewest, most)`` for which ``rule`` may label a run; ``(1, 0.0)`` if none.

    A protocol rule returns None (no label) for every run of this protocol whose spike
    count lies outside the range; inside it the rule has to be tried. A rule this module
    does not know may always apply.

    Examples
    --------
    >>> from izhi_widgets.analysis.protocol import describe_stimulus
    >>> t = np.arange(0.0, 100.25, 0.25)
    >>> step = describe_stimulus(t, np.where(t > 10, 14.0, 0.0))
    >>> rule_may_apply(R._rule_pulse_pairs, step, traces=False)
    (1, 0.0)
    >>> rule_may_apply(R._rule_subthreshold_oscillations, step, traces=True)
    (0, 2.0)
    """
    found = _PRECONDITIONS.get(rule)
    if found is None:
        return 0, float("inf")
    precondition, needs_traces, fewest, most = found
    if (needs_traces and not traces) or not precondition(proto, th):
        return 1, 0.0
    return int(fewest(th)), float("inf") if most is None else float(most(th))


def _at_least(count: np.ndarray, fraction: float | Fraction, total: np.ndarray | int) -> np.ndarray:
    """``count >= fraction * total`` exactly as Python compares ints with the product."""
    if isinstance(fraction, Rational):
        return count * int(fraction.denominator) >= int(fraction.numerator) * np.asarray(total)
    return count >= float(fraction) * np.asarray(total)


def _burst_groups(S: np.ndarray, end: float, th: ClassifierThresholds):
    """Per row of sorted spikes ``S`` (k, n): sizes of the ISI groups and which are bursts.

    The threshold is `burst_isi_threshold` (with ``end_ms=end``) computed row-wise;
    the grouping is `detect_bursts`'.
    """
    k, n = S.shape
    isis = np.diff(S, axis=1)
    sizes = np.zeros((k, n), dtype=np.int64)
    if n < 2:  # fewer than 2 intervals: no threshold, no bursts
        return sizes, sizes > 0
    trailing = end - S[:, -1]
    extra = np.where(trailing > isis.max(axis=1), trailing, np.nan)
    intervals = np.concatenate([isis, extra[:, None]], axis=1)
    intervals[~(intervals > 0)] = np.nan
    intervals.sort(axis=1)  # NaN last: each row's valid intervals, sorted, then padding
    ratios = intervals[:, 1:] / intervals[:, :-1]
    ratios[np.isnan(ratios)] = -np.inf
    at = np.argmax(ratios, axis=1)
    rows = np.arange(k)
    best = ratios[rows, at]
    has = best >= th.burst_gap_ratio  # False also where fewer than 2 intervals (-inf)
    threshold = np.sqrt(intervals[rows, at] * intervals[rows, at + 1])
    breaks = isis > threshold[:, None]
    group = np.concatenate([np.zeros((k, 1), dtype=np.int64), np.cumsum(breaks, axis=1)], axis=1)
    flat = (rows[:, None] * n + group).ravel()
    sizes = np.bincount(flat, minlength=k * n).reshape(k, n)
    sizes[~has] = 0
    return sizes, sizes >= th.burst_min_spikes


def _longest_true_run(mask: np.ndarray) -> np.ndarray:
    """Per row, the length of the longest run of True (0 for an empty row)."""
    k, m = mask.shape
    if m == 0:
        return np.zeros(k, dtype=np.int64)
    idx = np.arange(m)
    last_false = np.maximum.accumulate(np.where(mask, -1, idx), axis=1)
    return (idx - last_false).max(axis=1)


def spike_train_labels(spikes: np.ndarray, end_ms: float, onset_ms: float,
                       th: ClassifierThresholds = DEFAULT_THRESHOLDS) -> np.ndarray:
    """`spike_train_rule`'s label for each row of ``spikes`` (k runs x n spikes, sorted).

    ``end_ms`` is the last sample time and ``onset_ms`` the protocol's onset (the run's
    start for a constant current), as `spike_train_rule` takes them.

    Examples
    --------
    >>> spike_train_labels(np.array([[20.0, 22.0, 24.0, 80.0, 82.0, 84.0],
    ...                              [20.0, 30.0, 40.0, 50.0, 60.0, 70.0]]), 100.0, 10.0).tolist()
    ['tonic bursting', 'tonic spiking']
    """
    S = np.asarray(spikes, dtype=float)
    k, n = S.shape
    out = np.full(k, "tonic spiking", dtype=object)
    if n == 0:
        out[:] = "quiescent"
        return out
    isis = np.diff(S, axis=1)
    silence = end_ms - S[:, -1]
    stopped = silence > th.stop_silence_onsets * (S[:, -1] - onset_ms)
    if n > 1:
        stopped &= silence > th.stop_silence_isis * isis.max(axis=1)
    sizes, is_burst = _burst_groups(S, end_ms, th)
    n_bursts = is_burst.sum(axis=1)
    in_bursts = np.where(is_burst, sizes, 0).sum(axis=1)
    first = is_burst[:, 0]
    size0 = sizes[:, 0]
    todo = np.ones(k, dtype=bool)

    def decide(mask: np.ndarray, label: str) -> None:
        hit = todo & mask
        out[hit] = label
        todo[hit] = False

    decide((n_bursts == 0) & stopped, "phasic spiking")
    decide((n_bursts == 1) & stopped & first & (size0 == n), "phasic bursting")
    decide((n_bursts >= th.tonic_burst_min_bursts) & _at_least(in_bursts, th.tonic_burst_fraction, n),
           "tonic bursting")
    tail = n - size0
    mixed = first & (n_bursts == 1) & (tail >= th.mixed_min_tail_spikes)
    if n >= 2 and mixed.any():
        # post[0] is the interval leaving the burst, post[-1] the train's last interval
        post0 = isis[np.arange(k), np.clip(size0 - 1, 0, n - 2)]
        mixed &= isis[:, -1] <= th.mixed_steady_ratio * post0
        decide(mixed, "mixed mode")
    if n >= th.adaptation_min_spikes:
        longer = isis[:, 1:] >= th.adaptation_lengthening * isis[:, :-1]
        adapting = ((_longest_true_run(longer) >= th.adaptation_min_run)
                    | (isis[:, 1] >= th.adaptation_doublet_ratio * isis[:, 0]))
        decide(adapting, "spike frequency adaptation")
    if n == 1:
        decide(np.ones(k, dtype=bool), "phasic spiking")
    return out


def classify_trains(t_ms: ArrayLike, current: ArrayLike, spike_times: Sequence[np.ndarray], *,
                    result_of: Callable[[int], SimulationResult], traces: bool = False,
                    diverged: ArrayLike | None = None,
                    thresholds: ClassifierThresholds = DEFAULT_THRESHOLDS) -> np.ndarray:
    """Labels of runs that share one sample grid ``t_ms`` and one sampled ``current``.

    Parameters
    ----------
    t_ms, current : array_like
        The common grid and the current as the runs saw it (``result.I``, or the
        stimulus sampled on the grid for runs without traces).
    spike_times : sequence of ndarray
        Each run's spike times (ms).
    result_of : callable
        ``result_of(k)`` -> the `SimulationResult` of run ``k``; called only for the runs a
        protocol rule has to look at (it reads ``params``, ``dt_ms`` and, with
        ``traces``, ``v_mV``).
    traces : bool
        Whether the runs recorded ``v`` (else the trace rules are skipped, as `classify`
        skips them).
    diverged : array_like of bool, optional
        Runs that diverged are labelled ``'divergent'``.
    thresholds : ClassifierThresholds, optional

    Returns
    -------
    ndarray of str (object)
        ``classify(result_of(k), thresholds).label`` for each run ``k``.
    """
    th = thresholds
    t = np.asarray(t_ms, dtype=float)
    proto = describe_stimulus(t, np.asarray(current, dtype=float),
                              min_ramp_steps=th.min_ramp_steps,
                              staircase_samples=th.staircase_samples)
    n_runs = len(spike_times)
    labels = np.full(n_runs, None, dtype=object)
    counts = np.array([len(s) for s in spike_times], dtype=np.int64)
    bad = np.zeros(n_runs, dtype=bool) if diverged is None else np.asarray(diverged, dtype=bool)
    labels[bad] = "divergent"
    ranges = [(rule, rule_may_apply(rule, proto, traces, th)) for rule in R.PROTOCOL_RULES]
    ranges = [(rule, lo, hi) for rule, (lo, hi) in ranges if lo <= hi]
    for k in np.flatnonzero(~bad) if ranges else ():
        n = counts[k]
        rules = [rule for rule, lo, hi in ranges if lo <= n <= hi]
        if not rules:
            continue
        res = result_of(int(k))
        ctx = R.RuleContext(result=res, t=t, v=np.asarray(res.v_mV, dtype=float) if traces else None,
                            spikes=np.sort(np.asarray(spike_times[k], dtype=float)), proto=proto,
                            params=res.params, th=th)
        for rule in rules:
            found = rule(ctx)
            if found is not None:
                labels[k] = found[0]
                break
    rest = np.flatnonzero(np.equal(labels, None))
    onset = proto.onset_ms if proto.onset_ms is not None else float(t[0])
    for n in np.unique(counts[rest]):
        rows = rest[counts[rest] == n]
        S = (np.sort(np.stack([np.asarray(spike_times[k], dtype=float) for k in rows]), axis=1)
             if n else np.zeros((len(rows), 0)))
        labels[rows] = spike_train_labels(S, float(t[-1]), onset, th)
    return labels


def _has_traces(result: SimulationResult) -> bool:
    return np.shape(result.v_mV) == np.shape(result.t_ms) and len(result.t_ms) > 0


def classify_batch(results: Sequence[SimulationResult],
                   thresholds: ClassifierThresholds = DEFAULT_THRESHOLDS) -> list[str]:
    """``[classify(r, thresholds).label for r in results]``, computed in groups.

    Runs with the same grid and the same sampled current (and with or without traces
    alike) share one reading of the protocol and are labelled together
    (`classify_trains`).

    Parameters
    ----------
    results : sequence of SimulationResult
    thresholds : ClassifierThresholds, optional

    Returns
    -------
    list of str
    """
    results = list(results)
    groups: dict = {}
    currents: dict = {}
    for i, res in enumerate(results):
        t = np.asarray(res.t_ms, dtype=float)
        recorded = np.shape(res.I) == np.shape(res.t_ms)
        if recorded:
            cur_key = np.asarray(res.I, dtype=float).tobytes()
        else:  # the stimulus, sampled on the grid (`sampled_current`), once per stimulus
            cur_key = ("stimulus", res.stimulus)
        key = (_has_traces(res), t.tobytes(), cur_key)
        if key not in groups:
            currents[key] = sampled_current(res)
            groups[key] = []
        groups[key].append(i)
    out: list[str] = [""] * len(results)
    for key, members in groups.items():
        traces, t_bytes, _ = key
        labels = classify_trains(
            np.frombuffer(t_bytes), currents[key],
            [results[i].spike_times_ms for i in members],
            result_of=lambda k, members=members: results[members[k]], traces=traces,
            diverged=[results[i].diverged for i in members], thresholds=thresholds)
        for i, label in zip(members, labels):
            out[i] = label
    return out
