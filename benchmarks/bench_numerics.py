"""Speed of each numerics of the compiled engine, measured in one run (prints ratios).

    python benchmarks/bench_numerics.py [--repeats 9] [--baseline TREE]

For each of ``published``, ``euler`` and ``rk4`` (engines warm, new values each run so no
result cache is hit): the 28-preset gallery at each preset's own step (one batched run),
one neuron for 1 s of model time at dt = 0.01 ms (100 001 steps, spikes only), and 32
such neurons in one batch (where the arithmetic, not the process start, dominates). The
ratios to ``published`` are what to compare across versions of the engine: the published
update is the same arithmetic in every version, so ``rk4 / published`` before and after a
change of the ODE modes measures that change on the same machine.

``--baseline TREE`` (a source tree of another version, e.g. ``git archive main | tar -x -C
/tmp/base``) also measures that version's engine, in a child process importing the package
from TREE, right after this one's, and prints this version's times over the baseline's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

_TREE = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--tree=")),
             str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, _TREE)

from izhi_widgets import PRESETS, RunSpec, Step, simulate_batch  # noqa: E402
from izhi_widgets.model import clear_cache  # noqa: E402

NUMERICS = ("published", "euler", "rk4")


def median_ms(fn, repeats: int) -> float:
    times = []
    for k in range(repeats):
        clear_cache()
        start = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def gallery(k: int) -> list[RunSpec]:
    return [RunSpec.from_preset(p, params=p.params.with_values(d=p.params.d + 1e-6 * k))
            for p in PRESETS.values()]


def long_run(k: int) -> list[RunSpec]:
    a = PRESETS["A"].params
    return [RunSpec(a.with_values(d=a.d + 1e-6 * k), Step(10 + 0.01 * k, 50), 1000, 0.01, -70)]


def fi_batch(k: int) -> list[RunSpec]:
    a = PRESETS["A"].params
    return [RunSpec(a.with_values(d=a.d + 1e-6 * k), Step(2 + 0.5 * j, 50), 1000, 0.01, -70)
            for j in range(32)]


def measure(repeats: int) -> dict[str, dict[str, float]]:
    """case -> numerics -> median ms."""
    for numerics in NUMERICS:  # first use: builds (if any) happen here, untimed
        simulate_batch(gallery(0), numerics)
        simulate_batch(long_run(0), numerics, record=False)
        simulate_batch(fi_batch(0), numerics, record=False)
    cases = {"28-preset gallery (own steps)": lambda n: (lambda k: simulate_batch(gallery(k), n)),
             "1 s at dt 0.01 ms, spikes only": lambda n: (
                 lambda k: simulate_batch(long_run(k), n, record=False)),
             "32 neurons x 1 s at 0.01 ms, spikes": lambda n: (
                 lambda k: simulate_batch(fi_batch(k), n, record=False))}
    return {name: {n: median_ms(make(n), repeats) for n in NUMERICS}
            for name, make in cases.items()}


def show(title: str, table: dict[str, dict[str, float]]) -> None:
    print(title)
    print(f"{'case':36s} " + " ".join(f"{n:>11s}" for n in NUMERICS) + "   euler/pub  rk4/pub")
    for name, ms in table.items():
        print(f"{name:36s} " + " ".join(f"{ms[n]:9.1f}ms" for n in NUMERICS)
              + f"   {ms['euler'] / ms['published']:9.2f} {ms['rk4'] / ms['published']:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--baseline", help="another source tree to compare with")
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args([a for a in sys.argv[1:] if not a.startswith("--tree=")])
    if args.json:
        print(json.dumps(measure(args.repeats)))
        return
    base = None
    if args.baseline:
        proc = subprocess.run([sys.executable, __file__, f"--tree={args.baseline}", "--json",
                               "--repeats", str(args.repeats)], capture_output=True,
                              text=True, check=True)
        base = json.loads(proc.stdout.strip().splitlines()[-1])
    table = measure(args.repeats)
    show(f"engine speed per numerics, this version (medians of {args.repeats} runs)", table)
    if base is not None:
        show(f"baseline {args.baseline}", base)
        print("this version / baseline")
        for name, ms in table.items():
            print(f"{name:36s} " + " ".join(f"{ms[n] / base[name][n]:10.2f}x" for n in NUMERICS))


if __name__ == "__main__":
    main()
