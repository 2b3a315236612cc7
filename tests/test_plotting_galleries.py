"""The galleries and the F–I figure: titled panels, the runs they are given or fetch."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display anywhere in the tests

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from izhi_widgets import PRESETS, simulate
from izhi_widgets.experiments import preset_results
from izhi_widgets.plotting import (plot_fi_curve, plot_fi_examples, plot_gallery_2003,
                                   plot_gallery_2004, plot_numerics_comparison,
                                   plot_phase_plane_examples)

KEYS_2004 = [k for k, p in PRESETS.items() if p.group == "2004"]
KEYS_2003 = [k for k, p in PRESETS.items() if p.group == "2003"]


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


def _left_titles(fig: Figure) -> list[str]:
    return [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]


def test_gallery_2004_has_20_titled_panels():
    fig = plot_gallery_2004()
    titles = _left_titles(fig)
    assert titles == [f"({k}) {PRESETS[k].name}" for k in KEYS_2004]
    assert len(fig.axes) == 40  # a trace and a stimulus cartoon per panel
    _render(fig)


def test_gallery_2003_has_8_titled_panels():
    fig = plot_gallery_2003()
    titles = _left_titles(fig)
    assert len(titles) == 8
    assert [t.split(":")[0] for t in titles] == [k.replace("_", " ") for k in KEYS_2003]
    _render(fig)


def test_fi_curve_lines():
    from izhi_widgets.experiments import fi_curve

    curve = fi_curve(PRESETS["H"].params, np.linspace(-0.5, 6, 32), v0_mV=-64.0)
    lines = plot_fi_curve(curve)
    np.testing.assert_array_equal(lines[0].get_ydata(), curve.rates_hz)
    np.testing.assert_array_equal(lines[1].get_ydata(), curve.first_rates_hz)


def test_gallery_accepts_results_and_checks_their_number(res):
    with pytest.raises(ValueError):
        plot_gallery_2003([res["A"]])


def test_galleries_are_pyplot_figures_drawn_from_given_runs():
    runs = preset_results()
    before = set(plt.get_fignums())
    fig = plot_gallery_2004(runs)
    assert set(plt.get_fignums()) - before == {fig.number}  # shows inline in a notebook
    assert fig.axes[0].lines[0].get_ydata().tolist() == runs["A"].v_mV.tolist()


def test_numerics_comparison_takes_one_mapping_per_setting():
    runs = preset_results()
    settings = [("published", None), ("published", None)]
    fig = plot_numerics_comparison(["I"], settings, results=[runs, runs])
    assert fig.axes[0].get_title(loc="right") == fig.axes[2].get_title(loc="right")
    with pytest.raises(ValueError, match="one per setting"):
        plot_numerics_comparison(["I"], settings, results=[runs])


def test_phase_plane_examples_and_fi_examples_from_given_data():
    from izhi_widgets.experiments import fi_curve

    fig = plot_phase_plane_examples(["A"], results=preset_results(["A"]))
    assert _left_titles(fig)[0].startswith("(A) tonic spiking: nullclines at I = 14")
    curve = fi_curve(PRESETS["G"].params, np.linspace(0, 20, 32), v0_mV=-60.0)
    fig = plot_fi_examples(["G"], curves={"G": curve})
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), curve.rates_hz)
