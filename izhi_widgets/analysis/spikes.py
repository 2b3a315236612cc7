"""Statistics of a spike train: count, rate, inter-spike intervals, adaptation, latency.

* `spike_stats` summarises a run (`SpikeStats`);
* `adaptation_index` is the mean normalised change of consecutive ISIs.

Examples
--------
>>> adaptation_index(np.array([10.0, 10.0, 10.0]))
0.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..result import SimulationResult
from .protocol import sampled_current, stimulus_onset_ms

__all__ = ["SpikeStats", "spike_stats", "adaptation_index"]


def adaptation_index(isis: np.ndarray) -> float:
    """Mean over consecutive ISI pairs of ``(ISI[k+1] - ISI[k]) / (ISI[k+1] + ISI[k])``.

    The convention of the Allen Institute's IPFX feature extractor: 0 for a regular train,
    positive when the intervals lengthen (adaptation), below 1. NaN with fewer than 2 ISIs.

    Examples
    --------
    >>> round(adaptation_index(np.array([10.0, 30.0])), 3)
    0.5
    """
    if len(isis) < 2:
        return float("nan")
    return float(np.mean((isis[1:] - isis[:-1]) / (isis[1:] + isis[:-1])))


@dataclass(frozen=True, eq=False)
class SpikeStats:
    """Summary statistics of one spike train.

    Attributes
    ----------
    count : int
        Number of spikes.
    rate_hz : float
        Mean rate over the whole run (``count / duration``).
    isis_ms : ndarray
        Inter-spike intervals.
    mean_isi_ms, cv_isi : float
        Mean ISI (NaN without an ISI) and its coefficient of variation (population s.d.
        over mean; NaN with fewer than 2 ISIs).
    adaptation_index : float
        Mean over consecutive ISI pairs of ``(ISI[k+1] - ISI[k]) / (ISI[k+1] + ISI[k])``
        (the convention of the Allen Institute's IPFX feature extractor): 0 for a regular
        train, positive when the intervals lengthen (adaptation), below 1. NaN with fewer
        than 2 ISIs.
    first_spike_latency_ms : float or None
        First spike at or after the stimulus onset, minus the onset; None if no spike.
    onset_ms : float
        Stimulus onset: the last sample time before the current first departs from its
        initial value (for a step "for t > 10" that is 10); the run's start if the
        current never changes.
    """

    count: int
    rate_hz: float
    isis_ms: np.ndarray
    mean_isi_ms: float
    cv_isi: float
    adaptation_index: float
    first_spike_latency_ms: float | None
    onset_ms: float


def spike_stats(result: SimulationResult) -> SpikeStats:
    """Spike count, rate, ISIs, their CV, the adaptation index and the first-spike latency.

    Parameters
    ----------
    result : SimulationResult

    Returns
    -------
    SpikeStats

    Examples
    --------
    >>> from izhi_widgets import PRESETS, simulate
    >>> stats = spike_stats(simulate(PRESETS["A"]))
    >>> stats.count, stats.rate_hz, stats.isis_ms.tolist()
    (5, 50.0, [4.0, 14.5, 27.75, 27.5])
    >>> stats.onset_ms, stats.first_spike_latency_ms
    (10.0, 3.0)
    """
    t = np.asarray(result.t_ms, dtype=float)
    spikes = np.asarray(result.spike_times_ms, dtype=float)
    onset = stimulus_onset_ms(t, sampled_current(result))
    if onset is None:  # a constant current: count from the start of the run
        onset = float(t[0])
    isis = np.diff(spikes)
    after = spikes[spikes >= onset]
    return SpikeStats(
        count=int(len(spikes)),
        rate_hz=1000.0 * len(spikes) / result.duration_ms if result.duration_ms > 0 else 0.0,
        isis_ms=isis,
        mean_isi_ms=float(np.mean(isis)) if len(isis) else float("nan"),
        cv_isi=float(np.std(isis) / np.mean(isis)) if len(isis) >= 2 else float("nan"),
        adaptation_index=adaptation_index(isis),
        first_spike_latency_ms=float(after[0] - onset) if len(after) else None,
        onset_ms=float(onset),
    )
