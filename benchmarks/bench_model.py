"""Speed of the model builder, measured in one run on this machine (prints its figures).

    .venv/bin/python benchmarks/bench_model.py [--repeats 15] [--no-runtime]

Figures (medians of --repeats runs, engine warm, each run with new values so no
result cache is hit):

* re-simulating a published preset with new a, b, c, d            (goal <= 25 ms)
* 1 s of model time at dt = 0.1 ms (10 000 steps), new parameters   (goal <= 40 ms)
* the 28-preset gallery in one batched run                          (goal <= 0.3 s)
* a 128-neuron F-I batch, 1 s each at 0.1 ms (where compiled code pays off)
* engine builds: first-use builds (each structure once, before timing) apart from builds
  during the timed value changes                                      (goal: none)
* the cold first run with an empty engine cache (a fresh process)
* side by side: the plain-Python loop of the same scheme, and (unless --no-runtime)
  Brian2's runtime mode (Cython, store/restore, gc.freeze), with ratios.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from izhi_widgets import PRESETS, RunSpec, Step, simulate, simulate_batch  # noqa: E402
from izhi_widgets import engine as engine_mod  # noqa: E402
from izhi_widgets.model import clear_cache  # noqa: E402
from izhi_widgets.reference import simulate_reference  # noqa: E402


class BuildCounter:
    """Counts the engine builds this process starts (a build is a child process writing a
    new binary), by phase. The disk cache is shared with other processes, so counting its
    entries before and after would also count their builds, and a structure's first use
    would look like a recompilation."""

    def __init__(self) -> None:
        self.phase = "first use"
        self.builds: dict[str, list] = {}
        self._build = engine_mod._build_in_child
        engine_mod._build_in_child = self._counting

    def _counting(self, spec, target):
        self.builds.setdefault(self.phase, []).append(spec)
        return self._build(spec, target)

    def __call__(self, phase: str) -> list:
        return self.builds.get(phase, [])


def median_ms(fn, repeats: int) -> float:
    times = []
    for k in range(repeats):
        clear_cache()
        start = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def new_params(k: int, base=PRESETS["A"].params):
    return base.with_values(a=base.a * (1 + 0.01 * k), b=base.b + 0.001 * k,
                            c=base.c + 0.1 * k, d=base.d + 0.05 * k)


def cold_first_run() -> float:
    """Time a first simulate() in a fresh process with an empty engine cache."""
    code = ("import time; t=time.perf_counter(); from izhi_widgets import PRESETS, simulate; "
            "simulate(PRESETS['A']); print(time.perf_counter()-t)")
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, IZHI_CACHE_DIR=cache)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    return float(out.stdout.strip().splitlines()[-1])


def brian2_runtime_ms(repeats: int) -> tuple[float, float]:
    """Brian2 runtime mode (Cython), the alternative design: cold build, warm median (ms)."""
    import brian2 as b2

    b2.BrianLogger.log_level_error()
    b2.prefs.codegen.target = "cython"
    p = PRESETS["A"]
    steps = int(p.duration_ms / p.dt_ms) + 1
    stim = b2.TimedArray(p.stimulus.current([k * p.dt_ms for k in range(steps)]),
                         dt=p.dt_ms * b2.ms, name="bench_stim")
    eqs = "v : 1\nu : 1\na : 1\nb : 1\nc : 1\nd : 1"
    ns = {"bench_stim": stim, "tau": p.dt_ms}
    group = b2.NeuronGroup(1, eqs, threshold="v > 30", reset="v = c\nu = u + d",
                           dt=p.dt_ms * b2.ms, namespace=ns, name="bench_group")
    group.run_regularly("v = v + tau*(0.04*v**2 + 5*v + 140 - u + bench_stim(t))\n"
                        "u = u + tau*a*(b*v - u)", when="groups", name="bench_update")
    spikes = b2.SpikeMonitor(group, name="bench_spikes")
    trace = b2.StateMonitor(group, "v", record=True, when="after_thresholds", name="bench_trace")
    net = b2.Network(group, spikes, trace, name="bench_net")
    net.store()
    start = time.perf_counter()

    def one(k: int) -> None:
        net.restore()
        q = new_params(k)
        group.a, group.b, group.c, group.d = q.a, q.b, q.c, q.d
        group.v, group.u = p.v0_mV, q.b * p.v0_mV
        net.run(p.duration_ms * b2.ms, namespace=ns)

    one(0)
    cold = time.perf_counter() - start
    gc.freeze()
    warm = median_ms(one, repeats)
    gc.unfreeze()
    return 1000 * cold, warm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--no-runtime", action="store_true")
    args = parser.parse_args()
    n = max(10, args.repeats)
    a = PRESETS["A"]
    long_stim = Step(10, 50)

    # First use of every structure the timed cases need: each may be built once here.
    counter = BuildCounter()
    fi_specs = lambda k: [RunSpec(new_params(k), Step(2 + 0.1 * j + 1e-6 * k, 50), 1000, 0.1, -70)
                          for j in range(128)]
    simulate(a)
    simulate(new_params(0), long_stim, duration_ms=1000, dt_ms=0.1, v0_mV=-70)
    simulate_batch([RunSpec.from_preset(p) for p in PRESETS.values()])
    simulate_batch(fi_specs(0), record=False)
    first_use = list(counter("first use"))

    # Timed: every run changes values only; none may build.
    counter.phase = "value changes"
    preset_ms = median_ms(lambda k: simulate(new_params(k), a.stimulus, duration_ms=a.duration_ms,
                                             dt_ms=a.dt_ms, v0_mV=a.v0_mV), n)
    long_ms = median_ms(lambda k: simulate(new_params(k), Step(10 + 0.01 * k, 50),
                                           duration_ms=1000, dt_ms=0.1, v0_mV=-70), n)
    gallery_ms = median_ms(lambda k: simulate_batch(
        [RunSpec.from_preset(p, params=p.params.with_values(d=p.params.d + 1e-6 * k))
         for p in PRESETS.values()]), n)
    batch_ms = median_ms(lambda k: simulate_batch(fi_specs(k), record=False), n)
    recompiled = list(counter("value changes"))

    loop_preset_ms = median_ms(lambda k: simulate_reference(
        new_params(k), a.stimulus, duration_ms=a.duration_ms, dt_ms=a.dt_ms, v0_mV=a.v0_mV), n)
    loop_long_ms = median_ms(lambda k: simulate_reference(
        new_params(k), long_stim, duration_ms=1000, dt_ms=0.1, v0_mV=-70), n)
    loop_gallery_ms = median_ms(lambda k: [simulate_reference(p) for p in PRESETS.values()], 3)
    loop_batch_ms = median_ms(lambda k: [simulate_reference(s.params, s.stimulus,
                                                            duration_ms=1000, dt_ms=0.1, v0_mV=-70)
                                         for s in fi_specs(k)], 3)
    cold_s = cold_first_run()

    print(f"izhi-explorer model benchmark (medians of {n} runs; {os.cpu_count()} cores)")
    print(f"{'case':48s} {'engine':>10s} {'py loop':>10s} {'loop/engine':>12s}  goal")
    rows = [("preset A re-simulated, new a,b,c,d (401 steps)", preset_ms, loop_preset_ms, "<= 25 ms"),
            ("1 s at dt 0.1 ms (10 001 steps), new params", long_ms, loop_long_ms, "<= 40 ms"),
            ("28-preset gallery, one batched run", gallery_ms, loop_gallery_ms, "<= 300 ms"),
            ("F-I batch: 128 neurons x 1 s at 0.1 ms", batch_ms, loop_batch_ms, "(scaling)")]
    for name, engine_ms, loop_ms, goal in rows:
        print(f"{name:48s} {engine_ms:8.1f}ms {loop_ms:8.1f}ms {loop_ms / engine_ms:11.1f}x  {goal}")
    print(f"engine builds: {len(first_use)} on first use of a structure (empty cache only), "
          f"{len(recompiled)} during {4 * n} runs with new values "
          f"({'no recompilation' if not recompiled else 'RECOMPILED: ' + str(recompiled)})")
    print(f"cold first run, empty cache (fresh process, build + run): {cold_s:.1f} s")
    if not args.no_runtime:
        cold_rt, warm_rt = brian2_runtime_ms(n)
        print(f"alternative: Brian2 runtime mode (Cython, store/restore, gc.freeze), preset A: "
              f"first run {cold_rt / 1000:.1f} s, warm {warm_rt:.1f} ms "
              f"({warm_rt / preset_ms:.1f}x the standalone engine)")


if __name__ == "__main__":
    main()
