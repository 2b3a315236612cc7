"""The papers' galleries and the report's multi-panel figures.

* `plot_gallery_2004`: Fig. 1 of Izhikevich (2004), the 20 features A–T;
* `plot_gallery_2003`: the cell types of Fig. 2 of Izhikevich (2003);
* `plot_phase_plane_examples`: phase planes of a few presets above their traces;
* `plot_numerics_comparison`: presets under the published scheme vs Brian2's integrators.

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

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..presets import PRESETS, Preset
from ..result import SimulationResult
from .common import TRACE_COLOR, nice_length, pyplot_figure
from .phase import plot_phase_plane
from .traces import plot_stimulus

__all__ = [
    "plot_gallery_2004",
    "plot_gallery_2003",
    "plot_phase_plane_examples",
    "plot_numerics_comparison",
    "COMPARISON_KEYS",
    "COMPARISON_SETTINGS",
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


def _trace_panel(fig: Figure, cell, result: SimulationResult, preset: Preset, title: str, *,
                 right_title: str = "", scale_bar: bool = True, v_axis: bool = False,
                 time_axis: bool = False, title_size: float = 9.0,
                 right_size: float | None = None) -> tuple[Axes, Axes]:
    """One gallery panel: the v trace (black) above the stimulus cartoon."""
    sub = cell.subgridspec(2, 1, height_ratios=(4.2, 1.0), hspace=0.06)
    ax = fig.add_subplot(sub[0])
    cartoon = fig.add_subplot(sub[1], sharex=ax)
    ax.plot(result.t_ms, result.v_mV, color=TRACE_COLOR, lw=0.7, solid_joinstyle="miter")
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
        length = nice_length(result.duration_ms)
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
    >>> len(fig.axes)
    40
    >>> plt.close(fig)
    """
    keys = [k for k, p in PRESETS.items() if p.group == "2004"]
    found = _results_for(keys, results)
    fig = pyplot_figure((11.0, 10.6))
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
    >>> fig.axes[0].get_title(loc="left")
    'RS: regular spiking'
    >>> plt.close(fig)
    """
    keys = [k for k, p in PRESETS.items() if p.group == "2003"]
    found = _results_for(keys, results)
    fig = pyplot_figure((10.0, 8.6))
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


#: Presets of the numerics comparison: the ones whose behaviour the step changes most.
COMPARISON_KEYS = ("I", "P", "Q", "T")
#: Columns of the numerics comparison: the published scheme, euler and rk4 at 0.01 ms.
COMPARISON_SETTINGS: tuple[tuple[str, float | None], ...] = (
    ("published", None), ("euler", 0.01), ("rk4", 0.01))


def plot_numerics_comparison(keys: Sequence[str] = COMPARISON_KEYS,
                             settings: Sequence[tuple[str, float | None]] = COMPARISON_SETTINGS,
                             results: Sequence[Mapping[str, SimulationResult]] | None = None
                             ) -> Figure:
    """Presets under the published scheme vs Brian2's ``euler`` / ``rk4`` at a fine step.

    One row per preset, one column per ``(numerics, dt_ms)`` setting (``dt_ms=None``: the
    preset's own step); each panel states the spike count and first spike.

    Parameters
    ----------
    keys : sequence of str
        Preset keys (rows).
    settings : sequence of (numerics, dt_ms)
        The columns.
    results : sequence of mappings key -> SimulationResult, optional
        One mapping per setting. Default: the presets run under each setting
        (`izhi_widgets.experiments.preset_results`).

    Returns
    -------
    Figure
        A new pyplot figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_numerics_comparison(["I"], [("published", None), ("rk4", 0.01)])
    >>> fig.axes[0].get_title(loc="right")
    '1 spike, first at 26.6 ms (step 0.2 ms)'
    >>> plt.close(fig)
    """
    keys, settings = list(keys), list(settings)
    if results is None:
        from ..experiments import preset_results

        columns = [preset_results(keys, numerics, dt) for numerics, dt in settings]
    else:
        if len(results) != len(settings):
            raise ValueError(f"expected {len(settings)} mappings of results (one per setting), "
                             f"got {len(results)}")
        columns = [_as_mapping(keys, found) for found in results]
    height = 2.5 * len(keys) + 0.6
    fig = pyplot_figure((4.0 * len(settings), height))
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
