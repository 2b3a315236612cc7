"""Spike statistics: exact numbers on hand-made trains, and on a published run."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis_helpers import train
from izhi_widgets import PRESETS, Constant, Step, simulate
from izhi_widgets.analysis import spike_stats



def test_spike_stats_exact_numbers():
    stats = spike_stats(train([13.0, 23.0, 43.0, 73.0], duration_ms=500.0))
    assert stats.count == 4
    assert stats.rate_hz == pytest.approx(8.0)
    assert stats.isis_ms.tolist() == [10.0, 20.0, 30.0]
    assert stats.mean_isi_ms == pytest.approx(20.0)
    assert stats.cv_isi == pytest.approx(math.sqrt(200 / 3) / 20)
    # ((20-10)/(20+10) + (30-20)/(30+20)) / 2
    assert stats.adaptation_index == pytest.approx((1 / 3 + 1 / 5) / 2)
    assert stats.onset_ms == 10.0
    assert stats.first_spike_latency_ms == pytest.approx(3.0)


def test_spike_stats_regular_train_has_no_variability_or_adaptation():
    stats = spike_stats(train(np.arange(20.0, 500.0, 25.0)))
    assert stats.cv_isi == pytest.approx(0.0, abs=1e-12)
    assert stats.adaptation_index == pytest.approx(0.0, abs=1e-12)
    assert stats.first_spike_latency_ms == pytest.approx(10.0)


def test_spike_stats_sparse_trains():
    empty = spike_stats(train([]))
    assert empty.count == 0 and empty.rate_hz == 0.0 and empty.first_spike_latency_ms is None
    assert math.isnan(empty.mean_isi_ms) and math.isnan(empty.cv_isi)
    assert math.isnan(empty.adaptation_index)
    one = spike_stats(train([30.0]))
    assert one.count == 1 and math.isnan(one.mean_isi_ms) and one.first_spike_latency_ms == 20.0
    two = spike_stats(train([30.0, 40.0]))
    assert two.mean_isi_ms == 10.0 and math.isnan(two.cv_isi) and math.isnan(two.adaptation_index)


def test_latency_counts_from_the_first_departure_of_the_current():
    # A spike before the onset is not a response; a constant current has its onset at t = 0.
    assert spike_stats(train([5.0, 18.0])).first_spike_latency_ms == pytest.approx(8.0)
    stats = spike_stats(train([7.0], stimulus=Constant(3.0)))
    assert stats.onset_ms == 0.0 and stats.first_spike_latency_ms == 7.0
    # A closed window: the current already departs at t = 10, so the onset is the sample before.
    stats = spike_stats(train([12.0], stimulus=Step(1.0, 10.0, closed="left")))
    assert stats.onset_ms == 9.75


def test_spike_stats_on_a_published_run():
    stats = spike_stats(simulate(PRESETS["F"]))
    assert stats.count == 6 and stats.onset_ms == 8.5
    assert stats.first_spike_latency_ms == pytest.approx(1.75)
    assert stats.adaptation_index > 0.2  # F is the adapting panel
