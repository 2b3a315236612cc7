"""Figures of a network run (`izhi_widgets.network.NetworkResult`): the raster, the
population rate, the power spectrum with its rhythms labelled, and the three together.

Each function draws into ``ax`` (default: the current pyplot axes) and returns the
artists it made.

Examples
--------
>>> import numpy as np
>>> from matplotlib.figure import Figure
>>> from izhi_widgets.network import NetworkParams, NetworkResult
>>> res = NetworkResult(NetworkParams(n_exc=3, n_inh=1), "published", 1.0, 400.0,
...                     np.array([5.0, 7.0, 90.0]), np.array([0, 3, 1]))
>>> exc, inh = plot_raster(res, Figure().add_subplot())
>>> len(exc.get_offsets()), len(inh.get_offsets())
(2, 1)
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..network.result import NetworkResult, smooth_spectrum, rhythm_peaks
from .common import PAGE_WIDTH_IN, current_axes, pyplot_figure

__all__ = ["plot_raster", "plot_population_rate", "plot_spectrum", "plot_network",
           "EXC_COLOR", "INH_COLOR"]

EXC_COLOR = "#1f5fa8"
INH_COLOR = "#d0342c"


def plot_raster(result: NetworkResult, ax: Axes | None = None, *, max_neurons: int = 1000,
                size: float | None = None) -> tuple[PathCollection, PathCollection]:
    """Spike raster: neuron index against time, excitatory blue, inhibitory red.

    For networks over ``max_neurons`` an evenly spaced subset of that many neurons (their
    own indices) is drawn, so large networks stay readable and quick to draw.
    Returns the excitatory and inhibitory scatter collections.
    """
    ax = ax if ax is not None else current_axes()
    n = result.params.n
    t, i = result.spike_times_ms, result.spike_indices
    if n > max_neurons:
        stride = int(np.ceil(n / max_neurons))
        keep = i % stride == 0
        t, i = t[keep], i[keep]
    exc = i < result.params.n_exc
    s = size if size is not None else max(0.8, min(6.0, 12000.0 / max(len(t), 1)))
    a = ax.scatter(t[exc], i[exc], s=s, c=EXC_COLOR, marker=".", linewidths=0,
                   label="excitatory", rasterized=True)
    b = ax.scatter(t[~exc], i[~exc], s=s, c=INH_COLOR, marker=".", linewidths=0,
                   label="inhibitory", rasterized=True)
    ax.set_xlim(0, result.duration_ms)
    ax.set_ylim(-0.5, n - 0.5)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron")
    return a, b


def plot_population_rate(result: NetworkResult, ax: Axes | None = None, *,
                         bin_ms: float = 1.0, color: str = "k", label: str | None = None
                         ) -> Line2D:
    """The population's mean rate (Hz per neuron) in bins of ``bin_ms``, as steps."""
    ax = ax if ax is not None else current_axes()
    t, rate = result.population_rate_hz(bin_ms)
    (line,) = ax.plot(t, rate, drawstyle="steps-post", color=color, lw=0.7, label=label)
    ax.set_xlim(0, result.duration_ms)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate (Hz)")
    return line


def plot_spectrum(result: NetworkResult, ax: Axes | None = None, *, f_max_hz: float = 100.0,
                  color: str = "k", label: str | None = None, annotate: bool = True
                  ) -> list:
    """The population spike count's power spectrum up to ``f_max_hz`` (log scale; grey:
    the periodogram, line: smoothed over 2 Hz), its floor (dotted) and its alpha and
    gamma peaks marked and labelled.

    Returns the smoothed spectrum's line, then the floor line and the peaks' markers and labels.
    """
    ax = ax if ax is not None else current_axes()
    f, power = result.spectrum()
    show = (f > 0) & (f <= f_max_hz)
    artists: list = []
    if not show.any():
        return artists
    ax.semilogy(f[show], np.maximum(power[show], 1e-3), color="0.75", lw=0.6)
    smooth = smooth_spectrum(power, f, 2.0)
    (line,) = ax.semilogy(f[show], np.maximum(smooth[show], 1e-3), color=color, lw=1.0,
                          label=label)
    artists.append(line)
    ax.set_xlim(0, f_max_hz)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("power")
    floor_band = f >= 150
    if not floor_band.any():
        return artists
    floor = power[floor_band].mean()
    artists.append(ax.axhline(floor, color=color, lw=0.6, ls=":", alpha=0.7))
    if not annotate:
        return artists
    peaks = rhythm_peaks(f, power)
    for name, greek in (("alpha", "α"), ("gamma", "γ")):
        hz = peaks[f"{name}_hz"]
        if not np.isfinite(hz):
            continue
        k = int(np.argmin(np.abs(f - hz)))
        y = smooth[k]
        artists.append(ax.plot([hz], [y], "v", color=color, ms=5)[0])
        artists.append(ax.annotate(f"{greek} {hz:.0f} Hz", (hz, y), xytext=(4, 6),
                                   textcoords="offset points", fontsize=8, color=color))
    return artists


def plot_network(results: list[NetworkResult], titles: list[str] | None = None, *,
                 fig: Figure | None = None) -> Figure:
    """Raster, population rate and spectrum of each result, one column each.

    Returns the figure (a new pyplot figure at the report's page width unless ``fig``).
    """
    if fig is None:
        fig = pyplot_figure((PAGE_WIDTH_IN, 5.6))
    cols = len(results)
    grid = fig.add_gridspec(3, cols, height_ratios=(3, 1, 1.6), hspace=0.55, wspace=0.28)
    for k, res in enumerate(results):
        ax_r = fig.add_subplot(grid[0, k])
        plot_raster(res, ax_r, size=0.6)
        rates = res.rates_hz()
        title = titles[k] if titles else res.scheme
        ax_r.set_title(f"{title}\n{rates['all']:.2f} Hz (exc {rates['exc']:.2f}, "
                       f"inh {rates['inh']:.2f})", fontsize=8, loc="left")
        ax_p = fig.add_subplot(grid[1, k], sharex=ax_r)
        plot_population_rate(res, ax_p)
        ax_s = fig.add_subplot(grid[2, k])
        plot_spectrum(res, ax_s)
        for ax in (ax_r, ax_p, ax_s):
            ax.tick_params(labelsize=7)
            ax.xaxis.label.set_size(8)
            ax.yaxis.label.set_size(8)
        if k:
            ax_r.set_ylabel("")
            ax_p.set_ylabel("")
            ax_s.set_ylabel("")
    return fig
