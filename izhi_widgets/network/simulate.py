"""`simulate_network`: run the 2003 network in the compiled Brian2 engine.

Schemes (each 1 ms of model time; spikes are detected at the start of a step, on the
``v`` the previous step left, then reset, then the step's input is the thalamic noise
plus the summed weights of the neurons that just fired):

``published``
    ``net.m``: ``v`` by two 0.5 ms half steps, then ``u`` by 1 ms with the new ``v``.
``euler``
    One 1 ms forward-Euler step of ``v`` and ``u`` (both from the old values), as in
    Brian2's example of this network.
``rk4``
    Classical Runge–Kutta at ``dt_ms`` (which divides 1 ms); the noise is held for each
    ms and a spike's weight is a current pulse lasting 1 ms.

A spike's time is the start of the step that detects it (``net.m``'s ``t`` is ours + 1).
Runs are refused (``ValueError``) when their noise and synapses would not fit in memory.
Neurons that reach `RATE_CAP_HZ` stop firing (a runaway network), and the result says so.

Examples
--------
>>> from izhi_widgets.network import NetworkParams, simulate_network
>>> res = simulate_network(NetworkParams(n_exc=80, n_inh=20, seed=1), duration_ms=200)
>>> res.spike_times_ms.dtype, bool((res.spike_times_ms[1:] >= res.spike_times_ms[:-1]).all())
(dtype('float64'), True)
"""

from __future__ import annotations

import math
import threading
import time
from typing import Callable

import numpy as np

from .draws import NetworkDraws, draw_network
from .engine import (SCHEMES, NetSpec, bucket_size, get_network_engine, is_network_built,
                     wants_report)
from .params import NetworkParams, _gib, memory_limit_bytes, synapse_bytes
from .result import NetworkResult

__all__ = ["simulate_network", "network_spec", "check_run", "RATE_CAP_HZ",
           "MAX_DURATION_MS", "THREADS_FROM_NEURONS", "MIN_STEP_BUCKET", "RK4_DT_MS",
           "PANEL_DURATION_MS", "PANEL_MAX_DURATION_MS"]

#: A neuron stops firing after this mean rate over the run (a runaway network).
RATE_CAP_HZ = 250.0
#: The longest run (ms).
MAX_DURATION_MS = 60_000.0
#: From this many neurons the engine would use two OpenMP threads. Measured with
#: ``benchmarks/bench_network.py`` (10 000 neurons x 1 000 synapses x 1 s on this 2-core
#: machine, five runs): two threads took 1.5 to 3 times the CPU and wall time of one
#: (Brian2 propagates spikes onto postsynaptic variables in one thread, and the neurons'
#: update is too cheap to share), so the threshold is above `MAX_NEURONS`: never.
THREADS_FROM_NEURONS = 10**9
MIN_STEP_BUCKET = 1024
#: The default step of the ``rk4`` scheme (ms).
RK4_DT_MS = 0.1
#: The Network tab's default run (the paper's 1 s) and its longest (ms); `izhi_widgets.warm`
#: prebuilds both.
PANEL_DURATION_MS = 1000.0
PANEL_MAX_DURATION_MS = 2000.0


def _step_bucket(n_steps: int) -> int:
    size = MIN_STEP_BUCKET
    while size < n_steps:
        size *= 2
    return size


def check_run(duration_ms: float, scheme: str, dt_ms: float | None) -> tuple[float, float, int]:
    """Validate a run's settings; return ``(duration_ms, dt_ms, n_ms)``."""
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    try:
        duration = float(duration_ms)
    except (TypeError, ValueError):
        raise ValueError(f"duration_ms must be a number, got {duration_ms!r}") from None
    if not math.isfinite(duration) or not 1.0 <= duration <= MAX_DURATION_MS:
        raise ValueError(f"duration_ms must be in [1, {MAX_DURATION_MS:g}], got {duration_ms!r}")
    if not float(duration).is_integer():
        raise ValueError(f"duration_ms must be a whole number of ms, got {duration_ms!r}")
    if dt_ms is None:
        dt = 1.0 if scheme != "rk4" else RK4_DT_MS
    else:
        try:
            dt = float(dt_ms)
        except (TypeError, ValueError):
            raise ValueError(f"dt_ms must be a number, got {dt_ms!r}") from None
    if scheme != "rk4" and dt != 1.0:
        raise ValueError(f"dt_ms must be 1 for the {scheme!r} scheme (its step is 1 ms), "
                         f"got {dt_ms!r}")
    if not math.isfinite(dt) or not 0.01 <= dt <= 1.0 or \
            abs(1.0 / dt - round(1.0 / dt)) > 1e-9:
        raise ValueError(f"dt_ms must divide 1 ms and be at least 0.01, got {dt_ms!r}")
    return duration, dt, int(duration)


def network_spec(params: NetworkParams, duration_ms: float = 1000.0,
                 scheme: str = "published", dt_ms: float | None = None,
                 progress: bool = False) -> NetSpec:
    """The compiled structure a run needs (`izhi_widgets.network.engine.NetSpec`);
    ``progress``: the run is watched (large structures then report their progress)."""
    _duration, dt, n_ms = check_run(duration_ms, scheme, dt_ms)
    threads = 2 if params.n >= THREADS_FROM_NEURONS else 1
    nb, kb, steps = bucket_size(params.n), bucket_size(params.n_out), _step_bucket(n_ms)
    return NetSpec(scheme, nb, kb, steps, threads, dt, dense=params.p == 1.0,
                   report=progress and wants_report(nb, kb, steps, dt))


def _neuron_inputs(draws: NetworkDraws, spec: NetSpec) -> dict[str, np.ndarray]:
    """The per-neuron values, padded to the bucket (padding neurons never fire)."""
    n, nb = draws.params.n, spec.n_neurons
    neurons = {}
    for name in ("a", "b", "c", "d"):
        neurons[name] = np.zeros(nb)
        neurons[name][:n] = getattr(draws, name)
    neurons["v"] = np.full(nb, -65.0)
    neurons["u"] = np.zeros(nb)
    neurons["u"][:n] = draws.u0
    neurons["active"] = np.zeros(nb)
    neurons["active"][:n] = 1.0
    return neurons


def simulate_network(params: NetworkParams, duration_ms: float = 1000.0,
                     scheme: str = "published", dt_ms: float | None = None, *,
                     progress: Callable[[float, str], None] | None = None,
                     cancel: threading.Event | None = None) -> NetworkResult:
    """Run the network ``params`` for ``duration_ms`` with ``scheme`` (see the module
    docstring) in the compiled Brian2 engine (built on first use of a structure).

    Parameters
    ----------
    params : NetworkParams
    duration_ms : float
        Whole ms, 1 … `MAX_DURATION_MS`.
    scheme : {"published", "euler", "rk4"}
    dt_ms : float, optional
        The step of ``rk4`` (default 0.1; must divide 1 ms); the others step 1 ms.
    progress : callable, optional
        ``progress(fraction, text)`` while building and running.
    cancel : threading.Event, optional
        Set it to stop the run (raises `izhi_widgets.network.engine.RunCancelled`).

    Raises
    ------
    ValueError
        Bad settings, naming the field, or a run that would not fit in memory.
    """
    if not isinstance(params, NetworkParams):
        raise ValueError(f"params must be a NetworkParams, got {type(params).__name__}")
    duration, dt, n_ms = check_run(duration_ms, scheme, dt_ms)
    spec = network_spec(params, duration, scheme, dt, progress=progress is not None)
    need = synapse_bytes(spec.n_neurons * spec.n_out) + 24 * spec.n_neurons * spec.n_steps
    if need > memory_limit_bytes():
        raise ValueError(f"this run needs about {_gib(need)} of memory (synapses and "
                         f"{n_ms} ms of noise for {params.n} neurons); this machine allows "
                         f"{_gib(memory_limit_bytes())}: shorten duration_ms or use fewer "
                         f"neurons")
    say = progress or (lambda _f, _t: None)
    start = time.perf_counter()
    if not is_network_built(spec):
        say(0.0, "compiling the network for this size (once; about half a minute)…")
    engine = get_network_engine(spec)
    say(0.0, "drawing the weights and the noise…")
    draws = draw_network(params, n_ms)
    cap = int(math.ceil(RATE_CAP_HZ * duration / 1000.0))
    say(0.0, "simulating…")
    index, step = engine.run(
        _neuron_inputs(draws, spec), draws.weights, draws.targets, draws.noise,
        t_stop_ms=duration - 0.5 * dt, spike_cap=cap,
        progress=lambda f: say(f, f"simulating… {100 * f:.0f} %"), cancel=cancel)
    del draws
    say(1.0, "simulated 100 %")
    keep = step * dt < duration
    index, step = index[keep], step[keep]
    order = np.lexsort((index, step))
    index, step = index[order], step[order]
    capped = int(np.count_nonzero(np.bincount(index, minlength=params.n) >= cap))
    message = (f"{capped} neuron(s) reached the {RATE_CAP_HZ:g} Hz ceiling and were stopped: "
               f"a runaway network (lower the weights or the noise)" if capped else "")
    return NetworkResult(params, scheme, dt, duration, spike_times_ms=step * dt,
                         spike_indices=index, elapsed_s=time.perf_counter() - start,
                         capped=capped, message=message)
