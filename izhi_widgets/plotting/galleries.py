"""The papers' galleries and the report's multi-panel figures.

* `plot_gallery_2004`: Fig. 1 of Izhikevich (2004), the 20 features A–T;
* `plot_gallery_2003`: the cell types of Fig. 2 of Izhikevich (2003);
* `plot_phase_plane_examples`: phase planes of a few presets above their traces.

The galleries are drawn at the report's page width (`PAGE_WIDTH_IN`), so their font sizes
are the printed sizes. `_trace_panel` and `_draw_trace` (a runaway run is drawn only up
to where it was stopped) are shared with `izhi_widgets.plotting.numerics`.

Each takes the runs it draws (a sequence or a mapping key -> result); without them it asks
`izhi_widgets.experiments` for the presets' runs (one batched run per setting). Each
returns a new pyplot figure, so it shows inline in Jupyter (and with ``plt.show()`` in a
script); the report builder (``report/build.py``) saves and closes them.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from izhi_widgets.experiments import preset_results
>>> fig = plot_gallery_2003(preset_results())
>>> len(fig.axes)
16
>>> plt.close(fig)
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..presets import PRESETS
from ..result import SimulationResult
from .common import PAGE_WIDTH_IN, TRACE_COLOR, nice_length, pyplot_figure, stop_time_ms, thin_trace
from .phase import plot_phase_plane
from .traces import plot_stimulus

__all__ = [
    "plot_gallery_2004",
    "plot_gallery_2003",
    "plot_phase_plane_examples",
    "SUBTHRESHOLD_INSETS",
]


def _results_for(keys: Sequence[str], results) -> dict[str, SimulationResult]:
    """The runs of ``keys``: from ``results``, or (None) the presets' published runs."""
    if results is None:
        from ..experiments import preset_results

        return preset_results(keys)
    return _as_mapping(keys, results)


def _as_mapping(keys: Sequence[str], results) -> dict[str, SimulationResult]:
    if isinstance(results, Mapping):
        return {key: results[key] for key in keys}
    results = list(results)
    if len(results) != len(keys):
        raise ValueError(f"expected {len(keys)} results (one per preset {', '.join(keys)}), "
                         f"got {len(results)}")
    return dict(zip(keys, results))


#: Subthreshold insets of the 2004 gallery: key -> (t0, t1) of the zoomed window (ms) and
#: the inset's place in the panel (axes fraction x0, y0, width, height).
SUBTHRESHOLD_INSETS: dict[str, tuple[tuple[float, float], tuple[float, float, float, float]]] = {
    "J": ((29.0, 200.0), (0.30, 0.5, 0.70, 0.5)),
    "K": ((20.0, 332.0), (0.02, 0.5, 0.74, 0.5)),
}


def _nice_mv(span: float) -> float:
    """A round voltage scale-bar length of about a third of ``span`` mV."""
    for length in (50, 20, 10, 5, 2, 1, 0.5, 0.2, 0.1):
        if length <= span / 2.5:
            return float(length)
    return 0.1


def _subthreshold_inset(ax: Axes, result: SimulationResult, window: tuple[float, float],
                        place: tuple[float, float, float, float], fontsize: float) -> Axes:
    """A zoom of v(t) in ``window`` drawn inside ``ax``, with its own mV scale bar.

    The data fill the lower part of the inset; the label and the bar sit above them.
    """
    t = np.asarray(result.t_ms)
    v = np.asarray(result.v_mV)
    sel = (t >= window[0]) & (t <= window[1])
    inset = ax.inset_axes(place)
    inset.plot(t[sel], v[sel], color=TRACE_COLOR, lw=0.6)
    lo, hi = float(v[sel].min()), float(v[sel].max())
    span = max(hi - lo, 0.5)
    inset.set_xlim(window)
    inset.set_ylim(lo - 0.08 * span, hi + 0.75 * span)
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_color("0.6")
        spine.set_linewidth(0.5)
    length = _nice_mv(span)
    x = window[0] + 0.5 * (window[1] - window[0])
    top = hi + 0.68 * span
    inset.plot([x, x], [top - length, top], color="k", lw=1.2, solid_capstyle="butt")
    inset.text(x + 0.02 * (window[1] - window[0]), top - 0.5 * length, f"{length:g} mV",
               ha="left", va="center", fontsize=fontsize)
    inset.text(0.03, 0.95, "zoom", transform=inset.transAxes, ha="left", va="top",
               fontsize=fontsize, color="0.4")
    return inset


def _draw_trace(ax: Axes, result: SimulationResult, *, lw: float = 0.6,
                max_points: int = 4000) -> float | None:
    """v(t) of ``result`` on ``ax``; a runaway run only up to where it was stopped.

    Returns the stop time of a run stopped as runaway (None otherwise); the stretch after
    it is shaded, not drawn as a trace, because the model did not produce it.
    """
    t = np.asarray(result.t_ms, dtype=float)
    v = np.asarray(result.v_mV, dtype=float)
    stop = stop_time_ms(result)
    if stop is not None:
        keep = t <= stop
        t, v = t[keep], v[keep]
    t, v = thin_trace(t, v, max_points)
    ax.plot(t, v, color=TRACE_COLOR, lw=lw, solid_joinstyle="miter")
    if stop is not None:
        ax.axvspan(stop, result.duration_ms, color="tab:red", alpha=0.08, lw=0)
    return stop


def _trace_panel(fig: Figure, cell, result: SimulationResult, title: str, *,
                 right_title: str = "", x_max: float | None = None, scale_bar: bool = True,
                 bar_ms: float | None = None, v_axis: bool = False, time_axis: bool = False,
                 title_size: float = 7.5, small: float = 6.5, cartoon_ratio: float = 0.26
                 ) -> tuple[Axes, Axes]:
    """One gallery panel: the v trace (black) above the input cartoon.

    ``x_max`` sets a common time axis (default: the run's duration); ``bar_ms`` the time
    scale bar's length (default: a round quarter of the axis).
    """
    x_max = float(result.duration_ms if x_max is None else x_max)
    sub = cell.subgridspec(2, 1, height_ratios=(1.0, cartoon_ratio), hspace=0.05)
    ax = fig.add_subplot(sub[0])
    cartoon = fig.add_subplot(sub[1], sharex=ax)
    stop = _draw_trace(ax, result)
    ax.set_xlim(0.0, x_max)
    ax.set_ylim(-95.0, 38.0)
    ax.set_title(title, loc="left", fontsize=title_size, pad=1.5)
    if right_title:
        ax.set_title(right_title, loc="right", pad=1.5, color="0.3", fontsize=small)
    if stop is not None:
        ax.text(0.99, 0.04, f"runaway: stopped at {stop:.4g} ms", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=small, color="tab:red")
    plot_stimulus(result.stimulus, result.duration_ms, cartoon, dt_ms=result.dt_ms, bare=True,
                  linewidth=0.8)
    cartoon.set_xlim(0.0, x_max)
    if v_axis:
        ax.spines[["top", "right", "bottom"]].set_visible(False)
        ax.set_yticks([-80, -40, 0, 30])
        ax.tick_params(axis="y", labelsize=small, length=2, pad=1)
        ax.tick_params(axis="x", bottom=False, labelbottom=False)
        ax.set_ylabel("v (mV)", fontsize=small, labelpad=1)
    else:
        ax.set_axis_off()
    if time_axis:
        cartoon.set_axis_on()
        cartoon.spines[["top", "right", "left"]].set_visible(False)
        cartoon.set_yticks([])
        cartoon.tick_params(axis="x", labelsize=small, length=2, pad=1)
        cartoon.set_xlabel("time (ms)", fontsize=small, labelpad=1)
    elif scale_bar:
        cartoon.set_ylim(-1.25, 1.15)
        length = nice_length(x_max) if bar_ms is None else bar_ms
        cartoon.plot([x_max - length, x_max], [-0.85, -0.85], color="k", lw=1.2,
                     solid_capstyle="butt")
        cartoon.text(x_max - length - 0.015 * x_max, -0.85, f"{length:g} ms",
                     ha="right", va="center", fontsize=small)
    return ax, cartoon


def _mv_scale_bar(ax: Axes, length: float = 50.0, *, fontsize: float = 6.0) -> None:
    """A vertical bar of ``length`` mV just left of a trace panel, labelled beside it."""
    from matplotlib.transforms import ScaledTranslation

    def left_by(points: float):  # x: the axes' left edge shifted by points; y: in mV
        return ax.get_yaxis_transform() + ScaledTranslation(-points / 72.0, 0.0,
                                                            ax.figure.dpi_scale_trans)

    y0 = -30.0
    ax.plot([0.0, 0.0], [y0, y0 + length], color="k", lw=1.2, solid_capstyle="butt",
            clip_on=False, transform=left_by(3.0))
    ax.text(0.0, y0 + 0.5 * length, f"{length:g} mV", ha="right", va="center", rotation=90,
            fontsize=fontsize, transform=left_by(5.0), clip_on=False)


def _level_text(result: SimulationResult) -> str:
    """The input's range for a cartoon label: its lowest and highest value."""
    current = np.asarray(result.I if len(result.I) else
                         result.stimulus.current(np.asarray(result.t_ms)), dtype=float)
    lo, hi = float(np.min(current)), float(np.max(current))
    if abs(hi - lo) < 1e-12:
        return f"I = {hi:.3g}"
    return f"I: {lo:.3g} to {hi:.3g}"


def _params_text(result: SimulationResult) -> str:
    p = result.params
    return f"a {p.a:g}, b {p.b:g}, c {p.c:g}, d {p.d:g}"


def plot_gallery_2004(results: Sequence[SimulationResult] | Mapping[str, SimulationResult] | None = None
                      ) -> Figure:
    """Fig. 1 of Izhikevich (2004): the 20 features A-T in a 5 x 4 grid, at print size.

    Each panel: the letter and feature name, the v trace in black (the paper's scale:
    -95 to 35 mV in every panel; a 50 mV bar in panel A), the input cartoon beneath it
    (with its I = 0 line and its range in the model's units), and a time scale bar. J and K,
    whose feature is subthreshold, get a zoomed inset with its own mV bar.

    Parameters
    ----------
    results : sequence (in A-T order) or mapping key -> SimulationResult, optional
        None: all presets are simulated in one batched run (published numerics,
        `izhi_widgets.experiments.preset_results`).

    Returns
    -------
    Figure
        A new pyplot figure (close it with ``plt.close(fig)`` when done).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from izhi_widgets.experiments import preset_results
    >>> fig = plot_gallery_2004(preset_results())
    >>> len(fig.axes), sum(len(ax.child_axes) for ax in fig.axes)  # and J's, K's insets
    (40, 2)
    >>> plt.close(fig)
    """
    keys = [k for k, p in PRESETS.items() if p.group == "2004"]
    found = _results_for(keys, results)
    fig = pyplot_figure((PAGE_WIDTH_IN, 7.4))
    grid = fig.add_gridspec(5, 4, left=0.035, right=0.995, top=0.975, bottom=0.005,
                            hspace=0.3, wspace=0.08)
    for k, key in enumerate(keys):
        preset = PRESETS[key]
        ax, cartoon = _trace_panel(fig, grid[k // 4, k % 4], found[key],
                                   f"({key}) {preset.name}")
        cartoon.text(0.0, 0.98, _level_text(found[key]), transform=cartoon.transAxes,
                     ha="left", va="bottom", fontsize=5.8, color="0.35")
        if k == 0:
            _mv_scale_bar(ax)
        if key in SUBTHRESHOLD_INSETS:
            window, place = SUBTHRESHOLD_INSETS[key]
            _subthreshold_inset(ax, found[key], window, place, 5.8)
    return fig


def plot_gallery_2003(results: Sequence[SimulationResult] | Mapping[str, SimulationResult] | None = None
                      ) -> Figure:
    """The cell types of Izhikevich (2003), Fig. 2: eight v traces on one time scale.

    Every panel spans the longest protocol (LTS, 250 ms) with the same 50 ms bar, so the
    firing rates compare at a glance; the name and ``a, b, c, d`` head each panel.

    Parameters
    ----------
    results : sequence (RS, IB, CH, FS, TC, TC_burst, RZ, LTS) or mapping, optional
        None: all presets are simulated in one batched run (published numerics,
        `izhi_widgets.experiments.preset_results`).

    Returns
    -------
    Figure
        A new pyplot figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_gallery_2003()
    >>> fig.axes[0].get_title(loc="left"), [float(x) for x in fig.axes[0].get_xlim()]
    ('RS: regular spiking', [0.0, 250.0])
    >>> plt.close(fig)
    """
    keys = [k for k, p in PRESETS.items() if p.group == "2003"]
    found = _results_for(keys, results)
    x_max = max(found[k].duration_ms for k in keys)
    fig = pyplot_figure((PAGE_WIDTH_IN, 4.3))
    grid = fig.add_gridspec(4, 2, left=0.035, right=0.995, top=0.96, bottom=0.005,
                            hspace=0.32, wspace=0.06)
    for k, key in enumerate(keys):
        preset = PRESETS[key]
        ax, cartoon = _trace_panel(fig, grid[k // 2, k % 2], found[key],
                                   f"{key.replace('_', ' ')}: {preset.name}",
                                   x_max=x_max, bar_ms=50.0, title_size=8.0)
        cartoon.text(0.0, 0.98, f"{_params_text(found[key])};  {_level_text(found[key])}",
                     transform=cartoon.transAxes, ha="left", va="bottom", fontsize=6.2,
                     color="0.3")
        if k == 0:
            _mv_scale_bar(ax)
    return fig


def plot_phase_plane_examples(keys: Sequence[str] = ("A", "C", "P", "K"),
                              results: Mapping[str, SimulationResult] | None = None) -> Figure:
    """Phase planes of a few presets (2 columns), each above its v trace, one shared legend.

    Parameters
    ----------
    keys : sequence of str
        Preset keys.
    results : mapping key -> SimulationResult, optional
        Default: the presets' published runs (`izhi_widgets.experiments.preset_results`).

    Returns
    -------
    Figure
        A new pyplot figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_phase_plane_examples(["A", "P"])
    >>> fig.axes[0].get_title(loc="left")
    '(A) tonic spiking: nullclines at I = 14'
    >>> plt.close(fig)
    """
    keys = list(keys)
    found = _results_for(keys, results)
    rows = math.ceil(len(keys) / 2)
    height = 5.0 * rows + 0.9
    fig = pyplot_figure((11.0, height))
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
