"""What the plotting modules share: the v window, colours, axis helpers, pyplot access.

pyplot is imported lazily (`pyplot`), only when a function is called without axes, so
importing the package has no side effects and needs no display.

Examples
--------
>>> from izhi_widgets import PRESETS, simulate
>>> default_current(simulate(PRESETS["A"]))
14.0
"""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..result import SimulationResult

__all__ = ["V_LIMITS_MV", "DPI", "PAGE_WIDTH_IN", "default_current", "pyplot", "current_axes",
           "pyplot_figure", "stop_time_ms", "thin_trace"]

#: The v axis shows this window unless the data leave it.
V_LIMITS_MV = (-90.0, 40.0)
#: Resolution of the report's PNG files.
DPI = 130
#: Width of the report's figures: the text width of an A4 page with 18 mm margins, so a
#: figure prints at its own size and its font sizes (7-9 pt) are the printed sizes.
PAGE_WIDTH_IN = 6.85

TRACE_COLOR = "k"
U_COLOR = "tab:blue"
I_COLOR = "0.35"
CARTOON_COLOR = "0.3"


def pyplot() -> ModuleType:
    """``matplotlib.pyplot``, imported on first use (it picks the backend then)."""
    import matplotlib.pyplot as plt

    return plt


def current_axes() -> Axes:
    """``plt.gca()``: the current axes of the current pyplot figure (made if none).

    Examples
    --------
    >>> plt = pyplot()
    >>> fig = plt.figure()
    >>> current_axes().figure is fig
    True
    >>> plt.close(fig)
    """
    return pyplot().gca()


def pyplot_figure(figsize: tuple[float, float], *, reuse_empty: bool = False) -> Figure:
    """A pyplot figure of size ``figsize``, so it shows inline in Jupyter or with ``plt.show()``.

    With ``reuse_empty`` the current figure is used (at its own size) when it exists and
    holds no axes, as ``plt.plot`` would.

    Examples
    --------
    >>> plt = pyplot()
    >>> fig = plt.figure()
    >>> pyplot_figure((4.0, 3.0), reuse_empty=True) is fig
    True
    >>> other = pyplot_figure((4.0, 3.0))
    >>> other is fig, other.get_size_inches().tolist()
    (False, [4.0, 3.0])
    >>> plt.close(fig), plt.close(other)
    (None, None)
    """
    plt = pyplot()
    if reuse_empty and plt.get_fignums():
        fig = plt.gcf()
        if not fig.axes:
            return fig
    return plt.figure(figsize=figsize, layout=None)


def padded(lo: float, hi: float, *, frac: float = 0.08,
           min_span: float = 1.0) -> tuple[float, float]:
    """``(lo, hi)`` widened by ``frac`` of the span (at least ``min_span`` wide), finite.

    Examples
    --------
    >>> padded(0.0, 10.0)
    (-0.8, 10.8)
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return (-1.0, 1.0)
    span = hi - lo
    if span < min_span:
        mid = 0.5 * (lo + hi)
        lo, hi, span = mid - 0.5 * min_span, mid + 0.5 * min_span, min_span
    return lo - frac * span, hi + frac * span


def finite_range(*arrays: np.ndarray) -> tuple[float, float] | None:
    """Min and max over the finite values of ``arrays`` (None if there are none).

    Examples
    --------
    >>> finite_range(np.array([1.0, np.nan]), np.array([-2.0]))
    (-2.0, 1.0)
    """
    values = [np.asarray(a, dtype=float).ravel() for a in arrays]
    values = [v[np.isfinite(v)] for v in values if v.size]
    values = [v for v in values if v.size]
    if not values:
        return None
    return min(float(v.min()) for v in values), max(float(v.max()) for v in values)


def v_limits(v: np.ndarray, v_peak: float) -> tuple[float, float]:
    """The default window `V_LIMITS_MV`, widened in steps of 10 mV only if the data leave it.

    Examples
    --------
    >>> v_limits(np.array([-70.0, 30.0]), 30.0), v_limits(np.array([-118.0]), 30.0)
    ((-90.0, 40.0), (-130.0, 40.0))
    """
    lo, hi = V_LIMITS_MV
    hi = max(hi, 10.0 * math.ceil((v_peak + 5.0) / 10.0))
    rng = finite_range(v)
    if rng is not None:
        if rng[0] < lo + 2.0:
            lo = 10.0 * math.floor((rng[0] - 5.0) / 10.0)
        if rng[1] > hi - 2.0:
            hi = 10.0 * math.ceil((rng[1] + 5.0) / 10.0)
    return lo, hi


def samples_of_current(result: SimulationResult) -> np.ndarray:
    """The recorded current, or the stimulus sampled on the run's grid (record=False)."""
    if len(result.I):
        return np.asarray(result.I, dtype=float)
    return result.stimulus.current(result.t_ms)


def default_current(result: SimulationResult) -> float:
    """The current used for a result's nullclines when none is given.

    The time-weighted median of the injected current over the run. The samples are on a
    uniform grid, each standing for one step, so this is the median of the samples: the
    level the input holds for most of the run (14 for preset A, the 0.24 baseline for P,
    0 for a brief pulse such as I).

    Examples
    --------
    >>> from izhi_widgets import PRESETS, simulate
    >>> default_current(simulate(PRESETS["I"]))
    0.0
    """
    current = samples_of_current(result)
    current = current[np.isfinite(current)]
    return float(np.median(current)) if current.size else 0.0


def nice_length(duration_ms: float) -> float:
    """A round scale-bar length of at most a quarter of the run.

    Examples
    --------
    >>> nice_length(350.0), nice_length(2.0)
    (50.0, 0.5)
    """
    for length in (500, 200, 100, 50, 20, 10, 5, 2, 1):
        if length <= duration_ms / 4.0:
            return float(length)
    return duration_ms / 4.0


def stop_time_ms(result: SimulationResult) -> float | None:
    """When a runaway run was stopped (None for a run that was not).

    The engine freezes a diverged neuron at the start of the step after the spike
    ceiling (or the state cap) was reached; its ``message`` says when ("... by t = 158.68
    ms ..."). Without a time in the message, the step after the last spike.

    Examples
    --------
    >>> from izhi_widgets import PRESETS, simulate
    >>> stop_time_ms(simulate(PRESETS["A"])) is None
    True
    >>> r = simulate(PRESETS["T"], numerics="rk4", dt_ms=0.01)
    >>> r.diverged, stop_time_ms(r)
    (True, 157.016)
    """
    if not result.diverged:
        return None
    import re

    found = re.search(r"t = ([-+0-9.eE]+) ms", result.message or "")
    if found:
        return float(found.group(1))
    spikes = np.asarray(result.spike_times_ms, dtype=float)
    return float(spikes[-1] + result.dt_ms) if spikes.size else float(result.t_ms[0])


def thin_trace(t: np.ndarray, y: np.ndarray, max_points: int = 4000
               ) -> tuple[np.ndarray, np.ndarray]:
    """``(t, y)`` reduced to about ``max_points`` samples that draw the same line.

    Min-max decimation: the samples are cut into ``max_points // 2`` bins, and each bin
    keeps its lowest and highest sample in time order, so every spike peak and trough
    survives. Used to keep vector figures of fine-step runs (35 000 samples at 0.01 ms)
    small. Arrays of at most ``max_points`` samples are returned unchanged.

    Examples
    --------
    >>> t = np.arange(10_000.0); y = np.zeros_like(t); y[5_003] = 30.0
    >>> tt, yy = thin_trace(t, y, 100)
    >>> len(tt) <= 100, float(yy.max()), float(tt[yy.argmax()])
    (True, 30.0, 5003.0)
    """
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    n = len(t)
    if n <= max_points or max_points < 4:
        return t, y
    bins = max_points // 2
    edges = np.linspace(0, n, bins + 1).astype(int)
    keep = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        if hi <= lo:
            continue
        seg = y[lo:hi]
        finite = np.isfinite(seg)
        if not finite.any():
            keep.append(lo)
            continue
        i_min = lo + int(np.nanargmin(np.where(finite, seg, np.nan)))
        i_max = lo + int(np.nanargmax(np.where(finite, seg, np.nan)))
        keep.extend(sorted({i_min, i_max}))
    idx = np.asarray(keep, dtype=int)
    return t[idx], y[idx]
