"""Time traces: v(t), u(t), I(t) of a run (`plot_trace`) and the stimulus cartoon.

`plot_trace` returns a `TraceArtists` whose `TraceArtists.update` redraws another result
in place (the panel builds its figure once). `plot_stimulus` draws the small input
drawing of the papers' panels.

Examples
--------
>>> from matplotlib.figure import Figure
>>> from izhi_widgets import PRESETS, simulate
>>> fig = Figure()
>>> art = plot_trace(simulate(PRESETS["A"]), fig.subplots(3, 1, sharex=True))
>>> art.update(simulate(PRESETS["B"]))
>>> len(art.v_line.get_ydata()) == len(simulate(PRESETS["B"]).v_mV)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from ..result import SimulationResult, time_grid
from ..stimulus import Stimulus
from .common import (CARTOON_COLOR, I_COLOR, TRACE_COLOR, U_COLOR, current_axes, finite_range,
                     padded, pyplot_figure, samples_of_current, v_limits)

__all__ = ["TraceArtists", "plot_trace", "plot_stimulus"]


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
        v_ax.set_ylim(*v_limits(v if recorded else tt, peak))
        if self.spike_marks is not None:
            spikes = np.asarray(result.spike_times_ms, dtype=float)
            self.spike_marks.set_data(spikes, np.full(spikes.shape, peak + 4.0))
        duration = float(result.duration_ms) if result.duration_ms > 0 else 1.0
        for ax in self.axes:
            ax.set_xlim(0.0, duration)
        if self.u_line is not None:
            u = np.asarray(result.u, dtype=float) if recorded else tt
            self.u_line.set_data(tt, u)
            rng = finite_range(u)
            if rng is not None:
                self.u_line.axes.set_ylim(*padded(*rng, min_span=2.0))
        if self.I_line is not None:
            current = samples_of_current(result)
            self.I_line.set_data(t, current)
            rng = finite_range(current)
            if rng is not None:
                self.I_line.axes.set_ylim(*padded(*rng, frac=0.12, min_span=1.0))
        message = result.message if result.diverged else ""
        self.status.set_text(message.split(";")[0])


def plot_trace(result: SimulationResult, axes: Axes | Sequence[Axes] | None = None, *,
               show_spikes: bool = False, color: str = TRACE_COLOR,
               linewidth: float = 0.9) -> TraceArtists:
    """Plot v(t), u(t) and I(t) of a result.

    Parameters
    ----------
    result : SimulationResult
        A recorded run (``record=True``); for a spikes-only result only the spike marks
        and I (sampled from the stimulus) are drawn.
    axes : Axes or sequence of 1-3 Axes, optional
        Axes for v, u and I, in that order (fewer axes: fewer traces). None: three
        stacked axes sharing the time axis on the current pyplot figure if it is empty,
        else on a new pyplot figure (``plt.figure``), so the plot shows inline in Jupyter
        and with ``plt.show()`` in a script.
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

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from izhi_widgets import PRESETS, simulate
    >>> artists = plot_trace(simulate(PRESETS["A"]))
    >>> artists.figure is plt.gcf(), len(artists.axes)
    (True, 3)
    >>> artists.update(simulate(PRESETS["B"]))
    >>> artists.axes[0].get_xlim() == (0.0, 200.0)
    True
    >>> plt.close(artists.figure)
    """
    if axes is None:
        fig = pyplot_figure((8.0, 5.6), reuse_empty=True)
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
        (u_line,) = axes[1].plot([], [], color=U_COLOR, lw=0.9, label="u")
        axes[1].set_ylabel("u")
    if len(axes) >= 3:
        (I_line,) = axes[2].plot([], [], color=I_COLOR, lw=0.9, label="I")
        axes[2].set_ylabel("I")
    axes[-1].set_xlabel("time (ms)")
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
    artists = TraceArtists(axes, v_line, u_line, I_line, spike_marks, status)
    artists.update(result)
    return artists


def plot_stimulus(stimulus: Stimulus, duration_ms: float, ax: Axes | None = None, *,
                  dt_ms: float | None = None, normalize: bool = True, bare: bool = True,
                  zero_line: bool = True, color: str = CARTOON_COLOR,
                  linewidth: float = 1.0) -> Line2D:
    """A small drawing of the input current, like the cartoons under the paper's traces.

    Parameters
    ----------
    stimulus : Stimulus
    duration_ms : float
        Time span drawn, from 0.
    ax : Axes, optional
        None: the current pyplot axes (``plt.gca()``).
    dt_ms : float, optional
        Sampling step (the run's step shows exactly what the model saw). Default: 4000
        samples over the span.
    normalize : bool
        Scale the current to [0, 1] over the range spanned by the current *and zero*, so
        the sign and the true proportions show: a hyperpolarising pulse goes below the
        zero line, and the 80 -> 75 window of presets S and T is a small dip from a high
        level (not a step from nothing). An input that is 0 throughout is a flat line at
        0. False draws the current in its own units.
    bare : bool
        Hide the axes' frame and ticks (the cartoon style).
    zero_line : bool
        Draw I = 0 as a thin dotted line.
    color, linewidth : matplotlib line style.

    Returns
    -------
    Line2D

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from izhi_widgets import PRESETS
    >>> ax = Figure().add_subplot()
    >>> line = plot_stimulus(PRESETS["S"].stimulus, 350.0, ax, dt_ms=0.5)
    >>> float(line.get_ydata().min()), float(line.get_ydata().max())   # 75 / 80
    (0.9375, 1.0)
    >>> line = plot_stimulus(PRESETS["M"].stimulus, 200.0, ax, dt_ms=0.2)
    >>> float(line.get_ydata().min()), float(line.get_ydata().max())   # -15, then 0
    (0.0, 1.0)
    """
    if ax is None:
        ax = current_axes()
    step = dt_ms if dt_ms is not None else duration_ms / 4000.0
    t = time_grid(duration_ms, step)
    current = np.asarray(stimulus.current(t), dtype=float)
    zero = 0.0
    if normalize:
        lo = min(0.0, float(np.min(current)))
        hi = max(0.0, float(np.max(current)))
        if hi - lo > 1e-12:
            y = (current - lo) / (hi - lo)
            zero = -lo / (hi - lo)
        else:
            y = np.zeros_like(current)
        ax.set_ylim(-0.15, 1.15)
    else:
        y = current
    if zero_line:
        ax.plot([0.0, duration_ms], [zero, zero], color="0.6", lw=0.5, ls=(0, (1, 1.5)),
                zorder=0)
    (line,) = ax.plot(t, y, color=color, lw=linewidth, solid_joinstyle="miter")
    ax.set_xlim(0.0, duration_ms)
    if bare:
        ax.set_axis_off()
    return line
