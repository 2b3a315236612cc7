"""The 2003 network in NEST (``izhikevich`` model), for ``bench_network.py``; runs in the
benchmark's own environment (NEST is not a dependency of the app):

    python3 -m venv /work/bench-venv && /work/bench-venv/bin/pip install nest-simulator
    /work/bench-venv/bin/python benchmarks/nest_network.py DRAWS.npz DURATION_MS THREADS

``DRAWS.npz`` holds the drawn network (a, b, c, d, weights, targets, n_exc) written by
``bench_network.py``: the same neurons and the same weights. NEST runs its published
numerics (``consistent_integration = False``: v by two half steps, u with the new v) at
1 ms; a spike reaches its targets 1 ms later (the smallest delay at this resolution, which
is when net.m adds it too) and adds its weight to v once; the thalamic input is NEST's own
``noise_generator`` (the same 5·N(0,1) / 2·N(0,1) per ms, other random numbers). Prints
one JSON line: construction and simulation times (s), the spike count and the rate.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np


def main(path: str, duration_ms: float, threads: int) -> dict:
    t0 = time.perf_counter()
    import nest

    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 1.0, "local_num_threads": threads,
                          "rng_seed": 1})
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    draws = np.load(path)
    a, b, c, d = (draws[k] for k in "abcd")
    weights, targets, n_exc = draws["weights"], draws["targets"], int(draws["n_exc"])
    n = len(a)
    pop = nest.Create("izhikevich", n, params={
        "a": a, "b": b, "c": c, "d": d, "V_m": -65.0, "U_m": b * -65.0, "V_th": 30.0,
        "consistent_integration": False})
    k = weights.shape[1]
    sources = (np.repeat(np.arange(n), k) + pop[0].global_id).astype(np.int64)
    nest.Connect(sources, (targets.reshape(-1) + pop[0].global_id).astype(np.int64), "one_to_one",
                 {"synapse_model": "static_synapse", "weight": weights.reshape(-1),
                  "delay": np.ones(n * k)})
    noise_exc = nest.Create("noise_generator", params={"mean": 0.0, "std": 5.0, "dt": 1.0})
    noise_inh = nest.Create("noise_generator", params={"mean": 0.0, "std": 2.0, "dt": 1.0})
    nest.Connect(noise_exc, pop[:n_exc])
    if n_exc < n:
        nest.Connect(noise_inh, pop[n_exc:])
    rec = nest.Create("spike_recorder")
    nest.Connect(pop, rec)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    nest.Simulate(float(duration_ms))
    t_sim = time.perf_counter() - t0
    n_spikes = int(rec.get("n_events"))
    return {"import_s": t_import, "construct_s": t_build, "simulate_s": t_sim,
            "spikes": n_spikes, "rate_hz": n_spikes / n / (duration_ms / 1000.0),
            "threads": threads, "nest": nest.__version__}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]))))
