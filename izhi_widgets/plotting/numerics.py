"""The numerics comparison: presets under the published scheme and under ODE integrators.

`plot_numerics_comparison` draws one row per preset and one column per setting
``(numerics, dt_ms)``: by default the published scheme at the paper's step, the same
scheme at 0.01 ms, and Brian2's ``rk4`` at 0.01 ms. The middle column separates the two
causes of a change: what changes between the first two columns is the step (the overshoot
of ``v`` that ``u`` absorbs in the spike step); what changes between the last two is the
update order alone.

A run stopped as runaway is drawn only up to the time it was stopped; the rest of its
span is shaded and labelled, not drawn as a flat trace, since the model did not make it.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> fig = plot_numerics_comparison(["I"], [("published", None), ("rk4", 0.01)])
>>> fig.axes[0].get_title(loc="right")
'1 spike at 26.6 ms'
>>> plt.close(fig)
"""

from __future__ import annotations

from typing import Mapping, Sequence

from matplotlib.figure import Figure

from ..presets import PRESETS
from ..result import SimulationResult
from .common import PAGE_WIDTH_IN, pyplot_figure, stop_time_ms
from .galleries import _as_mapping, _trace_panel

__all__ = ["plot_numerics_comparison", "COMPARISON_KEYS", "COMPARISON_SETTINGS",
           "setting_title"]

#: Presets of the numerics comparison: the ones whose behaviour the step changes.
COMPARISON_KEYS = ("I", "N", "P", "Q", "S", "T")
#: Columns: the published scheme at the paper's step and at 0.01 ms, then rk4 at 0.01 ms.
COMPARISON_SETTINGS: tuple[tuple[str, float | None], ...] = (
    ("published", None), ("published", 0.01), ("rk4", 0.01))


def setting_title(numerics: str, dt_ms: float | None) -> str:
    """A column head: ``'published scheme, paper's step'``, ``'rk4, dt = 0.01 ms'``.

    Examples
    --------
    >>> setting_title("published", None), setting_title("euler", 0.01), setting_title("exact", None)
    ("published, paper's step", 'euler, dt = 0.01 ms', 'exact solution')
    """
    if numerics == "exact":
        return "exact solution"
    if dt_ms is None:
        return f"{numerics}, paper's step"
    if numerics == "published":
        return f"published, dt = {dt_ms:g} ms"
    return f"{numerics}, dt = {dt_ms:g} ms"


def _summary(res: SimulationResult) -> str:
    n = res.n_spikes
    if n == 0:
        return "no spike"
    first = f"{res.spike_times_ms[0]:.4g} ms"
    if stop_time_ms(res) is not None:
        return f"{n} spikes, then stopped"
    return f"1 spike at {first}" if n == 1 else f"{n} spikes, first at {first}"


def plot_numerics_comparison(keys: Sequence[str] = COMPARISON_KEYS,
                             settings: Sequence[tuple[str, float | None]] = COMPARISON_SETTINGS,
                             results: Sequence[Mapping[str, SimulationResult]] | None = None
                             ) -> Figure:
    """Presets (rows) under several numerical settings (columns), at print size.

    Each panel states the spike count and first spike; the row's label gives the preset
    and the paper's step.

    Parameters
    ----------
    keys : sequence of str
        Preset keys (rows).
    settings : sequence of (numerics, dt_ms)
        The columns (``dt_ms=None``: the preset's own step).
    results : sequence of mappings key -> SimulationResult, optional
        One mapping per setting. Default: the presets run under each setting
        (`izhi_widgets.experiments.preset_results`).

    Returns
    -------
    Figure
        A new pyplot figure.

    Raises
    ------
    ValueError
        When ``results`` does not hold one mapping per setting.
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
    row_in = 1.22
    height = row_in * len(keys) + 0.65
    fig = pyplot_figure((PAGE_WIDTH_IN, height))
    grid = fig.add_gridspec(len(keys), len(settings), left=0.075, right=0.985,
                            top=1 - 0.62 / height, bottom=0.28 / height, hspace=0.95,
                            wspace=0.1)
    for col, ((numerics, dt), found) in enumerate(zip(settings, columns)):
        box = grid[0, col].get_position(fig)
        fig.text(0.5 * (box.x0 + box.x1), 1 - 0.04 / height, setting_title(numerics, dt),
                 ha="center", va="top", fontsize=8.5, weight="bold")
        for row, key in enumerate(keys):
            res = found[key]
            _trace_panel(fig, grid[row, col], res, "", right_title=_summary(res),
                         scale_bar=False, v_axis=col == 0, time_axis=True, small=6.5,
                         cartoon_ratio=0.22)
            if col == 0:
                box = grid[row, 0].get_position(fig)
                fig.text(0.005, box.y1 + 0.2 / height,
                         f"({key}) {PRESETS[key].name} (paper's step {PRESETS[key].dt_ms:g} ms)",
                         ha="left", va="bottom", fontsize=8, weight="bold")
    return fig
