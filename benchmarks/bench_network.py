"""Speed and size of the 2003 network (issue 9), measured in one run (prints its figures).

    .venv/bin/python benchmarks/bench_network.py [--repeats 5] [--skip-100k] [--largest N]
        [--nest-python /work/bench-venv/bin/python]

Figures (wall time of a whole `simulate_network` call: drawing the weights and the noise,
writing them, running the compiled binary, reading the spikes; engines built before
timing; medians of --repeats runs with new seeds; CPU = this process + its children):

* 1 000 neurons (the paper's network) x 1 s, published scheme, warm       (goal <= 0.3 s)
* side by side, the same network: NEST (``izhikevich``, published numerics) and the plain
  NumPy loop of ``tests/network_reference.py``, with ratios to Brian2
* 10 000 neurons with 1 000 synapses each x 1 s (p = 0.1, the paper's per-synapse
  weights), one and two OpenMP threads                                    (goal <= 5 s)
* 100 000 neurons with 1 000 synapses each x 1 s: time and peak memory (each size runs
  in a child process so its peak resident memory is its own)
* the largest network this machine can run, from the measured bytes per synapse
  (``--largest N`` also runs N neurons x 1 000 synapses to confirm)

NEST is not a dependency of the app; it lives in the benchmark's own environment:

    python3 -m venv /work/bench-venv
    /work/bench-venv/bin/pip install nest-simulator      # 3.10.0 here, a binary wheel

``benchmarks/nest_network.py`` builds the same neurons and weights there (from a file
this script writes) and runs NEST's published numerics; without that environment the
NEST lines say so.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402

from izhi_widgets.network import NetworkParams, draw_network, simulate_network  # noqa: E402
from izhi_widgets.network.params import BYTES_PER_SYNAPSE, memory_limit_bytes  # noqa: E402
from izhi_widgets.network import simulate as sim_mod  # noqa: E402
from izhi_widgets.network.engine import (CompiledNetwork, get_network_engine,  # noqa: E402
                                         is_network_built)

PAPER = NetworkParams()


def sparse(n: int, seed: int = 0) -> NetworkParams:
    """``n`` neurons (80 % excitatory), 1 000 synapses each, the paper's per-synapse weights."""
    p = 1000 / n
    return NetworkParams(n_exc=n * 4 // 5, n_inh=n - n * 4 // 5, p=p, w_exc=0.5 * p,
                         w_inh=1.0 * p, seed=seed)


def cpu_s() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(fn):
    w0, c0 = time.perf_counter(), cpu_s()
    out = fn()
    return out, time.perf_counter() - w0, cpu_s() - c0


def build(params: NetworkParams, threads: int = 1) -> float:
    sim_mod.THREADS_FROM_NEURONS = 1 if threads > 1 else 10**9
    spec = sim_mod.network_spec(params, 1000)
    if is_network_built(spec):
        return 0.0
    start = time.perf_counter()
    get_network_engine(spec)
    return time.perf_counter() - start


def brian_runs(params: NetworkParams, repeats: int, threads: int = 1) -> dict:
    build_s = build(params, threads)
    walls, cpus, rates, binary = [], [], [], []
    execute = CompiledNetwork._execute

    def timed_execute(self, *a, **kw):  # the compiled binary alone (it creates the synapses)
        start = time.perf_counter()
        try:
            return execute(self, *a, **kw)
        finally:
            binary.append(time.perf_counter() - start)

    CompiledNetwork._execute = timed_execute
    try:
        for k in range(repeats):
            res, wall, cpu = timed(lambda: simulate_network(params.replace(seed=100 + k), 1000))
            walls.append(wall)
            cpus.append(cpu)
            rates.append(res.rates_hz()["all"])
    finally:
        CompiledNetwork._execute = execute
    return {"build_s": build_s, "wall_s": statistics.median(walls), "min_s": min(walls),
            "cpu_s": statistics.median(cpus), "rate_hz": statistics.mean(rates),
            "binary_s": statistics.median(binary), "threads": threads}


def child_case(n: int, threads: int, repeats: int) -> dict:
    """One size in this (child) process: build, then the timed runs and the peak memory."""
    params = sparse(n) if n != 1000 else PAPER
    out = brian_runs(params, repeats, threads)
    out["self_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["binary_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    spec = sim_mod.network_spec(params, 1000)
    out["synapses"] = spec.n_neurons * spec.n_out  # as run (padded to the buckets)
    # the run's input files (in /dev/shm when it has room: memory, but not in any RSS)
    out["files_mb"] = (12 * spec.n_neurons * spec.n_out * (0 if spec.dense else 1)
                       + 8 * spec.n_neurons * spec.n_out * (1 if spec.dense else 0)
                       + 8 * spec.n_neurons * spec.n_steps) / 2**20
    return out


def run_child(n: int, threads: int, repeats: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", str(n), str(threads),
                           str(repeats)], capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        return {"error": proc.stderr[-600:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def nest_run(nest_python: str, params: NetworkParams) -> dict:
    if not Path(nest_python).exists():
        return {"error": f"{nest_python} not found (see this script's docstring)"}
    d = draw_network(params, 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "draws.npz")
        np.savez(path, a=d.a, b=d.b, c=d.c, d=d.d, weights=d.weights, targets=d.targets,
                 n_exc=params.n_exc)
        proc = subprocess.run([nest_python, str(ROOT / "benchmarks" / "nest_network.py"),
                               path, "1000", "1"], capture_output=True, text=True,
                              timeout=1800)
    if proc.returncode != 0:
        return {"error": proc.stderr[-600:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--skip-100k", action="store_true")
    ap.add_argument("--skip-nest-10k", action="store_true")
    ap.add_argument("--largest", type=int, default=0)
    ap.add_argument("--nest-python", default="/work/bench-venv/bin/python")
    ap.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child_case(*args.child)))
        return
    load = os.getloadavg()[0]
    print(f"bench_network: {os.cpu_count()} cores, load average {load:.1f} at the start; "
          f"wall times are medians, CPU = process + children\n")

    # --- 1 000 neurons: Brian2, NumPy, NEST ---------------------------------------------
    b = brian_runs(PAPER, args.repeats)
    print(f"1 000 neurons x 1 s, published, Brian2 cpp_standalone warm: {b['wall_s']:.3f} s "
          f"wall (best {b['min_s']:.3f}; the binary alone {b['binary_s']:.3f}), "
          f"{b['cpu_s']:.3f} s CPU, {b['rate_hz']:.2f} Hz "
          f"(goal <= 0.3 s){'  [build ' + format(b['build_s'], '.0f') + ' s]' if b['build_s'] else ''}")
    from network_reference import reference_network

    def numpy_loop():
        d = draw_network(PAPER.replace(seed=100), 1000)
        return reference_network(d, 1000)

    (times, _i), np_wall, np_cpu = timed(numpy_loop)
    print(f"  plain NumPy loop (same scheme, same draws):            {np_wall:.3f} s wall, "
          f"{np_cpu:.3f} s CPU, {len(times) / 1000:.2f} Hz  -> {np_wall / b['wall_s']:.1f}x "
          f"Brian2")
    ne = nest_run(args.nest_python, PAPER)
    if "error" in ne:
        print(f"  NEST: not run: {ne['error']}")
    else:
        total = ne["construct_s"] + ne["simulate_s"]
        print(f"  NEST {ne['nest']} (izhikevich, published numerics, 1 thread): construct "
              f"{ne['construct_s']:.3f} s + simulate {ne['simulate_s']:.3f} s = {total:.3f} s "
              f"(+ import {ne['import_s']:.2f} s), {ne['rate_hz']:.2f} Hz  -> {total / b['wall_s']:.1f}x "
              f"Brian2 (simulate alone {ne['simulate_s'] / b['wall_s']:.1f}x)")

    # --- 10 000 neurons x 1 000 synapses ---------------------------------------------
    print()
    for threads in (1, 2):
        r = run_child(10_000, threads, max(2, args.repeats // 2))
        if "error" in r:
            print(f"10 000 neurons, {threads} thread(s): failed: {r['error']}")
            continue
        print(f"10 000 neurons x 1 000 synapses x 1 s, {threads} OpenMP thread(s): "
              f"{r['wall_s']:.2f} s wall, {r['cpu_s']:.2f} s CPU, {r['rate_hz']:.2f} Hz, "
              f"peak RSS {r['self_rss_mb']:.0f} MB (Python) + {r['binary_rss_mb']:.0f} MB "
              f"(binary) (goal <= 5 s)"
              f"{'  [build ' + format(r['build_s'], '.0f') + ' s]' if r['build_s'] else ''}")
    if not args.skip_nest_10k:
        ne = nest_run(args.nest_python, sparse(10_000, seed=100))
        if "error" in ne:
            print(f"  NEST 10 000: not run: {ne['error']}")
        else:
            print(f"  NEST 10 000 (1 thread): construct {ne['construct_s']:.2f} s + simulate "
                  f"{ne['simulate_s']:.2f} s, {ne['rate_hz']:.2f} Hz")

    # --- 100 000 neurons and the largest ----------------------------------------------
    per_syn = None
    sizes = ([] if args.skip_100k else [100_000]) + ([args.largest] if args.largest else [])
    for n in sizes:
        print()
        r = run_child(n, 1, 1)
        if "error" in r:
            print(f"{n:,} neurons: failed: {r['error']}")
            continue
        peak = r["self_rss_mb"] + r["binary_rss_mb"] + r["files_mb"]
        per_syn = peak * 2**20 / r["synapses"]
        print(f"{n:,} neurons x 1 000 synapses x 1 s: {r['wall_s']:.1f} s wall, "
              f"{r['cpu_s']:.1f} s CPU, {r['rate_hz']:.2f} Hz; peak memory {peak / 1024:.1f} GiB "
              f"= RSS {r['self_rss_mb']:.0f} MB (Python) + {r['binary_rss_mb']:.0f} MB "
              f"(binary) + {r['files_mb']:.0f} MB (input files in /dev/shm); "
              f"{per_syn:.0f} B per synapse, noise included"
              f"{'  [build ' + format(r['build_s'], '.0f') + ' s]' if r['build_s'] else ''}")
    if per_syn:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        largest = int(0.9 * total / per_syn / 1000)
        print(f"\nlargest network with 1 000 synapses each on this machine "
              f"({total / 2**30:.0f} GiB): about {largest:,} neurons (90 % of the memory at "
              f"{per_syn:.0f} B per synapse, noise and input files included); NetworkParams "
              f"accepts up to {int(memory_limit_bytes() / BYTES_PER_SYNAPSE / 1000):,} "
              f"(75 % at {BYTES_PER_SYNAPSE} B per synapse)")


if __name__ == "__main__":
    main()
