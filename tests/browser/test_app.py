"""The explorer in a real browser: Voila serves explorer.ipynb, chromium drives the panel.

Every interaction is checked the way a person would see it: the kernel's run counter in
``.izhi-status`` goes up AND the figure's pixels change (or an error shows in
``.izhi-message``), and the values the page shows are the ones the model gives.
Selectors are the panel's DOM-class contract (``izhi-*`` classes).
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

import numpy as np
import pytest

from izhi_widgets import PRESETS, simulate
from voila_harness import ARTIFACTS, CONTRACT_CLASSES

pytestmark = pytest.mark.browser

#: Preset key -> the label the classifier must give on the preset's published run.
PRESET_LABELS = {
    "C": "tonic bursting",
    "P": "bistability",
    "T": "inhibition-induced bursting",
    "RS": "spike frequency adaptation",
    "A": "tonic spiking",
    "K": "resonator",
    "B": "phasic spiking",
    "FS": "tonic spiking",
}

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip().lower()


def _wait_message_cleared(app, timeout=30_000):
    app.page.wait_for_function(
        "() => { const m = document.querySelector('.izhi-message');"
        " return !!m && !m.querySelector('.izhi-error') && m.textContent.trim() === ''; }",
        timeout=timeout)


def _canvas_pixels_changed(app, before_png: str) -> dict:
    """Fraction of changed pixels in the figure's left half (v/u/I traces) and right quarter
    (the phase plane)."""
    return app.page.evaluate(
        """async (before) => {
          const c = document.querySelector('.izhi-figure canvas');
          const w = c.width, h = c.height;
          const img = new Image();
          await new Promise((ok, ko) => { img.onload = ok; img.onerror = ko; img.src = before; });
          const off = document.createElement('canvas'); off.width = w; off.height = h;
          const ox = off.getContext('2d'); ox.drawImage(img, 0, 0);
          const a = ox.getImageData(0, 0, w, h).data;
          const b = c.getContext('2d').getImageData(0, 0, w, h).data;
          const n = {left: 0, right: 0}, tot = {left: 0, right: 0};
          for (let y = 0; y < h; y += 2) for (let x = 0; x < w; x += 2) {
            const k = x < 0.5 * w ? 'left' : (x > 0.75 * w ? 'right' : null);
            if (k === null) continue;
            const i = (y * w + x) * 4;
            tot[k]++;
            if (a[i] !== b[i] || a[i+1] !== b[i+1] || a[i+2] !== b[i+2]) n[k]++;
          }
          return {w, h, traces: n.left / tot.left, phase: n.right / tot.right};
        }""", before_png)


def _choose_shape(app, label: str, fields: tuple[str, ...]):
    """Switch the stimulus designer to the shape ``label`` and wait for its fields."""
    app.select_by_label("izhi-stim-shape", label)
    for f in fields:
        app.field(f"izhi-stim-{f}").wait_for(state="visible", timeout=30_000)
    app.settle()
    assert app.message() == "", f"error after choosing {label}: {app.message()!r}"


def _assert_traces_and_phase_changed(app, png0: str) -> None:
    changed = _canvas_pixels_changed(app, png0)
    assert changed["traces"] > 0, f"the traces did not change: {changed}"
    assert changed["phase"] > 0, f"the phase plane did not change: {changed}"


def _first_canvas_png(app) -> str:
    return app.page.evaluate("() => document.querySelector('.izhi-figure canvas').toDataURL()")


def _readout_spikes(app) -> int:
    match = re.search(r"(\d+)\s*spikes?", app.text("izhi-readout"))
    assert match, app.text("izhi-readout")
    return int(match.group(1))


def _share_url(app) -> str:
    return app.page.locator(".izhi-share textarea").first.input_value()


# ---------------------------------------------------------------------------------------------
# Rendering and layout
# ---------------------------------------------------------------------------------------------

def test_renders_all_controls_and_figure(open_app):
    app = open_app()
    page = app.page
    shot = app.screenshot("app")  # tests/artifacts/app.png: the default view, full page
    assert shot.stat().st_size > 10_000

    missing = [c for c in CONTRACT_CLASSES if page.locator(f".{c}").count() == 0]
    assert not missing, f"contract classes missing from the page: {missing}"
    for p in "abcd":
        assert page.locator(f".izhi-{p} .noUi-handle").count() == 1, f"izhi-{p}: no slider handle"
        assert app.slider_value(p) == getattr(PRESETS["A"].params, p)
    assert len(app.options("izhi-preset")) == 28
    shapes = {_norm(o["label"]) for o in app.options("izhi-stim-shape")}
    assert {"preset protocol", "step", "one pulse", "pulses at given times", "periodic pulses",
            "ramp", "sine", "noise", "piecewise", "constant"} <= shapes, shapes
    numerics = {_norm(o["label"]) for o in app.options("izhi-numerics")}
    assert numerics == {"published", "euler", "rk4"}

    canvas = page.locator(".izhi-figure canvas").first
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200, box
    colours = page.evaluate(
        """() => { const c = document.querySelector('.izhi-figure canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   const s = new Set(); for (let i = 0; i < d.length; i += 4 * 7)
                     s.add((d[i] << 16) | (d[i+1] << 8) | d[i+2]);
                   return s.size; }""")
    assert colours > 10, f"figure canvas looks blank ({colours} colours)"

    assert re.search(r"run\s*#\s*\d+", app.text("izhi-status"))
    assert _readout_spikes(app) == 5  # preset A: 13, 17, 31.5, 59.25, 86.75 ms
    assert _norm(app.text("izhi-label")).startswith("pattern: tonic spiking")
    assert app.message() == "", f"error shown on first render: {app.message()!r}"
    assert not app.page_errors, app.page_errors
    assert not app.console_errors, app.console_errors


def test_no_null_tooltips_no_debug_row_no_resize_handle(open_app):
    app = open_app()
    page = app.page
    assert page.locator("[title='null']").count() == 0  # defect 7
    assert page.locator(".izhi-ping, .izhi-pong, .izhi-diagnostics").count() == 0  # defect 12
    # the figure's bottom-right corner is not a resize grip: dragging it changes nothing
    canvas = page.locator(".izhi-figure canvas").last
    box = canvas.bounding_box()
    before = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] - 3, box["y"] + box["height"] - 3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] + 80, box["y"] + box["height"] + 80)
    page.mouse.up()
    page.wait_for_timeout(500)
    assert canvas.bounding_box() == before
    tips = {p: page.locator(f".izhi-{p}-box input").first.evaluate(
        "e => e.closest('.widget-text').querySelector('input').title || "
        "e.closest('.widget-text').title") for p in "abcd"}
    slider_tips = {p: page.locator(f".izhi-{p}").first.get_attribute("title") or
                   page.locator(f".izhi-{p} label").first.get_attribute("title") for p in "abcd"}
    for p, word in {"a": "time scale", "b": "sensitivity", "c": "reset", "d": "jump"}.items():
        assert word in (tips[p] or "") + (slider_tips[p] or ""), (p, tips[p], slider_tips[p])


@pytest.mark.parametrize("width, height, name", [(1024, 768, "1024"), (1400, 1000, "1400"),
                                                 (1920, 1080, "1920"), (420, 860, "phone")])
def test_layout_at_each_viewport(browser, voila_server, width, height, name):
    """Controls and v(t) visible together at 1024x768; the figure grows at 1920; a phone
    stacks everything without clipping. Screenshots: tests/artifacts/viewport-*.png."""
    from voila_harness import App, new_context

    context = new_context(browser, viewport={"width": width, "height": height})
    app = App(context.new_page(), voila_server.url)
    try:
        app.open()
        page = app.page
        # the page reports its width; the figure refits once
        page.wait_for_function("() => document.querySelector('.izhi-page-info input').value",
                               timeout=30_000)
        app.settle(quiet_ms=800)
        page.screenshot(path=str(ARTIFACTS / f"viewport-{name}.png"))
        canvas = page.locator(".izhi-figure canvas").first.bounding_box()
        controls = page.locator(".izhi-controls").first.bounding_box()
        a_slider = page.locator(".izhi-a").first.bounding_box()
        overflow = page.evaluate(
            "() => { const vw = document.documentElement.clientWidth; let worst = 0;"
            " for (const e of document.querySelectorAll('.izhi-app *')) {"
            "   const r = e.getBoundingClientRect();"
            "   if (r.width > 0 && getComputedStyle(e).visibility !== 'hidden')"
            "     worst = Math.max(worst, r.right - vw); } return worst; }")
        assert overflow <= 1, f"{name}: content sticks out {overflow:.0f} px on the right"
        clipped = page.evaluate(
            "() => { const col = document.querySelector('.izhi-controls').getBoundingClientRect();"
            " const bad = []; for (const e of document.querySelectorAll("
            "   '.izhi-controls input, .izhi-controls select')) {"
            "   const r = e.getBoundingClientRect();"
            "   if (r.width > 0 && r.right > col.right + 1) bad.push(e.closest('[class*=izhi-]')"
            "     .className); } return bad; }")
        assert not clipped, f"{name}: fields clipped on the right: {clipped}"  # defect 6
        if name == "phone":
            assert canvas["y"] > controls["y"]  # stacked: the figure under the controls
            assert canvas["x"] + canvas["width"] <= width
        else:
            assert canvas["x"] > controls["x"] + controls["width"] - 1  # side by side
            # the v(t) axes (top of the figure) and the a slider are on screen together
            assert canvas["y"] + 0.4 * canvas["height"] <= height, canvas
            assert 0 <= a_slider["y"] and a_slider["y"] + a_slider["height"] <= height
        if name == "1920":
            assert canvas["width"] > 1100, canvas  # the figure grows with the page
            assert canvas["y"] + canvas["height"] <= height + 40  # and stays on screen
        if name == "1024":
            assert canvas["width"] >= 560, canvas
            # a long column (K as periodic pulses) scrolls by itself; no row is squashed
            before = app.snapshot()
            app.select_preset("K")
            app.wait_update(before, what="preset K")
            _choose_shape(app, "periodic pulses", ("amplitude", "period_ms", "count"))
            column = page.locator(".izhi-controls").first
            assert column.evaluate("e => e.scrollHeight > e.clientHeight + 50")
            for css in (".izhi-a", ".izhi-d-box input", ".izhi-stim-count input",
                        ".izhi-v0 input"):
                assert page.locator(css).first.bounding_box()["height"] >= 20, css
            page.screenshot(path=str(ARTIFACTS / "viewport-1024-K.png"))
    finally:
        app.close()
        context.close()


# ---------------------------------------------------------------------------------------------
# Presets
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", list(PRESET_LABELS))
def test_preset_changes_traces_and_label(shared_app, key):
    app = shared_app
    if app.selected_preset_key() == key:  # make sure the selection is a change
        other = "C" if key != "C" else "A"
        before = app.snapshot()
        app.select_preset(other)
        app.wait_update(before, what=f"select preset {other}")
    before = app.snapshot()
    app.select_preset(key)
    app.wait_update(before, what=f"select preset {key}")
    assert app.selected_preset_key() == key
    label = _norm(app.text("izhi-label"))
    expected = PRESET_LABELS[key]
    assert "expects" in label, f"preset {key}: no expected label shown: {label!r}"
    verdict = label.split("expects", 1)[0]
    assert expected in verdict, f"preset {key}: classified as {verdict!r}, expected {expected!r}"
    assert "✗" not in verdict, f"preset {key}: marked as a mismatch: {label!r}"
    assert _readout_spikes(app) == len(PRESETS[key].expected_spikes_ms)
    for p in "abcd":
        assert app.slider_value(p) == getattr(PRESETS[key].params, p)
    assert app.message() == "", f"preset {key}: error {app.message()!r}"
    assert PRESETS[key].description[:25].lower() in _norm(app.text("izhi-preset-info"))


# ---------------------------------------------------------------------------------------------
# Parameters and stimulus
# ---------------------------------------------------------------------------------------------

def test_slider_arrow_key_updates_traces_and_phase_plane(open_app):
    app = open_app()
    a0 = app.slider_value("a")
    png0 = _first_canvas_png(app)
    before = app.snapshot()
    app.press_slider("a", "ArrowRight")
    app.wait_update(before, what="a slider ArrowRight")
    assert app.slider_value("a") == pytest.approx(a0 + 0.001, abs=1e-12)
    _assert_traces_and_phase_changed(app, png0)


@pytest.mark.parametrize("name, typed", [("d", "8"), ("a", "1.5"), ("c", "-30"), ("d", "15")])
def test_typed_values_are_used_even_beyond_the_slider(open_app, name, typed):
    """Defect 1: typed values inside the model's limits are not clamped to the slider."""
    app = open_app()
    png0 = _first_canvas_png(app)
    before = app.snapshot()
    app.type_readout(name, typed)
    app.wait_update(before, what=f"type {name} = {typed}")
    assert app.slider_value(name) == float(typed)
    assert app.message() == ""
    params = PRESETS["A"].params.with_values(**{name: float(typed)})
    expected = simulate(params, PRESETS["A"].stimulus, duration_ms=100, dt_ms=0.25,
                        v0_mV=-70).n_spikes
    assert _readout_spikes(app) == expected
    _assert_traces_and_phase_changed(app, png0)


@pytest.mark.parametrize("typed, words", [("3", "a must be between -1 and 2, got 3"),
                                          ("abc", "a: 'abc' is not a number"),
                                          ("", "a: give a number")])
def test_bad_typed_values_get_a_message_and_the_plot_is_marked_stale(open_app, typed, words):
    """Defects 1, 11 and 13."""
    app = open_app()
    app.type_readout("a", typed)
    assert app.wait_error().startswith(words)
    opacity = app.page.locator(".izhi-figure").first.evaluate(
        "e => parseFloat(getComputedStyle(e).opacity)")
    assert opacity < 0.6  # dimmed: it is not the run of these settings
    assert "last valid run" in app.text("izhi-status")
    before = app.snapshot()
    app.type_readout("a", "0.03")
    app.wait_update(before, what="valid a after an error")
    _wait_message_cleared(app)
    assert app.page.locator(".izhi-figure").first.evaluate(
        "e => parseFloat(getComputedStyle(e).opacity)") == 1.0


def test_stimulus_amplitude_updates_traces(open_app):
    app = open_app()
    _choose_shape(app, "step", ("amplitude", "start_ms", "stop_ms"))
    assert app.field_value("izhi-stim-amplitude") == 14.0  # from preset A's own protocol
    png0 = _first_canvas_png(app)
    before = app.snapshot()
    app.set_field("izhi-stim-amplitude", "19")
    app.wait_update(before, what="stimulus amplitude 19")
    assert app.field_value("izhi-stim-amplitude") == 19.0
    from izhi_widgets import Step

    expected = simulate(PRESETS["A"].params, Step(19.0, 10.0), duration_ms=100, dt_ms=0.25,
                        v0_mV=-70).n_spikes
    assert _readout_spikes(app) == expected
    _assert_traces_and_phase_changed(app, png0)


def test_switching_shape_keeps_the_presets_amplitude_and_baseline(open_app):
    """Defect 14: K -> periodic pulses keeps 0.65; S -> step keeps the 80 baseline."""
    app = open_app("?preset=K")
    _choose_shape(app, "periodic pulses", ("amplitude", "period_ms", "count"))
    assert app.field_value("izhi-stim-amplitude") == 0.65
    before = app.snapshot()
    app.select_preset("S")
    app.wait_update(before, what="preset S")
    _choose_shape(app, "step", ("amplitude", "baseline"))
    assert app.field_value("izhi-stim-baseline") == 80.0
    assert app.field_value("izhi-stim-amplitude") == -5.0
    assert _readout_spikes(app) == 3  # the same protocol: S's three spikes


def test_time_window_zooms_the_traces(open_app):
    app = open_app("?preset=C")
    png0 = _first_canvas_png(app)
    handle = app.page.locator(".izhi-time-window .noUi-handle").first
    handle.focus()
    for _ in range(40):
        handle.press("ArrowRight")
    app.page.wait_for_function("(p) => window.__izhiCanvas().split('|')[0] !== p",
                               arg=png0, timeout=30_000)
    assert _canvas_pixels_changed(app, png0)["traces"] > 0.01


# ---------------------------------------------------------------------------------------------
# Invalid input
# ---------------------------------------------------------------------------------------------

def test_zero_dt_shows_error_in_the_panels_words_then_recovers(open_app):
    app = open_app()
    dt0 = app.field_value("izhi-dt")
    run0 = app.run_number()
    app.set_field("izhi-dt", "0")
    err = app.wait_error()
    assert err == "dt (ms) must be between 0.005 and 1 ms, got 0"  # defect 11
    app.page.wait_for_function("() => window.__izhiRun() < 0", timeout=30_000)  # "error"
    app.set_field("izhi-dt", f"{dt0:g}")
    app.wait_run_after(run0)
    _wait_message_cleared(app)
    before = app.snapshot()
    app.press_slider("a", "ArrowRight")
    app.wait_update(before, what="slider after recovery")
    assert app.message() == ""


def test_stimulus_stop_before_start_shows_error_then_recovers(open_app):
    app = open_app()
    _choose_shape(app, "step", ("amplitude", "start_ms", "stop_ms"))
    app.set_field("izhi-stim-stop_ms", "5")
    assert app.wait_error().startswith("stop (ms) must be after start (ms)")
    before = app.snapshot()
    app.set_field("izhi-stim-stop_ms", "50")
    app.wait_update(before, what="valid stop after error")
    _wait_message_cleared(app)


# ---------------------------------------------------------------------------------------------
# Downloads, share, code
# ---------------------------------------------------------------------------------------------

def _download(app, button_cls: str):
    page = app.page
    with page.expect_download(timeout=30_000) as info:
        page.locator(f".{button_cls} button, button.{button_cls}").first.click()
    dl = info.value
    path = ARTIFACTS / f"download-{dl.suggested_filename}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    dl.save_as(path)
    return dl, path.read_bytes()


def test_csv_downloads_in_one_click(open_app):
    app = open_app()
    dl, data = _download(app, "izhi-csv")
    assert dl.suggested_filename == "izhi_traces.csv"
    text = data.decode()
    table = np.genfromtxt(io.StringIO(text), delimiter=",", names=True)  # defect 9
    expected = simulate(PRESETS["A"])
    assert len(table) == len(expected.t_ms) == 401
    assert np.array_equal(table["v_mV"], expected.v_mV)
    assert np.array_equal(table["I"], expected.I)
    spikes = next(line for line in text.splitlines() if line.startswith("# spikes_ms"))
    assert spikes == "# spikes_ms: 13 17 31.5 59.25 86.75"
    rows = list(csv.reader(line for line in text.splitlines() if not line.startswith("#")))
    assert rows[0] == ["t_ms", "v_mV", "u", "I"]


def test_png_downloads_in_one_click(open_app):
    app = open_app()
    dl, data = _download(app, "izhi-png")
    assert dl.suggested_filename == "izhi_figure.png"
    assert data[:8] == PNG_MAGIC, data[:16]
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width > 800 and height > 400, (width, height)


@pytest.mark.parametrize("query, key, a, d", [
    ("preset=P&a=0.05", "P", 0.05, 0.0),
    ("preset=C&a=0.05&d=4", "C", 0.05, 4.0),
])
def test_query_string_restores_state_and_the_share_box_shows_the_url(open_app, voila_server,
                                                                      query, key, a, d):
    app = open_app("?" + query)
    assert app.selected_preset_key() == key
    assert app.slider_value("a") == a and app.slider_value("d") == d
    assert app.message() == "", app.message()
    url = _share_url(app)
    assert url == voila_server.url + "?" + query  # defect 2: the full, correct URL
    assert app.page.locator(".izhi-share .izhi-copy").count() == 1


def test_the_address_bar_follows_the_state(open_app, voila_server):
    app = open_app()
    before = app.snapshot()
    app.type_readout("c", "-60")
    app.wait_update(before, what="type c")
    app.page.wait_for_function("() => window.location.search.includes('c=-60')",
                               timeout=30_000)
    assert unquote(app.page.url) == voila_server.url + "?preset=A&c=-60"
    assert _share_url(app) == voila_server.url + "?preset=A&c=-60"


def test_an_invalid_link_keeps_valid_fields_and_names_the_invalid(open_app, voila_server):
    app = open_app("?preset=P&a=nan&d=1.5")
    message = app.message()
    assert "not applied" in message and "a: 'nan' is not a number" in message
    assert app.slider_value("d") == 1.5 and app.slider_value("a") == PRESETS["P"].params.a
    assert _share_url(app) == voila_server.url + "?preset=P&d=1.5"


def test_code_tab_is_monospace_with_copy_and_download(open_app):
    """Defect 5."""
    app = open_app()
    page = app.page
    page.locator(".izhi-tabs .lm-TabBar-tab, .izhi-tabs .p-TabBar-tab").filter(
        has_text="Code").first.click()
    box = page.locator(".izhi-code-output textarea").first
    box.wait_for(state="visible", timeout=30_000)
    code = box.input_value()
    assert "import brian2" in code and "a, b, c, d = 0.02, 0.2, -65.0, 6.0" in code
    font = box.evaluate("e => getComputedStyle(e).fontFamily").lower()
    assert "mono" in font, font
    assert page.locator(".izhi-code-output .izhi-copy").count() == 1
    dl, data = _download(app, "izhi-code-download")
    assert dl.suggested_filename == "izhi_brian2.py" and data.decode() == code


def test_spikes_tab_lists_the_spike_times(open_app):
    app = open_app()
    page = app.page
    page.locator(".izhi-tabs .lm-TabBar-tab, .izhi-tabs .p-TabBar-tab").filter(
        has_text="Spikes").first.click()
    table = page.locator(".izhi-spike-table table").first
    table.wait_for(state="visible", timeout=30_000)
    cells = table.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert cells == ["13", "17", "31.5", "59.25", "86.75"]


def test_reset_restores_preset_values(open_app):
    app = open_app()
    a0 = app.slider_value("a")
    before = app.snapshot()
    app.press_slider("a", "ArrowRight")
    app.wait_update(before, what="a slider ArrowRight")
    assert app.slider_value("a") != pytest.approx(a0)
    before = app.snapshot()
    app.page.locator(".izhi-reset").first.click()
    app.wait_update(before, what="reset")
    assert app.slider_value("a") == a0
    assert _readout_spikes(app) == 5


# ---------------------------------------------------------------------------------------------
# The dynamics tabs
# ---------------------------------------------------------------------------------------------

def _open_tab(app, title: str) -> None:
    app.page.locator(".izhi-tabs .lm-TabBar-tab, .izhi-tabs .p-TabBar-tab").filter(
        has_text=title).first.click()


def _png_of(app, css: str) -> str:
    return app.page.evaluate(f"() => document.querySelector('{css} canvas').toDataURL()")


@pytest.mark.parametrize("width", [1400, 1024])
def test_phase_plane_tab_renders_and_a_click_sets_the_start(browser, voila_server, width):
    from voila_harness import App, new_context

    context = new_context(browser, viewport={"width": width, "height": 900})
    app = App(context.new_page(), voila_server.url)
    try:
        app.open("?preset=K")
        page = app.page
        _open_tab(app, "Phase plane")
        page.locator(".izhi-phase-info li").first.wait_for(state="visible", timeout=30_000)
        info = page.locator(".izhi-phase-info").first.inner_text()
        assert "stable focus" in info and "damped oscillation period 41.0 ms" in info
        app.settle()
        page.screenshot(path=str(ARTIFACTS / f"view-phase-{width}.png"))
        png0 = _png_of(app, ".izhi-phase-figure")
        # the time cursor moves the nullclines (K's pulses change I)
        handle = page.locator(".izhi-phase-time .noUi-handle").first
        handle.focus()
        for _ in range(170):  # 42.5 ms: inside the first pulse
            handle.press("ArrowRight")
        page.wait_for_function(
            "(p) => document.querySelector('.izhi-phase-figure canvas').toDataURL() !== p",
            arg=png0, timeout=30_000)
        # a click on the plane starts the neuron there
        v0 = app.field_value("izhi-v0")
        canvas = page.locator(".izhi-phase-figure canvas").last
        box = canvas.bounding_box()
        run0 = app.run_number()
        page.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.5)
        app.wait_run_after(run0)
        page.wait_for_function(
            "(v) => parseFloat(document.querySelector('.izhi-v0 input').value) !== v",
            arg=v0, timeout=30_000)
        assert app.field_value("izhi-v0") > v0  # to the right of the rest
        assert "v0=" in app.page.url
    finally:
        app.close()
        context.close()


def test_excitability_tab_shows_class_1_for_g(open_app):
    app = open_app("?preset=G")
    _open_tab(app, "Excitability")
    text = app.page.locator(".izhi-excitability-text").first
    app.page.wait_for_function(
        "() => document.querySelector('.izhi-excitability-text').innerText.includes('Class')",
        timeout=60_000)
    assert "Class 1 excitable" in text.inner_text()
    app.settle()
    app.page.screenshot(path=str(ARTIFACTS / "view-excitability-1400.png"))
    png0 = _png_of(app, ".izhi-excitability-figure")
    before = app.snapshot()
    app.select_preset("H")
    app.wait_run_after(before[0])
    app.page.wait_for_function(
        "() => document.querySelector('.izhi-excitability-text').innerText.includes('Class 2')",
        timeout=60_000)
    assert _png_of(app, ".izhi-excitability-figure") != png0


@pytest.mark.parametrize("width", [1400, 1024])
def test_pattern_map_tab_runs_and_a_click_loads_the_cell(browser, voila_server, width):
    from voila_harness import App, new_context

    context = new_context(browser, viewport={"width": width, "height": 900})
    app = App(context.new_page(), voila_server.url)
    try:
        app.open("?preset=RS")
        page = app.page
        _open_tab(app, "Pattern map")
        page.locator(".izhi-map-run").first.wait_for(state="visible", timeout=30_000)
        for css, value in (("izhi-map-x-n", "8"), ("izhi-map-y-n", "6")):
            app.set_field(css, value)
        page.locator(".izhi-map-run").first.click()
        page.wait_for_function(
            "() => document.querySelector('.izhi-map-status').innerText.includes('48 cells')",
            timeout=90_000)
        app.settle()
        page.screenshot(path=str(ARTIFACTS / f"view-map-{width}.png"))
        c0, d0 = app.slider_value("c"), app.slider_value("d")
        canvas = page.locator(".izhi-map-figure canvas").last
        box = canvas.bounding_box()
        run0 = app.run_number()
        # the map's axes span 9-71 % of the width and 11-93 % of the height
        page.mouse.click(box["x"] + box["width"] * 0.66, box["y"] + box["height"] * 0.2)
        app.wait_run_after(run0)
        assert (app.slider_value("c"), app.slider_value("d")) != (c0, d0)
        assert app.slider_value("c") > -55 and app.slider_value("d") > 6  # upper right
        assert "c=" in app.page.url
    finally:
        app.close()
        context.close()


def _png_changed(app, css: str, before: str, timeout: int = 60_000) -> str:
    app.page.wait_for_function(
        f"(p) => document.querySelector('{css} canvas').toDataURL() !== p", arg=before,
        timeout=timeout)
    app.page.wait_for_timeout(300)  # let a second frame of the same draw land
    return _png_of(app, css)


def test_network_tab_runs_draws_a_raster_and_a_new_seed_changes_it(open_app):
    app = open_app()
    page = app.page
    _open_tab(app, "Network")
    run = page.locator(".izhi-net-run").first
    run.wait_for(state="visible", timeout=30_000)
    page.locator(".izhi-net-figure canvas").last.wait_for(state="visible", timeout=30_000)
    app.page.wait_for_timeout(500)
    empty = _png_of(app, ".izhi-net-figure")
    app.set_field("izhi-net-duration", "500")
    run.click()
    page.wait_for_function(
        "() => document.querySelector('.izhi-net-status').innerText.includes('run 1:')",
        timeout=120_000)
    first = _png_changed(app, ".izhi-net-figure", empty)
    rates = page.locator(".izhi-net-rates").first.inner_text()
    assert "excitatory" in rates and "inhibitory" in rates and "alpha peak" in rates
    page.screenshot(path=str(ARTIFACTS / "view-network-1400.png"))
    app.set_field("izhi-net-seed", "7")
    run.click()
    page.wait_for_function(
        "() => document.querySelector('.izhi-net-status').innerText.includes('run 2:')",
        timeout=120_000)
    second = _png_changed(app, ".izhi-net-figure", first)
    assert second != first
    # a bad value gets a message in the tab, and the raster stays
    app.set_field("izhi-net-p", "2")
    run.click()
    page.wait_for_function(
        "() => document.querySelector('.izhi-net-status .izhi-error') !== null", timeout=30_000)
    assert "connection probability" in page.locator(".izhi-net-status").first.inner_text()
