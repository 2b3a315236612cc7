"""`plot_convergence`: spike-time error against the step, per scheme (log-log).

Examples
--------
>>> import numpy as np
>>> from izhi_widgets.convergence import ConvergenceStudy
>>> from izhi_widgets.plotting import plot_convergence
>>> study = ConvergenceStudy(("rk4",), (0.1, 0.05), ("A",), np.array([[[1e-3], [6e-5]]]), (5,))
>>> fig = plot_convergence(study)
>>> len(fig.axes)
1
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from .common import PAGE_WIDTH_IN

if TYPE_CHECKING:  # the study's data type only (this module runs nothing)
    from ..convergence import ConvergenceStudy

__all__ = ["plot_convergence"]

_COLORS = {"published": "0.45", "euler": "tab:orange", "rk4": "tab:blue"}


def plot_convergence(study: "ConvergenceStudy", *, figure: Figure | None = None) -> Figure:
    """Largest spike-time error against the exact solution, per scheme and step.

    Thin lines: each case that keeps the exact spike count at every step; thick line with
    dots: the largest over those cases, labelled with the fitted order; grey dashed guides
    of slope 1 and 4. A step where some case misses or adds a spike is marked with a cross
    on the axis' floor.

    Parameters
    ----------
    study : ConvergenceStudy
    figure : Figure, optional
        Drawn into (default: a new, non-pyplot figure at the report's page width).

    Returns
    -------
    Figure
    """
    fig = Figure(figsize=(PAGE_WIDTH_IN * 0.62, 4.4)) if figure is None else figure
    ax = fig.add_subplot(1, 1, 1)
    dts = np.asarray(study.dts)
    floor = np.inf
    for m, method in enumerate(study.methods):
        errors = study.errors[m]
        keep = study.matched(method)
        color = _COLORS.get(method, None)
        for c in np.flatnonzero(keep):
            ax.loglog(dts, np.maximum(errors[:, c], 1e-12), color=color, lw=0.5, alpha=0.35)
        if keep.any():
            worst = errors[:, keep].max(axis=1)
            floor = min(floor, float(np.min(worst[worst > 0])))
            ax.loglog(dts, worst, "o-", color=color, lw=1.8, ms=4,
                      label=f"{method}: order {study.order(method):.2f} "
                            f"({int(keep.sum())} of {len(study.cases)} cases)")
    floor = 1e-9 if not np.isfinite(floor) else floor / 30
    for m, method in enumerate(study.methods):
        missing = ~np.all(np.isfinite(study.errors[m]), axis=1)
        if missing.any():  # one row of crosses per method, below the data
            ax.loglog(dts[missing], np.full(missing.sum(), floor / 4.0 ** m), "x",
                      color=_COLORS.get(method, None), ms=6)
    for order, anchor in ((1, 1.0), (4, 1e-2)):
        ax.loglog(dts, anchor * (dts / dts[0]) ** order, "--", color="0.6", lw=0.8)
        ax.annotate(f"slope {order}", (dts[-1], anchor * (dts[-1] / dts[0]) ** order),
                    fontsize=7, color="0.4", ha="left", va="center",
                    xytext=(4, 0), textcoords="offset points")
    ax.axhline(1e-3, color="tab:red", lw=0.6, ls=":")
    ax.set_xlabel("step dt (ms)")
    ax.set_ylabel("largest spike-time error (ms)")
    ax.set_xlim(dts.min() / 1.3, dts.max() * 2.0)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False)
    ax.grid(True, which="major", lw=0.3, alpha=0.5)
    fig.tight_layout()
    return fig
