"""Analysis of simulation results: phase-plane geometry, spike statistics, bursts, the
firing-pattern classifier and F–I curves.

* Phase plane: `nullclines`, `fixed_points` (with `FixedPoint` stability).
* Spike trains: `spike_stats` (`SpikeStats`), `detect_bursts` (`Burst`).
* Stimulus structure: `describe_stimulus` reads the *sampled* current back into flat
  pieces, ramps and excursions (`StimulusProtocol`), so the classifier never needs to
  know how a stimulus was built.
* Classifier: `classify` returns a `Classification` (one of `LABELS` and a one-sentence
  explanation); `label_matches` compares it with an expected label.
* `fi_curve`: steady-state and first-interval firing rates over a range of step
  currents, from one batched Brian2 run (`FICurve`).

The classifier
--------------
`classify` is a fixed, ordered list of rules: the first that applies gives the label.
Rules that need the protocol (ramps, pulses, lowered windows, traces) come first; a run
that none of them explains is labelled from its spike train alone. The stimulus is read
from the sampled current ``result.I`` (`describe_stimulus`). Terms:

* *baseline*: the initial current;
* *piece*: a stretch of constant current (flat) or constant slope (ramp) between jumps;
* *excursion*: a flat piece whose two neighbours sit at one common level, the run's first
  or last current (a pulse, or a window that returns); *brief*: at most 20 % of the run;
* *pulses-only protocol*: a baseline interrupted only by brief excursions;
* *identical pulses*: equal amplitude and, to one step, equal width;
* *burst*: a `detect_bursts` group (adaptive threshold) of at least 3 spikes;
* *ringing*: in a stretch of constant current, the rest state at that current is a stable
  focus whose linear oscillation keeps at least 5 % of its amplitude per half period,
  and ``v`` crosses that resting value twice, first by at least 10 % of its largest
  deviation, then by at least 1 %;
* *firing stops*: the silence after the last spike exceeds 3 times the longest ISI and
  twice the time from the onset to the last spike (a single spike: only the latter).

==============================  ==============================================================
label                           rule (checked in this order)
==============================  ==============================================================
divergent                       ``result.diverged`` (spike ceiling or state runaway).
inhibition-induced spiking /    At least 2/3 of the spikes fall while the current is below the
inhibition-induced bursting     baseline, none before the first lowering; bursting if bursts
                                hold at least half of those spikes.
rebound spike / rebound burst   All spikes follow the release from a negative current to a
                                level no higher than 0 (or than the level before it), none
                                before or during the negative current, and the firing ends
                                (the silence after it exceeds twice its longest ISI, or for a
                                single spike its delay from the release); a rebound burst
                                with at least 3 spikes, else a rebound spike.
accommodation                   Two rising ramps: a slow one reaches a current without firing
                                that is higher than where a ramp at least twice as steep fires.
class 1 / class 2 excitable     At least 3 spikes, 80 % of them on one rising ramp. Class 2
                                when the rate at onset (first interval) is at least 40 Hz
                                (Izhikevich 2004: class 2 cells cannot fire slower than about
                                40 Hz), class 1 otherwise. Steep ramps raise the onset rate of
                                any cell; `fi_curve` gives the steady-state answer.
resonator / integrator          Pulses-only, identical depolarizing pulses in at least 2 pairs
                                of different spacings: resonator when only the more widely
                                spaced pairs fire, integrator when only the closer ones fire.
threshold variability           Pulses-only, identical depolarizing pulses of which some fire
                                and some do not, and firing goes with whether a
                                hyperpolarizing pulse came just before.
bistability                     Pulses-only, the cell is silent at the baseline (which has a
                                stable rest), a pulse starts firing that persists after it,
                                and either a later pulse stops it for good, or it lasts (at
                                least 3 spikes) to the end of the run.
depolarizing after-potential    After the last spike, with the current constant and not above
                                the baseline, ``v`` rises (at least 1 mV above its first value
                                and 2 mV above the reset ``c``) and decays again by at least
                                2 mV, without firing.
spike latency                   Pulses-only with one depolarizing pulse, and the first spike
                                comes after it ended, later than 5 ms and than one pulse
                                width.
resonator                       An input change that evokes no spike is followed by ringing,
                                and a later input fires the cell.
subthreshold oscillations       At most 2 spikes, and ``v`` rings in some stretch of constant
                                current after an input change (after the last spike in it).
quiescent                       No spikes.
phasic spiking                  No burst and firing stops, or a single spike.
phasic bursting                 One burst holding every spike, then firing stops.
tonic bursting                  At least 2 bursts holding at least 2/3 of the spikes.
mixed mode                      A burst first, then at least 2 single spikes at a steady rate
                                (the last interval at most 1.1 times the first one after the
                                burst: a pause, then regular firing), no later burst.
spike frequency adaptation      At least 3 spikes whose ISIs lengthen by at least 20 % over at
                                least 3 consecutive intervals, or whose second ISI is at least
                                4 times the first (a fast onset doublet, then slow firing).
tonic spiking                   Anything else.
==============================  ==============================================================

The thresholds are round numbers chosen so that the published runs of all 28 presets get
their own label; the rules name protocol shapes, never presets, so any other run is
labelled by the same logic. Borderline cases exist (Fig. 1A "tonic spiking" and the
2003 RS cell differ mainly in the size of their onset doublet); the explanation and
``features`` say what was measured. A run without traces (``record=False``) skips the
rules that read ``v`` (after-potential, ringing).

Examples
--------
>>> from izhi_widgets import PRESETS, simulate
>>> from izhi_widgets.analysis import classify, spike_stats
>>> classify(simulate(PRESETS["C"])).label
'tonic bursting'
>>> round(spike_stats(simulate(PRESETS["A"])).first_spike_latency_ms, 2)
3.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .params import IzhikevichParams
from .result import SimulationResult

__all__ = [
    "nullclines",
    "FixedPoint",
    "fixed_points",
    "SpikeStats",
    "spike_stats",
    "Burst",
    "burst_isi_threshold",
    "detect_bursts",
    "StimulusPiece",
    "Excursion",
    "StimulusProtocol",
    "describe_stimulus",
    "LABELS",
    "Classification",
    "classify",
    "label_matches",
    "FICurve",
    "fi_curve",
]


# ---------------------------------------------------------------------------------------
# Phase plane


def nullclines(params: IzhikevichParams, I: float, v_mV: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``u`` values of the v-nullcline (``v' = 0``) and u-nullcline (``u' = 0``) along ``v_mV``.

    For the accommodation form (``u' = a b (v + 65)``) the u-nullcline is the vertical
    line ``v = -65``: its returned values are NaN except where ``v == -65`` (draw it
    with ``axvline``).

    Examples
    --------
    >>> import numpy as np
    >>> from izhi_widgets.params import IzhikevichParams
    >>> vn, un = nullclines(IzhikevichParams(), 0.0, np.array([-70.0]))
    >>> round(float(vn[0]), 6), round(float(un[0]), 6)
    (-14.0, -14.0)
    """
    v = np.asarray(v_mV, dtype=float)
    v_null = params.k2 * v * v + params.k1 * v + params.k0 + I
    v_shift, u_gain = params.recovery_terms()
    if u_gain == 0:
        u_null = np.where(v == -v_shift, 0.0, np.nan)
    else:
        u_null = params.b * (v + v_shift) / u_gain
    return v_null, u_null


@dataclass(frozen=True)
class FixedPoint:
    """An equilibrium ``(v, u)`` and its linear stability."""

    v_mV: float
    u: float
    kind: str  # 'stable node', 'stable focus', 'unstable node', 'unstable focus', 'saddle'
    eigenvalues: tuple[complex, complex]

    @property
    def stable(self) -> bool:
        return self.kind.startswith("stable")


def _classify(jacobian: np.ndarray) -> tuple[str, tuple[complex, complex]]:
    eig = np.linalg.eigvals(jacobian)
    re = eig.real
    if re[0] * re[1] < 0:
        kind = "saddle"
    else:
        stability = "stable" if np.all(re < 0) else "unstable"
        shape = "focus" if abs(eig[0].imag) > 1e-12 else "node"
        kind = f"{stability} {shape}"
    return kind, (complex(eig[0]), complex(eig[1]))


def fixed_points(params: IzhikevichParams, I: float) -> list[FixedPoint]:
    """Equilibria of the model under a constant current ``I`` (0, 1 or 2 of them), by rising v.

    Examples
    --------
    >>> from izhi_widgets.params import IzhikevichParams
    >>> [round(fp.v_mV, 2) for fp in fixed_points(IzhikevichParams(b=0.2), 0.0)]
    [-70.0, -50.0]
    """
    k2, k1, k0, a, b = params.k2, params.k1, params.k0, params.a, params.b
    v_shift, u_gain = params.recovery_terms()
    if u_gain == 0:  # accommodation form: u' = 0 only on v = -v_shift
        vs = [-v_shift]
    else:
        # k2 v^2 + k1 v + k0 + I = b (v + v_shift) / u_gain
        slope = b / u_gain
        coeffs = [k2, k1 - slope, k0 + I - slope * v_shift]
        if k2 == 0:
            vs = [] if coeffs[1] == 0 else [-coeffs[2] / coeffs[1]]
        else:
            disc = coeffs[1] ** 2 - 4 * k2 * coeffs[2]
            if disc < 0:
                vs = []
            else:
                root = np.sqrt(disc)
                vs = sorted({(-coeffs[1] - root) / (2 * k2), (-coeffs[1] + root) / (2 * k2)})
    points = []
    for v in vs:
        u = k2 * v * v + k1 * v + k0 + I
        jac = np.array([[2 * k2 * v + k1, -1.0], [a * b, -a * u_gain]])
        kind, eig = _classify(jac)
        points.append(FixedPoint(float(v), float(u), kind, eig))
    return points


def _stable_rest(params: IzhikevichParams, I: float) -> FixedPoint | None:
    """The stable equilibrium at current ``I`` (the lowest if several), or None."""
    stable = [fp for fp in fixed_points(params, I) if fp.stable]
    return stable[0] if stable else None


# ---------------------------------------------------------------------------------------
# Spike statistics and bursts


def _current_of(result: SimulationResult) -> np.ndarray:
    """The sampled current; rebuilt from the stimulus when the run recorded no traces."""
    current = np.asarray(result.I, dtype=float)
    if current.shape == np.shape(result.t_ms):
        return current
    return result.stimulus.current(result.t_ms)


def _has_traces(result: SimulationResult) -> bool:
    return np.shape(result.v_mV) == np.shape(result.t_ms) and len(result.t_ms) > 0


def _onset_ms(t: np.ndarray, current: np.ndarray) -> float | None:
    """Last sample time before the current first departs from its initial value."""
    if len(current) < 2:
        return None
    tol = _current_tol(current)
    moved = np.flatnonzero(np.abs(current - current[0]) > tol)
    if len(moved) == 0:
        return None
    return float(t[max(int(moved[0]) - 1, 0)])


def _current_tol(current: np.ndarray) -> float:
    scale = float(np.max(np.abs(current))) if len(current) else 1.0
    return 1e-9 * max(1.0, scale)


def _adaptation_index(isis: np.ndarray) -> float:
    if len(isis) < 2:
        return float("nan")
    return float(np.mean((isis[1:] - isis[:-1]) / (isis[1:] + isis[:-1])))


@dataclass(frozen=True, eq=False)
class SpikeStats:
    """Summary statistics of one spike train.

    Attributes
    ----------
    count : int
        Number of spikes.
    rate_hz : float
        Mean rate over the whole run (``count / duration``).
    isis_ms : ndarray
        Inter-spike intervals.
    mean_isi_ms, cv_isi : float
        Mean ISI (NaN without an ISI) and its coefficient of variation (population s.d.
        over mean; NaN with fewer than 2 ISIs).
    adaptation_index : float
        Mean over consecutive ISI pairs of ``(ISI[k+1] - ISI[k]) / (ISI[k+1] + ISI[k])``
        (the convention of the Allen Institute's IPFX feature extractor): 0 for a regular
        train, positive when the intervals lengthen (adaptation), below 1. NaN with fewer
        than 2 ISIs.
    first_spike_latency_ms : float or None
        First spike at or after the stimulus onset, minus the onset; None if no spike.
    onset_ms : float
        Stimulus onset: the last sample time before the current first departs from its
        initial value (for a step "for t > 10" that is 10); the run's start if the
        current never changes.
    """

    count: int
    rate_hz: float
    isis_ms: np.ndarray
    mean_isi_ms: float
    cv_isi: float
    adaptation_index: float
    first_spike_latency_ms: float | None
    onset_ms: float


def spike_stats(result: SimulationResult) -> SpikeStats:
    """Spike count, rate, ISIs, their CV, the adaptation index and the first-spike latency.

    Parameters
    ----------
    result : SimulationResult

    Returns
    -------
    SpikeStats

    Examples
    --------
    >>> from izhi_widgets import PRESETS, simulate
    >>> stats = spike_stats(simulate(PRESETS["A"]))
    >>> stats.count, stats.rate_hz, stats.isis_ms.tolist()
    (5, 50.0, [4.0, 14.5, 27.75, 27.5])
    >>> stats.onset_ms, stats.first_spike_latency_ms
    (10.0, 3.0)
    """
    t = np.asarray(result.t_ms, dtype=float)
    spikes = np.asarray(result.spike_times_ms, dtype=float)
    onset = _onset_ms(t, _current_of(result))
    if onset is None:  # a constant current: count from the start of the run
        onset = float(t[0])
    isis = np.diff(spikes)
    after = spikes[spikes >= onset]
    return SpikeStats(
        count=int(len(spikes)),
        rate_hz=1000.0 * len(spikes) / result.duration_ms if result.duration_ms > 0 else 0.0,
        isis_ms=isis,
        mean_isi_ms=float(np.mean(isis)) if len(isis) else float("nan"),
        cv_isi=float(np.std(isis) / np.mean(isis)) if len(isis) >= 2 else float("nan"),
        adaptation_index=_adaptation_index(isis),
        first_spike_latency_ms=float(after[0] - onset) if len(after) else None,
        onset_ms=float(onset),
    )


@dataclass(frozen=True)
class Burst:
    """A burst: ``n_spikes`` spikes from ``start_ms`` (first spike) to ``end_ms`` (last)."""

    start_ms: float
    end_ms: float
    n_spikes: int

    @property
    def duration_ms(self) -> float:
        return self.end_ms - self.start_ms


def burst_isi_threshold(spike_times_ms: ArrayLike, *, end_ms: float | None = None,
                        gap_ratio: float = 3.0) -> float | None:
    """The adaptive burst threshold of `detect_bursts`: an ISI in the largest gap of the ISIs.

    The ISIs are sorted; where two neighbours differ by the largest factor, and that
    factor is at least ``gap_ratio``, the threshold is their geometric mean (short ISIs
    below it are within bursts, long ones above it separate bursts). With ``end_ms`` the
    silence after the last spike counts as one more long interval when it is longer than
    every ISI, so a lone burst followed by silence is found. None when the intervals show
    no such gap (a regular train).

    Examples
    --------
    >>> round(burst_isi_threshold([0, 2, 4, 50, 52, 54]), 2)  # sqrt(2 * 46)
    9.59
    >>> burst_isi_threshold([0, 10, 20, 30]) is None
    True
    """
    spikes = np.sort(np.asarray(spike_times_ms, dtype=float))
    intervals = np.diff(spikes)
    if end_ms is not None and len(spikes):
        trailing = float(end_ms) - spikes[-1]
        if len(intervals) and trailing > intervals.max():
            intervals = np.append(intervals, trailing)
    intervals = np.sort(intervals[intervals > 0])
    if len(intervals) < 2:
        return None
    ratios = intervals[1:] / intervals[:-1]
    k = int(np.argmax(ratios))
    if ratios[k] < gap_ratio:
        return None
    return float(np.sqrt(intervals[k] * intervals[k + 1]))


def detect_bursts(spike_times_ms: ArrayLike, max_isi_ms: float | None = None,
                  min_spikes: int = 2, *, end_ms: float | None = None,
                  gap_ratio: float = 3.0) -> list[Burst]:
    """Bursts by the ISI-threshold rule.

    Consecutive spikes whose ISI is at most ``max_isi_ms`` belong to one group; groups
    of at least ``min_spikes`` spikes are bursts.

    Parameters
    ----------
    spike_times_ms : array_like
        Spike times (ms); sorted here.
    max_isi_ms : float, optional
        Fixed ISI threshold. If None (default) the threshold adapts to the train
        (`burst_isi_threshold`): it lies in the largest gap of the sorted ISIs when that
        gap is at least a factor ``gap_ratio``, and there are no bursts otherwise (a
        regular train). A threshold relative to the median ISI would fail when bursts
        hold a minority of the intervals (mixed mode); the gap adapts to both cases.
    min_spikes : int
        Fewest spikes in a burst (>= 2).
    end_ms : float, optional
        End of the observation window (adaptive threshold only): see
        `burst_isi_threshold`.
    gap_ratio : float
        Smallest factor between intra- and inter-burst intervals (adaptive threshold).

    Returns
    -------
    list of Burst

    Examples
    --------
    >>> detect_bursts([0, 2, 4, 50, 52, 54, 100])
    [Burst(start_ms=0.0, end_ms=4.0, n_spikes=3), Burst(start_ms=50.0, end_ms=54.0, n_spikes=3)]
    >>> detect_bursts([0, 3, 6, 9], max_isi_ms=5, min_spikes=3)
    [Burst(start_ms=0.0, end_ms=9.0, n_spikes=4)]
    >>> detect_bursts([0, 3, 6, 9]), detect_bursts([0, 3, 6, 9], end_ms=100)
    ([], [Burst(start_ms=0.0, end_ms=9.0, n_spikes=4)])
    """
    if min_spikes < 2:
        raise ValueError(f"min_spikes must be at least 2, got {min_spikes}")
    spikes = np.sort(np.asarray(spike_times_ms, dtype=float).reshape(-1))
    if max_isi_ms is None:
        threshold = burst_isi_threshold(spikes, end_ms=end_ms, gap_ratio=gap_ratio)
        if threshold is None:  # no gap between short and long intervals: a regular train
            return []
    else:
        threshold = float(max_isi_ms)
        if not threshold > 0:
            raise ValueError(f"max_isi_ms must be > 0, got {max_isi_ms!r}")
    bursts = []
    start = 0
    for k in range(1, len(spikes) + 1):
        if k == len(spikes) or spikes[k] - spikes[k - 1] > threshold:
            if k - start >= min_spikes:
                bursts.append(Burst(float(spikes[start]), float(spikes[k - 1]), k - start))
            start = k
    return bursts


# ---------------------------------------------------------------------------------------
# Stimulus structure

#: Fewest equal consecutive current increments that make a ramp (fewer are jumps).
MIN_RAMP_STEPS = 3
#: An excursion is brief if it lasts at most this fraction of the run.
BRIEF_FRACTION = 0.2


@dataclass(frozen=True)
class StimulusPiece:
    """A stretch of the sampled current: ``'flat'``, ``'ramp'`` (constant slope) or ``'varying'``.

    ``first``/``last`` are sample indices (inclusive). ``start_ms`` is the last sample
    time before the piece's current took over (the onset in the protocols' open-interval
    sense) and ``stop_ms`` the time of its last sample, so the pieces tile the run; a
    spike at ``t`` belongs to the piece with ``start_ms < t <= stop_ms``.
    """

    kind: str
    start_ms: float
    stop_ms: float
    first: int
    last: int
    current_start: float
    current_end: float

    @property
    def duration_ms(self) -> float:
        return self.stop_ms - self.start_ms

    @property
    def level(self) -> float:
        """The current of a flat piece (its first value otherwise)."""
        return self.current_start

    @property
    def slope_per_ms(self) -> float:
        span = self.stop_ms - self.start_ms
        return (self.current_end - self.current_start) / span if span > 0 else 0.0

    def contains(self, t_ms: ArrayLike) -> np.ndarray:
        t = np.asarray(t_ms, dtype=float)
        return (t > self.start_ms) & (t <= self.stop_ms)


@dataclass(frozen=True)
class Excursion:
    """A flat piece (index ``piece``) whose neighbours share the level ``base``: a pulse/window."""

    piece: int
    start_ms: float
    stop_ms: float
    level: float
    base: float

    @property
    def amplitude(self) -> float:
        return self.level - self.base

    @property
    def width_ms(self) -> float:
        return self.stop_ms - self.start_ms


@dataclass(frozen=True)
class StimulusProtocol:
    """The structure of a sampled current (see `describe_stimulus`)."""

    pieces: tuple[StimulusPiece, ...]
    excursions: tuple[Excursion, ...]
    initial: float
    onset_ms: float | None
    duration_ms: float
    tol: float

    @property
    def all_flat(self) -> bool:
        return all(p.kind == "flat" for p in self.pieces)

    @property
    def ramps(self) -> list[StimulusPiece]:
        """Rising ramps."""
        return [p for p in self.pieces if p.kind == "ramp" and p.slope_per_ms > 0]

    def is_brief(self, exc: Excursion) -> bool:
        return exc.width_ms <= BRIEF_FRACTION * self.duration_ms

    def same(self, a: float, b: float) -> bool:
        return abs(a - b) <= self.tol

    def describe(self) -> str:
        """Short text, e.g. ``'flat 0 to 10 ms, flat 14 to 100 ms'``."""
        parts = []
        for p in self.pieces:
            if p.kind == "flat":
                parts.append(f"{p.level:g} until {p.stop_ms:g} ms")
            elif p.kind == "ramp":
                parts.append(f"ramp {p.current_start:g} -> {p.current_end:g} "
                             f"until {p.stop_ms:g} ms")
            else:
                parts.append(f"varying until {p.stop_ms:g} ms")
        return ", ".join(parts)


def _true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs (stop exclusive) of the runs of True in ``mask``."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


#: Runs of at least 3 consecutive pieces this short (in samples) are one varying piece.
STAIRCASE_SAMPLES = 4


def _merge_staircases(pieces: list[StimulusPiece]) -> list[StimulusPiece]:
    """Fold runs of tiny pieces (noise held on a grid coarser than dt) into varying pieces."""
    short = np.array([p.last - p.first + 1 <= STAIRCASE_SAMPLES for p in pieces])
    runs = [(a, b) for a, b in _true_runs(short) if b - a >= 3]
    if not runs:
        return pieces
    out, k = [], 0
    for a, b in runs:
        out.extend(pieces[k:a])
        first, last = pieces[a], pieces[b - 1]
        out.append(StimulusPiece("varying", first.start_ms, last.stop_ms, first.first,
                                 last.last, first.current_start, last.current_end))
        k = b
    out.extend(pieces[k:])
    return out


def describe_stimulus(t_ms: ArrayLike, current: ArrayLike) -> StimulusProtocol:
    """Read a sampled current back into pieces (flat, ramp, varying) and excursions.

    The increments ``I[k+1] - I[k]`` are sorted into: zero (flat), runs of at least
    `MIN_RAMP_STEPS` equal non-zero increments (a ramp), isolated non-zero increments
    (jumps, which separate pieces) and runs of at least 3 unequal non-zero increments
    (varying: noise, sines); 3 or more consecutive pieces of at most `STAIRCASE_SAMPLES`
    samples also make one varying piece (noise held on a grid coarser than the step). An excursion is a flat piece whose neighbours are flat at one
    common other level (a pulse, or a window that returns), that level being the first or the last
    current of the run.

    Parameters
    ----------
    t_ms, current : array_like
        The sample grid and the current on it.

    Returns
    -------
    StimulusProtocol

    Examples
    --------
    >>> from izhi_widgets import PRESETS
    >>> from izhi_widgets.result import time_grid
    >>> p = PRESETS["O"]
    >>> t = time_grid(p.duration_ms, p.dt_ms)
    >>> proto = describe_stimulus(t, p.stimulus.current(t))
    >>> [(e.start_ms, e.amplitude) for e in proto.excursions]
    [(10.0, 1.0), (70.0, -6.0), (80.0, 1.0)]
    >>> proto.onset_ms
    10.0
    """
    t = np.asarray(t_ms, dtype=float).reshape(-1)
    cur = np.asarray(current, dtype=float).reshape(-1)
    if len(t) == 0 or len(t) != len(cur):
        raise ValueError(f"t_ms and current must be non-empty and of equal length "
                         f"({len(t)} vs {len(cur)})")
    tol = _current_tol(cur)
    n = len(cur)
    # Per increment: 0 flat, 1 jump, 2 ramp, 3 varying; ramps also carry a run id.
    FLAT, JUMP, RAMP, VARY = 0, 1, 2, 3
    d = np.diff(cur)
    kind = np.where(np.abs(d) > tol, JUMP, FLAT)
    run_id = np.full(len(d), -1)
    if len(d) >= 2:
        moving = kind == JUMP
        equal_next = moving[1:] & moving[:-1] & (
            np.abs(d[1:] - d[:-1]) <= 1e-6 * np.abs(d[:-1]) + tol)
        for a, b in _true_runs(equal_next):  # increments a..b are equal
            if b - a + 1 >= MIN_RAMP_STEPS:
                kind[a:b + 1] = RAMP
                run_id[a:b + 1] = a
        for a, b in _true_runs(kind == JUMP):
            if b - a >= 3:
                kind[a:b] = VARY
    pieces: list[StimulusPiece] = []

    def close(first: int, last: int, code: int, start_ms: float) -> None:
        name = {FLAT: "flat", RAMP: "ramp", VARY: "varying"}.get(code, "flat")
        pieces.append(StimulusPiece(name, start_ms, float(t[last]), first, last,
                                    float(cur[first]), float(cur[last])))

    # Walk only the increments where the kind (or ramp run) changes, or that are jumps.
    ident = np.where(kind == RAMP, run_id, -1)
    marks = np.flatnonzero((kind == JUMP) | np.concatenate(
        ([True], (kind[1:] != kind[:-1]) | (ident[1:] != ident[:-1]))))
    first, start_ms, key = 0, float(t[0]), None
    for k in marks.tolist():
        if kind[k] == JUMP:
            close(first, k, FLAT if key is None else key[0], start_ms)
            first, start_ms, key = k + 1, float(t[k]), None
            continue
        this = (int(kind[k]), int(run_id[k]))
        if key is None:
            key = this
        elif this != key:
            close(first, k, key[0], start_ms)
            first, start_ms, key = k, float(t[k]), this
    close(first, n - 1, FLAT if key is None else key[0], start_ms)
    pieces = _merge_staircases(pieces)

    # The level an excursion leaves and returns to must be where the run starts or ends
    # (so the gaps of a pulse train are not read as excursions from the pulses).
    anchors = (float(cur[0]), float(cur[-1]))
    excursions = []
    for j in range(1, len(pieces) - 1):
        prev, here, nxt = pieces[j - 1], pieces[j], pieces[j + 1]
        if (prev.kind == here.kind == nxt.kind == "flat"
                and abs(prev.level - nxt.level) <= tol and abs(here.level - prev.level) > tol
                and min(abs(prev.level - a) for a in anchors) <= tol):
            excursions.append(Excursion(j, here.start_ms, here.stop_ms, here.level, prev.level))
    return StimulusProtocol(tuple(pieces), tuple(excursions), float(cur[0]), _onset_ms(t, cur),
                            float(t[-1] - t[0]), tol)


# ---------------------------------------------------------------------------------------
# The classifier

#: Every label `classify` can return.
LABELS: tuple[str, ...] = (
    "quiescent", "divergent", "tonic spiking", "phasic spiking", "tonic bursting",
    "phasic bursting", "mixed mode", "spike frequency adaptation", "class 1 excitable",
    "class 2 excitable", "spike latency", "subthreshold oscillations", "resonator",
    "integrator", "rebound spike", "rebound burst", "threshold variability", "bistability",
    "depolarizing after-potential", "accommodation", "inhibition-induced spiking",
    "inhibition-induced bursting",
)

#: Smallest number of spikes of a burst in the pattern rules.
BURST_MIN_SPIKES = 3
#: Class 2 neurons cannot fire slower than about this (Izhikevich 2004).
CLASS2_MIN_RATE_HZ = 40.0


@dataclass(frozen=True)
class Classification:
    """A firing-pattern label, why it was given, and the measured features."""

    label: str
    explanation: str
    features: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass
class _Context:
    result: SimulationResult
    t: np.ndarray
    v: np.ndarray | None
    spikes: np.ndarray
    proto: StimulusProtocol
    params: IzhikevichParams

    def spikes_in(self, start_ms: float, stop_ms: float) -> np.ndarray:
        """Spikes with ``start_ms < t <= stop_ms``."""
        return self.spikes[(self.spikes > start_ms) & (self.spikes <= stop_ms)]

    def count_in(self, start_ms: float, stop_ms: float) -> int:
        return int(len(self.spikes_in(start_ms, stop_ms)))


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"


def _span(values: Sequence[float], unit: str = "") -> str:
    lo, hi = min(values), max(values)
    return f"{_fmt(lo)}{unit}" if _fmt(lo) == _fmt(hi) else f"{_fmt(lo)}–{_fmt(hi)}{unit}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _ringing(t: np.ndarray, v: np.ndarray, v_rest: float) -> bool:
    """Whether ``v`` crosses ``v_rest`` twice: by >= 10 %, then >= 1 % of its largest deviation."""
    if len(v) < 5:
        return False
    dev = v - v_rest
    step = np.sign(np.diff(dev))
    # Carry the last non-zero direction over flat stretches so plateaus are not extrema.
    nz = np.flatnonzero(step)
    if len(nz) == 0:
        return False
    step = step[nz[np.clip(np.searchsorted(nz, np.arange(len(step)), side="right") - 1, 0, None)]]
    turns = np.flatnonzero(step[1:] != step[:-1]) + 1
    extrema = np.concatenate(([0], turns))
    values = dev[extrema]
    k0 = int(np.argmax(np.abs(values)))
    big = abs(values[k0])
    if big <= 0.01:
        return False
    crossings, sign = 0, np.sign(values[k0])
    for value in values[k0 + 1:]:
        need = (0.1 if crossings == 0 else 0.01) * big
        if np.sign(value) == -sign and abs(value) >= max(need, 0.005):
            crossings += 1
            sign = -sign
            if crossings == 2:
                return True
    return False


#: A focus counts as oscillating if its amplitude keeps at least this fraction per half period.
MIN_HALF_PERIOD_DECAY = 0.05


def _window_rings(ctx: _Context, first: int, last: int, level: float) -> bool:
    if ctx.v is None or last - first < 4:
        return False
    rest = _stable_rest(ctx.params, level)
    if rest is None or rest.kind != "stable focus":
        return False
    # A heavily damped focus can still overshoot twice after a large (nonlinear) excursion;
    # ask the linearization whether any ringing would be visible.
    lam = rest.eigenvalues[0]
    if math.exp(-math.pi * abs(lam.real) / abs(lam.imag)) < MIN_HALF_PERIOD_DECAY:
        return False
    return _ringing(ctx.t[first:last + 1], ctx.v[first:last + 1], rest.v_mV)


def _response_ends(spikes: np.ndarray, start_ms: float, stop_ms: float) -> bool:
    """Firing that started after ``start_ms`` has stopped by ``stop_ms``.

    The silence after the last spike must exceed twice the longest ISI (a single spike:
    the delay from ``start_ms`` to it).
    """
    if not len(spikes):
        return False
    silence = stop_ms - spikes[-1]
    if len(spikes) == 1:
        return silence >= spikes[0] - start_ms
    return silence > 2 * float(np.max(np.diff(spikes)))


def _is_bursting(spikes: np.ndarray, end_ms: float,
                 min_spikes: int = BURST_MIN_SPIKES) -> list[Burst]:
    """Bursts of the train if they hold at least half of its spikes, else []."""
    bursts = detect_bursts(spikes, min_spikes=min_spikes, end_ms=end_ms)
    in_bursts = sum(b.n_spikes for b in bursts)
    return bursts if bursts and 2 * in_bursts >= len(spikes) else []


# Each rule returns (label, explanation, features) or None.
_Rule = Callable[[_Context], "tuple[str, str, dict] | None"]


def _rule_inhibition_induced(ctx: _Context):
    proto = ctx.proto
    lowered = [p for p in proto.pieces if p.kind == "flat" and p.duration_ms > 0
               and p.level < proto.initial - proto.tol]
    if not lowered or not len(ctx.spikes):
        return None
    inside = np.zeros(len(ctx.spikes), dtype=bool)
    for p in lowered:
        inside |= p.contains(ctx.spikes)
    # Silent at the baseline before the first lowering; a spike trailing a window is allowed.
    if 3 * inside.sum() < 2 * len(inside) or ctx.count_in(-math.inf, lowered[0].start_ms):
        return None
    spikes = ctx.spikes[inside]
    window = max(lowered, key=lambda p: int(p.contains(spikes).sum()))
    bursts = _is_bursting(spikes, window.stop_ms)
    where = (f"while the current is lowered from {proto.initial:g} to {window.level:g} "
             f"({window.start_ms:g}–{window.stop_ms:g} ms)")
    features = {"lowered_to": window.level, "baseline": proto.initial,
                "n_bursts": len(bursts)}
    if bursts:
        return ("inhibition-induced bursting",
                f"{_plural(len(bursts), 'burst')} of {_span([b.n_spikes for b in bursts])} spikes "
                f"{where}, none at {proto.initial:g} before it.", features)
    return ("inhibition-induced spiking",
            f"{_plural(len(spikes), 'spike')} {where}, none at {proto.initial:g} before it.",
            features)


def _rule_rebound(ctx: _Context):
    pieces, spikes = ctx.proto.pieces, ctx.spikes
    if not len(spikes):
        return None
    for j in range(1, len(pieces)):
        low, rel = pieces[j - 1], pieces[j]
        if not (low.kind == rel.kind == "flat" and low.level < -ctx.proto.tol
                and rel.level > low.level):
            continue
        before = pieces[j - 2].level if j >= 2 and pieces[j - 2].kind == "flat" else 0.0
        if rel.level > max(0.0, before) + ctx.proto.tol:
            continue
        response = ctx.spikes_in(rel.start_ms, rel.stop_ms)
        if len(response) != len(spikes):  # spikes before, during or after elsewhere
            continue
        if not _response_ends(response, rel.start_ms, rel.stop_ms):
            continue
        features = {"hyperpolarized_to": low.level, "released_to": rel.level,
                    "released_at_ms": rel.start_ms, "n_spikes": len(response)}
        release = (f"after release from {low.level:g} to {rel.level:g} at "
                   f"{rel.start_ms:g} ms")
        if len(response) >= BURST_MIN_SPIKES:  # a transient group of spikes: a burst
            return ("rebound burst",
                    f"A burst of {len(response)} spikes ({_fmt(response[0])}–"
                    f"{_fmt(response[-1])} ms) {release}, none before.", features)
        when = (f"at {_fmt(response[0])} ms" if len(response) == 1 else
                f"({_fmt(response[0])}–{_fmt(response[-1])} ms)")
        return ("rebound spike",
                f"{_plural(len(response), 'spike')} {when} {release}, none before.", features)
    return None


def _rule_accommodation(ctx: _Context):
    ramps = ctx.proto.ramps
    if len(ramps) < 2:
        return None
    for slow in ramps:
        if ctx.count_in(slow.start_ms, slow.stop_ms):
            continue
        for fast in ramps:
            if fast.slope_per_ms < 2 * slow.slope_per_ms:
                continue
            fired = ctx.spikes_in(fast.start_ms, fast.stop_ms)
            if not len(fired):
                continue
            i_fire = fast.current_start + fast.slope_per_ms * (fired[0] - fast.start_ms)
            if i_fire < slow.current_end:
                return ("accommodation",
                        f"A slow ramp ({slow.slope_per_ms:.3g}/ms) reaching {slow.current_end:.3g} "
                        f"evokes no spike, but a ramp {fast.slope_per_ms / slow.slope_per_ms:.3g} "
                        f"times steeper fires at {i_fire:.3g}.",
                        {"slow_slope": slow.slope_per_ms, "fast_slope": fast.slope_per_ms,
                         "slow_peak": slow.current_end, "fire_current": i_fire})
    return None


def _rule_excitability_class(ctx: _Context):
    spikes = ctx.spikes
    if len(spikes) < 3:
        return None
    best = max(ctx.proto.ramps, key=lambda p: ctx.count_in(p.start_ms, p.stop_ms), default=None)
    if best is None:
        return None
    on_ramp = ctx.spikes_in(best.start_ms, best.stop_ms)
    if len(on_ramp) < 3 or len(on_ramp) < 0.8 * len(spikes):
        return None
    isis = np.diff(on_ramp)
    rate_first, rate_last = 1000.0 / isis[0], 1000.0 / isis[-1]
    i_first = best.current_start + best.slope_per_ms * (on_ramp[0] - best.start_ms)
    features = {"rate_first_hz": rate_first, "rate_last_hz": rate_last,
                "current_at_first_spike": i_first, "slope_per_ms": best.slope_per_ms}
    if rate_first >= CLASS2_MIN_RATE_HZ:
        return ("class 2 excitable",
                f"Under a ramp the cell starts firing abruptly at {rate_first:.0f} Hz "
                f"(current {i_first:.3g}) and only reaches {rate_last:.0f} Hz.", features)
    return ("class 1 excitable",
            f"Under a ramp the cell starts firing at a low {rate_first:.0f} Hz "
            f"(current {i_first:.3g}) and speeds up to {rate_last:.0f} Hz.", features)


def _pulses_only(proto: StimulusProtocol) -> bool:
    """A constant baseline interrupted only by brief excursions from it."""
    if not proto.all_flat or not proto.excursions:
        return False
    base = proto.excursions[0].base
    pulse_pieces = {e.piece for e in proto.excursions}
    return all(proto.is_brief(e) and proto.same(e.base, base) for e in proto.excursions) and all(
        j in pulse_pieces or proto.same(p.level, base) for j, p in enumerate(proto.pieces))


def _positive_pulses(ctx: _Context) -> list[Excursion]:
    return [e for e in ctx.proto.excursions if e.amplitude > 0 and ctx.proto.is_brief(e)]


def _identical(ctx: _Context, pulses: Sequence[Excursion]) -> bool:
    dt = float(ctx.result.dt_ms)
    # Widths are counted in samples, so one onset off the grid changes them by one step.
    return all(abs(p.amplitude - pulses[0].amplitude) <= ctx.proto.tol
               and abs(p.width_ms - pulses[0].width_ms) <= dt * 1.001 for p in pulses)


def _rule_pulse_pairs(ctx: _Context):
    proto = ctx.proto
    pulses = _positive_pulses(ctx)
    if (not _pulses_only(proto) or len(pulses) < 4 or len(pulses) % 2
            or len(pulses) != len(proto.excursions) or not _identical(ctx, pulses)):
        return None
    pairs = [(pulses[i], pulses[i + 1]) for i in range(0, len(pulses), 2)]
    gaps = [b.start_ms - a.start_ms for a, b in pairs]
    between = [pairs[i + 1][0].start_ms - pairs[i][1].start_ms for i in range(len(pairs) - 1)]
    if min(between) <= max(gaps) or max(gaps) < 1.2 * min(gaps):
        return None
    fired = []
    for i, (a, _) in enumerate(pairs):
        stop = pairs[i + 1][0].start_ms if i + 1 < len(pairs) else float(ctx.t[-1])
        fired.append(ctx.count_in(a.start_ms, stop) > 0)
    if ctx.count_in(-math.inf, pairs[0][0].start_ms) or all(fired) or not any(fired):
        return None
    yes = [g for g, f in zip(gaps, fired) if f]
    no = [g for g, f in zip(gaps, fired) if not f]
    features = {"pair_gaps_ms": gaps, "pair_fired": fired}
    text = (f"pulse pairs {_span(yes, ' ms')} apart fire, pairs {_span(no, ' ms')} apart "
            f"do not")
    if min(yes) > max(no):
        return ("resonator", f"Of identical pulses, {text}: only the wider spacing (near the "
                             f"subthreshold period) excites the cell.", features)
    if max(yes) < min(no):
        return ("integrator", f"Of identical pulses, {text}: closely spaced inputs sum to "
                              f"threshold.", features)
    return None


def _rule_threshold_variability(ctx: _Context):
    proto = ctx.proto
    if not _pulses_only(proto):
        return None
    pulses = _positive_pulses(ctx)
    negatives = [e for e in proto.excursions if e.amplitude < 0]
    if len(pulses) < 2 or not negatives or not _identical(ctx, pulses):
        return None
    order = list(proto.excursions)
    fired, primed = [], []
    for p in pulses:
        k = order.index(p)
        stop = order[k + 1].start_ms if k + 1 < len(order) else float(ctx.t[-1])
        fired.append(ctx.count_in(p.start_ms, stop) > 0)
        primed.append(k > 0 and order[k - 1].amplitude < 0)
    if all(fired) or not any(fired) or not (fired == primed or fired == [not x for x in primed]):
        return None
    if ctx.count_in(-math.inf, pulses[0].start_ms):
        return None
    how = "after" if fired == primed else "without"
    return ("threshold variability",
            f"The same {pulses[0].amplitude:g}-amplitude pulse fires only {how} a preceding "
            f"hyperpolarizing pulse ({sum(fired)} of {len(pulses)} pulses fire).",
            {"pulse_fired": fired, "pulse_primed": primed})


def _rule_bistability(ctx: _Context):
    proto, spikes = ctx.proto, ctx.spikes
    pulses = list(proto.excursions)
    if len(spikes) < 2 or not _pulses_only(proto):
        return None
    end = float(ctx.t[-1])
    for k, p in enumerate(pulses):
        if ctx.count_in(-math.inf, p.start_ms) or _stable_rest(ctx.params, p.base) is None:
            continue
        nxt = pulses[k + 1] if k + 1 < len(pulses) else None
        stop = nxt.start_ms if nxt else end
        after = ctx.spikes_in(p.stop_ms, stop)
        if len(after) < 2:
            continue
        isi = float(np.median(np.diff(after)))
        if stop - after[-1] > 1.5 * isi:  # firing did not persist up to the next pulse
            continue
        features = {"switched_on_ms": p.start_ms, "rate_hz": 1000.0 / isi}
        if nxt is None:
            if len(after) >= 3:
                return ("bistability",
                        f"Silent at {p.base:g} until a pulse at {p.start_ms:g} ms starts "
                        f"firing at {1000 / isi:.0f} Hz that outlasts it to the end "
                        f"({len(after)} spikes).", features)
            continue
        if ctx.count_in(nxt.start_ms, end) == 0 and end - after[-1] > 1.5 * isi:
            features["switched_off_ms"] = nxt.start_ms
            return ("bistability",
                    f"Silent at {p.base:g} until a pulse at {p.start_ms:g} ms starts "
                    f"self-sustained firing at {1000 / isi:.0f} Hz ({len(after)} spikes); a "
                    f"pulse at {nxt.start_ms:g} ms stops it.", features)
    return None


def _rule_dap(ctx: _Context):
    if ctx.v is None or not len(ctx.spikes):
        return None
    last = float(ctx.spikes[-1])
    piece = next((p for p in ctx.proto.pieces if p.start_ms < last <= p.stop_ms), None)
    if piece is None or piece.kind != "flat" or piece.level > ctx.proto.initial + ctx.proto.tol:
        return None
    k = int(np.searchsorted(ctx.t, last)) + 1
    v = ctx.v[k:piece.last + 1]
    if len(v) < 3:
        return None
    top = int(np.argmax(v))
    hump = float(v[top] - ctx.params.c)
    if top == 0 or hump < 2.0 or v[top] - v[0] < 1.0 or v[top] - v[-1] < 2.0:
        return None
    return ("depolarizing after-potential",
            f"After the spike at {_fmt(last)} ms the potential climbs {hump:.3g} mV above the "
            f"reset ({ctx.params.c:g} mV) at {_fmt(ctx.t[k + top])} ms before decaying, "
            f"with the input back at {piece.level:g}.",
            {"dap_mV": hump, "dap_peak_ms": float(ctx.t[k + top])})


def _rule_latency(ctx: _Context):
    proto = ctx.proto
    if not len(ctx.spikes) or not _pulses_only(proto) or len(proto.excursions) != 1:
        return None
    pulse = proto.excursions[0]
    if pulse.amplitude <= 0:
        return None
    delay = float(ctx.spikes[0] - pulse.stop_ms)
    if delay < max(5.0, pulse.width_ms):
        return None
    return ("spike latency",
            f"A {_fmt(pulse.width_ms)} ms pulse evokes a spike "
            f"{_fmt(ctx.spikes[0] - pulse.start_ms)} ms after its onset, {_fmt(delay)} ms "
            f"after it ended.",
            {"latency_ms": float(ctx.spikes[0] - pulse.start_ms), "delay_after_pulse_ms": delay})


def _rule_resonator_ringing(ctx: _Context):
    if ctx.v is None or not len(ctx.spikes):
        return None
    for piece in ctx.proto.pieces[1:]:
        if piece.kind != "flat" or ctx.count_in(piece.start_ms, piece.stop_ms):
            continue
        if not ctx.count_in(piece.stop_ms, math.inf):
            continue
        if _window_rings(ctx, piece.first, piece.last, piece.level):
            return ("resonator",
                    f"An input change at {piece.start_ms:g} ms evokes no spike but damped "
                    f"subthreshold ringing, and a later input fires the cell "
                    f"({_plural(len(ctx.spikes), 'spike')}).",
                    {"ringing_from_ms": piece.start_ms})
    return None


def _rule_subthreshold_oscillations(ctx: _Context):
    if ctx.v is None or len(ctx.spikes) > 2:
        return None
    for piece in ctx.proto.pieces[1:]:
        if piece.kind != "flat":
            continue
        inside = ctx.spikes_in(piece.start_ms, piece.stop_ms)
        first = piece.first
        if len(inside):
            first = int(np.searchsorted(ctx.t, inside[-1])) + 1
        if _window_rings(ctx, first, piece.last, piece.level):
            after = ("after the spike" if len(inside) else
                     f"after the input change at {piece.start_ms:g} ms")
            return ("subthreshold oscillations",
                    f"The potential rings (damped subthreshold oscillation around "
                    f"{_stable_rest(ctx.params, piece.level).v_mV:.3g} mV) {after}.",
                    {"ringing_from_ms": float(ctx.t[first])})
    return None


_PROTOCOL_RULES: tuple[_Rule, ...] = (
    _rule_inhibition_induced,
    _rule_rebound,
    _rule_accommodation,
    _rule_excitability_class,
    _rule_pulse_pairs,
    _rule_threshold_variability,
    _rule_bistability,
    _rule_dap,
    _rule_latency,
    _rule_resonator_ringing,
    _rule_subthreshold_oscillations,
)


def _spike_train_rule(ctx: _Context) -> tuple[str, str, dict]:
    spikes = ctx.spikes
    end = float(ctx.t[-1])
    onset = ctx.proto.onset_ms if ctx.proto.onset_ms is not None else float(ctx.t[0])
    n = len(spikes)
    if n == 0:
        return ("quiescent", f"No spikes in {_fmt(ctx.result.duration_ms)} ms "
                             f"(input: {ctx.proto.describe()}).", {})
    isis = np.diff(spikes)
    silence = end - spikes[-1]
    stopped = silence > 2 * (spikes[-1] - onset) and (n == 1 or silence > 3 * isis.max())
    bursts = detect_bursts(spikes, min_spikes=BURST_MIN_SPIKES, end_ms=end)
    features: dict[str, Any] = {"n_spikes": n, "n_bursts": len(bursts),
                                "bursts": [(b.start_ms, b.end_ms, b.n_spikes) for b in bursts]}
    if not bursts and stopped:
        return ("phasic spiking",
                f"{_plural(n, 'spike')} {_fmt(spikes[0] - onset)} ms after onset, then silent "
                f"for {_fmt(silence)} ms.", features)
    if len(bursts) == 1 and stopped and bursts[0].start_ms == spikes[0] and bursts[0].n_spikes == n:
        b = bursts[0]
        return ("phasic bursting",
                f"One burst of {b.n_spikes} spikes ({_fmt(b.start_ms)}–{_fmt(b.end_ms)} ms) at "
                f"onset, then silent for {_fmt(silence)} ms.", features)
    in_bursts = sum(b.n_spikes for b in bursts)
    if len(bursts) >= 2 and 3 * in_bursts >= 2 * n:
        starts = np.array([b.start_ms for b in bursts])
        return ("tonic bursting",
                f"{len(bursts)} bursts of {_span([b.n_spikes for b in bursts])} spikes at "
                f"intervals of {_span(np.diff(starts).tolist(), ' ms')}.", features)
    if bursts and bursts[0].start_ms == spikes[0]:
        tail = spikes[spikes > bursts[0].end_ms]
        if len(tail) >= 2 and not any(b.start_ms > bursts[0].end_ms for b in bursts):
            post = np.diff(np.concatenate(([bursts[0].end_ms], tail)))
            if post[-1] <= 1.1 * post[0]:
                return ("mixed mode",
                        f"An initial burst of {bursts[0].n_spikes} spikes, then "
                        f"{len(tail)} single spikes at intervals of {_span(post.tolist(), ' ms')}.",
                        features)
    if n >= 3:
        longer = isis[1:] >= 1.2 * isis[:-1]
        longest_run = max((b - a for a, b in _true_runs(longer)), default=0)
        features.update(adaptation_index=_adaptation_index(isis), lengthening_run=longest_run)
        if longest_run >= 3 or isis[1] >= 4 * isis[0]:
            return ("spike frequency adaptation",
                    f"{n} spikes whose intervals lengthen from {_fmt(isis[0])} to "
                    f"{_fmt(isis[-1])} ms (rate {1000 / isis[0]:.0f} -> {1000 / isis[-1]:.0f} Hz).",
                    features)
    if n == 1:
        return ("phasic spiking", f"A single spike at {_fmt(spikes[0])} ms.", features)
    return ("tonic spiking",
            f"{n} spikes, repeating at a median {1000 / np.median(isis):.0f} Hz without "
            f"lasting slow-down (ISIs {_span(isis.tolist(), ' ms')}).", features)


def classify(result: SimulationResult) -> Classification:
    """Name the firing pattern of a run, from its spikes, its stimulus and its traces.

    The rules, in order, are tabulated in the module docstring; the first that applies
    gives the label. Protocol-defined features (ramps, pulse pairs, lowered or
    hyperpolarizing windows, after-potentials, ringing) are read from the sampled current
    ``result.I`` and the trace ``result.v_mV``; a run without traces (``record=False``)
    is judged on its spikes and the stimulus alone (the trace rules are skipped).

    Parameters
    ----------
    result : SimulationResult

    Returns
    -------
    Classification
        ``label`` (one of `LABELS`), ``explanation`` (one sentence) and ``features``.

    Examples
    --------
    >>> from izhi_widgets import PRESETS, IzhikevichParams, Step, simulate
    >>> classify(simulate(PRESETS["K"])).label
    'resonator'
    >>> res = simulate(IzhikevichParams(a=0.1, b=0.2, c=-65, d=2), Step(14, 10),
    ...                duration_ms=200, v0_mV=-70)
    >>> c = classify(res)
    >>> c.label
    'tonic spiking'
    """
    t = np.asarray(result.t_ms, dtype=float)
    if result.diverged:
        return Classification("divergent", f"The run diverged: {result.message}",
                              {"n_spikes": result.n_spikes})
    spikes = np.sort(np.asarray(result.spike_times_ms, dtype=float))
    ctx = _Context(result=result, t=t,
                   v=np.asarray(result.v_mV, dtype=float) if _has_traces(result) else None,
                   spikes=spikes, proto=describe_stimulus(t, _current_of(result)),
                   params=result.params)
    for rule in _PROTOCOL_RULES:
        found = rule(ctx)
        if found is not None:
            label, text, features = found
            features.setdefault("n_spikes", int(len(spikes)))
            features["rule"] = rule.__name__.removeprefix("_rule_")
            return Classification(label, text, features)
    label, text, features = _spike_train_rule(ctx)
    features["rule"] = "spike train"
    return Classification(label, text, features)


def label_matches(result: SimulationResult, expected_label: str) -> bool:
    """Whether `classify` gives ``expected_label`` (which must be one of `LABELS`).

    Examples
    --------
    >>> from izhi_widgets import PRESETS, simulate
    >>> label_matches(simulate(PRESETS["M"]), PRESETS["M"].label)
    True
    """
    if expected_label not in LABELS:
        raise ValueError(f"unknown label {expected_label!r}; expected one of {LABELS}")
    return classify(result).label == expected_label


# ---------------------------------------------------------------------------------------
# F–I curve


@dataclass(frozen=True, eq=False)
class FICurve:
    """Firing rate against step current.

    Attributes
    ----------
    currents : ndarray
        Step amplitudes.
    rates_hz : ndarray
        Steady-state rate: spikes in the second half of the step (from
        ``onset + (duration - onset) / 2`` to the end) over that half's length.
    first_rates_hz : ndarray
        ``1000 / first ISI`` after the onset (0 with fewer than 2 spikes): the initial,
        unadapted rate.
    n_spikes : ndarray
        Spikes after the onset.
    diverged : ndarray of bool
        Runs stopped as runaway (their rates are NaN).
    """

    currents: np.ndarray
    rates_hz: np.ndarray
    first_rates_hz: np.ndarray
    n_spikes: np.ndarray
    diverged: np.ndarray
    duration_ms: float
    onset_ms: float

    @property
    def rheobase(self) -> float | None:
        """Smallest current with a non-zero steady-state rate (None if none fires)."""
        firing = np.flatnonzero(self.rates_hz > 0)
        return float(self.currents[firing[0]]) if len(firing) else None


def fi_curve(params: IzhikevichParams, currents: ArrayLike, *, duration_ms: float = 1000.0,
             dt_ms: float = 0.25, numerics: str = "published", v0_mV: float = -65.0,
             onset_ms: float = 0.0) -> FICurve:
    """F–I curve: one step of each amplitude in ``currents`` from ``onset_ms`` to the end.

    All steps run as one batched Brian2 run (`simulate_batch`, spikes only).

    Parameters
    ----------
    params : IzhikevichParams
    currents : array_like
        Step amplitudes (at most `izhi_widgets.limits.MAX_BATCH`).
    duration_ms, dt_ms : float
        Run length and step.
    numerics : {'published', 'euler', 'rk4'}
    v0_mV : float
        Initial potential (``u0 = b * v0``).
    onset_ms : float
        Step onset (the current is 0 before it).

    Returns
    -------
    FICurve

    Examples
    --------
    >>> from izhi_widgets import IzhikevichParams
    >>> curve = fi_curve(IzhikevichParams(), [0, 10, 20], duration_ms=500)
    >>> bool(curve.rates_hz[0] == 0 and curve.rates_hz[1] < curve.rates_hz[2])
    True
    """
    from .model import RunSpec, simulate_batch
    from .stimulus import Step

    amps = np.asarray(currents, dtype=float).reshape(-1)
    if len(amps) == 0:
        raise ValueError("currents must not be empty")
    if not np.all(np.isfinite(amps)):
        raise ValueError("currents must be finite")
    if not 0 <= onset_ms < duration_ms:
        raise ValueError(f"onset_ms must be in [0, duration_ms), got {onset_ms!r}")
    runs = [RunSpec(params, Step(float(a), onset_ms), duration_ms, dt_ms, v0_mV) for a in amps]
    results = simulate_batch(runs, numerics=numerics, record=False)
    half = onset_ms + (duration_ms - onset_ms) / 2
    rates, first, counts, diverged = [], [], [], []
    for res in results:
        spikes = np.asarray(res.spike_times_ms)
        spikes = spikes[spikes > onset_ms]
        late = np.count_nonzero(spikes > half)
        rate = 1000.0 * late / (duration_ms - half)
        rates.append(float("nan") if res.diverged else rate)
        first.append(float("nan") if res.diverged else
                     (1000.0 / (spikes[1] - spikes[0]) if len(spikes) >= 2 else 0.0))
        counts.append(len(spikes))
        diverged.append(bool(res.diverged))
    return FICurve(amps, np.array(rates), np.array(first), np.array(counts),
                   np.array(diverged), float(duration_ms), float(onset_ms))
