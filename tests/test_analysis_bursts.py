"""Burst detection: fixed and adaptive ISI thresholds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from izhi_widgets.analysis import Burst, burst_isi_threshold, detect_bursts



def test_detect_bursts_fixed_threshold():
    spikes = [0, 2, 4, 20, 40, 41, 42, 43, 80, 81]
    assert detect_bursts(spikes, max_isi_ms=3, min_spikes=3) == [
        Burst(0.0, 4.0, 3), Burst(40.0, 43.0, 4)]
    assert detect_bursts(spikes, max_isi_ms=3) == [
        Burst(0.0, 4.0, 3), Burst(40.0, 43.0, 4), Burst(80.0, 81.0, 2)]
    assert detect_bursts(spikes, max_isi_ms=0.5) == []
    assert Burst(40.0, 43.0, 4).duration_ms == 3.0


def test_detect_bursts_adaptive_threshold_lies_in_the_largest_isi_gap():
    spikes = [0, 2, 4, 50, 52, 54, 100]
    assert burst_isi_threshold(spikes) == pytest.approx(math.sqrt(2 * 46))
    assert detect_bursts(spikes, min_spikes=3) == [Burst(0.0, 4.0, 3), Burst(50.0, 54.0, 3)]
    # Order does not matter.
    assert detect_bursts(spikes[::-1], min_spikes=3) == detect_bursts(spikes, min_spikes=3)


def test_detect_bursts_adaptive_finds_no_bursts_in_a_regular_or_mildly_adaptingtrain():
    assert burst_isi_threshold([0, 10, 20, 30, 40]) is None
    # A factor 2.5 between intervals is not a gap by default, but is with gap_ratio=2.
    assert burst_isi_threshold([0, 10, 35, 45]) is None
    assert burst_isi_threshold([0, 10, 35, 45], gap_ratio=2) == pytest.approx(math.sqrt(250))
    assert detect_bursts([0, 10, 20, 30, 40]) == []
    # LTS-like gradual adaptation: no ISI gap of a factor 3.
    assert detect_bursts(np.cumsum([3.5, 4.25, 5.75, 8.75, 13.25, 14.5, 15.0])) == []


def test_detect_bursts_end_of_window_reveals_a_lone_burst():
    spikes = [39.0, 42.8, 47.0, 51.8, 57.6, 67.2]  # panel D
    assert detect_bursts(spikes, min_spikes=3) == []
    assert detect_bursts(spikes, min_spikes=3, end_ms=200.0) == [Burst(39.0, 67.2, 6)]
    # A short tail is not a silence.
    assert detect_bursts(spikes, min_spikes=3, end_ms=70.0) == []


def test_detect_bursts_mixed_modetrain():
    # Panel E: the gap rule finds the initial burst although bursts hold a minority of ISIs.
    assert detect_bursts([20, 22.75, 27.25, 67, 99.25, 131.5]) == [Burst(20.0, 27.25, 3)]


def test_detect_bursts_rejects_bad_arguments():
    with pytest.raises(ValueError, match="min_spikes"):
        detect_bursts([0, 1, 2], min_spikes=1)
    with pytest.raises(ValueError, match="max_isi_ms"):
        detect_bursts([0, 1, 2], max_isi_ms=0)
