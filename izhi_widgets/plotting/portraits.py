"""Phase portraits near rest: vector field, nullclines, equilibria and a run's trajectory.

`plot_phase_portraits` draws several `Portrait` panels at the report's page width, each a
zoom of the (v, u) plane around the rest state (where the features of K, L, P and of the
class 1 / class 2 onset are decided) above the run's v(t). The field's arrows show the
*direction* of (v', u') in the panel's own scaling (their length is constant), because v
moves 10-100 times faster than u and true-length arrows would all be horizontal.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from izhi_widgets import PRESETS, simulate
>>> panel = Portrait("(P) bistability", simulate(PRESETS["P"]), 0.24, (-66, -50), (-17, -14.5))
>>> fig = plot_phase_portraits([panel])
>>> fig.axes[0].get_title(loc="left")
'(P) bistability'
>>> plt.close(fig)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..analysis import fixed_points, nullclines
from ..params import IzhikevichParams
from ..result import SimulationResult
from .common import PAGE_WIDTH_IN, TRACE_COLOR, pyplot_figure

__all__ = ["Portrait", "vector_field", "plot_vector_field", "plot_phase_portraits"]


@dataclass(frozen=True)
class Portrait:
    """One panel: a run, the current of its nullclines and field, and the window shown.

    Attributes
    ----------
    title : str
    result : SimulationResult
        A recorded run; its (v, u) trajectory is drawn inside the window.
    current : float
        The constant I of the nullclines, equilibria and vector field.
    v_range, u_range : (float, float)
        The window (mV; u in the model's units).
    note : str
        A line under the title (e.g. the kind of the equilibria).
    t_range : (float, float) or None
        Part of the run drawn in the plane and the trace (None: all of it).
    """

    title: str
    result: SimulationResult
    current: float
    v_range: tuple[float, float]
    u_range: tuple[float, float]
    note: str = ""
    t_range: tuple[float, float] | None = None


def vector_field(params: IzhikevichParams, I: float, v_mV: np.ndarray, u: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """``(v', u')`` of the model at the points ``(v_mV, u)`` under a constant current ``I``.

    Examples
    --------
    >>> dv, du = vector_field(IzhikevichParams(b=0.2), 0.0, np.array([-70.0]), np.array([-14.0]))
    >>> round(float(dv[0]), 9), round(float(du[0]), 9)   # the rest state of the standard neuron
    (0.0, 0.0)
    """
    v = np.asarray(v_mV, dtype=float)
    u = np.asarray(u, dtype=float)
    dv = params.k2 * v * v + params.k1 * v + params.k0 - u + I
    v_shift, u_gain = params.recovery_terms()
    du = params.a * (params.b * (v + v_shift) - u_gain * u)
    return dv, du


def plot_vector_field(ax: Axes, params: IzhikevichParams, I: float, v_range: tuple[float, float],
                      u_range: tuple[float, float], *, n: tuple[int, int] = (19, 13),
                      length: float = 0.032, color: str = "0.72"):
    """Direction arrows of (v', u') on an ``n`` grid over the window; returns the Quiver.

    Each arrow has the same length, ``length`` of the window, and points along the flow as
    it looks in the drawn (anisotropic) window.
    """
    v = np.linspace(*v_range, n[0] + 2)[1:-1]
    u = np.linspace(*u_range, n[1] + 2)[1:-1]
    vv, uu = np.meshgrid(v, u)
    dv, du = vector_field(params, I, vv, uu)
    span_v, span_u = v_range[1] - v_range[0], u_range[1] - u_range[0]
    x, y = dv / span_v, du / span_u  # the flow in axes fractions
    norm = np.hypot(x, y)
    norm[norm == 0] = 1.0
    U = x / norm * length * span_v
    V = y / norm * length * span_u
    return ax.quiver(vv, uu, U, V, angles="xy", scale_units="xy", scale=1.0, color=color,
                     width=0.004, headwidth=3.5, headlength=4.0, headaxislength=3.5, zorder=0)


def _window(result: SimulationResult, t_range):
    t = np.asarray(result.t_ms)
    if t_range is None:
        return np.ones(len(t), dtype=bool)
    return (t >= t_range[0]) & (t <= t_range[1])


def _draw_plane(ax: Axes, panel: Portrait, fontsize: float):
    res, params = panel.result, panel.result.params
    plot_vector_field(ax, params, panel.current, panel.v_range, panel.u_range)
    grid = np.linspace(*panel.v_range, 400)
    v_null, u_null = nullclines(params, panel.current, grid)
    handles = {}
    (handles["v-nullcline (v' = 0)"],) = ax.plot(grid, v_null, color="tab:orange", lw=1.3)
    if params.recovery == "accommodation":
        v_shift, _ = params.recovery_terms()
        handles["u-nullcline (u' = 0)"] = ax.axvline(-v_shift, color="tab:blue", lw=1.3)
    else:
        (handles["u-nullcline (u' = 0)"],) = ax.plot(grid, u_null, color="tab:blue", lw=1.3)
    sel = _window(res, panel.t_range)
    v, u = np.asarray(res.v_mV)[sel], np.asarray(res.u)[sel]
    spike = v >= params.v_peak_mV
    v = np.where(spike, np.nan, v)  # break the trajectory at each spike and reset
    (handles["trajectory"],) = ax.plot(v, u, color=TRACE_COLOR, lw=0.7, zorder=3)
    for k, point in enumerate(fixed_points(params, panel.current)):
        if not (panel.v_range[0] <= point.v_mV <= panel.v_range[1]):
            continue
        style = dict(ms=5.5, zorder=4, ls="none", marker="o", mec="k", mew=1.0)
        if point.stable:
            (handles["stable equilibrium"],) = ax.plot(point.v_mV, point.u, mfc="k", **style)
        else:
            (handles["unstable equilibrium / saddle"],) = ax.plot(point.v_mV, point.u,
                                                                  mfc="white", **style)
        # the lower equilibrium labelled below-right, the upper one above-left
        below = k == 0
        ax.annotate(point.kind, (point.v_mV, point.u), xytext=(5, -4) if below else (-5, 5),
                    textcoords="offset points", fontsize=fontsize - 0.5, color="0.2",
                    va="top" if below else "bottom", ha="left" if below else "right",
                    zorder=5, bbox=dict(facecolor="white", edgecolor="none", alpha=0.7,
                                        pad=0.5))
    ax.set_xlim(*panel.v_range)
    ax.set_ylim(*panel.u_range)
    ax.tick_params(labelsize=fontsize, length=2, pad=1)
    ax.set_xlabel("v (mV)", fontsize=fontsize, labelpad=1)
    ax.set_ylabel("u", fontsize=fontsize, labelpad=1)
    ax.spines[["top", "right"]].set_visible(False)
    return handles


def plot_phase_portraits(panels: Sequence[Portrait], *, columns: int = 2) -> Figure:
    """Phase portraits (`Portrait`) in a grid, each above its v(t), with one legend.

    Parameters
    ----------
    panels : sequence of Portrait
    columns : int
        Panels per row.

    Returns
    -------
    Figure
        A new pyplot figure at the report's page width.
    """
    panels = list(panels)
    rows = -(-len(panels) // columns)
    row_in = 2.55
    full = len(panels) == rows * columns
    height = row_in * rows + (0.55 if full else 0.15)
    fig = pyplot_figure((PAGE_WIDTH_IN, height))
    grid = fig.add_gridspec(rows, columns, left=0.08, right=0.975, top=1 - 0.3 / height,
                            bottom=(0.62 if full else 0.3) / height, hspace=0.5, wspace=0.2)
    handles: dict = {}
    fontsize = 7.0
    for k, panel in enumerate(panels):
        sub = grid[k // columns, k % columns].subgridspec(2, 1, height_ratios=(3.1, 1.0),
                                                          hspace=0.5)
        ax = fig.add_subplot(sub[0])
        handles.update(_draw_plane(ax, panel, fontsize))
        ax.set_title(panel.title, loc="left", fontsize=8, pad=11 if panel.note else 2)
        if panel.note:
            ax.text(0.0, 1.02, panel.note, transform=ax.transAxes, ha="left", va="bottom",
                    fontsize=fontsize - 0.5, color="0.3")
        trace = fig.add_subplot(sub[1])
        res = panel.result
        sel = _window(res, panel.t_range)
        trace.plot(np.asarray(res.t_ms)[sel], np.asarray(res.v_mV)[sel], color=TRACE_COLOR,
                   lw=0.6)
        t = np.asarray(res.t_ms)[sel]
        trace.set_xlim(float(t[0]), float(t[-1]))
        trace.set_ylim(-90, 35)
        trace.set_yticks([-80, -40, 0, 30])
        trace.tick_params(labelsize=fontsize - 0.5, length=2, pad=1)
        trace.set_xlabel("time (ms)", fontsize=fontsize, labelpad=1)
        trace.set_ylabel("v (mV)", fontsize=fontsize - 0.5, labelpad=1)
        trace.spines[["top", "right"]].set_visible(False)
    order = ["trajectory", "v-nullcline (v' = 0)", "u-nullcline (u' = 0)", "stable equilibrium",
             "unstable equilibrium / saddle"]
    names = [name for name in order if name in handles]
    arrow = Line2D([], [], color="0.72", marker=r"$\rightarrow$", ms=9, ls="none")
    items = [handles[n] for n in names] + [arrow]
    labels = names + ["direction of the flow (v', u')"]
    if len(panels) < rows * columns:  # the legend in the first empty cell
        box = grid[rows - 1, columns - 1].get_position(fig)
        fig.legend(items, labels, loc="center", fontsize=7.5, frameon=False,
                   bbox_to_anchor=(0.5 * (box.x0 + box.x1), 0.5 * (box.y0 + box.y1)),
                   handlelength=1.8)
    else:
        fig.legend(items, labels, loc="lower center", ncol=3, fontsize=7, frameon=False,
                   bbox_to_anchor=(0.5, 0.0), handlelength=1.5, columnspacing=1.2)
    return fig
