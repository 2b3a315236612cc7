"""A plain NumPy loop of the 2003 network, independent of the compiled engine.

It takes the drawn values (`izhi_widgets.network.draw_network`) and runs the scheme the
way ``net.m`` does, one ms at a time: detect ``v >= 30`` (and the engine's per-neuron
spike ceiling), record, reset, sum the weights of the neurons that fired (in increasing
neuron order, starting from 0, as Brian2 propagates them), update. The arithmetic is
written in the order of Brian2's generated C++ (sympy's order of the terms), so that
both round identically; with ``-fno-fast-math -ffp-contract=off`` the engine then gives
the same spikes, all of them, exactly.

The tests and ``benchmarks/bench_network.py`` use it.
"""

from __future__ import annotations

import math

import numpy as np

from izhi_widgets.network import RATE_CAP_HZ, NetworkDraws

__all__ = ["reference_network"]


def reference_network(draws: NetworkDraws, duration_ms: int, scheme: str = "published"
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Spike times (ms) and neuron indices, sorted by time then index."""
    if scheme not in ("published", "euler"):
        raise ValueError(f"the reference runs 'published' and 'euler', not {scheme!r}")
    n = draws.params.n
    a, b, c, d = draws.a, draws.b, draws.c, draws.d
    v, u = draws.v0.copy(), draws.u0.copy()
    targets, weights, noise = draws.targets, draws.weights, draws.noise
    cap = math.ceil(RATE_CAP_HZ * duration_ms / 1000.0)
    nspk = np.zeros(n)
    times, indices = [], []
    for k in range(int(duration_ms)):
        fired = np.flatnonzero((v >= 30.0) & (nspk < cap))  # increasing index
        times.append(np.full(len(fired), k))
        indices.append(fired)
        v[fired] = c[fired]
        u[fired] = u[fired] + d[fired]
        nspk[fired] += 1
        isyn = np.zeros(n)
        for j in fired:  # one neuron after the other: the engine's order of summation
            isyn[targets[j]] += weights[j]
        current = noise[k] + isyn
        if scheme == "published":
            v = v + 0.5 * ((140.0 + ((0.04 * (v * v) + 5.0 * v) + current)) - u)
            v = v + 0.5 * ((140.0 + ((0.04 * (v * v) + 5.0 * v) + current)) - u)
            u = u + a * ((b * v) - u)
        else:
            v_old = v
            v = (140.0 + (((v + 0.04 * (v * v)) + 5.0 * v) + current)) - u
            u = u + a * ((b * v_old) - u)
    return (np.concatenate(times).astype(float) if times else np.zeros(0),
            np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64))
