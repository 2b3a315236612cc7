"""Phase planes: the geometry drawn is the analysis's, updates happen in place."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display anywhere in the tests

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from izhi_widgets import PRESETS, simulate
from izhi_widgets.analysis import fixed_points, nullclines
from izhi_widgets.plotting import default_current, plot_phase_plane


@pytest.fixture(autouse=True)
def _close_figures():
    """Functions called without axes draw on pyplot figures: close them after each test."""
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def res():
    return {key: simulate(PRESETS[key]) for key in ("A", "B", "I", "P", "R", "S")}


def _render(fig: Figure) -> None:
    fig.canvas.draw()  # Agg: raises if anything cannot be drawn


def test_default_current_is_median_of_input(res):
    assert default_current(res["A"]) == 14.0
    assert default_current(res["I"]) == 0.0  # a brief pulse: the baseline
    assert default_current(res["P"]) == pytest.approx(0.24)
    assert default_current(res["S"]) == 75.0  # 200 of the 350 ms at 75


def test_phase_plane_geometry(res):
    art = plot_phase_plane(res["P"])
    assert art.current == pytest.approx(0.24)
    v, u = art.trajectory.get_data()
    keep = ~np.isnan(v)
    assert keep.sum() == len(res["P"].v_mV)  # every sample, broken at the resets
    np.testing.assert_array_equal(np.asarray(v)[keep], res["P"].v_mV)
    points = fixed_points(res["P"].params, 0.24)
    stable = [p for p in points if p.stable]
    np.testing.assert_allclose(art.stable_points.get_xdata(), [p.v_mV for p in stable])
    assert len(art.unstable_points.get_xdata()) == len(points) - len(stable) == 1
    xv, yv = art.v_nullcline.get_data()
    np.testing.assert_allclose(yv, nullclines(res["P"].params, 0.24, np.asarray(xv))[0])
    assert art.reset_line.get_xdata()[0] == -60 and art.peak_line.get_xdata()[0] == 30
    assert "I = 0.24" in art.legend.get_texts()[1].get_text()
    _render(art.figure)


def test_phase_plane_update_in_place(res):
    art = plot_phase_plane(res["A"])
    trajectory = art.trajectory
    art.update(res["P"], I=1.24)
    assert art.trajectory is trajectory and art.current == 1.24
    xv, yv = art.v_nullcline.get_data()
    np.testing.assert_allclose(yv, nullclines(res["P"].params, 1.24, np.asarray(xv))[0])
    assert "I = 1.24" in art.legend.get_texts()[1].get_text()
    assert len(art.stable_points.get_xdata()) == 0  # no equilibrium at I = 1.24
    # accommodation (R): the u-nullcline is the vertical line v = -65
    art.update(res["R"])
    assert set(np.asarray(art.u_nullcline.get_xdata())) == {-65.0}
    _render(art.figure)


def test_phase_plane_without_axes_draws_on_the_current_axes(res):
    ax = plt.figure().add_subplot()
    art = plot_phase_plane(res["A"])
    assert art.ax is ax and art.trajectory in ax.lines
