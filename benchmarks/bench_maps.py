"""Speed of a pattern map, end to end, against the same runs one at a time (prints its figures).

    .venv/bin/python3 benchmarks/bench_maps.py [--repeats 5] [--sample 200] [--size 60]

Figures, engine warm (every structure is built before timing), each repeat with new
values so that no map or result cache is hit:

* a 60 x 60 map of 300 ms at dt = 0.25 ms (3 600 runs of 1 201 steps), end to end:
  simulate (pack, compiled runs, read the spikes), classify (batch), draw (matplotlib Agg,
  ``imshow`` of the label colours into a PNG buffer)             (goal <= 1.0 s, median)
* the same cells one at a time: ``simulate(..., record=False)`` + ``classify`` for each of
  a random sample of ``--sample`` cells, extrapolated to the 3 600 (said so in the output).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from izhi_widgets import IzhikevichParams, Step, simulate  # noqa: E402
from izhi_widgets.analysis import classify  # noqa: E402
from izhi_widgets.dynamics.maps import clear_map_cache, pattern_map  # noqa: E402

BASE = IzhikevichParams(a=0.02, b=0.2, c=-65.0, d=8.0)
STIM = Step(10.0, 15.0)


def draw(pm) -> bytes:
    """The map as a PNG: label colours, axes, a title."""
    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    ax.imshow(pm.rgb(), origin="lower", extent=pm.extent, aspect="auto",
              interpolation="nearest")
    ax.set_xlabel(pm.x_name)
    ax.set_ylabel(pm.y_name)
    ax.set_title(f"{len(pm.counts())} patterns")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def one_map(size: int, shift: float) -> dict[str, float]:
    start = time.perf_counter()
    pm = pattern_map(BASE, x=("c", -70.0 + shift, -45.0, size), y=("d", 0.0, 10.0 - shift, size),
                     stimulus=STIM, duration_ms=300.0, dt_ms=0.25, v0_mV=-70.0)
    mapped = time.perf_counter()
    png = draw(pm)
    end = time.perf_counter()
    assert png.startswith(b"\x89PNG")
    return {"total": end - start, "simulate": pm.timings["simulate_s"],
            "classify": pm.timings["classify_s"], "draw": end - mapped,
            "other": (mapped - start) - pm.timings["simulate_s"] - pm.timings["classify_s"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--size", type=int, default=60)
    args = parser.parse_args()
    n = args.size
    print(f"pattern map {n} x {n} = {n * n} cells, 300 ms at dt 0.25 ms (1201 steps each)")
    one_map(n, 0.0)  # warm: engines built, numpy/matplotlib paths touched
    runs = []
    for k in range(args.repeats):
        clear_map_cache()
        runs.append(one_map(n, 1e-3 * (k + 1)))  # new values each time: no cache hit
    med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print(f"  end to end (median of {args.repeats}): {med['total']:.3f} s   (goal <= 1.0 s)")
    print(f"    simulate {med['simulate']:.3f} s   classify {med['classify']:.3f} s   "
          f"draw {med['draw']:.3f} s   validation/cache {med['other']:.3f} s")
    every = ", ".join(f"{r['total']:.3f}" for r in runs)
    print(f"    all repeats: {every} s")

    rng = np.random.default_rng(0)
    cs = np.linspace(-70.0, -45.0, n)
    ds = np.linspace(0.0, 10.0, n)
    sample = rng.choice(n * n, size=min(args.sample, n * n), replace=False)
    simulate(BASE.with_values(c=cs[0], d=ds[0]), STIM, duration_ms=300.0, dt_ms=0.25,
             v0_mV=-70.0, record=False)  # warm the single-neuron engine
    sim_s = cls_s = 0.0
    for k in sample:
        i, j = divmod(int(k), n)
        t0 = time.perf_counter()
        res = simulate(BASE.with_values(c=cs[j], d=ds[i]), STIM, duration_ms=300.0,
                       dt_ms=0.25, v0_mV=-70.0, record=False)
        t1 = time.perf_counter()
        classify(res)
        t2 = time.perf_counter()
        sim_s += t1 - t0
        cls_s += t2 - t1
    scale = n * n / len(sample)
    total = (sim_s + cls_s) * scale
    print(f"one at a time (simulate record=False + classify): {len(sample)} random cells timed, "
          f"extrapolated to {n * n}:")
    print(f"  {total:.1f} s   (simulate {sim_s * scale:.1f} s, classify {cls_s * scale:.2f} s; "
          f"{1000 * (sim_s + cls_s) / len(sample):.1f} ms per cell)")
    print(f"  the map is {total / med['total']:.0f} x faster end to end; batch classify is "
          f"{cls_s * scale / med['classify']:.0f} x faster than classify one by one")


if __name__ == "__main__":
    main()
