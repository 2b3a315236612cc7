"""Matplotlib figures of simulation results: traces, phase planes, the papers' galleries.

Every plotting function draws into axes it is given (or into a new
`matplotlib.figure.Figure` when none is given; pyplot is never used, so nothing here
needs a display) and returns the artists it made. The interactive panel builds its
figure once and then calls ``.update(result)`` on the artist holders
(`TraceArtists`, `PhaseArtists`), which change the artists' data in place.

`write_figures` redraws the report's figures: Fig. 1 of Izhikevich (2004), the cell
types of Fig. 2 of Izhikevich (2003), phase-plane examples and a comparison of the
published scheme with Brian2's ODE integrators.

Examples
--------
>>> from izhi_widgets import PRESETS, simulate
>>> from izhi_widgets.plotting import plot_trace
>>> artists = plot_trace(simulate(PRESETS["A"]))
>>> artists.update(simulate(PRESETS["B"]))
>>> len(artists.v_line.get_ydata()) == len(simulate(PRESETS["B"]).v_mV)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text

from .analysis import fixed_points, nullclines
from .presets import PRESETS, Preset
from .result import SimulationResult, time_grid
from .stimulus import Stimulus

__all__ = [
    "TraceArtists",
    "PhaseArtists",
    "plot_trace",
    "plot_phase_plane",
    "plot_stimulus",
    "plot_gallery_2004",
    "plot_gallery_2003",
    "plot_numerics_comparison",
    "plot_phase_plane_examples",
    "plot_fi_curve",
    "plot_fi_examples",
    "write_figures",
    "default_current",
    "V_LIMITS_MV",
]

#: The v axis shows this window unless the data leave it.
V_LIMITS_MV = (-90.0, 40.0)
#: Resolution of the report's PNG files.
DPI = 130

_TRACE_COLOR = "k"
_U_COLOR = "tab:blue"
_I_COLOR = "0.35"
_CARTOON_COLOR = "0.3"


# --------------------------------------------------------------------------------------
# helpers


def _padded(lo: float, hi: float, *, frac: float = 0.08, min_span: float = 1.0) -> tuple[float, float]:
    """``(lo, hi)`` widened by ``frac`` of the span (at least ``min_span`` wide), finite."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return (-1.0, 1.0)
    span = hi - lo
    if span < min_span:
        mid = 0.5 * (lo + hi)
        lo, hi, span = mid - 0.5 * min_span, mid + 0.5 * min_span, min_span
    return lo - frac * span, hi + frac * span


def _finite_range(*arrays: np.ndarray) -> tuple[float, float] | None:
    """Min and max over the finite values of ``arrays`` (None if there are none)."""
    values = [np.asarray(a, dtype=float).ravel() for a in arrays]
    values = [v[np.isfinite(v)] for v in values if v.size]
    values = [v for v in values if v.size]
    if not values:
        return None
    return min(float(v.min()) for v in values), max(float(v.max()) for v in values)


def _v_limits(v: np.ndarray, v_peak: float) -> tuple[float, float]:
    """The default window `V_LIMITS_MV`, widened in steps of 10 mV only if the data leave it."""
    lo, hi = V_LIMITS_MV
    hi = max(hi, 10.0 * math.ceil((v_peak + 5.0) / 10.0))
    rng = _finite_range(v)
    if rng is not None:
        if rng[0] < lo + 2.0:
            lo = 10.0 * math.floor((rng[0] - 5.0) / 10.0)
        if rng[1] > hi - 2.0:
            hi = 10.0 * math.ceil((rng[1] + 5.0) / 10.0)
    return lo, hi


def _samples_of_current(result: SimulationResult) -> np.ndarray:
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
    """
    current = _samples_of_current(result)
    current = current[np.isfinite(current)]
    return float(np.median(current)) if current.size else 0.0


def _new_figure(figsize: tuple[float, float]) -> Figure:
    # A plain Figure (not pyplot): nothing global is touched and no display is needed.
    return Figure(figsize=figsize, layout=None)


def _nice_length(duration_ms: float) -> float:
    """A round scale-bar length of at most a quarter of the run."""
    for length in (500, 200, 100, 50, 20, 10, 5, 2, 1):
        if length <= duration_ms / 4.0:
            return float(length)
    return duration_ms / 4.0


def _label_line(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


# --------------------------------------------------------------------------------------
# traces


@dataclass(eq=False)
class TraceArtists:
    """The artists of `plot_trace`; `update` redraws them for another result in place.

    Attributes
    ----------
    axes : tuple of Axes
        The v axes, then the u and I axes when present.
    v_line, u_line, I_line : Line2D
        The traces (``u_line`` / ``I_line`` are None without their axes).
    spike_marks : Line2D or None
        A marker above each spike (None if ``show_spikes=False``).
    status : Text
        Shows the result's message (e.g. runaway spiking) in the v axes, else ''.
    """

    axes: tuple[Axes, ...]
    v_line: Line2D
    u_line: Line2D | None
    I_line: Line2D | None
    spike_marks: Line2D | None
    status: Text

    @property
    def figure(self) -> Figure:
        return self.axes[0].figure

    def update(self, result: SimulationResult) -> None:
        """Show ``result``: set the lines' data and rescale the axes.

        The v axis keeps `V_LIMITS_MV` unless the data leave it, so the trace does not
        jump between runs; the u and I axes fit their data with a margin; the time axis
        spans the run. Does not draw: call ``figure.canvas.draw_idle()`` after.
        """
        t = np.asarray(result.t_ms, dtype=float)
        v = np.asarray(result.v_mV, dtype=float)
        recorded = len(v) == len(t)
        tt = t if recorded else t[:0]
        v_ax = self.axes[0]
        self.v_line.set_data(tt, v if recorded else tt)
        peak = result.params.v_peak_mV
        v_ax.set_ylim(*_v_limits(v if recorded else tt, peak))
        if self.spike_marks is not None:
            spikes = np.asarray(result.spike_times_ms, dtype=float)
            self.spike_marks.set_data(spikes, np.full(spikes.shape, peak + 4.0))
        duration = float(result.duration_ms) if result.duration_ms > 0 else 1.0
        for ax in self.axes:
            ax.set_xlim(0.0, duration)
        if self.u_line is not None:
            u = np.asarray(result.u, dtype=float) if recorded else tt
            self.u_line.set_data(tt, u)
            rng = _finite_range(u)
            if rng is not None:
                self.u_line.axes.set_ylim(*_padded(*rng, min_span=2.0))
        if self.I_line is not None:
            current = _samples_of_current(result)
            self.I_line.set_data(t, current)
            rng = _finite_range(current)
            if rng is not None:
                self.I_line.axes.set_ylim(*_padded(*rng, frac=0.12, min_span=1.0))
        message = result.message if result.diverged else ""
        self.status.set_text(message.split(";")[0])


def plot_trace(result: SimulationResult, axes: Axes | Sequence[Axes] | None = None, *,
               show_spikes: bool = False, color: str = _TRACE_COLOR,
               linewidth: float = 0.9) -> TraceArtists:
    """Plot v(t), u(t) and I(t) of a result.

    Parameters
    ----------
    result : SimulationResult
        A recorded run (``record=True``); for a spikes-only result only the spike marks
        and I (sampled from the stimulus) are drawn.
    axes : Axes or sequence of 1-3 Axes, optional
        Axes for v, u and I, in that order (fewer axes: fewer traces). None: a new
        `Figure` with three stacked axes sharing the time axis.
    show_spikes : bool
        Draw a small marker above each spike. (The v trace itself reaches the peak at
        each spike: v is clipped at the peak at spike samples.)
    color : str
        Colour of the v trace.
    linewidth : float
        Width of the v trace.

    Returns
    -------
    TraceArtists
        Call ``.update(other_result)`` to redraw in place.
    """
    if axes is None:
        fig = _new_figure((8.0, 5.6))
        grid = fig.add_gridspec(3, 1, height_ratios=(3.0, 1.2, 1.0), hspace=0.12,
                                left=0.1, right=0.97, top=0.97, bottom=0.09)
        v_ax = fig.add_subplot(grid[0])
        axes = (v_ax, fig.add_subplot(grid[1], sharex=v_ax), fig.add_subplot(grid[2], sharex=v_ax))
        for ax in axes[:-1]:
            ax.tick_params(labelbottom=False)
    elif isinstance(axes, Axes):
        axes = (axes,)
    axes = tuple(axes)
    if not 1 <= len(axes) <= 3:
        raise ValueError(f"axes must hold 1 to 3 Axes (v, u, I), got {len(axes)}")
    v_ax = axes[0]
    (v_line,) = v_ax.plot([], [], color=color, lw=linewidth, label="v")
    v_ax.set_ylabel("v (mV)")
    spike_marks = None
    if show_spikes:
        (spike_marks,) = v_ax.plot([], [], linestyle="none", marker="v", ms=4,
                                   color="tab:red", label="spikes")
    status = v_ax.text(0.01, 0.03, "", transform=v_ax.transAxes, va="bottom", ha="left",
                       fontsize=8, color="tab:red", zorder=5,
                       bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.5))
    u_line = I_line = None
    if len(axes) >= 2:
        (u_line,) = axes[1].plot([], [], color=_U_COLOR, lw=0.9, label="u")
        axes[1].set_ylabel("u")
    if len(axes) >= 3:
        (I_line,) = axes[2].plot([], [], color=_I_COLOR, lw=0.9, label="I")
        axes[2].set_ylabel("I")
    axes[-1].set_xlabel("time (ms)")
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
    artists = TraceArtists(axes, v_line, u_line, I_line, spike_marks, status)
    artists.update(result)
    return artists


# --------------------------------------------------------------------------------------
# phase plane


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

        rng = _finite_range(v)
        v_lo = min(V_LIMITS_MV[0], c - 5.0, (rng[0] - 5.0) if rng else V_LIMITS_MV[0])
        v_hi = peak + 10.0
        v_grid = np.linspace(v_lo, v_hi, 600)
        v_null, u_null = nullclines(params, current, v_grid)
        points = fixed_points(params, current)
        # u range: the trajectory, the equilibria and the bottom of the v-nullcline.
        v_min_null = -params.k1 / (2 * params.k2) if params.k2 > 0 else v_lo
        bottom = float(nullclines(params, current, np.array([np.clip(v_min_null, v_lo, v_hi)]))[0][0])
        u_rng = _finite_range(u, np.array([p.u for p in points if v_lo <= p.v_mV <= v_hi]),
                              np.array([bottom]))
        u_lo, u_hi = _padded(*u_rng, frac=0.1, min_span=4.0) if u_rng else (-20.0, 20.0)
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
                     color: str = _TRACE_COLOR) -> PhaseArtists:
    """The (v, u) phase plane of a result: trajectory, nullclines, reset and peak, equilibria.

    Parameters
    ----------
    result : SimulationResult
        A recorded run (``record=True``; otherwise only the geometry is drawn).
    ax : Axes, optional
        None: a new `Figure`.
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
    """
    if ax is None:
        fig = _new_figure((6.0, 4.8))
        ax = fig.add_subplot(1, 1, 1)
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


# --------------------------------------------------------------------------------------
# stimulus cartoon


def plot_stimulus(stimulus: Stimulus, duration_ms: float, ax: Axes | None = None, *,
                  dt_ms: float | None = None, normalize: bool = True, bare: bool = True,
                  color: str = _CARTOON_COLOR, linewidth: float = 1.0) -> Line2D:
    """A small drawing of the input current, like the cartoons under the paper's traces.

    Parameters
    ----------
    stimulus : Stimulus
    duration_ms : float
        Time span drawn, from 0.
    ax : Axes, optional
        None: a new small `Figure`.
    dt_ms : float, optional
        Sampling step (the run's step shows exactly what the model saw). Default: 4000
        samples over the span.
    normalize : bool
        Scale the current to [0, 1] between its own minimum and maximum, so a 5-unit dip
        from 80 (presets S, T) is as visible as a step from 0 to 14; a constant input is a
        flat line. False draws the current in its own units.
    bare : bool
        Hide the axes' frame and ticks (the cartoon style).
    color, linewidth : matplotlib line style.

    Returns
    -------
    Line2D
    """
    if ax is None:
        fig = _new_figure((4.0, 1.0))
        ax = fig.add_subplot(1, 1, 1)
    step = dt_ms if dt_ms is not None else duration_ms / 4000.0
    t = time_grid(duration_ms, step)
    current = stimulus.current(t)
    if normalize:
        lo, hi = float(np.min(current)), float(np.max(current))
        y = (current - lo) / (hi - lo) if hi - lo > 1e-12 else np.zeros_like(current)
        ax.set_ylim(-0.15, 1.15)
    else:
        y = current
    (line,) = ax.plot(t, y, color=color, lw=linewidth, solid_joinstyle="miter")
    ax.set_xlim(0.0, duration_ms)
    if bare:
        ax.set_axis_off()
    return line


# --------------------------------------------------------------------------------------
# galleries


def _preset_results(keys: Sequence[str], numerics: str = "published",
                    dt_ms: float | None = None) -> dict[str, SimulationResult]:
    """Results of the presets under one setting, from one batched run of all 28 presets."""
    from .experiments import preset_results

    return preset_results(keys, numerics, dt_ms)


def _as_mapping(keys: Sequence[str], results) -> dict[str, SimulationResult]:
    if isinstance(results, Mapping):
        return {key: results[key] for key in keys}
    results = list(results)
    if len(results) != len(keys):
        raise ValueError(f"expected {len(keys)} results (one per preset {', '.join(keys)}), "
                         f"got {len(results)}")
    return dict(zip(keys, results))


def _trace_panel(fig: Figure, cell, result: SimulationResult, preset: Preset, title: str, *,
                 right_title: str = "", scale_bar: bool = True, v_axis: bool = False,
                 time_axis: bool = False, title_size: float = 9.0,
                 right_size: float | None = None) -> tuple[Axes, Axes]:
    """One gallery panel: the v trace (black) above the stimulus cartoon."""
    sub = cell.subgridspec(2, 1, height_ratios=(4.2, 1.0), hspace=0.06)
    ax = fig.add_subplot(sub[0])
    cartoon = fig.add_subplot(sub[1], sharex=ax)
    ax.plot(result.t_ms, result.v_mV, color=_TRACE_COLOR, lw=0.7, solid_joinstyle="miter")
    ax.set_xlim(0.0, result.duration_ms)
    ax.set_ylim(-95.0, 35.0)
    ax.set_title(title, loc="left", fontsize=title_size, pad=2)
    if right_title:
        ax.set_title(right_title, loc="right", pad=2, color="0.3",
                     fontsize=title_size - 1.5 if right_size is None else right_size)
    if result.diverged:
        ax.text(0.99, 0.04, "runaway: stopped at the spike ceiling", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=title_size - 2, color="tab:red")
    plot_stimulus(result.stimulus, result.duration_ms, cartoon, dt_ms=result.dt_ms, bare=True)
    cartoon.set_xlim(0.0, result.duration_ms)
    if v_axis:
        ax.spines[["top", "right", "bottom"]].set_visible(False)
        ax.set_yticks([-80, -40, 0, 30])
        ax.tick_params(axis="y", labelsize=7, length=2, pad=1)
        ax.tick_params(axis="x", bottom=False, labelbottom=False)
        ax.set_ylabel("v (mV)", fontsize=7, labelpad=1)
    else:
        ax.set_axis_off()
    if time_axis:
        cartoon.set_axis_on()
        cartoon.spines[["top", "right", "left"]].set_visible(False)
        cartoon.set_yticks([])
        cartoon.tick_params(axis="x", labelsize=7, length=2, pad=1)
        cartoon.set_xlabel("time (ms)", fontsize=7, labelpad=1)
    elif scale_bar:
        cartoon.set_ylim(-1.05, 1.15)
        length = _nice_length(result.duration_ms)
        x1 = result.duration_ms
        cartoon.plot([x1 - length, x1], [-0.75, -0.75], color="k", lw=1.5,
                     solid_capstyle="butt")
        cartoon.text(x1 - length - 0.01 * result.duration_ms, -0.75, f"{length:g} ms",
                     ha="right", va="center", fontsize=6.5)
    return ax, cartoon


def plot_gallery_2004(results: Sequence[SimulationResult] | Mapping[str, SimulationResult] | None = None
                      ) -> Figure:
    """Fig. 1 of Izhikevich (2004): the 20 features A-T in a 5 x 4 grid.

    Each panel: the letter and feature name, the v trace in black (the paper's scale:
    -95 to 35 mV in every panel), the input cartoon beneath it and a time scale bar.

    Parameters
    ----------
    results : sequence (in A-T order) or mapping key -> SimulationResult, optional
        None: all presets are simulated in one batched run (published numerics).

    Returns
    -------
    Figure
    """
    keys = [k for k, p in PRESETS.items() if p.group == "2004"]
    found = _preset_results(keys) if results is None else _as_mapping(keys, results)
    fig = _new_figure((11.0, 10.6))
    grid = fig.add_gridspec(5, 4, left=0.02, right=0.985, top=0.935, bottom=0.015,
                            hspace=0.32, wspace=0.1)
    for k, key in enumerate(keys):
        preset = PRESETS[key]
        _trace_panel(fig, grid[k // 4, k % 4], found[key], preset,
                     f"({key}) {preset.name}")
    fig.suptitle("Izhikevich (2004), Fig. 1: the 20 neuro-computational features "
                 "(published scheme, Brian2)", fontsize=11, y=0.985)
    return fig


def plot_gallery_2003(results: Sequence[SimulationResult] | Mapping[str, SimulationResult] | None = None
                      ) -> Figure:
    """The cell types of Izhikevich (2003), Fig. 2: eight v traces with names and parameters.

    Parameters
    ----------
    results : sequence (RS, IB, CH, FS, TC, TC_burst, RZ, LTS) or mapping, optional
        None: all presets are simulated in one batched run (published numerics).

    Returns
    -------
    Figure
    """
    keys = [k for k, p in PRESETS.items() if p.group == "2003"]
    found = _preset_results(keys) if results is None else _as_mapping(keys, results)
    fig = _new_figure((10.0, 8.6))
    grid = fig.add_gridspec(4, 2, left=0.02, right=0.985, top=0.925, bottom=0.015,
                            hspace=0.36, wspace=0.08)
    for k, key in enumerate(keys):
        preset = PRESETS[key]
        p = preset.params
        _trace_panel(fig, grid[k // 2, k % 2], found[key], preset,
                     f"{key.replace('_', ' ')}: {preset.name}",
                     right_title=f"a {p.a:g}, b {p.b:g}, c {p.c:g}, d {p.d:g}",
                     title_size=10.0, right_size=8.0)
    fig.suptitle("Izhikevich (2003), Fig. 2: cortical and thalamic cell types "
                 "(published scheme, Brian2)", fontsize=11.5, y=0.985)
    return fig


# --------------------------------------------------------------------------------------
# report figures


def plot_phase_plane_examples(keys: Sequence[str] = ("A", "C", "P", "K"),
                              results: Mapping[str, SimulationResult] | None = None) -> Figure:
    """Phase planes of a few presets (2 columns), each above its v trace, one shared legend.

    Parameters
    ----------
    keys : sequence of str
        Preset keys.
    results : mapping key -> SimulationResult, optional
        Default: the presets' published runs.

    Returns
    -------
    Figure
    """
    keys = list(keys)
    found = _preset_results(keys) if results is None else _as_mapping(keys, results)
    rows = math.ceil(len(keys) / 2)
    height = 5.0 * rows + 0.9
    fig = _new_figure((11.0, height))
    grid = fig.add_gridspec(rows, 2, left=0.07, right=0.985, top=1 - 0.55 / height,
                            bottom=0.5 / height + 0.03, hspace=0.16, wspace=0.2)
    artists = None
    for k, key in enumerate(keys):
        sub = grid[k // 2, k % 2].subgridspec(2, 1, height_ratios=(3.4, 1.0), hspace=0.42)
        ax = fig.add_subplot(sub[0])
        res = found[key]
        artists = plot_phase_plane(res, ax, legend=False)
        ax.set_title(f"({key}) {PRESETS[key].name}: nullclines at I = {artists.current:.3g}",
                     loc="left", fontsize=10)
        trace = fig.add_subplot(sub[1])
        trace.plot(res.t_ms, res.v_mV, color="k", lw=0.6)
        trace.set_xlim(0, res.duration_ms)
        trace.set_ylim(-95, 35)
        trace.set_yticks([-80, -40, 0, 30])
        trace.tick_params(labelsize=7, length=2, pad=1)
        trace.set_xlabel("time (ms)", fontsize=8, labelpad=1)
        trace.set_ylabel("v (mV)", fontsize=8, labelpad=1)
        trace.spines[["top", "right"]].set_visible(False)
    if artists is not None:
        labels = ["trajectory (v, u)", "v-nullcline", "u-nullcline", "reset v = c",
                  "peak v = 30", "stable equilibrium", "unstable equilibrium"]
        fig.legend(artists.handles(), labels, loc="lower center", ncol=7, fontsize=8.5,
                   frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.suptitle("Phase planes of four presets (published scheme): the trajectory with the "
                 "nullclines at the run's median current", fontsize=11, y=1 - 0.12 / height)
    return fig


#: Presets of the numerics comparison: the ones whose behaviour the step changes most.
COMPARISON_KEYS = ("I", "P", "Q", "T")


def plot_numerics_comparison(keys: Sequence[str] = COMPARISON_KEYS,
                             settings: Sequence[tuple[str, float | None]] = (
                                 ("published", None), ("euler", 0.01), ("rk4", 0.01)),
                             ) -> Figure:
    """Presets under the published scheme vs Brian2's ``euler`` / ``rk4`` at a fine step.

    One row per preset, one column per ``(numerics, dt_ms)`` setting (``dt_ms=None``: the
    preset's own step); each panel states the spike count and first spike.

    Returns
    -------
    Figure
    """
    keys, settings = list(keys), list(settings)
    columns = [_preset_results(keys, numerics, dt) for numerics, dt in settings]
    height = 2.5 * len(keys) + 0.6
    fig = _new_figure((4.0 * len(settings), height))
    grid = fig.add_gridspec(len(keys), len(settings), left=0.06, right=0.99,
                            top=1 - 0.95 / height, bottom=0.05, hspace=0.75, wspace=0.1)
    for col, ((numerics, dt), found) in enumerate(zip(settings, columns)):
        head = ("published scheme (paper's step)" if dt is None
                else f"Brian2 {numerics}, dt = {dt:g} ms")
        box = grid[0, col].get_position(fig)
        fig.text(0.5 * (box.x0 + box.x1), 1 - 0.12 / height, head, ha="center", va="top",
                 fontsize=11.5, weight="bold")
        for row, key in enumerate(keys):
            res = found[key]
            preset = PRESETS[key]
            n = res.n_spikes
            first = f", first at {res.spike_times_ms[0]:.4g} ms" if n else ""
            step = f" (step {res.dt_ms:g} ms)" if dt is None else ""
            _trace_panel(fig, grid[row, col], res, preset, "",
                         right_title=f"{n} spike{'s' if n != 1 else ''}{first}{step}",
                         scale_bar=False, v_axis=col == 0, time_axis=True, title_size=9.5)
            if col == 0:
                box = grid[row, 0].get_position(fig)
                fig.text(0.01, box.y1 + 0.32 / height, f"({key}) {preset.name}", ha="left",
                         va="bottom", fontsize=10.5, weight="bold")
    return fig


def plot_fi_curve(curve, ax: Axes | None = None, *, label: str | None = None,
                  color: str | None = None, show_first: bool = True) -> list[Line2D]:
    """Plot an F–I curve (`izhi_widgets.experiments.fi_curve`): rate against step current.

    Parameters
    ----------
    curve : izhi_widgets.analysis.FICurve
    ax : Axes, optional
        None: a new `Figure`.
    label : str, optional
        Legend label of the steady-state curve.
    color : str, optional
    show_first : bool
        Also draw the initial rate (1 / first ISI) as a dashed line.

    Returns
    -------
    list of Line2D
        The steady-state line, then (if drawn) the initial-rate line and the markers of
        runs stopped as runaway.
    """
    if ax is None:
        ax = _new_figure((5.0, 3.6)).add_subplot(1, 1, 1)
    currents = np.asarray(curve.currents, dtype=float)
    (steady,) = ax.plot(currents, curve.rates_hz, marker="o", ms=3, lw=1.3, color=color,
                        label=label or "steady-state rate")
    lines = [steady]
    if show_first:
        (first,) = ax.plot(currents, curve.first_rates_hz, ls="--", lw=1.0,
                           color=steady.get_color(), label="initial rate (1 / first ISI)")
        lines.append(first)
    diverged = np.asarray(curve.diverged, dtype=bool)
    if diverged.any():
        (bad,) = ax.plot(currents[diverged], np.zeros(int(diverged.sum())), ls="none",
                         marker="x", color="tab:red", label="runaway")
        lines.append(bad)
    ax.set_xlabel("step current I")
    ax.set_ylabel("firing rate (Hz)")
    ax.spines[["top", "right"]].set_visible(False)
    return lines


def plot_fi_examples(keys: Sequence[str] = ("G", "H"), n_currents: int = 32) -> Figure:
    """F–I curves of the class 1 and class 2 excitable neurons (presets G and H).

    Each preset's parameters and initial state get 1 s steps (from t = 0) of ``n_currents``
    amplitudes over a range that spans its rheobase, in one batched run.

    Returns
    -------
    Figure
    """
    from .experiments import fi_curve

    ranges = {"G": (0.0, 20.0), "H": (-0.5, 6.0)}
    fig = _new_figure((10.0, 3.9))
    grid = fig.add_gridspec(1, len(keys), left=0.07, right=0.985, top=0.86, bottom=0.14,
                            wspace=0.22)
    for k, key in enumerate(keys):
        preset = PRESETS[key]
        lo, hi = ranges.get(key, (0.0, 20.0))
        curve = fi_curve(preset.params, np.linspace(lo, hi, n_currents), v0_mV=preset.v0_mV)
        ax = fig.add_subplot(grid[0, k])
        plot_fi_curve(curve, ax, color="k")
        first = curve.rates_hz[curve.rates_hz > 0]
        onset = f", onset rate {first[0]:.0f} Hz" if len(first) else ""
        rheo = f"rheobase \u2248 {curve.rheobase:.2g}" if curve.rheobase is not None else ""
        ax.set_title(f"({key}) {preset.name}: {rheo}{onset}", loc="left", fontsize=10)
        ax.legend(fontsize=8, frameon=False, loc="upper left")
    fig.suptitle("F\u2013I curves (1 s steps, published scheme, step 0.25 ms; steady rate over "
                 "the last 500 ms)", fontsize=11)
    return fig


def write_figures(outdir: str | Path = "report/figures", *, dpi: int = DPI) -> list[Path]:
    """Write the report's figures as PNG files.

    Files: ``fig1_2004.png`` (`plot_gallery_2004`), ``fig2_2003.png``
    (`plot_gallery_2003`), ``phase_plane_examples.png`` (A, C, P, K) and
    ``numerics_comparison.png`` (I, P, Q, T: published vs euler 0.01 ms vs rk4 0.01 ms)
    and ``fi_curves.png`` (`plot_fi_examples`: class 1 vs class 2 excitability).
    Rendered with the Agg canvas (no display needed).

    Parameters
    ----------
    outdir : path
        Directory (created if needed).
    dpi : int

    Returns
    -------
    list of Path
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    published = _preset_results(list(PRESETS))
    figures = {
        "fig1_2004.png": lambda: plot_gallery_2004(published),
        "fig2_2003.png": lambda: plot_gallery_2003(published),
        "phase_plane_examples.png": lambda: plot_phase_plane_examples(results=published),
        "numerics_comparison.png": plot_numerics_comparison,
        "fi_curves.png": plot_fi_examples,
    }
    paths = []
    for name, make in figures.items():
        fig = make()
        path = outdir / name
        fig.savefig(path, dpi=dpi, facecolor="white")
        paths.append(path)
    return paths
