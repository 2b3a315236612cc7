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
from .common import PAGE_WIDTH_IN, current_axes, pyplot_figure

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
    ax.set_xlabel("step current I (mV/ms)")
    ax.set_ylabel("firing rate (Hz)")
    ax.spines[["top", "right"]].set_visible(False)
    return lines


def _onset_inset(ax: Axes, curve: FICurve, fontsize: float) -> Axes | None:
    """A zoom on the curve around its rheobase (the first current that fires)."""
    if curve.rheobase is None:
        return None
    currents = np.asarray(curve.currents, dtype=float)
    rates = np.asarray(curve.rates_hz, dtype=float)
    span = float(currents.max() - currents.min())
    lo, hi = curve.rheobase - 0.06 * span, curve.rheobase + 0.12 * span
    sel = (currents >= lo) & (currents <= hi)
    if sel.sum() < 3:
        return None
    inset = ax.inset_axes((0.6, 0.1, 0.37, 0.42))
    inset.plot(currents[sel], rates[sel], marker="o", ms=2, lw=0.9, color="k")
    inset.set_xlim(lo, hi)
    inset.set_ylim(bottom=-2, top=max(10.0, 1.1 * float(np.nanmax(rates[sel]))))
    inset.tick_params(labelsize=fontsize - 1, length=2, pad=1)
    inset.set_title("near onset", fontsize=fontsize - 0.5, pad=1.5)
    inset.axvline(curve.rheobase, color="0.6", lw=0.6, ls=":")
    return inset


def plot_fi_examples(keys: Sequence[str] = ("G", "H"), n_currents: int = 32,
                     curves: Mapping[str, FICurve] | None = None) -> Figure:
    """F–I curves of the class 1 and class 2 excitable neurons (presets G and H).

    Drawn at the report's page width; each panel has an inset around its rheobase, where
    the two classes differ (a rate that starts from 0 vs a jump to a finite rate).

    Parameters
    ----------
    keys : sequence of str
        Preset keys, one panel each.
    n_currents : int
        Step amplitudes per curve (when the curves are computed here).
    curves : mapping key -> FICurve, optional
        Default: `izhi_widgets.experiments.fi_examples` (each preset's parameters and
        initial state get 1 s steps from t = 0 of ``n_currents`` amplitudes over a range
        that spans its rheobase, in one batched run). Pass curves sampled densely near
        the onset to resolve it.

    Returns
    -------
    Figure
        A new pyplot figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_fi_examples(["G"])
    >>> fig.axes[0].get_title(loc="left")
    '(G) class 1 excitable'
    >>> fig.axes[0].texts[0].get_text().startswith("rheobase")
    True
    >>> plt.close(fig)
    """
    if curves is None:
        from ..experiments import fi_examples

        curves = fi_examples(keys, n_currents)
    fig = pyplot_figure((PAGE_WIDTH_IN, 2.75))
    grid = fig.add_gridspec(1, len(keys), left=0.075, right=0.99, top=0.9, bottom=0.15,
                            wspace=0.25)
    fontsize = 7.5
    for k, key in enumerate(keys):
        preset = PRESETS[key]
        curve = curves[key]
        ax = fig.add_subplot(grid[0, k])
        plot_fi_curve(curve, ax, color="k")
        ax.tick_params(labelsize=fontsize, length=2, pad=1)
        ax.xaxis.label.set_size(fontsize)
        ax.yaxis.label.set_size(fontsize)
        first = curve.rates_hz[curve.rates_hz > 0]
        onset = f"; lowest steady rate {first[0]:.2g} Hz" if len(first) else ""
        rheo = (f"rheobase \u2248 {curve.rheobase:.3g} mV/ms" if curve.rheobase is not None
                else "no firing in the range")
        ax.set_title(f"({key}) {preset.name}", loc="left", fontsize=8, pad=11)
        ax.text(0.0, 1.02, rheo + onset, transform=ax.transAxes, ha="left", va="bottom",
                fontsize=6.8, color="0.3")
        for line in ax.lines:
            line.set_markersize(2.2)
        ax.legend(fontsize=6.5, frameon=False, loc="upper left")
        _onset_inset(ax, curve, fontsize)
    return fig
