"""The explorer in a real browser: Voila serves explorer.ipynb, chromium drives the panel.

Every interaction is checked the way a person would see it: the kernel's run counter in
``.izhi-status`` goes up AND the figure's pixels change (or an error shows in
``.izhi-message``). Selectors are the panel's DOM-class contract (``izhi-*`` classes).
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from voila_harness import ARTIFACTS, CONTRACT_CLASSES, parse_number

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
    (the phase plane sits at the right, ~67-100 % of the width)."""
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


def _choose_step_shape(app):
    """Switch the stimulus designer to "step" and wait until its fields show and runs settle.

    (The step may reproduce the preset's own protocol, so neither a redraw nor a new run is
    required here.)
    """
    app.select_by_label("izhi-stim-shape", "step")
    for f in ("amplitude", "start", "stop"):
        app.field(f"izhi-stim-{f}").wait_for(state="visible", timeout=30_000)
    app.settle()
    assert app.message() == "", f"error after choosing the step shape: {app.message()!r}"


def _assert_traces_and_phase_changed(app, png0: str) -> None:
    changed = _canvas_pixels_changed(app, png0)
    assert changed["traces"] > 0, f"the traces did not change: {changed}"
    assert changed["phase"] > 0, f"the phase plane did not change: {changed}"


def _first_canvas_png(app) -> str:
    return app.page.evaluate("() => document.querySelector('.izhi-figure canvas').toDataURL()")


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------

def test_renders_all_controls_and_figure(open_app):
    app = open_app()
    page = app.page
    shot = app.screenshot("app")  # tests/artifacts/app.png: the default view, full page
    assert shot.stat().st_size > 10_000

    missing = [c for c in CONTRACT_CLASSES if page.locator(f".{c}").count() == 0]
    assert not missing, f"contract classes missing from the page: {missing}"
    # At least one stimulus field besides the shape selector.
    fields = page.eval_on_selector_all(
        "[class*='izhi-stim-']",
        "els => [...new Set(els.flatMap(e => [...e.classList]"
        ".filter(c => c.startsWith('izhi-stim-') && c !== 'izhi-stim-shape')))]")
    assert fields, "no izhi-stim-<field> widget in the page"

    # The parameter sliders are real sliders with a handle and an editable readout.
    for p in "abcd":
        assert page.locator(f".izhi-{p} .noUi-handle").count() == 1, f"izhi-{p}: no slider handle"
        ro = page.locator(f".izhi-{p} .widget-readout").first
        assert ro.get_attribute("contenteditable") == "true", f"izhi-{p}: readout not editable"
        parse_number(ro.inner_text())  # a number
    assert page.locator(".izhi-preset select").count() == 1
    assert len(app.options("izhi-preset")) >= 28, "fewer presets than 20 (2004) + 8 (2003)"
    shapes = {_norm(o["label"]) for o in app.options("izhi-stim-shape")}
    assert {"preset protocol", "step", "pulses", "ramp", "sine", "noise", "piecewise"} <= shapes, shapes
    numerics = {_norm(o["label"]) for o in app.options("izhi-numerics")}
    assert {"published", "euler", "rk4"} <= numerics, numerics

    # The figure is drawn (not a blank canvas) and visible.
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
    assert re.search(r"\d+\s*spikes?", app.text("izhi-readout")), app.text("izhi-readout")
    assert _norm(app.text("izhi-label")), "empty label"
    assert app.message() == "", f"error shown on first render: {app.message()!r}"
    assert not app.page_errors, app.page_errors
    assert not app.console_errors, app.console_errors


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
    # The label area shows the classifier's label, then "preset X expects “<label>”": only the
    # part before "expects" is the classifier's verdict.
    assert "expects" in label, f"preset {key}: no expected label shown: {label!r}"
    verdict = label.split("expects", 1)[0]
    assert expected in verdict, f"preset {key}: classified as {verdict!r}, expected {expected!r}"
    assert "✗" not in verdict, f"preset {key}: marked as a mismatch: {label!r}"
    assert expected in label.split("expects", 1)[1], f"preset {key}: wrong expected label"
    assert app.message() == "", f"preset {key}: error {app.message()!r}"
    assert _norm(app.text("izhi-preset-info")), f"preset {key}: empty preset info"


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
    assert app.slider_value("a") > a0
    _assert_traces_and_phase_changed(app, png0)


def test_typed_readout_updates_traces(open_app):
    app = open_app()
    d0 = app.slider_value("d")
    target = d0 + 2 if d0 + 2 <= 8 else d0 - 2
    png0 = _first_canvas_png(app)
    before = app.snapshot()
    app.type_readout("d", f"{target:g}")
    app.wait_update(before, what=f"type d = {target:g}")
    assert app.slider_value("d") == pytest.approx(target, abs=1e-6)
    _assert_traces_and_phase_changed(app, png0)


def test_stimulus_amplitude_updates_traces(open_app):
    app = open_app()
    _choose_step_shape(app)
    amp = app.field("izhi-stim-amplitude")
    a0 = parse_number(amp.input_value())
    png0 = _first_canvas_png(app)
    before = app.snapshot()
    app.set_field("izhi-stim-amplitude", f"{a0 + 5:g}")
    app.wait_update(before, what="stimulus amplitude +5")
    assert app.field_value("izhi-stim-amplitude") == pytest.approx(a0 + 5)
    _assert_traces_and_phase_changed(app, png0)


# ---------------------------------------------------------------------------------------------
# Invalid input
# ---------------------------------------------------------------------------------------------

def test_zero_dt_shows_error_then_recovers(open_app):
    app = open_app()
    dt0 = app.field_value("izhi-dt")
    assert app.message() == ""
    app.set_field("izhi-dt", "0")
    err = app.wait_error()
    assert err, "empty error element"
    assert "dt" in _norm(err) or "step" in _norm(err), f"error does not name dt: {err!r}"
    run_err = app.run_number()
    app.set_field("izhi-dt", f"{dt0:g}")
    app.wait_run_after(run_err)
    _wait_message_cleared(app)
    before = app.snapshot()
    app.press_slider("a", "ArrowRight")
    app.wait_update(before, what="slider after recovery")
    assert app.message() == ""


def test_stimulus_stop_before_start_shows_error_then_recovers(open_app):
    app = open_app()
    _choose_step_shape(app)
    start = app.field_value("izhi-stim-start")
    app.set_field("izhi-stim-stop", f"{start - 5:g}")
    err = app.wait_error()
    assert err, "empty error element"
    before = app.snapshot()
    app.set_field("izhi-stim-stop", f"{start + 40:g}")
    app.wait_update(before, what="valid stop after error")
    _wait_message_cleared(app)


# ---------------------------------------------------------------------------------------------
# Downloads, share, code
# ---------------------------------------------------------------------------------------------

def _download(app, button_cls: str, suffix: str):
    page = app.page
    page.locator(f".{button_cls}").first.click()
    link = page.locator(f".izhi-downloads a[download$='{suffix}']").first
    link.wait_for(state="attached", timeout=30_000)
    with page.expect_download(timeout=30_000) as info:
        link.click()
    dl = info.value
    path = ARTIFACTS / f"download-{dl.suggested_filename}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    dl.save_as(path)
    return dl, path.read_bytes()


def test_csv_download(open_app):
    app = open_app()
    duration = app.field_value("izhi-duration")
    dt = app.field_value("izhi-dt")
    dl, data = _download(app, "izhi-csv", ".csv")
    assert dl.suggested_filename.endswith(".csv")
    lines = [ln for ln in data.decode().splitlines() if ln and not ln.startswith("#")]
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    assert rows[0] == ["t_ms", "v_mV", "u", "I"], rows[0]
    body = rows[1:]
    assert len(body) == round(duration / dt) + 1, (len(body), duration, dt)
    t = [float(r[0]) for r in body]
    assert t[0] == pytest.approx(0.0) and t[-1] == pytest.approx(duration)
    assert all(len(r) == 4 for r in body)
    v = [float(r[1]) for r in body]
    assert max(v) > min(v), "flat voltage trace"


def test_png_download(open_app):
    app = open_app()
    dl, data = _download(app, "izhi-png", ".png")
    assert dl.suggested_filename.endswith(".png")
    assert data[:8] == PNG_MAGIC, data[:16]
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width > 200 and height > 100, (width, height)


@pytest.mark.parametrize("query, key, a, share_has", [
    ("preset=P&a=0.1", "P", 0.1, ["preset=P"]),
    ("preset=C&a=0.05", "C", 0.05, ["preset=C", "a=0.05"]),  # C's own a is 0.02
])
def test_query_string_restores_state(open_app, query, key, a, share_has):
    app = open_app("?" + query)
    assert app.selected_preset_key() == key
    assert app.slider_value("a") == pytest.approx(a, abs=1e-9)
    assert _norm(app.text("izhi-label")), "empty label area"
    assert app.message() == "", app.message()
    share = app.page.locator(".izhi-share").first
    share_text = share.inner_text() + " " + " ".join(
        share.locator("input, textarea").evaluate_all("els => els.map(e => e.value)"))
    for frag in share_has:
        assert frag in share_text, f"share string lacks {frag!r}: {share_text!r}"


def test_show_code_contains_brian2(open_app):
    app = open_app()
    out = app.page.locator(".izhi-code-output").first
    assert "brian2" not in out.inner_text(), "code shown before the button was clicked"
    app.page.locator(".izhi-code").first.click()
    app.page.wait_for_function(
        "() => document.querySelector('.izhi-code-output').innerText.includes('brian2')",
        timeout=30_000)
    text = out.inner_text()
    assert "import brian2" in text or "from brian2" in text, text[:500]


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
    assert app.slider_value("a") == pytest.approx(a0)


def test_ping_pong_round_trip(open_app):
    app = open_app()
    app.set_field("izhi-ping", "4242")
    app.page.wait_for_function(
        "() => document.querySelector('.izhi-pong').textContent.includes('4242')",
        timeout=30_000)
