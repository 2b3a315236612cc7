"""Every random value of a network, drawn with NumPy from its seed.

`draw_network` makes the heterogeneity draws ``r``, the neurons' parameters, the weights
and targets of every synapse and the thalamic noise, from independent streams of one
``numpy.random.SeedSequence(seed)``, so a longer run sees the same weights and the same
noise at the start, and a test's own loop can be fed exactly the values the compiled
engine gets.

Neurons ``0 … n_exc − 1`` are excitatory, the rest inhibitory (as in ``net.m``). Synapses
are stored by presynaptic neuron: row ``j`` of ``targets`` and ``weights`` holds neuron
``j``'s ``n_out`` synapses (all-to-all: targets ``0 … N − 1`` in order; sparse: distinct
random targets, sorted).

Examples
--------
>>> from izhi_widgets.network import NetworkParams, draw_network
>>> d = draw_network(NetworkParams(n_exc=8, n_inh=2, seed=3), n_steps=5)
>>> d.weights.shape, d.targets.shape, d.noise.shape
((10, 10), (10, 10), (5, 10))
>>> bool((d.weights[:8] >= 0).all() and (d.weights[8:] <= 0).all())
True
>>> float(d.c[9]), float(d.d[9])     # inhibitory: c = -65, d = 2
(-65.0, 2.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import NetworkParams

__all__ = ["NetworkDraws", "draw_network", "draw_targets"]


@dataclass(frozen=True)
class NetworkDraws:
    """The drawn values of one network (see the module docstring); arrays are float64
    except ``targets`` (int32) and ``is_excitatory`` (bool)."""

    params: NetworkParams
    is_excitatory: np.ndarray  # (N,)
    r: np.ndarray  # (N,) heterogeneity draws
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    d: np.ndarray
    targets: np.ndarray  # (N, n_out) postsynaptic neuron of each synapse
    weights: np.ndarray  # (N, n_out) its weight
    noise: np.ndarray  # (n_steps, N) thalamic input of each ms

    @property
    def v0(self) -> np.ndarray:
        """Initial membrane potential: −65 mV everywhere (``net.m``)."""
        return np.full(self.params.n, -65.0)

    @property
    def u0(self) -> np.ndarray:
        """Initial recovery variable: ``b·v0``."""
        return self.b * self.v0


def draw_targets(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """``k`` distinct targets out of ``n`` for each of ``n`` neurons, sorted per row (int32;
    for ``k == n`` a read-only view).

    Drawn with replacement, then repeats are drawn again until every row is distinct
    (a few rounds: a row of ``k`` has about ``k²/2n`` repeats).

    >>> t = draw_targets(np.random.default_rng(0), 50, 20)
    >>> t.shape, bool((np.diff(t, axis=1) > 0).all())
    ((50, 20), True)
    """
    if k == n:  # all-to-all: every row is 0 ... n-1 (a read-only view, no memory)
        return np.broadcast_to(np.arange(n, dtype=np.int32), (n, n))
    targets = rng.integers(0, n, size=(n, k), dtype=np.int32)
    targets.sort(axis=1)
    rows = np.arange(n)
    sub = targets
    while len(rows):
        repeat = np.zeros(sub.shape, dtype=bool)
        repeat[:, 1:] = sub[:, 1:] == sub[:, :-1]
        bad = repeat.any(axis=1)
        rows, sub, repeat = rows[bad], sub[bad], repeat[bad]  # only rows with repeats
        if not len(rows):
            break
        sub[repeat] = rng.integers(0, n, size=int(repeat.sum()), dtype=np.int32)
        sub.sort(axis=1)
        targets[rows] = sub
    return targets


def draw_network(params: NetworkParams, n_steps: int) -> NetworkDraws:
    """Draw every random value of ``params``' network for a run of ``n_steps`` ms."""
    n_steps = int(n_steps)
    if n_steps < 1:
        raise ValueError(f"n_steps must be at least 1, got {n_steps}")
    ne, ni, n = params.n_exc, params.n_inh, params.n
    s_r, s_targets, s_weights, s_noise = np.random.SeedSequence(params.seed).spawn(4)
    rng = np.random.default_rng(s_r)
    r = np.concatenate([params.r_exc * rng.random(ne), params.r_inh * rng.random(ni)])
    re, ri = r[:ne], r[ne:]
    a = np.concatenate([np.full(ne, 0.02), 0.02 + 0.08 * ri])
    b = np.concatenate([np.full(ne, 0.2), 0.25 - 0.05 * ri])
    c = np.concatenate([-65.0 + 15.0 * re * re, np.full(ni, -65.0)])
    d = np.concatenate([8.0 - 6.0 * re * re, np.full(ni, 2.0)])
    targets = draw_targets(np.random.default_rng(s_targets), n, params.n_out)
    weights = np.random.default_rng(s_weights).random((n, params.n_out))
    weights[:ne] *= params.w_exc
    weights[ne:] *= -params.w_inh
    if params.p != 1.0:
        weights /= params.p
    noise = np.random.default_rng(s_noise).standard_normal((n_steps, n))
    noise[:, :ne] *= params.noise_exc
    noise[:, ne:] *= params.noise_inh
    is_exc = np.zeros(n, dtype=bool)
    is_exc[:ne] = True
    return NetworkDraws(params, is_exc, r, a, b, c, d, targets, weights, noise)
