"""F–I curves: one curve on given axes (`plot_fi_curve`), the class 1 vs 2 figure.

The curves are `izhi_widgets.analysis.FICurve` objects, made by
`izhi_widgets.experiments.fi_curve` (`plot_fi_examples` asks for them when not given).

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from izhi_widgets import PRESETS
>>> from izhi_widgets.experiments import fi_curve
>>> curve = fi_curve(PRESETS["H"].params, np.linspace(-0.5, 6, 32), v0_mV=-64.0)
>>> fig = plt.figure()
>>> steady, first = plot_fi_curve(curve)
>>> steady.axes.figure is fig
True
>>> plt.close(fig)
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..analysis import FICurve
from ..presets import PRESETS
from .common import current_axes, pyplot_figure

__all__ = ["plot_fi_curve", "plot_fi_examples"]


def plot_fi_curve(curve: FICurve, ax: Axes | None = None, *, label: str | None = None,
                  color: str | None = None, show_first: bool = True) -> list[Line2D]:
    """Plot an F–I curve (`izhi_widgets.experiments.fi_curve`): rate against step current.

    Parameters
    ----------
    curve : izhi_widgets.analysis.FICurve
    ax : Axes, optional
        None: the current pyplot axes (``plt.gca()``).
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

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from izhi_widgets import IzhikevichParams
    >>> from izhi_widgets.experiments import fi_curve
    >>> curve = fi_curve(IzhikevichParams(), [0, 10, 20], duration_ms=500)
    >>> lines = plot_fi_curve(curve, Figure().add_subplot())
    >>> [line.get_label() for line in lines]
    ['steady-state rate', 'initial rate (1 / first ISI)']
    """
    if ax is None:
        ax = current_axes()
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


def plot_fi_examples(keys: Sequence[str] = ("G", "H"), n_currents: int = 32,
                     curves: Mapping[str, FICurve] | None = None) -> Figure:
    """F–I curves of the class 1 and class 2 excitable neurons (presets G and H).

    Parameters
    ----------
    keys : sequence of str
        Preset keys, one panel each.
    n_currents : int
        Step amplitudes per curve (when the curves are computed here).
    curves : mapping key -> FICurve, optional
        Default: `izhi_widgets.experiments.fi_examples` (each preset's parameters and
        initial state get 1 s steps from t = 0 of ``n_currents`` amplitudes over a range
        that spans its rheobase, in one batched run).

    Returns
    -------
    Figure
        A new pyplot figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_fi_examples(["G"])
    >>> fig.axes[0].get_title(loc="left").startswith("(G) class 1 excitable: rheobase")
    True
    >>> plt.close(fig)
    """
    if curves is None:
        from ..experiments import fi_examples

        curves = fi_examples(keys, n_currents)
    fig = pyplot_figure((10.0, 3.9))
    grid = fig.add_gridspec(1, len(keys), left=0.07, right=0.985, top=0.86, bottom=0.14,
                            wspace=0.22)
    for k, key in enumerate(keys):
        preset = PRESETS[key]
        curve = curves[key]
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
