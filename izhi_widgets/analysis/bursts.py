"""Burst detection by an inter-spike-interval threshold, fixed or adapted to the train.

* `detect_bursts` groups spikes closer than a threshold into `Burst` objects;
* `burst_isi_threshold` is the adaptive threshold: an ISI in the largest gap of the
  sorted ISIs (none for a regular train).

Examples
--------
>>> [b.n_spikes for b in detect_bursts([0, 2, 4, 50, 52, 54, 100])]
[3, 3]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["Burst", "burst_isi_threshold", "detect_bursts"]


@dataclass(frozen=True)
class Burst:
    """A burst: ``n_spikes`` spikes from ``start_ms`` (first spike) to ``end_ms`` (last).

    Examples
    --------
    >>> Burst(10.0, 14.0, 3).duration_ms
    4.0
    """

    start_ms: float
    end_ms: float
    n_spikes: int

    @property
    def duration_ms(self) -> float:
        """``end_ms - start_ms``."""
        return self.end_ms - self.start_ms


def burst_isi_threshold(spike_times_ms: ArrayLike, *, end_ms: float | None = None,
                        gap_ratio: float = 3.0) -> float | None:
    """The adaptive burst threshold of `detect_bursts`: an ISI in the largest gap of the ISIs.

    The ISIs are sorted; where two neighbours differ by the largest factor, and that
    factor is at least ``gap_ratio``, the threshold is their geometric mean (short ISIs
    below it are within bursts, long ones above it separate bursts). With ``end_ms`` the
    silence after the last spike counts as one more long interval when it is longer than
    every ISI, so a lone burst followed by silence is found. None when the intervals show
    no such gap (a regular train).

    Examples
    --------
    >>> round(burst_isi_threshold([0, 2, 4, 50, 52, 54]), 2)  # sqrt(2 * 46)
    9.59
    >>> burst_isi_threshold([0, 10, 20, 30]) is None
    True
    """
    spikes = np.sort(np.asarray(spike_times_ms, dtype=float))
    intervals = np.diff(spikes)
    if end_ms is not None and len(spikes):
        trailing = float(end_ms) - spikes[-1]
        if len(intervals) and trailing > intervals.max():
            intervals = np.append(intervals, trailing)
    intervals = np.sort(intervals[intervals > 0])
    if len(intervals) < 2:
        return None
    ratios = intervals[1:] / intervals[:-1]
    k = int(np.argmax(ratios))
    if ratios[k] < gap_ratio:
        return None
    return float(np.sqrt(intervals[k] * intervals[k + 1]))


def detect_bursts(spike_times_ms: ArrayLike, max_isi_ms: float | None = None,
                  min_spikes: int = 2, *, end_ms: float | None = None,
                  gap_ratio: float = 3.0) -> list[Burst]:
    """Bursts by the ISI-threshold rule.

    Consecutive spikes whose ISI is at most ``max_isi_ms`` belong to one group; groups
    of at least ``min_spikes`` spikes are bursts.

    Parameters
    ----------
    spike_times_ms : array_like
        Spike times (ms); sorted here.
    max_isi_ms : float, optional
        Fixed ISI threshold. If None (default) the threshold adapts to the train
        (`burst_isi_threshold`): it lies in the largest gap of the sorted ISIs when that
        gap is at least a factor ``gap_ratio``, and there are no bursts otherwise (a
        regular train). A threshold relative to the median ISI would fail when bursts
        hold a minority of the intervals (mixed mode); the gap adapts to both cases.
    min_spikes : int
        Fewest spikes in a burst (>= 2).
    end_ms : float, optional
        End of the observation window (adaptive threshold only): see
        `burst_isi_threshold`.
    gap_ratio : float
        Smallest factor between intra- and inter-burst intervals (adaptive threshold).

    Returns
    -------
    list of Burst

    Examples
    --------
    >>> detect_bursts([0, 2, 4, 50, 52, 54, 100])
    [Burst(start_ms=0.0, end_ms=4.0, n_spikes=3), Burst(start_ms=50.0, end_ms=54.0, n_spikes=3)]
    >>> detect_bursts([0, 3, 6, 9], max_isi_ms=5, min_spikes=3)
    [Burst(start_ms=0.0, end_ms=9.0, n_spikes=4)]
    >>> detect_bursts([0, 3, 6, 9]), detect_bursts([0, 3, 6, 9], end_ms=100)
    ([], [Burst(start_ms=0.0, end_ms=9.0, n_spikes=4)])
    """
    if min_spikes < 2:
        raise ValueError(f"min_spikes must be at least 2, got {min_spikes}")
    spikes = np.sort(np.asarray(spike_times_ms, dtype=float).reshape(-1))
    if max_isi_ms is None:
        threshold = burst_isi_threshold(spikes, end_ms=end_ms, gap_ratio=gap_ratio)
        if threshold is None:  # no gap between short and long intervals: a regular train
            return []
    else:
        threshold = float(max_isi_ms)
        if not threshold > 0:
            raise ValueError(f"max_isi_ms must be > 0, got {max_isi_ms!r}")
    bursts = []
    start = 0
    for k in range(1, len(spikes) + 1):
        if k == len(spikes) or spikes[k] - spikes[k - 1] > threshold:
            if k - start >= min_spikes:
                bursts.append(Burst(float(spikes[start]), float(spikes[k - 1]), k - start))
            start = k
    return bursts

