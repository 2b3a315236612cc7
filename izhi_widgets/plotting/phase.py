"""The (v, u) phase plane of a run: trajectory, nullclines, reset and peak, equilibria.

`plot_phase_plane` returns a `PhaseArtists` whose `PhaseArtists.update` redraws another
result (and current) in place; the geometry comes from `izhi_widgets.analysis`
(`nullclines`, `fixed_points`).

Examples
--------
>>> from matplotlib.figure import Figure
>>> from izhi_widgets import PRESETS, simulate
>>> art = plot_phase_plane(simulate(PRESETS["A"]), Figure().add_subplot(), legend=False)
>>> art.update(simulate(PRESETS["P"]), I=1.24)
>>> art.current, art.legend is None
(1.24, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from ..analysis import fixed_points, nullclines
from ..result import SimulationResult
from .common import (TRACE_COLOR, V_LIMITS_MV, current_axes, default_current, finite_range,
                     padded)

__all__ = ["PhaseArtists", "plot_phase_plane"]


@dataclass(eq=False)
class PhaseArtists:
    """The artists of `plot_phase_plane`; `update` redraws them for another result.

    Attributes
    ----------
    ax : Axes
    trajectory : Line2D
        (v, u) of the run, broken at each reset.
    resets : Line2D
        Dotted jumps from the peak ``(v_peak, u)`` to ``(c, u + d)``.
    v_nullcline, u_nullcline : Line2D
    reset_line, peak_line : Line2D
        Vertical lines ``v = c`` and ``v = v_peak``.
    stable_points, unstable_points : Line2D
        Equilibria (filled / open markers; saddles count as unstable).
    legend : Legend or None
        None when drawn with ``legend=False``.
    current : float
        The I of the nullclines shown.
    """

    ax: Axes
    trajectory: Line2D
    resets: Line2D
    v_nullcline: Line2D
    u_nullcline: Line2D
    reset_line: Line2D
    peak_line: Line2D
    stable_points: Line2D
    unstable_points: Line2D
    legend: Legend | None
    current: float = 0.0
    _legend_index: dict = field(default_factory=dict, repr=False)

    @property
    def figure(self) -> Figure:
        return self.ax.figure

    def handles(self) -> list[Line2D]:
        """The legend's artists, in order (their labels are kept up to date)."""
        return [self.trajectory, self.v_nullcline, self.u_nullcline, self.reset_line,
                self.peak_line, self.stable_points, self.unstable_points]

    def update(self, result: SimulationResult, I: float | None = None) -> None:
        """Show ``result`` with the nullclines and equilibria for current ``I``.

        ``I`` defaults to `default_current` (the time-weighted median of the run's
        current). The view spans v from below min(c, data) to just above the peak and u
        over the trajectory, the equilibria and the v-nullcline's minimum.
        """
        params = result.params
        current = default_current(result) if I is None else float(I)
        self.current = current
        peak, c = params.v_peak_mV, params.c
        v = np.asarray(result.v_mV, dtype=float)
        u = np.asarray(result.u, dtype=float)
        recorded = len(v) == len(result.t_ms) and len(u) == len(v)
        if not recorded:
            v = u = np.zeros(0)
        # Trajectory broken after each spike sample; the reset jumps drawn apart.
        spike = v >= peak
        if spike.any():
            idx = np.flatnonzero(spike)
            tv = np.insert(v, idx + 1, np.nan)
            tu = np.insert(u, idx + 1, np.nan)
            jumps_v = np.column_stack([np.full(idx.size, peak), np.full(idx.size, c),
                                       np.full(idx.size, np.nan)]).ravel()
            jumps_u = np.column_stack([u[idx], u[idx] + params.d,
                                       np.full(idx.size, np.nan)]).ravel()
        else:
            tv, tu, jumps_v, jumps_u = v, u, np.zeros(0), np.zeros(0)
        self.trajectory.set_data(tv, tu)
        self.resets.set_data(jumps_v, jumps_u)

        rng = finite_range(v)
        v_lo = min(V_LIMITS_MV[0], c - 5.0, (rng[0] - 5.0) if rng else V_LIMITS_MV[0])
        v_hi = peak + 10.0
        v_grid = np.linspace(v_lo, v_hi, 600)
        v_null, u_null = nullclines(params, current, v_grid)
        points = fixed_points(params, current)
        # u range: the trajectory, the equilibria and the bottom of the v-nullcline.
        v_min_null = -params.k1 / (2 * params.k2) if params.k2 > 0 else v_lo
        bottom = float(nullclines(params, current, np.array([np.clip(v_min_null, v_lo, v_hi)]))[0][0])
        u_rng = finite_range(u, np.array([p.u for p in points if v_lo <= p.v_mV <= v_hi]),
                              np.array([bottom]))
        u_lo, u_hi = padded(*u_rng, frac=0.1, min_span=4.0) if u_rng else (-20.0, 20.0)
        self.v_nullcline.set_data(v_grid, v_null)
        if params.recovery == "accommodation":  # u' = a b (v + 65): the vertical line v = -65
            v_shift, _ = params.recovery_terms()
            self.u_nullcline.set_data([-v_shift, -v_shift], [u_lo - 1e3, u_hi + 1e3])
        else:
            self.u_nullcline.set_data(v_grid, u_null)
        self.reset_line.set_xdata([c, c])
        self.peak_line.set_xdata([peak, peak])
        stable = [p for p in points if p.stable]
        unstable = [p for p in points if not p.stable]
        self.stable_points.set_data([p.v_mV for p in stable], [p.u for p in stable])
        self.unstable_points.set_data([p.v_mV for p in unstable], [p.u for p in unstable])
        self.ax.set_xlim(v_lo, v_hi)
        self.ax.set_ylim(u_lo, u_hi)
        labels = {"v": f"v-nullcline (I = {current:.3g})", "reset": f"reset v = c = {c:g}",
                  "peak": f"peak v = {peak:g}"}
        handles = {"v": self.v_nullcline, "reset": self.reset_line, "peak": self.peak_line}
        for name, text in labels.items():
            handles[name].set_label(text)
            if self.legend is not None:
                self.legend.get_texts()[self._legend_index[name]].set_text(text)


def plot_phase_plane(result: SimulationResult, ax: Axes | None = None, *, I: float | None = None,
                     legend: bool = True, legend_loc: str = "upper left",
                     color: str = TRACE_COLOR) -> PhaseArtists:
    """The (v, u) phase plane of a result: trajectory, nullclines, reset and peak, equilibria.

    Parameters
    ----------
    result : SimulationResult
        A recorded run (``record=True``; otherwise only the geometry is drawn).
    ax : Axes, optional
        None: the current pyplot axes (``plt.gca()``).
    I : float, optional
        Current for the nullclines and equilibria. Default: `default_current`, the
        time-weighted median of the run's current (for a step held most of the run,
        its value; for a brief pulse, the baseline).
    legend : bool
        Draw a legend in the axes (False: e.g. to make one legend for several planes from
        ``artists.handles()``).
    legend_loc : str
        Legend position (a fixed place: ``'best'`` would search at every draw).
    color : str
        Colour of the trajectory.

    Returns
    -------
    PhaseArtists
        Call ``.update(other_result, I=None)`` to redraw in place.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from izhi_widgets import PRESETS, simulate
    >>> art = plot_phase_plane(simulate(PRESETS["P"]), Figure().add_subplot())
    >>> round(art.current, 2), len(art.stable_points.get_xdata())
    (0.24, 1)
    """
    if ax is None:
        ax = current_axes()
    (trajectory,) = ax.plot([], [], color=color, lw=0.8, label="trajectory", zorder=3)
    (resets,) = ax.plot([], [], color="0.7", lw=0.5, ls=":", label="reset jumps", zorder=2)
    (v_null,) = ax.plot([], [], color="tab:orange", lw=1.6, label="v-nullcline", zorder=1)
    (u_null,) = ax.plot([], [], color="tab:blue", lw=1.6, label="u-nullcline", zorder=1)
    reset_line = ax.axvline(0.0, color="tab:green", lw=1.0, ls="--", label="reset", zorder=1)
    peak_line = ax.axvline(0.0, color="tab:red", lw=1.0, ls="--", label="peak", zorder=1)
    (stable,) = ax.plot([], [], linestyle="none", marker="o", ms=7, color="k",
                        label="stable equilibrium", zorder=4)
    (unstable,) = ax.plot([], [], linestyle="none", marker="o", ms=7, mfc="white", mec="k",
                          mew=1.3, label="unstable equilibrium", zorder=4)
    handles = [trajectory, v_null, u_null, reset_line, peak_line, stable, unstable]
    names = ["trajectory", "v", "u", "reset", "peak", "stable", "unstable"]
    legend_artist = None
    if legend:
        legend_artist = ax.legend(handles, [h.get_label() for h in handles], loc=legend_loc,
                                  fontsize=7, framealpha=0.85, handlelength=1.6,
                                  borderaxespad=0.3)
    ax.set_xlabel("v (mV)")
    ax.set_ylabel("u")
    ax.spines[["top", "right"]].set_visible(False)
    artists = PhaseArtists(ax, trajectory, resets, v_null, u_null, reset_line, peak_line, stable,
                           unstable, legend_artist, 0.0, {n: k for k, n in enumerate(names)})
    artists.update(result, I=I)
    return artists
