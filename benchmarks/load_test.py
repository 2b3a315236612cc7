"""Load test: a class of N students arriving at the explorer, on this machine, in real browsers.

For each N in ``--ns`` a fresh server is started (class mode by default: ``python -m
izhi_widgets.classroom`` with a cap of N students and a pool of ``--pool`` preheated kernels;
``--plain`` for plain Voila without a pool), its pool is left to fill, then N pages arrive
spread evenly over ``--arrival`` seconds, each in its own browser context of one Debian
chromium (Playwright, loopback only). Each student, like a student:

1. opens the page and waits until it is usable (figure drawn, run #1, page size reported):
   the **time to first usable page**, from the request to that moment;
2. for each of ``--presets``: chooses the preset, then makes ``--moves`` slider moves (arrow
   keys on a parameter slider's handle), each timed inside the page from the key press to
   the redrawn plot (run counter up and the figure canvas drawn), as in
   ``bench_latency.py``: the **slider->redraw** latency;

and stays on the page until every student is done (the load is concurrent). Then the
kernels' resident memory is read from /proc (**RSS per kernel**, pool included) and errors
are counted (pages that never became usable, interactions without a redraw in
``--timeout`` s, uncaught page errors, "class is full" answers).

Prints one row per N: time to usable p50/p90, slider->redraw p50/p90, RSS per kernel,
errors, and whether N meets the target (p90 <= 250 ms, no errors). Bounded: at most
``--max-n`` students, every wait has a timeout. Usage::

    .venv/bin/python3 benchmarks/load_test.py [--ns 5,10,20] [--arrival 60] [--pool 8]
        [--moves 5] [--presets B,C] [--plain] [--json out.json]

The machine's load average before each N is printed too: other work on the same cores
pollutes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_latency import PROBE_JS, pct  # noqa: E402
from voila_harness import (ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, INIT_SCRIPT, NON_LOOPBACK,  # noqa: E402
                           VoilaServer, warm_engines)

TARGET_P90_MS = 250.0


async def wait_usable(page, timeout_ms: float) -> None:
    await page.wait_for_selector(".izhi-figure canvas", state="attached", timeout=timeout_ms)
    await page.wait_for_function("() => window.__izhiRun() >= 1 && window.__izhiDraws > 0",
                                 timeout=timeout_ms)
    await page.wait_for_function(
        "() => { const i = document.querySelector('.izhi-page-info input');"
        " return i && i.value; }", timeout=timeout_ms)


async def preset_value(page, key: str) -> str:
    return await page.evaluate(
        """(key) => { for (const o of document.querySelectorAll('.izhi-preset select option')) {
             const head = o.textContent.trim().split(/\\s*[·:\\-–]\\s*/)[0].split(/\\s+/);
             if (o.value === key || head[head.length - 1] === key) return o.value; }
           return null; }""", key)


async def student(i: int, delay: float, browser, url: str, args, out: dict,
                  done: asyncio.Event) -> None:
    rec = {"usable_s": None, "moves_ms": [], "errors": []}
    out[i] = rec
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.route(NON_LOOPBACK, lambda route: route.abort())
    page = await context.new_page()
    await page.add_init_script(INIT_SCRIPT)
    page.on("pageerror", lambda exc: rec["errors"].append(f"page error: {exc}"[:200]))
    timeout_ms = args.timeout * 1000
    try:
        t0 = time.perf_counter()
        resp = await page.goto(url, wait_until="commit", timeout=timeout_ms)
        if resp is not None and resp.status == 503:
            rec["errors"].append("class full (503)")
            return
        await wait_usable(page, args.first_timeout * 1000)
        rec["usable_s"] = time.perf_counter() - t0
        await page.evaluate(PROBE_JS)
        for preset in args.presets:
            value = await preset_value(page, preset)
            run0 = await page.evaluate("() => window.__izhiRun()")
            await page.select_option(".izhi-preset select", value=value)
            await page.wait_for_function("(r) => window.__izhiRun() > r", arg=run0,
                                         timeout=timeout_ms)
            handle = page.locator(f".izhi-{args.slider} .noUi-handle").first
            await handle.focus()
            for k in range(args.moves):
                await page.wait_for_timeout(args.think_ms)  # a student looks at the plot
                await page.evaluate("() => window.__izhiArm('plot')")
                await handle.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
                try:
                    await page.wait_for_function(
                        "() => window.__izhiProbe.t1 !== null", timeout=timeout_ms)
                except Exception as exc:  # noqa: BLE001
                    rec["errors"].append(f"move {k}: no redraw ({type(exc).__name__})")
                    continue
                r = await page.evaluate("() => window.__izhiProbe.t1 - window.__izhiProbe.t0")
                rec["moves_ms"].append(r)
    except Exception as exc:  # noqa: BLE001
        rec["errors"].append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    finally:
        rec["finished"] = time.perf_counter()
        await done.wait()  # stay on the page until every student is done
        await context.close()


def kernel_rss_mb(server: VoilaServer) -> list[float]:
    """RSS (MB) of every kernel process the server started (its children)."""
    out = subprocess.run(["ps", "-e", "-o", "ppid=,rss=,args="],
                         capture_output=True, text=True).stdout
    rss = []
    for line in out.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and int(parts[0]) == server.proc.pid and "ipykernel" in parts[2]:
            rss.append(int(parts[1]) / 1024)
    return rss


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


async def run_class(n: int, args) -> dict:
    from playwright.async_api import async_playwright

    classroom = None if args.plain else {"students": n, "pool": args.pool,
                                         "memory_mb": args.memory_mb, "grace": 30,
                                         "refill_delay": args.refill_delay}
    server = VoilaServer(classroom=classroom, preheat=False,
                         log_path=ARTIFACTS / f"voila-load-{n}.log")
    server.start()
    try:
        if classroom and args.pool:  # the pool warmed before the class, as a teacher would
            warm_s = await asyncio.to_thread(server.wait_kernels_quiet, args.pool)
            print(f"   N={n}: pool of {args.pool} warm after {warm_s:.0f} s", flush=True)
        load = loadavg()
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            out: dict[int, dict] = {}
            done = asyncio.Event()
            t0 = time.perf_counter()
            tasks = [asyncio.create_task(student(i, i * args.arrival / n, browser, server.url,
                                                 args, out, done)) for i in range(n)]
            deadline = t0 + args.arrival + args.budget
            while any(o.get("finished") is None for o in out.values()) or len(out) < n:
                if time.perf_counter() > deadline:
                    for o in out.values():
                        if o.get("finished") is None:
                            o["errors"].append("student did not finish within the budget")
                    break
                await asyncio.sleep(0.5)
            rss = kernel_rss_mb(server)
            done.set()
            await asyncio.wait(tasks, timeout=60)
            await browser.close()
        wall = time.perf_counter() - t0
    finally:
        server.stop()
    usable = [o["usable_s"] for o in out.values() if o["usable_s"] is not None]
    moves = [m for o in out.values() for m in o["moves_ms"]]
    errors = [e for o in out.values() for e in o["errors"]]
    return {"n": n, "load_before": load, "usable_s": usable, "moves_ms": moves,
            "errors": errors, "kernel_rss_mb": rss, "wall_s": wall,
            "mode": "plain" if args.plain else f"class(pool={args.pool})"}


def row(r: dict) -> str:
    u, m, rss = r["usable_s"], r["moves_ms"], r["kernel_rss_mb"]
    ok = bool(m) and pct(m, 90) <= TARGET_P90_MS and not r["errors"] and len(u) == r["n"]
    return (f"| {r['n']:>3} | {pct(u, 50):6.1f} | {pct(u, 90):6.1f} | {pct(m, 50):6.0f} | "
            f"{pct(m, 90):6.0f} | {(sum(rss) / len(rss) if rss else float('nan')):5.0f} "
            f"({len(rss)}) | {len(r['errors']):>3} | {r['load_before']:>14} | "
            f"{'yes' if ok else 'no':>3} |")


HEADER = ("|   N | usable p50 s | usable p90 s | redraw p50 ms | redraw p90 ms | "
          "RSS/kernel MB (kernels) | errors | load avg before | p90<=250 & no errors |\n"
          "|----:|----:|----:|----:|----:|----:|----:|----:|:---:|")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ns", default="5,10,20")
    ap.add_argument("--arrival", type=float, default=60.0, help="seconds over which N arrive")
    ap.add_argument("--pool", type=int, default=8)
    ap.add_argument("--memory-mb", type=int, default=1024)
    ap.add_argument("--refill-delay", type=float, default=60.0)
    ap.add_argument("--plain", action="store_true", help="plain voila, no pool, no cap")
    ap.add_argument("--presets", default="B,C")
    ap.add_argument("--slider", default="a", choices=list("abcd"))
    ap.add_argument("--moves", type=int, default=5, help="slider moves per preset")
    ap.add_argument("--think-ms", type=int, default=700, help="pause before each move")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per interaction")
    ap.add_argument("--first-timeout", type=float, default=120.0)
    ap.add_argument("--budget", type=float, default=300.0,
                    help="seconds after the last arrival before giving up on a class")
    ap.add_argument("--max-n", type=int, default=60)
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    args.presets = [p.strip() for p in args.presets.split(",") if p.strip()]
    ns = [int(x) for x in args.ns.split(",") if x.strip()]
    if any(n < 1 or n > args.max_n for n in ns):
        ap.error(f"every N must be in 1..{args.max_n}")
    warm_engines()
    print(f"{os.cpu_count()} cores; arrivals over {args.arrival:.0f} s; "
          f"{'plain voila' if args.plain else f'class mode, pool {args.pool}'}; "
          f"presets {args.presets} x {args.moves} moves", flush=True)
    results = []
    for n in ns:
        r = asyncio.run(run_class(n, args))
        results.append(r)
        print(HEADER.splitlines()[0] if len(results) == 1 else "", end="")
        if len(results) == 1:
            print("\n" + HEADER.splitlines()[1])
        print(row(r) + f"   [{r['wall_s']:.0f} s]", flush=True)
        for e in sorted(set(r["errors"]))[:5]:
            print(f"      ! {e}")
    ok = [r["n"] for r in results
          if r["moves_ms"] and pct(r["moves_ms"], 90) <= TARGET_P90_MS and not r["errors"]
          and len(r["usable_s"]) == r["n"]]
    print(f"\nlargest N meeting p90 <= {TARGET_P90_MS:.0f} ms with no errors: "
          f"{max(ok) if ok else 'none'}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
