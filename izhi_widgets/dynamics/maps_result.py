"""`PatternMap` (what `izhi_widgets.dynamics.maps.pattern_map` returns) and `label_colors`.

Examples
--------
>>> colors = label_colors()
>>> colors["tonic bursting"], colors["quiescent"]
('#d62728', '#d9d9d9')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..analysis import LABELS
from ..analysis.thresholds import ClassifierThresholds
from ..limits import find_runaway
from ..model import RunSpec
from ..params import IzhikevichParams
from ..result import SimulationResult, time_grid
from ..stimulus import Stimulus
from .maps_axes import cell_of

__all__ = ["PatternMap", "label_colors", "LABEL_COLORS"]

#: Every classifier label's colour on a map (fixed: a label keeps its colour on every map).
LABEL_COLORS: dict[str, str] = {
    "quiescent": "#d9d9d9",
    "divergent": "#000000",
    "tonic spiking": "#1f77b4",
    "phasic spiking": "#aec7e8",
    "tonic bursting": "#d62728",
    "phasic bursting": "#ff9896",
    "mixed mode": "#9467bd",
    "spike frequency adaptation": "#2ca02c",
    "class 1 excitable": "#8c564b",
    "class 2 excitable": "#c49c94",
    "spike latency": "#e377c2",
    "subthreshold oscillations": "#f7b6d2",
    "resonator": "#ff7f0e",
    "integrator": "#ffbb78",
    "rebound spike": "#17becf",
    "rebound burst": "#9edae5",
    "threshold variability": "#bcbd22",
    "bistability": "#dbdb8d",
    "depolarizing after-potential": "#7f7f7f",
    "accommodation": "#c5b0d5",
    "inhibition-induced spiking": "#98df8a",
    "inhibition-induced bursting": "#393b79",
}


def label_colors() -> dict[str, str]:
    """A fixed colour (``'#rrggbb'``) for every label of `izhi_widgets.analysis.LABELS`.

    A new dict each call, in the order of ``LABELS``; the same label always gets the same
    colour, so maps can be compared by eye.

    Examples
    --------
    >>> from izhi_widgets.analysis import LABELS
    >>> list(label_colors()) == list(LABELS)
    True
    """
    return {label: LABEL_COLORS[label] for label in LABELS}


def _rgb(hex_color: str) -> tuple[float, float, float]:
    return tuple(int(hex_color[k:k + 2], 16) / 255.0 for k in (1, 3, 5))  # type: ignore[return-value]


@dataclass(frozen=True, eq=False)
class PatternMap:
    """Labels, spike counts and rates over a grid of two axes (see `pattern_map`).

    Cell ``(i, j)`` is row ``i`` (``y[i]``) and column ``j`` (``x[j]``). The arrays are
    read-only.

    Attributes
    ----------
    x_name, y_name : str
        The axes' names (`izhi_widgets.dynamics.maps_axes.AXES`).
    x, y : ndarray
        The grid values: ``x`` (nx,), ``y`` (ny,).
    labels : ndarray of str
        ``(ny, nx)`` classifier labels.
    n_spikes : ndarray of int
        ``(ny, nx)`` spike counts.
    rates : ndarray of float
        ``(ny, nx)`` mean rates over the run (Hz).
    diverged : ndarray of bool
        ``(ny, nx)`` cells that ran away (labelled ``'divergent'``).
    base, stimulus, duration_ms, dt_ms, numerics, v0_mV, thresholds
        The map's settings (``stimulus``: the template the ``'amplitude'`` axis sets).
    spike_steps, offsets : ndarray of int
        Every cell's spike sample indices: cell ``k = i * nx + j`` has
        ``spike_steps[offsets[k]:offsets[k + 1]]`` (`spike_times` reads them as times).
    timings : dict
        ``simulate_s`` (packing, engine runs, reading the spikes) and ``classify_s``
        (splitting the trains, labelling).
    """

    x_name: str
    y_name: str
    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray
    n_spikes: np.ndarray
    rates: np.ndarray
    diverged: np.ndarray
    base: IzhikevichParams
    stimulus: Stimulus
    duration_ms: float
    dt_ms: float
    numerics: str
    v0_mV: float
    thresholds: ClassifierThresholds
    spike_steps: np.ndarray = field(repr=False)
    offsets: np.ndarray = field(repr=False)
    timings: dict = field(default_factory=dict)

    def _freeze(self, **timings: float) -> None:
        """Make the arrays read-only and record the timings (done once, by `pattern_map`)."""
        for arr in (self.x, self.y, self.labels, self.n_spikes, self.rates, self.diverged,
                    self.spike_steps, self.offsets):
            arr.flags.writeable = False
        self.timings.update(timings)

    @property
    def shape(self) -> tuple[int, int]:
        """``(ny, nx)``."""
        return len(self.y), len(self.x)

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """``(left, right, bottom, top)``: the cells' edges, half a step beyond the grid
        values (``imshow(..., origin='lower', extent=pm.extent)``)."""
        hx, hy = (self.x[1] - self.x[0]) / 2, (self.y[1] - self.y[0]) / 2
        return (float(self.x[0] - hx), float(self.x[-1] + hx), float(self.y[0] - hy),
                float(self.y[-1] + hy))

    def cell_at(self, x_value: float, y_value: float) -> tuple[int, int, IzhikevichParams]:
        """The cell under a point (a click): ``(i, j, params)``, the nearest grid values.

        Raises
        ------
        ValueError
            When the point lies outside the map (`extent`).
        """
        left, right, bottom, top = self.extent
        if not (left <= x_value <= right and bottom <= y_value <= top):
            raise ValueError(f"({x_value:g}, {y_value:g}) lies outside the map "
                             f"({self.x_name} {left:g}–{right:g}, {self.y_name} {bottom:g}–{top:g})")
        j = int(np.argmin(np.abs(self.x - x_value)))
        i = int(np.argmin(np.abs(self.y - y_value)))
        return i, j, self.params_at(i, j)

    def _values(self, i: int, j: int) -> dict[str, float]:
        ny, nx = self.shape
        if not (0 <= i < ny and 0 <= j < nx):
            raise IndexError(f"cell ({i}, {j}) is outside the {ny} x {nx} map")
        return {self.x_name: float(self.x[j]), self.y_name: float(self.y[i])}

    def params_at(self, i: int, j: int) -> IzhikevichParams:
        """The parameters of cell ``(i, j)``."""
        return cell_of(self.base, self.stimulus, self._values(i, j))[0]

    def stimulus_at(self, i: int, j: int) -> Stimulus:
        """The stimulus of cell ``(i, j)`` (differs between cells on an amplitude axis)."""
        return cell_of(self.base, self.stimulus, self._values(i, j))[1]

    def run_spec(self, i: int, j: int) -> RunSpec:
        """Cell ``(i, j)``'s run (``u0 = b·v0``), e.g. to re-run it with traces:
        ``simulate_batch([pm.run_spec(i, j)], pm.numerics)``."""
        return RunSpec(self.params_at(i, j), self.stimulus_at(i, j), self.duration_ms,
                       self.dt_ms, self.v0_mV)

    def spike_times(self, i: int, j: int) -> np.ndarray:
        """Cell ``(i, j)``'s spike times (ms)."""
        self._values(i, j)
        k = i * len(self.x) + j
        t = time_grid(self.duration_ms, self.dt_ms)
        return t[self.spike_steps[self.offsets[k]:self.offsets[k + 1]]]

    def result(self, i: int, j: int) -> SimulationResult:
        """Cell ``(i, j)``'s spikes-only run, as `izhi_widgets.model.simulate_batch` with
        ``record=False`` returns it; ``classify`` of it gives ``labels[i, j]``."""
        params, stimulus = cell_of(self.base, self.stimulus, self._values(i, j))
        t = time_grid(self.duration_ms, self.dt_ms)
        spikes = self.spike_times(i, j)
        message = find_runaway(t[:0], [], [], spikes, params, self.duration_ms)
        if not message and self.diverged[i, j]:
            message = "Runaway spiking: the spike ceiling was reached."
        empty = np.zeros(0)
        for arr in (t, spikes, empty):
            arr.flags.writeable = False
        return SimulationResult(
            t_ms=t, v_mV=empty, u=empty, I=empty, spike_times_ms=spikes, params=params,
            stimulus=stimulus, dt_ms=self.dt_ms, duration_ms=self.duration_ms,
            numerics=self.numerics, v0_mV=self.v0_mV, u0=params.default_u0(self.v0_mV),
            diverged=bool(message), message=message)

    def counts(self) -> dict[str, int]:
        """How many cells carry each label present, most frequent first."""
        names, n = np.unique(self.labels, return_counts=True)
        order = np.argsort(-n, kind="stable")
        return {str(names[k]): int(n[k]) for k in order}

    def rgb(self, colors: dict[str, str] | None = None) -> np.ndarray:
        """``(ny, nx, 3)`` colours in [0, 1] (`label_colors` unless ``colors`` is given),
        for ``imshow(pm.rgb(), origin='lower', extent=pm.extent)``."""
        colors = label_colors() if colors is None else colors
        names, inverse = np.unique(self.labels, return_inverse=True)
        palette = np.array([_rgb(colors[str(name)]) for name in names]).reshape(-1, 3)
        return palette[inverse.reshape(self.shape)]
