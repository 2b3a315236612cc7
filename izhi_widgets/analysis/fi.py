"""F–I curves: firing rate against step current, from runs already made.

`FICurve` holds the curve; `fi_from_results` computes it from one run per step amplitude.
The runs themselves are made by `izhi_widgets.experiments.fi_curve` (one batched Brian2
run); nothing here simulates.

Examples
--------
>>> from izhi_widgets import IzhikevichParams, Step
>>> from izhi_widgets.result import SimulationResult, time_grid
>>> def run(amp, spikes):
...     return SimulationResult(t_ms=time_grid(100.0, 0.25), v_mV=np.zeros(0), u=np.zeros(0),
...         I=np.zeros(0), spike_times_ms=np.array(spikes), params=IzhikevichParams(),
...         stimulus=Step(amp, 0.0), dt_ms=0.25, duration_ms=100.0, numerics="published",
...         v0_mV=-65.0, u0=-13.0)
>>> curve = fi_from_results([0.0, 10.0], [run(0.0, []), run(10.0, [5.0, 15.0, 60.0, 80.0])],
...                         duration_ms=100.0)
>>> curve.rates_hz.tolist(), curve.first_rates_hz.tolist(), curve.rheobase
([0.0, 40.0], [0.0, 100.0], 10.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..result import SimulationResult

__all__ = ["FICurve", "fi_from_results"]


@dataclass(frozen=True, eq=False)
class FICurve:
    """Firing rate against step current.

    Attributes
    ----------
    currents : ndarray
        Step amplitudes.
    rates_hz : ndarray
        Steady-state rate: spikes in the second half of the step (from
        ``onset + (duration - onset) / 2`` to the end) over that half's length.
    first_rates_hz : ndarray
        ``1000 / first ISI`` after the onset (0 with fewer than 2 spikes): the initial,
        unadapted rate.
    n_spikes : ndarray
        Spikes after the onset.
    diverged : ndarray of bool
        Runs stopped as runaway (their rates are NaN).
    duration_ms, onset_ms : float
        Run length and step onset.
    """

    currents: np.ndarray
    rates_hz: np.ndarray
    first_rates_hz: np.ndarray
    n_spikes: np.ndarray
    diverged: np.ndarray
    duration_ms: float
    onset_ms: float

    @property
    def rheobase(self) -> float | None:
        """Smallest current with a non-zero steady-state rate (None if none fires)."""
        firing = np.flatnonzero(self.rates_hz > 0)
        return float(self.currents[firing[0]]) if len(firing) else None


def fi_from_results(currents: ArrayLike, results: Sequence[SimulationResult], *,
                    duration_ms: float, onset_ms: float = 0.0) -> FICurve:
    """The F–I curve of one step run per amplitude in ``currents`` (in the same order).

    Parameters
    ----------
    currents : array_like
        Step amplitudes.
    results : sequence of SimulationResult
        One run per amplitude, each a step from ``onset_ms`` to ``duration_ms`` (spikes
        are all that is read).
    duration_ms : float
        Run length.
    onset_ms : float
        Step onset.

    Returns
    -------
    FICurve
    """
    amps = np.asarray(currents, dtype=float).reshape(-1)
    results = list(results)
    if len(results) != len(amps):
        raise ValueError(f"expected one result per current ({len(amps)}), got {len(results)}")
    half = onset_ms + (duration_ms - onset_ms) / 2
    rates, first, counts, diverged = [], [], [], []
    for res in results:
        spikes = np.asarray(res.spike_times_ms)
        spikes = spikes[spikes > onset_ms]
        late = np.count_nonzero(spikes > half)
        rate = 1000.0 * late / (duration_ms - half)
        rates.append(float("nan") if res.diverged else rate)
        first.append(float("nan") if res.diverged else
                     (1000.0 / (spikes[1] - spikes[0]) if len(spikes) >= 2 else 0.0))
        counts.append(len(spikes))
        diverged.append(bool(res.diverged))
    return FICurve(amps, np.array(rates), np.array(first), np.array(counts),
                   np.array(diverged), float(duration_ms), float(onset_ms))
