"""Slider-to-plot latency of the explorer in a real browser, against the kernel round-trip floor.

Starts Voila on ``explorer.ipynb`` (like the browser tests' fixture), opens the app in Debian's
chromium, then:

* for each preset (default A, C, P): selects it, then makes ``--moves`` slider moves (focus a
  parameter slider's handle, press ArrowRight / ArrowLeft alternately) and times each one from the
  key press to the redrawn plot: ``.izhi-status`` shows a higher "run #" AND the figure canvas
  was drawn again. Timing is done inside the page with ``performance.now()``: a capturing
  ``keydown`` listener stamps the start, a MutationObserver on the status and a hook on the
  figure canvas's ``drawImage`` stamp the end, so Python's polling does not count. After each
  move the canvas pixels are compared with the previous ones (outside the timed span).
* the floor: ``--pings`` round trips that type a text that is not a number into the ``dt``
  box + Enter and wait for the panel's message to name it (the kernel parses the controls and
  refuses: no simulation, no drawing; the app has no debug echo widget).

Prints p50 / p90 per preset and overall, the floor's p50 / p90, the ratios to the floor and the
targets (p50 <= 100 ms, p90 <= 200 ms). Usage::

    .venv/bin/python3 benchmarks/bench_latency.py [--moves 20] [--presets A,C,P] [--slider a]
        [--pings 20] [--preheat] [--json out.json] [--strict]

``--strict`` exits 1 when a target is missed. Talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from voila_harness import App, VoilaServer, launch_chromium, new_context  # noqa: E402

TARGET_P50_MS = 100.0
TARGET_P90_MS = 200.0

PROBE_JS = r"""
(() => {
  if (window.__izhiProbeInstalled) return;
  window.__izhiProbeInstalled = true;
  const P = window.__izhiProbe = {armed: false};
  // Start = the key press; for the ping field, the typed input if the value was already sent
  // on input (continuous_update) so the echo arrived before Enter.
  window.addEventListener('keydown', () => {
    if (P.armed && P.tKey === null && P.t1 === null) P.tKey = performance.now();
  }, true);
  window.addEventListener('input', () => {
    if (P.armed && P.kind === 'ping' && P.tInput === null) P.tInput = performance.now();
  }, true);
  const check = () => {
    if (!P.armed || P.t1 !== null) return;
    P.t0 = P.tKey !== null ? P.tKey : P.tInput;
    if (P.t0 === null) return;
    let done;
    if (P.kind === 'plot') {
      done = window.__izhiRun() > P.run0 && window.__izhiDraws > P.draws0;
    } else {
      const el = document.querySelector('.izhi-message');
      done = !!el && el.textContent !== P.pong0 && el.textContent.includes(P.expect);
    }
    if (done) {
      P.t1 = performance.now();
      requestAnimationFrame(() => { P.tFrame = performance.now(); P.armed = false; });
    }
  };
  P.check = check;
  // Figure redraws: chain onto the drawImage hook of the init script.
  const proto = CanvasRenderingContext2D.prototype;
  const hooked = proto.drawImage;
  proto.drawImage = function (...args) {
    const r = hooked.apply(this, args);
    const c = this.canvas;
    if (c && c.isConnected && c.closest && c.closest('.izhi-figure')) check();
    return r;
  };
  const mo = new MutationObserver(check);
  mo.observe(document.body, {subtree: true, childList: true, characterData: true});
  // Fallback in case neither event fires at the decisive moment.
  const tick = () => { check(); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  window.__izhiArm = (kind, expect) => {
    const message = document.querySelector('.izhi-message');
    Object.assign(P, {armed: true, kind, expect: expect || '', t0: null, tKey: null,
                      tInput: null, t1: null, tFrame: null,
                      run0: window.__izhiRun(), draws0: window.__izhiDraws,
                      pong0: message ? message.textContent : null});
  };
})();
"""


def pct(values: list[float], q: float) -> float:
    """Percentile by linear interpolation (q in 0..100)."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100.0
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def wait_probe(page, timeout_ms: float) -> dict:
    page.wait_for_function("() => window.__izhiProbe.t1 !== null && window.__izhiProbe.tFrame !== null",
                           timeout=timeout_ms)
    return page.evaluate("() => ({t0: window.__izhiProbe.t0, t1: window.__izhiProbe.t1,"
                         " tFrame: window.__izhiProbe.tFrame})")


def measure_moves(app: App, preset: str, slider: str, moves: int, warmup: int,
                  timeout_ms: float) -> dict:
    page = app.page
    if app.selected_preset_key() != preset:
        before = app.snapshot()
        app.select_preset(preset)
        app.wait_update(before, what=f"select preset {preset}")
    app.settle(quiet_ms=150, timeout_ms=5000)
    handle = page.locator(f".izhi-{slider} .noUi-handle").first
    handle.focus()
    times, frames, unchanged, errors = [], [], 0, []
    for i in range(warmup + moves):
        key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        canvas0 = app.canvas()
        page.evaluate("() => window.__izhiArm('plot')")
        handle.press(key)
        try:
            r = wait_probe(page, timeout_ms)
        except Exception as exc:  # noqa: BLE001 - report and go on
            errors.append(f"move {i} ({key}): no redraw in {timeout_ms / 1000:.0f} s "
                          f"({type(exc).__name__}); message: {app.message()!r}")
            app.settle(quiet_ms=150, timeout_ms=5000)
            continue
        app.settle(quiet_ms=150, timeout_ms=5000)
        if app.canvas() == canvas0:
            unchanged += 1
        if i >= warmup:
            times.append(r["t1"] - r["t0"])
            frames.append(r["tFrame"] - r["t0"])
    return {"preset": preset, "slider": slider, "times_ms": times, "frame_ms": frames,
            "unchanged_canvas": unchanged, "errors": errors}


def measure_pings(app: App, n: int, warmup: int, timeout_ms: float) -> dict:
    """The floor: a refused value (kernel round trip, parse, message; no run, no drawing)."""
    page = app.page
    field = page.locator(".izhi-dt input").first
    good = field.input_value()
    times, errors = [], []
    for i in range(warmup + n):
        text = f"x{i}"
        page.evaluate("(t) => window.__izhiArm('ping', t)", text)
        field.fill(text)
        field.press("Enter")
        try:
            r = wait_probe(page, timeout_ms)
        except Exception as exc:  # noqa: BLE001
            errors.append(f"refusal {i}: no message in {timeout_ms / 1000:.0f} s "
                          f"({type(exc).__name__})")
            continue
        if i >= warmup:
            times.append(r["t1"] - r["t0"])
        page.wait_for_timeout(20)
    field.fill(good)
    field.press("Enter")
    return {"times_ms": times, "errors": errors}


def fmt(stats: dict) -> str:
    return f"p50 {stats['p50']:7.1f} ms   p90 {stats['p90']:7.1f} ms   (n={stats['n']})"


def summarize(values: list[float]) -> dict:
    return {"n": len(values), "p50": pct(values, 50), "p90": pct(values, 90),
            "mean": statistics.fmean(values) if values else float("nan"),
            "max": max(values) if values else float("nan")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notebook", default=None, help="notebook to serve (default explorer.ipynb)")
    ap.add_argument("--presets", default="A,C,P")
    ap.add_argument("--slider", default="a", choices=list("abcd"))
    ap.add_argument("--moves", type=int, default=20)
    ap.add_argument("--width", type=int, default=1400, help="browser window width (px)")
    ap.add_argument("--pings", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=2, help="untimed moves/pings first")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per interaction")
    ap.add_argument("--preheat", action="store_true", help="voila --preheat_kernel --pool_size=1")
    ap.add_argument("--json", default=None, help="also write the raw figures here")
    ap.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = ap.parse_args(argv)
    if args.moves < 1 or args.pings < 1:
        ap.error("--moves and --pings must be >= 1")

    from playwright.sync_api import sync_playwright

    presets = [p.strip() for p in args.presets.split(",") if p.strip()]
    timeout_ms = args.timeout * 1000
    server = VoilaServer(notebook=Path(args.notebook) if args.notebook else None,
                         preheat=args.preheat)
    t_start = time.perf_counter()
    server.start()
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            context = new_context(browser, viewport={"width": args.width, "height": 1000})
            app = App(context.new_page(), server.url)
            t_open = time.perf_counter()
            app.open()
            first_render = time.perf_counter() - t_open
            app.page.evaluate(PROBE_JS)
            print(f"server {server.url}  first render {first_render:.1f} s", flush=True)

            per_preset = []
            for p in presets:
                res = measure_moves(app, p, args.slider, args.moves, args.warmup, timeout_ms)
                res["stats"] = summarize(res["times_ms"])
                res["frame_stats"] = summarize(res["frame_ms"])
                per_preset.append(res)
                print(f"preset {p:<3} slider {args.slider}: {fmt(res['stats'])}"
                      f"   [to next frame: p50 {res['frame_stats']['p50']:.1f} ms]"
                      + (f"   canvas unchanged after {res['unchanged_canvas']} move(s)"
                         if res["unchanged_canvas"] else ""), flush=True)
                for e in res["errors"]:
                    print(f"    ! {e}")
            floor = measure_pings(app, args.pings, args.warmup, timeout_ms)
            floor["stats"] = summarize(floor["times_ms"])
            for e in floor["errors"]:
                print(f"    ! {e}")
            errors = app.errors()
            app.close()
            context.close()
            browser.close()
    finally:
        server.stop()

    overall = summarize([t for r in per_preset for t in r["times_ms"]])
    fl = floor["stats"]
    print()
    print(f"{'':14}{'p50':>10}{'p90':>10}{'x floor p50':>13}{'x floor p90':>13}")
    for r in per_preset:
        s = r["stats"]
        print(f"preset {r['preset']:<7}{s['p50']:10.1f}{s['p90']:10.1f}"
              f"{s['p50'] / fl['p50']:13.2f}{s['p90'] / fl['p90']:13.2f}")
    print(f"{'overall':<14}{overall['p50']:10.1f}{overall['p90']:10.1f}"
          f"{overall['p50'] / fl['p50']:13.2f}{overall['p90'] / fl['p90']:13.2f}")
    print(f"{'floor':<14}{fl['p50']:10.1f}{fl['p90']:10.1f}   (a refused value: round trip, "
          f"no run)")
    ok50 = overall["p50"] <= TARGET_P50_MS
    ok90 = overall["p90"] <= TARGET_P90_MS
    print(f"\ntargets: p50 <= {TARGET_P50_MS:.0f} ms: {'met' if ok50 else 'MISSED'}"
          f" ({overall['p50']:.1f});  p90 <= {TARGET_P90_MS:.0f} ms: {'met' if ok90 else 'MISSED'}"
          f" ({overall['p90']:.1f})")
    n_err = sum(len(r["errors"]) for r in per_preset) + len(floor["errors"])
    if n_err or errors:
        print(f"interaction failures: {n_err}; page errors: {errors}")
    print(f"total {time.perf_counter() - t_start:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"presets": per_preset, "overall": overall, "floor": floor,
             "first_render_s": first_render,
             "targets": {"p50_ms": TARGET_P50_MS, "p90_ms": TARGET_P90_MS}}, indent=1))
    if args.strict and not (ok50 and ok90 and not n_err):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
