"""Reading the stimulus protocol back from the sampled current.

The classifier never asks how a stimulus was built: `describe_stimulus` reads the current
as the model saw it (``result.I``, sampled on the run's grid) into pieces and excursions.

* *piece* (`StimulusPiece`): a stretch of constant current (``'flat'``), constant slope
  (``'ramp'``) or neither (``'varying'``: noise, sines) between jumps;
* *excursion* (`Excursion`): a flat piece whose two neighbours sit at one common level,
  the run's first or last current (a pulse, or a window that returns);
* `StimulusProtocol`: the pieces, the excursions, the initial current and the onset.

Helpers shared with the other analyses: `sampled_current` (the current of a result, also
without recorded traces), `stimulus_onset_ms`, `current_tolerance`, `true_runs`.

Examples
--------
>>> from izhi_widgets import PRESETS
>>> from izhi_widgets.result import time_grid
>>> p = PRESETS["A"]
>>> t = time_grid(p.duration_ms, p.dt_ms)
>>> describe_stimulus(t, p.stimulus.current(t)).describe()
'0 until 10 ms, 14 until 100 ms'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..result import SimulationResult

__all__ = [
    "MIN_RAMP_STEPS",
    "BRIEF_FRACTION",
    "STAIRCASE_SAMPLES",
    "StimulusPiece",
    "Excursion",
    "StimulusProtocol",
    "describe_stimulus",
    "sampled_current",
    "stimulus_onset_ms",
    "current_tolerance",
    "true_runs",
]

#: Fewest equal consecutive current increments that make a ramp (fewer are jumps).
MIN_RAMP_STEPS = 3
#: An excursion is brief if it lasts at most this fraction of the run.
BRIEF_FRACTION = 0.2
#: Runs of at least 3 consecutive pieces this short (in samples) are one varying piece.
STAIRCASE_SAMPLES = 4


def sampled_current(result: SimulationResult) -> np.ndarray:
    """The sampled current; rebuilt from the stimulus when the run recorded no traces.

    Examples
    --------
    >>> from izhi_widgets import PRESETS, simulate
    >>> sampled_current(simulate(PRESETS["A"], record=False))[[0, 40, 41]].tolist()
    [0.0, 0.0, 14.0]
    """
    current = np.asarray(result.I, dtype=float)
    if current.shape == np.shape(result.t_ms):
        return current
    return result.stimulus.current(result.t_ms)


def current_tolerance(current: np.ndarray) -> float:
    """Two currents closer than this are equal: ``1e-9`` of the largest ``|I|`` (at least 1).

    Examples
    --------
    >>> current_tolerance(np.array([0.0, 80.0]))
    8e-08
    """
    scale = float(np.max(np.abs(current))) if len(current) else 1.0
    return 1e-9 * max(1.0, scale)


def stimulus_onset_ms(t: np.ndarray, current: np.ndarray) -> float | None:
    """Last sample time before the current first departs from its initial value.

    None when the current never changes (or has fewer than 2 samples).

    Examples
    --------
    >>> stimulus_onset_ms(np.array([0.0, 1.0, 2.0]), np.array([0.0, 0.0, 5.0]))
    1.0
    >>> stimulus_onset_ms(np.array([0.0, 1.0]), np.array([3.0, 3.0])) is None
    True
    """
    if len(current) < 2:
        return None
    tol = current_tolerance(current)
    moved = np.flatnonzero(np.abs(current - current[0]) > tol)
    if len(moved) == 0:
        return None
    return float(t[max(int(moved[0]) - 1, 0)])


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs (stop exclusive) of the runs of True in ``mask``.

    Examples
    --------
    >>> true_runs(np.array([True, True, False, True]))
    [(0, 2), (3, 4)]
    """
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


@dataclass(frozen=True)
class StimulusPiece:
    """A stretch of the sampled current: ``'flat'``, ``'ramp'`` (constant slope) or ``'varying'``.

    ``first``/``last`` are sample indices (inclusive). ``start_ms`` is the last sample
    time before the piece's current took over (the onset in the protocols' open-interval
    sense) and ``stop_ms`` the time of its last sample, so the pieces tile the run; a
    spike at ``t`` belongs to the piece with ``start_ms < t <= stop_ms``.

    Examples
    --------
    >>> piece = StimulusPiece("ramp", 10.0, 20.0, 41, 80, 0.0, 5.0)
    >>> piece.slope_per_ms, piece.contains([10.0, 15.0]).tolist()
    (0.5, [False, True])
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
        """``stop_ms - start_ms``."""
        return self.stop_ms - self.start_ms

    @property
    def level(self) -> float:
        """The current of a flat piece (its first value otherwise)."""
        return self.current_start

    @property
    def slope_per_ms(self) -> float:
        """Change of current per ms over the piece (0 for a piece of no duration)."""
        span = self.stop_ms - self.start_ms
        return (self.current_end - self.current_start) / span if span > 0 else 0.0

    def contains(self, t_ms: ArrayLike) -> np.ndarray:
        """Which of the times ``t_ms`` fall in the piece (``start_ms < t <= stop_ms``)."""
        t = np.asarray(t_ms, dtype=float)
        return (t > self.start_ms) & (t <= self.stop_ms)


@dataclass(frozen=True)
class Excursion:
    """A flat piece (index ``piece``) whose neighbours share the level ``base``: a pulse/window.

    Examples
    --------
    >>> e = Excursion(1, 10.0, 15.0, 1.0, 0.0)
    >>> e.amplitude, e.width_ms
    (1.0, 5.0)
    """

    piece: int
    start_ms: float
    stop_ms: float
    level: float
    base: float

    @property
    def amplitude(self) -> float:
        """``level - base`` (negative for a hyperpolarizing pulse or a lowered window)."""
        return self.level - self.base

    @property
    def width_ms(self) -> float:
        """``stop_ms - start_ms``."""
        return self.stop_ms - self.start_ms


@dataclass(frozen=True)
class StimulusProtocol:
    """The structure of a sampled current (see `describe_stimulus`).

    Attributes
    ----------
    pieces : tuple of StimulusPiece
        Tiling the run.
    excursions : tuple of Excursion
    initial : float
        The first current (the baseline).
    onset_ms : float or None
        See `stimulus_onset_ms`.
    duration_ms : float
        Span of the sample grid.
    tol : float
        Currents closer than this are equal (`current_tolerance`).
    """

    pieces: tuple[StimulusPiece, ...]
    excursions: tuple[Excursion, ...]
    initial: float
    onset_ms: float | None
    duration_ms: float
    tol: float

    @property
    def all_flat(self) -> bool:
        """Every piece is flat (steps and pulses only)."""
        return all(p.kind == "flat" for p in self.pieces)

    @property
    def ramps(self) -> list[StimulusPiece]:
        """Rising ramps."""
        return [p for p in self.pieces if p.kind == "ramp" and p.slope_per_ms > 0]

    def is_brief(self, exc: Excursion, fraction: float = BRIEF_FRACTION) -> bool:
        """The excursion lasts at most ``fraction`` of the run."""
        return exc.width_ms <= fraction * self.duration_ms

    def same(self, a: float, b: float) -> bool:
        """Whether two currents are equal within ``tol``."""
        return abs(a - b) <= self.tol

    def describe(self) -> str:
        """Short text, e.g. ``'0 until 10 ms, 14 until 100 ms'``."""
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


def _merge_staircases(pieces: list[StimulusPiece],
                      staircase_samples: int = STAIRCASE_SAMPLES) -> list[StimulusPiece]:
    """Fold runs of tiny pieces (noise held on a grid coarser than dt) into varying pieces."""
    short = np.array([p.last - p.first + 1 <= staircase_samples for p in pieces])
    runs = [(a, b) for a, b in true_runs(short) if b - a >= 3]
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


def describe_stimulus(t_ms: ArrayLike, current: ArrayLike, *,
                      min_ramp_steps: int = MIN_RAMP_STEPS,
                      staircase_samples: int = STAIRCASE_SAMPLES) -> StimulusProtocol:
    """Read a sampled current back into pieces (flat, ramp, varying) and excursions.

    The increments ``I[k+1] - I[k]`` are sorted into: zero (flat), runs of at least
    ``min_ramp_steps`` equal non-zero increments (a ramp), isolated non-zero increments
    (jumps, which separate pieces) and runs of at least 3 unequal non-zero increments
    (varying: noise, sines); 3 or more consecutive pieces of at most ``staircase_samples``
    samples also make one varying piece (noise held on a grid coarser than the step). An
    excursion is a flat piece whose neighbours are flat at one common other level (a
    pulse, or a window that returns), that level being the first or the last current of
    the run.

    Parameters
    ----------
    t_ms, current : array_like
        The sample grid and the current on it.
    min_ramp_steps : int
        Fewest equal increments that make a ramp (default `MIN_RAMP_STEPS`).
    staircase_samples : int
        Longest piece, in samples, that a staircase of noise is made of (default
        `STAIRCASE_SAMPLES`).

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
    tol = current_tolerance(cur)
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
        for a, b in true_runs(equal_next):  # increments a..b are equal
            if b - a + 1 >= min_ramp_steps:
                kind[a:b + 1] = RAMP
                run_id[a:b + 1] = a
        for a, b in true_runs(kind == JUMP):
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
    pieces = _merge_staircases(pieces, staircase_samples)

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
    return StimulusProtocol(tuple(pieces), tuple(excursions), float(cur[0]),
                            stimulus_onset_ms(t, cur), float(t[-1] - t[0]), tol)
