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
from izhi_widgets.plotting import (PAGE_WIDTH_IN, plot_fi_curve, plot_fi_examples,
                                   plot_gallery_2003,
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


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_gallery_2004_has_20_titled_panels_a_mv_bar_and_subthreshold_insets():
    fig = plot_gallery_2004()
    titles = _left_titles(fig)
    assert titles == [f"({k}) {PRESETS[k].name}" for k in KEYS_2004]
    assert len(fig.axes) == 40  # a trace and a stimulus cartoon per panel
    assert fig.get_size_inches()[0] == pytest.approx(PAGE_WIDTH_IN)  # prints at its size
    assert "50 mV" in _texts(fig.axes[0])  # the voltage scale bar, in panel A
    traces = {ax.get_title(loc="left")[1]: ax for ax in fig.axes if ax.get_title(loc="left")}
    for key in ("J", "K"):
        insets = traces[key].child_axes
        assert len(insets) == 1 and any(t.endswith(" mV") for t in _texts(insets[0]))
        low, high = insets[0].get_ylim()
        assert high - low < 15  # subthreshold: a few mV, not the panel's 130
    assert not traces["A"].child_axes
    _render(fig)


def test_cartoon_labels_give_the_input_range_in_the_model_units():
    fig = plot_gallery_2004()
    labels = [t for ax in fig.axes for t in _texts(ax) if t.startswith("I: ")]
    assert len(labels) == 20
    assert "I: 75 to 80" in labels and "I: -15 to 0" in labels and "I: 0 to 14" in labels


def test_gallery_2003_has_8_titled_panels_on_one_time_scale():
    fig = plot_gallery_2003()
    titles = _left_titles(fig)
    assert len(titles) == 8
    assert [t.split(":")[0] for t in titles] == [k.replace("_", " ") for k in KEYS_2003]
    assert {ax.get_xlim() for ax in fig.axes} == {(0.0, 250.0)}  # LTS, the longest run
    bars = [t for ax in fig.axes for t in _texts(ax) if t.endswith(" ms")]
    assert set(bars) == {"50 ms"}
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


def test_numerics_comparison_does_not_draw_a_stopped_run_as_a_trace():
    from izhi_widgets.plotting.common import stop_time_ms

    fine = preset_results(["T"], "rk4", 0.01)
    fig = plot_numerics_comparison(["T"], [("published", None), ("rk4", 0.01)],
                                   results=[preset_results(["T"]), fine])
    ax = fig.axes[2]  # the rk4 panel's trace axes
    stop = stop_time_ms(fine["T"])
    assert fine["T"].diverged and 85 < stop < 350
    x = ax.lines[0].get_xdata()
    assert x.max() <= stop < fine["T"].duration_ms
    assert len(x) <= 4000  # thinned from 35 001 samples
    assert ax.patches and "stopped" in " ".join(_texts(ax))  # the shaded rest
    assert ax.get_title(loc="right") == "350 spikes, then stopped"
    assert not fig.axes[0].patches  # the published run is drawn whole
    assert fig.axes[0].lines[0].get_xdata().max() == 350.0


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
    assert fig.axes[0].get_xlabel() == "step current I (mV/ms)"
    inset = fig.axes[0].child_axes[0]  # the zoom on the onset
    lo, hi = inset.get_xlim()
    assert lo < curve.rheobase < hi and hi - lo < 10


def test_phase_portraits_draw_the_vector_field_along_the_flow():
    from izhi_widgets.plotting import Portrait, plot_phase_portraits
    from izhi_widgets.plotting.portraits import vector_field

    res = preset_results(["K"])["K"]
    fig = plot_phase_portraits([Portrait("(K)", res, 0.0, (-66.0, -53.0), (-17.0, -13.6))])
    plane = fig.axes[0]
    quiver = [c for c in plane.collections if hasattr(c, "U")][0]
    (v, u), dx, dy = quiver.XY[7], quiver.U[7], quiver.V[7]
    dv, du = vector_field(res.params, 0.0, np.array([v]), np.array([u]))
    assert np.sign(dx) == np.sign(dv[0]) and np.sign(dy) == np.sign(du[0])
    kinds = [t.get_text() for t in plane.texts]
    assert kinds == ["stable focus", "saddle"]  # K's equilibria at I = 0
    assert len(fig.legends) == 1
    _render(fig)
