"""The explorer shell without a browser: setting a widget's ``.value`` in Python fires its
observers synchronously, so each test drives the panel like a user and checks the figure's
artists, the readouts and the messages."""

from __future__ import annotations

import base64
import html
import re
from dataclasses import replace

import numpy as np
import pytest

from izhi_widgets import PRESETS
from izhi_widgets.app.canvas import decimate
from izhi_widgets.app.explorer import DOM_CLASSES, Explorer
from izhi_widgets.app.state import PanelState, encode_state
from izhi_widgets.result import SimulationResult


@pytest.fixture
def ex():
    explorer = Explorer()
    # Behave as if a browser were connected (no PNG copy of every frame in the widget state).
    explorer.traces.figure.canvas.syncing_data_url = False
    yield explorer
    explorer.close()


def _v(explorer) -> np.ndarray:
    return np.asarray(explorer.traces.figure.trace.v_line.get_ydata(), dtype=float).copy()


def _u(explorer) -> np.ndarray:
    return np.asarray(explorer.traces.figure.trace.u_line.get_ydata(), dtype=float).copy()


def _text(html_text: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_text)).strip())


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _error(explorer) -> str:
    assert "izhi-error" in explorer.message.value
    return _text(explorer.message.value)


def _downloads(explorer) -> dict[str, bytes]:
    """Files the page was asked to save (the bridge's download scripts)."""
    out = {}
    for code in explorer.bridge.sent:
        match = re.search(r'\}\)\("[^"]+", "([^"]+)", "([^"]+)", "([A-Za-z0-9+/=]*)"\);', code)
        if match:
            out[match.group(1)] = base64.b64decode(match.group(3))
    return out


# ---------------------------------------------------------------------------------------
# structure


def test_every_dom_class_of_the_contract_is_present(ex):
    classes = {cls for w in _walk(ex.widget) for cls in getattr(w, "_dom_classes", ())}
    assert not set(DOM_CLASSES) - classes
    for field in ("amplitude", "start_ms", "stop_ms", "width_ms", "period_ms", "count",
                  "onsets_ms", "slope_per_ms", "frequency_hz", "offset", "mean", "sigma",
                  "tau_ms", "seed", "times_ms", "values", "baseline"):
        assert f"izhi-stim-{field}" in classes
    # each class names exactly one widget (the browser tests use them as unique selectors)
    for cls in DOM_CLASSES:
        assert sum(cls in getattr(w, "_dom_classes", ()) for w in _walk(ex.widget)) == 1, cls
    canvas = ex.traces.figure.canvas
    assert canvas.header_visible is False and canvas.resizable is False  # no resize handle
    assert canvas.toolbar_visible is False
    assert ex._repr_mimebundle_()["application/vnd.jupyter.widget-view+json"]["model_id"]


def test_no_debug_leftovers_and_no_null_tooltips(ex):
    classes = {cls for w in _walk(ex.widget) for cls in getattr(w, "_dom_classes", ())}
    assert not {"izhi-ping", "izhi-pong", "izhi-diagnostics"} & classes
    for widget in _walk(ex.widget):
        if "tooltip" in widget.traits():
            assert isinstance(widget.tooltip, str), widget  # None shows as title="null"


def test_a_b_c_d_have_tooltips_saying_what_they_do(ex):
    words = {"a": "time scale", "b": "sensitivity", "c": "reset", "d": "jump of u"}
    for key, word in words.items():
        control = ex.controls.params[key]
        assert word in control.slider.tooltip and word in control.box.widget.tooltip


def test_first_render_is_ready(ex):
    assert ex.result is not None and ex.result.n_spikes == 5
    assert "ready" in ex.status.value or ex.run_count == 1
    assert re.search(r"5 spikes", _text(ex.readout.value))
    assert "tonic spiking" in _text(ex.label.value)
    assert ex.message.value == ""
    assert ex.progress.layout.visibility == "hidden"


def test_preset_options_cover_both_papers(ex):
    options = ex.controls.preset.widget.options
    assert [key for _, key in options] == list(PRESETS)
    assert options[0][0] == "2004 A · tonic spiking"
    assert "2003 RS · regular spiking" in [label for label, _ in options]
    assert [v for _, v in ex.controls.choices["numerics"].widget.options] == [
        "published", "euler", "rk4"]
    shapes = [v for _, v in ex.controls.designer.shape.options]
    assert shapes[0] == "preset" and {"step", "periodic_pulses", "pulse_train", "ramp", "sine",
                                      "ou_noise", "piecewise"} <= set(shapes)


def test_sliders_cover_every_preset(ex):
    for p in PRESETS.values():
        for name in "abcd":
            slider = ex.controls.params[name].slider
            assert slider.min <= getattr(p.params, name) <= slider.max, (p.key, name)
    assert all(not c.slider.continuous_update for c in ex.controls.params.values())


# ---------------------------------------------------------------------------------------
# presets


@pytest.mark.parametrize("key", ["C", "P", "T", "RS"])
def test_selecting_a_preset_changes_the_trace_and_label(ex, key):
    before, run0 = _v(ex), ex.run_count
    ex.controls.preset.widget.value = key
    p = PRESETS[key]
    assert ex.run_count == run0 + 1
    assert not np.array_equal(_v(ex), before)
    assert ex.result.spike_times_ms.tolist() == list(p.expected_spikes_ms)
    assert p.label in _text(ex.label.value)
    assert p.description[:30] in _text(ex.preset_info.value)
    assert "IEEE" in ex.preset_info.value
    assert ex.controls.params["a"].slider.value == p.params.a
    assert float(ex.controls.params["d"].box.widget.value) == p.params.d
    assert float(ex.controls.numbers["v0"].widget.value) == p.v0_mV
    assert ex.controls.numbers["u0"].widget.value == ""  # at rest: b·v0
    assert f"{p.initial_u:.6g}" in ex.controls.numbers["u0"].widget.placeholder
    assert float(ex.controls.numbers["dt"].widget.value) == p.dt_ms
    assert float(ex.controls.numbers["duration"].widget.value) == p.duration_ms
    assert ex.controls.choices["numerics"].widget.value == "published"
    assert ex.controls.designer.shape.value == "preset"
    assert ex.message.value == ""


def test_equation_variants_load_with_their_presets(ex):
    ex.controls.preset.widget.value = "G"
    assert ex.controls.numbers["k1"].widget.value == "4.1"
    assert ex.controls.numbers["k0"].widget.value == "108"
    assert ex.variant_toggle.value and ex.variant_box.layout.display == "flex"
    assert "4.1·v" in ex.equation.value
    ex.controls.preset.widget.value = "R"
    assert ex.controls.choices["recovery"].widget.value == "accommodation"
    assert ex.controls.numbers["u0"].widget.value == "-16"
    assert ex.result.spike_times_ms.tolist() == [311.5]


# ---------------------------------------------------------------------------------------
# parameters, stimulus, numerics


def test_moving_a_changes_the_traces_and_phase_plane(ex):
    v0, u0 = _v(ex), _u(ex)
    phase = ex.traces.figure.phase
    traj0 = np.asarray(phase.trajectory.get_ydata(), dtype=float).copy()
    run0 = ex.run_count
    ex.controls.params["a"].slider.value = 0.03
    assert ex.run_count == run0 + 1
    assert ex.result.params.a == 0.03
    assert ex.controls.params["a"].box.widget.value == "0.03"
    assert not np.array_equal(_u(ex), u0)
    assert not np.array_equal(_v(ex), v0)
    assert not np.array_equal(np.asarray(phase.trajectory.get_ydata(), dtype=float), traj0)
    assert f"run #{ex.run_count}" in ex.status.value
    assert "(settings edited)" in _text(ex.label.value)


def test_slider_noise_is_rounded_away(ex):
    ex.controls.params["a"].slider.value = 0.022999999999999993
    assert ex.state.a == 0.023 and "a=0.023" in ex.controller.last.share_query


@pytest.mark.parametrize("key, typed", [("a", "1.5"), ("c", "-30"), ("d", "15"),
                                        ("b", "-1.5")])
def test_typed_values_beyond_the_slider_widen_it(ex, key, typed):
    """Defect 1: a typed value inside the model's limits is used, not clamped."""
    ex.set_value(key, typed)
    assert ex.message.value == ""
    value = float(typed)
    assert getattr(ex.result.params, key) == value
    slider = ex.controls.params[key].slider
    assert slider.min <= value <= slider.max and slider.value == value


@pytest.mark.parametrize("typed, words", [("3", "a must be between -1 and 2, got 3"),
                                          ("abc", "a: 'abc' is not a number"),
                                          ("nan", "a: 'nan' is not a number"),
                                          ("", "a: give a number")])
def test_typed_values_outside_the_limits_or_not_numbers_get_a_message(ex, typed, words):
    result = ex.result
    ex.set_value("a", typed)
    assert _error(ex).startswith(words)
    assert ex.result is result
    assert ex.controls.params["a"].slider.value == 0.02  # the slider did not move
    ex.set_value("a", "0.025")
    assert ex.message.value == "" and ex.result.params.a == 0.025


def test_an_error_dims_the_stale_plot_and_says_so(ex):
    """Defect 13: on an error the old plot and readout are marked stale."""
    ex.set_value("dt", "x")
    assert "izhi-stale" in ex.main._dom_classes
    assert "last valid run" in ex.status.value
    ex.set_value("dt", "0.25")
    assert "izhi-stale" not in ex.main._dom_classes and "ready" in ex.status.value


def test_designed_step_equal_to_the_protocol_gives_the_same_run(ex):
    expected = ex.result.spike_times_ms.tolist()
    designer = ex.controls.designer
    designer.shape.value = "step"
    assert designer.boxes["amplitude"].widget.value == "14"
    assert designer.boxes["start_ms"].widget.value == "10"
    assert ex.result.spike_times_ms.tolist() == expected
    visible = {n for n, b in designer.boxes.items()
               if designer._widget(b).layout.display != "none"}
    assert visible == {"amplitude", "start_ms", "stop_ms", "closed", "baseline"}
    designer.boxes["amplitude"].widget.value = "20"
    assert ex.result.n_spikes > len(expected)


@pytest.mark.parametrize("kind, fields", [
    ("periodic_pulses", {"amplitude": "15", "start_ms": "5", "width_ms": "3",
                         "period_ms": "20", "count": "4"}),
    ("pulse_train", {"amplitude": "12", "onsets_ms": "10, 30, 35", "width_ms": "2"}),
    ("ramp", {"slope_per_ms": "0.3", "start_ms": "10", "baseline": "-1"}),
    ("sine", {"amplitude": "8", "frequency_hz": "25", "offset": "6"}),
    ("ou_noise", {"mean": "8", "sigma": "3", "tau_ms": "4", "seed": "3"}),
    ("piecewise", {"times_ms": "0, 20, 60, 70, 80", "values": "0, 12, 0, -5, 0"}),
    ("constant", {"amplitude": "5"}),
    ("pulse", {"amplitude": "9", "start_ms": "20", "width_ms": "5"}),
])
def test_every_stimulus_shape_runs_and_shows_in_I(ex, kind, fields):
    designer = ex.controls.designer
    designer.shape.value = kind
    for name, value in fields.items():
        designer.boxes[name].widget.value = value
    assert ex.message.value == "", ex.message.value
    stim = ex.state.stim
    assert stim.kind == kind or (stim.kind == "sum" and stim.terms[1].kind == kind)
    current = np.asarray(ex.traces.figure.trace.I_line.get_ydata(), dtype=float)
    assert np.array_equal(current, ex.result.I)
    assert np.array_equal(ex.result.I, ex.state.stimulus().current(ex.result.t_ms))
    visible = {n for n, b in designer.boxes.items()
               if designer._widget(b).layout.display != "none"}
    assert set(fields) <= visible


@pytest.mark.parametrize("key, kind, box, shown", [
    ("K", "periodic_pulses", "amplitude", "0.65"),
    ("K", "pulse_train", "onsets_ms", "40, 60, 280, 320"),
    ("S", "step", "baseline", "80"),
    ("S", "step", "amplitude", "-5"),
    ("S", "periodic_pulses", "baseline", "80"),
])
def test_switching_shape_starts_from_the_presets_values(ex, key, kind, box, shown):
    """Defect 14: K -> pulses keeps 0.65; S -> step keeps the 80 baseline."""
    ex.controls.preset.widget.value = key
    ex.controls.designer.shape.value = kind
    assert ex.controls.designer.boxes[box].widget.value == shown
    assert ex.message.value == ""


def test_k_as_pulses_at_given_times_reproduces_the_preset(ex):
    ex.controls.preset.widget.value = "K"
    ex.controls.designer.shape.value = "pulse_train"
    assert ex.result.spike_times_ms.tolist() == [338.0]
    ex.controls.designer.boxes["onsets_ms"].widget.value = "40, 60, 280, 300"
    assert ex.result.n_spikes == 0  # the 20 ms pair is off resonance


def test_numerics_switch_and_note(ex):
    ex.controls.preset.widget.value = "I"
    # at the paper's settings the note only compares the exact solution with the paper's scheme
    assert _text(ex.numerics_note.value) == ("The exact solution gives 1 spike; "
                                             "the paper's scheme 1.")
    ex.controls.choices["numerics"].widget.value = "euler"
    assert ex.result.numerics == "euler"
    note = _text(ex.numerics_note.value)
    assert note and "preset i" in note.lower()
    ex.set_value("dt", "0.01")
    assert ex.result.dt_ms == 0.01
    assert "overshooting" in _text(ex.numerics_note.value)
    ex.controls.choices["numerics"].widget.value = "published"
    ex.set_value("dt", str(PRESETS["I"].dt_ms))
    assert "overshooting" not in _text(ex.numerics_note.value)
    assert _text(ex.numerics_note.value).startswith("The exact solution gives 1 spike")


def test_check_against_the_exact_solution(ex):
    ex.controls.preset.widget.value = "A"
    ex.exact_button.click()
    text = _text(ex.exact_result.value)
    assert text.startswith("Exact solution: 5 spikes, first at 12.6305 ms.")
    assert "This run (published, dt = 0.25 ms): 5 spikes, at most" in text
    ex.controls.choices["numerics"].widget.value = "rk4"
    assert ex.exact_result.value == ""  # a new run clears the last check
    ex.set_value("dt", "0.01")
    ex.exact_button.click()
    gap = float(re.search(r"at most (\S+) ms from the exact", _text(ex.exact_result.value)).group(1))
    assert gap < 1e-3


def test_exact_check_keeps_its_time_budget():
    from izhi_widgets.app.controller import exact_check
    from izhi_widgets.app.state import PanelState

    level, text = exact_check(PanelState.from_preset("T"), None, timeout_s=0.01)
    assert level == "warn" and "did not finish within 0.01 s" in text


# ---------------------------------------------------------------------------------------
# invalid input and recovery


def test_stop_before_start_shows_an_error_then_recovers(ex):
    ex.controls.designer.shape.value = "step"
    run, result, v_before = ex.run_count, ex.result, _v(ex)
    ex.controls.designer.boxes["stop_ms"].widget.value = "5"
    assert "stop (ms) must be after start (ms)" in _error(ex)
    assert "error" in ex.status.value and ex.run_count == run and ex.result is result
    ex.controls.designer.boxes["stop_ms"].widget.value = "50"
    assert ex.message.value == "" and ex.run_count == run + 1
    assert "ready" in ex.status.value
    assert not np.array_equal(_v(ex), v_before)


@pytest.mark.parametrize("key, bad, words", [
    ("dt", "0", "dt (ms) must be between 0.005 and 1 ms"),
    ("dt", "1e-6", "dt (ms) must be between 0.005 and 1 ms"),
    ("duration", "0", "duration (ms) must be > 0 and at most 5000 ms"),
    ("duration", "1e6", "duration (ms) must be > 0 and at most 5000 ms"),
    ("v0", "nan", "v0 (mV): 'nan' is not a number"),
    ("k0", "1e9", "k0 must be between -1000 and 1000"),
    ("u0", "x", "u0: 'x' is not a number"),
])
def test_out_of_range_values_show_an_error_then_recover(ex, key, bad, words):
    good = ex.controls.numbers[key].widget.value
    ex.set_value(key, bad)
    assert _error(ex).startswith(words)
    ex.set_value(key, good)
    assert ex.message.value == ""
    ex.set_value("a", "0.025")
    assert ex.message.value == "" and ex.result.params.a == 0.025


def test_c_up_to_its_limit_runs_and_beyond_is_refused(ex):
    ex.set_value("c", "29")
    assert ex.message.value == "" and ex.result.params.c == 29.0
    ex.set_value("c", "30")
    assert _error(ex).startswith("c must be between -120 and 29, got 30")
    ex.set_value("c", "-50")
    assert ex.message.value == "" and ex.result.params.c == -50.0


@pytest.mark.parametrize("text", ["0, 50, __import__('os').system('true')", "0, 5, x",
                                  "0, 1e999", "10, 5", "exec('1')"])
def test_list_text_is_parsed_strictly(ex, text):
    ex.controls.designer.shape.value = "piecewise"
    ex.controls.designer.boxes["times_ms"].widget.value = text
    assert "times (ms)" in _error(ex)
    ex.controls.designer.boxes["times_ms"].widget.value = "0, 10, 60"
    ex.controls.designer.boxes["values"].widget.value = "0, 8, 0"
    assert ex.message.value == "" and ex.result.I.max() == 8.0


def test_a_diverging_run_is_reported_inside_the_plot(ex):
    """Defect 4: one consistent message, and the plot's line stays inside its axes."""
    ex.controls.preset.widget.value = "T"
    ex.controls.choices["numerics"].widget.value = "euler"
    assert ex.result.diverged
    assert "Runaway" in _text(ex.message.value) and "smaller dt" not in ex.message.value
    assert "ready" in ex.status.value  # it ran and was drawn; the message explains
    figure = ex.traces.figure
    figure.redraw()
    renderer = figure.canvas.get_renderer()
    box = figure.status.get_window_extent(renderer)
    axes_box = figure.axes["v"].get_window_extent(renderer)
    assert figure.status.get_text().startswith("Runaway spiking")
    assert axes_box.x0 <= box.x0 and box.x1 <= axes_box.x1
    ex.controls.choices["numerics"].widget.value = "published"
    assert ex.message.value == "" and ex.result.n_spikes == 12
    assert figure.status.get_text() == ""


def test_an_unexpected_failure_never_escapes_a_callback(monkeypatch):
    calls = {"n": 0}
    from izhi_widgets import simulate

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("engine exploded")
        return simulate(*args, **kwargs)

    explorer = Explorer(simulate_fn=flaky)
    try:
        explorer.set_value("a", "0.05")  # must not raise
        assert "engine exploded" in _error(explorer)
        explorer.set_value("a", "0.04")
        assert explorer.message.value == "" and explorer.result.params.a == 0.04
        monkeypatch.setattr("izhi_widgets.app.explorer.csv_text",
                            lambda *a: (_ for _ in ()).throw(RuntimeError("csv exploded")))
        explorer.csv_button.click()  # a failing button shows a message too
        assert "csv exploded" in _error(explorer)
    finally:
        explorer.close()


# ---------------------------------------------------------------------------------------
# actions


def test_reset_restores_the_preset(ex):
    ex.controls.preset.widget.value = "C"
    ex.set_value("a", "0.05")
    ex.controls.designer.shape.value = "ramp"
    ex.controls.choices["numerics"].widget.value = "rk4"
    ex.reset_button.click()
    assert ex.state == PanelState.from_preset("C")
    assert ex.result.spike_times_ms.tolist() == list(PRESETS["C"].expected_spikes_ms)
    assert ex.controller.last.share_query == "preset=C"
    assert ex.controls.designer.shape.value == "preset"


def test_csv_downloads_in_one_click(ex):
    ex.controls.preset.widget.value = "P"
    ex.set_value("d", "0.5")
    ex.csv_button.click()
    data = _downloads(ex)["izhi_traces.csv"].decode()
    lines = data.splitlines()
    assert lines[0] == "t_ms,v_mV,u,I"
    assert any("preset: P" in line for line in lines if line.startswith("#"))
    body = np.array([line.split(",") for line in lines if not line.startswith(("#", "t_ms"))],
                    dtype=float)
    r = ex.result
    assert body.shape == (len(r.t_ms), 4) == (round(300 / 0.25) + 1, 4)
    for k, arr in enumerate((r.v_mV, r.u, r.I), start=1):
        assert np.array_equal(body[:, k], arr)


def test_png_download_has_the_traces(ex):
    ex.png_button.click()
    first = _downloads(ex)["izhi_figure.png"]
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(first[16:20], "big") > 700
    ex.controls.preset.widget.value = "C"
    ex.png_button.click()
    assert _downloads(ex)["izhi_figure.png"] != first  # the data lines are in the PNG
    # the live figure keeps working after the export
    ex.set_value("a", "0.03")
    assert ex.timings["mode"] == "full"  # the export invalidated the cached layer
    ex.set_value("a", "0.031")
    assert ex.timings["mode"] == "blit"


def test_code_tab_shows_a_monospace_script_with_copy_and_download(ex):
    code_view = ex.view("Code")
    assert code_view.renders == 0  # hidden: not computed
    ex.show_view("Code")
    assert code_view.renders == 1
    box = code_view.box.value
    assert "<textarea readonly" in box and "izhi-copy" in box and "import brian2" in box
    ex.set_value("a", "0.05")  # the shown code follows the screen
    assert "a, b, c, d = 0.05, 0.2" in html.unescape(code_view.box.value)
    code_view.button.click()
    assert _downloads(ex)["izhi_brian2.py"].decode() == code_view.code
    ex.tabs.selected_index = 0
    ex.set_value("a", "0.06")
    assert "0.05, 0.2" in html.unescape(code_view.box.value)  # hidden: not recomputed


def test_spikes_tab_lists_times_and_intervals(ex):
    ex.show_view("Spikes")
    table = _text(ex.view("Spikes").table.value)
    assert "5 spikes" in table
    for t in ("13", "17", "31.5", "59.25", "86.75"):
        assert f" {t} " in f" {table} "
    assert "27.75" in table  # 86.75 - 59.0... the last ISI
    ex.set_value("dt", "0.1")
    assert "00000000" not in ex.view("Spikes").table.value


def test_time_window_zooms_and_survives_parameter_changes(ex):
    traces = ex.traces
    traces.window.value = (20.0, 60.0)
    assert traces.figure.axes["v"].get_xlim() == (20.0, 60.0)
    ex.set_value("a", "0.03")
    assert traces.figure.axes["v"].get_xlim() == (20.0, 60.0)
    ex.set_value("duration", "200")
    assert traces.figure.axes["v"].get_xlim() == (0.0, 200.0)
    assert traces.window.value == (0.0, 200.0)


# ---------------------------------------------------------------------------------------
# share links and the environment


def test_share_shows_the_full_app_url_with_a_copy_button(ex):
    ex.bridge.inbox.value = ('{"width": 700, "viewport": 1024, '
                             '"href": "http://127.0.0.1:8866/?preset=A"}')
    ex.set_value("c", "-60")
    share = ex.share.value
    assert "http://127.0.0.1:8866/?preset=A&amp;c=-60" in share and "izhi-copy" in share
    assert any("replaceState" in code and '"preset=A&c=-60"' in code
               for code in ex.bridge.sent)  # the address bar follows


def test_share_under_jupyterlab_points_to_the_voila_app(ex):
    ex.bridge.inbox.value = ('{"width": 700, "viewport": 1400, '
                             '"href": "http://localhost:8888/lab/tree/explorer.ipynb"}')
    assert "http://localhost:8888/voila/render/explorer.ipynb?preset=A" in ex.share.value


def test_page_width_resizes_the_figure(ex):
    figure = ex.traces.figure
    ex.bridge.inbox.value = '{"width": 1400, "viewport": 1920, "height": 1300, "href": ""}'
    assert figure.width_px > 1000 and figure.fig.dpi > 100  # bigger fonts on a projector
    ex.bridge.inbox.value = '{"width": 400, "viewport": 420, "href": ""}'
    assert figure.width_px <= 400
    v_box, p_box = figure.axes["v"].get_position(), figure.axes["phase"].get_position()
    assert p_box.y1 < v_box.y0  # narrow: the phase plane goes below the traces
    ex.bridge.inbox.value = '{"width": "x"}'  # malformed reports are ignored
    assert figure.width_px <= 400


def test_from_query_restores_preset_and_values():
    explorer = Explorer.from_query("preset=P&a=0.1")
    try:
        assert explorer.controls.preset.widget.value == "P"
        assert explorer.controls.params["a"].slider.value == 0.1
        assert explorer.state.preset == "P" and explorer.result.params.a == 0.1
        assert "bistability" in _text(explorer.label.value)
        assert "preset=P" in explorer.share.value
        assert explorer.message.value == ""
    finally:
        explorer.close()


def test_share_round_trip_of_an_edited_state(ex):
    ex.controls.preset.widget.value = "K"
    ex.set_value("b", "0.25")
    ex.controls.designer.shape.value = "periodic_pulses"
    ex.controls.designer.boxes["count"].widget.value = "3"
    ex.controls.choices["numerics"].widget.value = "rk4"
    query = ex.controller.last.share_query
    other = Explorer.from_query(query)
    try:
        assert other.state == ex.state
        np.testing.assert_array_equal(other.result.v_mV, ex.result.v_mV)
        assert other.controls.designer.boxes["count"].widget.value == "3"
    finally:
        other.close()


def test_share_values_beyond_the_slider_widen_it():
    explorer = Explorer.from_query("preset=A&a=1.5&d=-40")
    try:
        assert explorer.controls.params["a"].slider.value == 1.5
        assert explorer.controls.params["a"].slider.max >= 1.5
        assert explorer.controls.params["d"].slider.min <= -40.0
        assert explorer.result.params.a == 1.5 and explorer.result.params.d == -40.0
    finally:
        explorer.close()


@pytest.mark.parametrize("query, kept, named", [
    ("preset=ZZ&a=0.03", {"preset": "A", "a": 0.03}, "preset"),
    ("preset=P&a=nan&d=1", {"preset": "P", "d": 1.0}, "a: 'nan'"),
    ("preset=A&x=1&c=-60", {"c": -60.0}, "'x'"),
    ("stim=%7Bbad&preset=C", {"preset": "C"}, "stim"),
    ("preset=A&a=__import__('os')", {"a": 0.02}, "a:"),
])
def test_a_bad_share_link_keeps_valid_fields_and_names_the_invalid(query, kept, named):
    explorer = Explorer.from_query(query)
    try:
        assert "not applied" in _text(explorer.message.value) and named in explorer.message_text()
        for key, value in kept.items():
            assert getattr(explorer.state, key) == value
        explorer.set_value("a", "0.035")
        assert explorer.message.value == "" and explorer.result.params.a == 0.035
    finally:
        explorer.close()


def test_from_environment_plain_jupyter_does_not_wait(monkeypatch):
    import voila.utils

    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setattr(voila.utils, "wait_for_request",
                        lambda *a, **k: pytest.fail("must not wait outside preheated Voila"))
    explorer = Explorer.from_environment()
    try:
        assert explorer.state == PanelState.from_preset("A")
        assert "?preset=A" in explorer.share.value
    finally:
        explorer.close()


def test_from_environment_reads_voila_query_string(monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "preset=C&d=4")
    monkeypatch.setenv("VOILA_REQUEST_URL", "http://127.0.0.1:8866/?preset=C&d=4")
    explorer = Explorer.from_environment()
    try:
        assert explorer.state.preset == "C" and explorer.state.d == 4.0
        assert "http://127.0.0.1:8866/?preset=C&amp;d=4" in explorer.share.value
    finally:
        explorer.close()


def test_from_environment_waits_for_the_request_in_a_preheated_kernel(monkeypatch):
    import voila.utils

    calls = []

    def fake_wait(url=None):  # what Voila does once the page request arrives
        calls.append(url)
        monkeypatch.setenv("QUERY_STRING", "preset=RS&a=0.03")

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setattr(voila.utils, "wait_for_request", fake_wait)
    explorer = Explorer.from_environment()
    try:
        assert calls == [None]
        assert explorer.state.preset == "RS" and explorer.state.a == 0.03
    finally:
        explorer.close()


def test_from_environment_survives_a_failing_wait(monkeypatch):
    import voila.utils

    def broken(url=None):
        raise OSError("no websocket")

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setattr(voila.utils, "wait_for_request", broken)
    explorer = Explorer.from_environment()
    try:
        assert explorer.state == PanelState.from_preset("A") and explorer.message.value == ""
    finally:
        explorer.close()


# ---------------------------------------------------------------------------------------
# drawing


def test_slider_updates_blit(ex):
    """The inner update of a slider move redraws by blitting (speed: benchmarks/)."""
    ex.controls.preset.widget.value = "C"
    modes = []
    for k in range(6):
        ex.controls.params["a"].slider.value = 0.02 + 0.0005 * (k + 1)
        modes.append(ex.timings["mode"])
    assert "blit" in modes
    assert set(ex.timings) == {"simulate", "draw", "total", "mode"}


def test_axis_limits_are_sticky_for_small_changes(ex):
    """Small moves keep every limit (blit only); a limit widens, with a margin, at most once
    or twice when the data leave it."""
    modes, changed = [], 0
    axes = ex.traces.figure.axes
    for a in (0.021, 0.0215, 0.022, 0.0212, 0.0218, 0.0205, 0.0222, 0.021, 0.0219, 0.0211):
        before = {k: (ax.get_xlim(), ax.get_ylim()) for k, ax in axes.items()}
        ex.set_value("a", str(a))
        modes.append(ex.timings["mode"])
        after = {k: (ax.get_xlim(), ax.get_ylim()) for k, ax in axes.items()}
        changed += after != before
        assert (after == before) == (modes[-1] == "blit")
    assert changed <= 2 and modes.count("blit") >= 8, modes
    ex.set_value("duration", "200")  # a real change of scale redraws everything
    assert axes["v"].get_xlim() == (0.0, 200.0)


def test_decimation_keeps_spikes_and_pairs():
    n = 200_001
    t = np.arange(n) * 0.01
    v = np.full(n, -65.0)
    v[12345] = v[150_000] = 30.0
    u = np.linspace(-20, 5, n)
    current = np.where(t > 100, 10.0, 0.0)
    result = SimulationResult(t, v, u, current, np.array([t[12345], t[150_000]]),
                              PRESETS["A"].params, PRESETS["A"].stimulus, 0.01, t[-1],
                              "published", -65.0, -13.0)
    small = decimate(result)
    assert len(small.t_ms) <= 6002
    assert np.sum(small.v_mV == 30.0) == 2 and small.t_ms[0] == 0 and small.t_ms[-1] == t[-1]
    idx = np.searchsorted(t, small.t_ms)
    assert np.array_equal(small.u, u[idx]) and np.array_equal(small.I, current[idx])
    assert set(small.I) == {0.0, 10.0}
    assert decimate(replace(result, t_ms=t[:100], v_mV=v[:100], u=u[:100],
                            I=current[:100])).t_ms.size == 100


def test_share_query_matches_encode_state(ex):
    ex.set_value("c", "-60")
    assert ex.controller.last.share_query == encode_state(ex.state) == "preset=A&c=-60"


def test_a_random_walk_through_the_panel_never_breaks_it(ex, rng):
    """Seeded random user paths: any mix of presets, sliders, shapes, numerics and bad values
    either redraws or shows a message, and a final valid change always redraws."""
    presets = list(PRESETS)
    texts = ["0", "-1", "1e9", "nan", "0.1", "0.25", "0.5", "50", "120", "", "x", "1e999"]
    kinds = [v for _, v in ex.controls.designer.shape.options]
    c = ex.controls
    moves = [
        lambda: setattr(c.preset.widget, "value", str(rng.choice(presets))),
        lambda: setattr(c.params["a"].slider, "value", float(rng.uniform(-0.05, 1.0))),
        lambda: setattr(c.params["b"].slider, "value", float(rng.uniform(-1, 1))),
        lambda: setattr(c.params["c"].slider, "value", float(rng.uniform(-80, -40))),
        lambda: setattr(c.params["d"].slider, "value", float(rng.uniform(-22, 10))),
        lambda: ex.set_value(str(rng.choice(list("abcd"))), str(rng.choice(texts))),
        lambda: ex.set_value("v0", str(rng.choice(["-90", "-65", "nan", "1e6"]))),
        lambda: setattr(c.designer.shape, "value", str(rng.choice(kinds))),
        lambda: setattr(c.choices["numerics"].widget, "value",
                        str(rng.choice(["published", "euler", "rk4"]))),
        lambda: ex.set_value("dt", str(rng.choice(["0.1", "0.2", "0.25", "0", "-1"]))),
        lambda: ex.set_value("duration", str(rng.choice(["40", "150", "300", "0", "1e7"]))),
    ]
    for _ in range(80):
        if rng.random() < 0.25:
            kind = c.designer.shape.value
            names = [n for n, b in c.designer.boxes.items()
                     if c.designer._widget(b).layout.display != "none"]
            if names and kind not in ("preset", "custom"):
                name = str(rng.choice(names))
                box = c.designer.boxes[name]
                if hasattr(box, "read"):
                    box.widget.value = str(rng.choice(texts + ["0, 50, 90", "9, 3"]))
                else:
                    box.value = str(rng.choice([v for _, v in box.options]))
        else:
            moves[int(rng.integers(len(moves)))]()
        assert ex.last_exception is None, ex.last_exception
        assert ex.controller.last_exception is None, ex.controller.last_exception
        assert "ready" in ex.status.value or ex.message.value, ex.status.value
    ex.reset_button.click()
    run = ex.run_count
    ex.set_value("a", "0.031")
    assert ex.run_count == run + 1 and ex.message.value == "" and ex.result.params.a == 0.031


def test_refused_boxes_are_outlined_until_fixed(ex):
    ex.set_value("dt", "x")
    ex.set_value("v0", "abc")
    assert "izhi-invalid" in ex.controls.numbers["dt"].widget._dom_classes
    assert "izhi-invalid" in ex.controls.numbers["v0"].widget._dom_classes
    assert "; " in ex.message_text()  # both named, one after the other
    ex.set_value("dt", "0.25")
    ex.set_value("v0", "-70")
    assert ex.message.value == ""
    assert "izhi-invalid" not in ex.controls.numbers["dt"].widget._dom_classes


def test_page_scripts_are_one_line_safe_handlers(ex):
    """The bridge's scripts run as inline handlers: no // comments, globals via window."""
    from izhi_widgets.app import browser

    for code in (browser._REPORT_JS, browser._REPLACE_JS, browser._DOWNLOAD_JS):
        assert "//" not in code.replace("://", "")
        assert not re.search(r"(?<![.\w])URL\b", code)
    ex.csv_button.click()
    value = ex.bridge.scripts["download"].value
    assert value.startswith('<img alt="" data-run=') and 'onerror="' in value
    assert "\n" not in value and "<script" not in value


# ---------------------------------------------------------------------------------------
# the phase plane tab


def test_phase_plane_view_renders_only_when_shown_and_follows_the_state(ex):
    view = ex.view("Phase plane")
    assert view.renders == 0
    ex.controls.preset.widget.value = "K"
    assert view.renders == 0  # hidden: not computed
    ex.show_view("Phase plane")
    assert view.renders == 1
    kinds = _text(view.info.value)
    assert "stable focus" in kinds and "saddle" in kinds
    assert "damped oscillation period 41.0 ms" in kinds
    assert len(view.sep.get_xdata()) > 100  # the threshold curve
    ex.set_value("b", "0.2")  # a change elsewhere shows here
    assert view.renders == 2 and "stable focus" not in _text(view.info.value)


def test_time_cursor_moves_the_nullclines_with_the_input(ex):
    ex.controls.preset.widget.value = "A"
    view = ex.show_view("Phase plane")
    before = np.asarray(view.v_null.get_ydata()).copy()
    view.time.value = 50.0  # after the step to 14
    after = np.asarray(view.v_null.get_ydata())
    np.testing.assert_allclose(after - before, 14.0)
    assert "I = 14" in view.ax.get_title(loc="left")
    assert all(len(line.get_xdata()) == 0 for line in view.points)  # none at I = 14
    assert "no equilibrium" in _text(view.info.value)


def test_a_kick_across_the_threshold_fires_and_clear_removes_it(ex):
    ex.controls.preset.widget.value = "K"
    view = ex.show_view("Phase plane")
    assert ex.result.n_spikes == 1
    view.kick_dv.value = "2"
    view.kick_t.value = "150"
    next(b for b in _walk(view.widget) if "izhi-kick-plus" in getattr(b, "_dom_classes", ())).click()
    assert ex.state.kicks == ((150.0, 2.0),)
    assert ex.result.n_spikes == 1  # 2 mV from rest: below the threshold, only 338 ms
    view.kick_t.value = "151"
    view.kick_dv.value = "1.5"  # a second small kick just after: together across it
    next(b for b in _walk(view.widget) if "izhi-kick-plus" in getattr(b, "_dom_classes", ())).click()
    assert ex.state.kicks == ((150.0, 2.0), (151.0, 1.5))
    assert ex.result.n_spikes == 2 and 150 < ex.result.spike_times_ms[0] < 170
    assert "kicks=150:2,151:1.5" in ex.controller.last.share_query
    next(b for b in _walk(view.widget) if "izhi-kick-clear" in getattr(b, "_dom_classes", ())).click()
    assert ex.state.kicks == () and ex.result.n_spikes == 1


def test_a_click_on_the_plane_sets_the_start_and_reruns(ex):
    from types import SimpleNamespace

    ex.controls.preset.widget.value = "P"
    view = ex.show_view("Phase plane")
    view._on_click(SimpleNamespace(inaxes=view.ax, xdata=-50.123, ydata=-14.5))
    assert ex.state.v0 == -50.12 and ex.state.u0 == -14.5
    assert ex.controls.numbers["v0"].widget.value == "-50.12"
    assert ex.result.v0_mV == -50.12 and ex.result.u0 == -14.5


def test_excitability_view_gives_g_class_1_and_h_class_2(ex):
    ex.controls.preset.widget.value = "G"
    view = ex.view("Excitability")
    assert view.renders == 0
    ex.show_view("Excitability")
    assert "Class 1 excitable" in _text(view.text.value)
    assert "saddle-node" in _text(view.text.value)
    assert view.ax_fi.get_title(loc="left") == "F–I curve: class 1"
    lines = {line.get_label() for line in view.ax_fi.get_lines()}
    assert {"steady state", "sweep up", "sweep down"} <= lines
    assert any(label.startswith("saddle-node at I = 2.25") for label in
               (line.get_label() for line in view.ax_bif.get_lines()))
    ex.controls.preset.widget.value = "H"
    assert "Class 2 excitable" in _text(view.text.value) and "Andronov" in view.text.value
    assert "hysteresis" in view.text.value
    renders = view.renders
    ex.controls.designer.shape.value = "step"  # the stimulus does not change this view
    assert view._key is not None and view.renders == renders + 1


# ---------------------------------------------------------------------------------------
# the pattern map tab


def test_pattern_map_of_the_panel_runs_draws_hovers_and_loads_a_cell(ex):
    from types import SimpleNamespace

    ex.controls.preset.widget.value = "RS"
    view = ex.show_view("Pattern map")
    assert view.pm is None  # maps run on request only
    view.x_axis.value, view.y_axis.value = "c", "d"
    for box, (lo, hi, n) in ((view.x_box, ("-65", "-50", "4")), (view.y_box, ("2", "8", "3"))):
        box["lo"].value, box["hi"].value, box["n"].value = lo, hi, n
    view.start(wait=True)
    pm = view.pm
    assert pm.labels.shape == (3, 4) and view.runs == 1
    assert "12 cells" in view.status.value
    from izhi_widgets.analysis import classify

    assert str(pm.labels[0, 0]) == classify(pm.result(0, 0)).label
    legend = [t.get_text() for t in view.ax.get_legend().get_texts()]
    assert set(legend) == set(pm.labels.ravel())
    assert any(t.get_text() == "RS" for t in view.ax.texts)  # the preset placed on its cell
    view._on_move(SimpleNamespace(inaxes=view.ax, xdata=-50.2, ydata=2.1))
    assert "c = -50, d = 2" in _text(view.hover.value)
    assert str(pm.labels[0, 3]) in _text(view.hover.value)
    view._on_click(SimpleNamespace(inaxes=view.ax, xdata=-50.2, ydata=2.1))
    assert ex.state.c == -50.0 and ex.state.d == 2.0 and ex.result.params.c == -50.0
    assert float(ex.controls.params["c"].box.widget.value) == -50.0


def test_pattern_map_bad_axes_get_a_message(ex):
    view = ex.show_view("Pattern map")
    view.x_box["n"].value = "2.5"
    view.start(wait=True)
    assert "n must be a whole number" in view.status.value and view.pm is None
    view.x_box["n"].value = "4"
    view.x_box["lo"].value = "-500"
    view.start(wait=True)
    assert "c" in _text(view.status.value) and view.pm is None


# ---------------------------------------------------------------------------------------
# the network tab


def test_network_tab_runs_draws_the_raster_rate_and_spectrum_and_a_seed_changes_it(ex):
    view = ex.show_view("Network")
    assert view.result is None and view.runs == 0  # runs on request only
    view.duration.value = "500"
    view.start(wait=True)
    res = view.result
    assert view.runs == 1 and res.duration_ms == 500 and res.params.n == 1000
    assert "spikes in" in view.status.value and "izhi-error" not in view.status.value
    exc, inh = view.ax_raster.collections[:2]
    assert len(exc.get_offsets()) + len(inh.get_offsets()) == len(res.spike_times_ms) > 2000
    assert np.all(np.asarray(inh.get_offsets())[:, 1] >= 800)  # inhibitory neurons in red
    assert tuple(np.round(inh.get_facecolor()[0][:3], 2)) != tuple(
        np.round(exc.get_facecolor()[0][:3], 2))
    rate_line = view.ax_rate.lines[0]
    assert len(rate_line.get_xdata()) == 500
    labels = [t.get_text() for t in view.ax_spec.texts]
    assert any(t.startswith("α") for t in labels) and any(t.startswith("γ") for t in labels)
    table = _text(view.rates.value)
    rates = res.rates_hz()
    assert f"excitatory 800 {rates['exc']:.2f}" in table and "alpha peak" in table
    first = np.asarray(exc.get_offsets()).copy()
    view.boxes["seed"].value = "7"
    view.start(wait=True)
    assert view.runs == 2 and view.result.params.seed == 7
    second = np.asarray(view.ax_raster.collections[0].get_offsets())
    assert first.shape != second.shape or not np.array_equal(first, second)


@pytest.mark.parametrize("box, bad, words", [
    ("n_exc", "many", "n_exc must be a number"),
    ("n_inh", "2.5", "n_inh must be a whole number"),
    ("p", "0", "p (connection probability) must be in (0, 1]"),
    ("w_inh", "-1", "w_inh must be >= 0"),
    ("n_exc", "30000", "the tab runs up to 20,000 neurons"),
    ("n_exc", "300000", "need about"),
    ("duration", "50", "duration (ms) must be a whole number from 100 to 2000"),
])
def test_network_tab_bad_values_get_a_message_naming_the_field(ex, box, bad, words):
    view = ex.show_view("Network")
    widget = view.duration if box == "duration" else view.boxes[box]
    widget.value = bad
    if bad == "30000":
        view.boxes["p"].value = "0.001"  # few synapses: the tab's own size limit speaks
    view.start(wait=True)
    assert "izhi-error" in view.status.value and words in _text(view.status.value)
    assert view.result is None and not view.run_button.disabled


def test_network_tab_cancel_stops_the_run_and_the_tab_recovers(ex):
    view = ex.show_view("Network")
    view._cancel.set()  # as if Cancel were pressed the moment the run starts
    view._work(view.settings())
    assert "Cancelled" in view.status.value and view.result is None
    assert not view.run_button.disabled and view.cancel_button.disabled
