"""A plain-Python loop of the same schemes the Brian2 engine runs.

It exists to check the engine (tests compare spike times on random cases) and
to give the speed benchmark its baseline. It follows exactly the update order,
spike-rate ceiling and freezing rules of `izhi_widgets.model`; the published scheme
evaluates what Izhikevich's MATLAB code evaluates, in MATLAB's order (see
``tests/test_octave.py``, which runs that code under GNU Octave).

Examples
--------
>>> from izhi_widgets.presets import PRESETS
>>> from izhi_widgets.reference import simulate_reference
>>> simulate_reference(PRESETS["A"]).spike_times_ms.tolist()
[13.0, 17.0, 31.5, 59.25, 86.75]
"""

from __future__ import annotations

import math
import time

import numpy as np

from .limits import STATE_CAP, check_run_settings, find_runaway, spike_cap
from .params import IzhikevichParams
from .presets import Preset
from .result import SimulationResult, time_grid
from .stimulus import Stimulus

__all__ = ["simulate_reference"]


def simulate_reference(model: IzhikevichParams | Preset, stimulus: Stimulus | None = None, *,
                       duration_ms: float | None = None, dt_ms: float | None = None,
                       numerics: str = "published", v0_mV: float | None = None,
                       u0: float | None = None) -> SimulationResult:
    """Run one neuron with a Python ``for`` loop (the 'published' scheme)."""
    if isinstance(model, Preset):
        preset = model
        params, stimulus = preset.params, stimulus or preset.stimulus
        duration_ms = preset.duration_ms if duration_ms is None else duration_ms
        dt_ms = preset.dt_ms if dt_ms is None else dt_ms
        v0_mV = preset.v0_mV if v0_mV is None else v0_mV
        if u0 is None:
            u0 = preset.initial_u if v0_mV == preset.v0_mV else params.default_u0(v0_mV)
    else:
        params = model
        if stimulus is None or duration_ms is None or dt_ms is None:
            raise ValueError("stimulus, duration_ms and dt_ms are required with plain parameters")
        v0_mV = -65.0 if v0_mV is None else v0_mV
        u0 = params.default_u0(v0_mV) if u0 is None else u0
    if numerics != "published":
        raise ValueError(f"numerics must be 'published' here (the ODE modes are checked "
                         f"against izhi_widgets.exact), got {numerics!r}")
    duration, h, v, u, n = check_run_settings(duration_ms, dt_ms, v0_mV, u0)
    start = time.perf_counter()
    t = time_grid(duration, h)
    current = stimulus.current(t)
    a, b, c, d = params.a, params.b, params.c, params.d
    k2, k1, k0, peak = params.k2, params.k1, params.k0, params.v_peak_mV
    v_shift, u_gain = params.recovery_terms()
    cap = spike_cap(duration)
    vs, us, spikes = np.empty(n), np.empty(n), []
    for k in range(n):
        alive = len(spikes) < cap and abs(v) < STATE_CAP and abs(u) < STATE_CAP
        if alive:
            # Izhikevich's figure1.m, evaluated as MATLAB does: left to right, V^2 the
            # C library's pow (math.pow; not v*v, which rounds differently), u from
            # the NEW v. The engine computes the same operations in the same order.
            v = v + h * ((((k2 * math.pow(v, 2.0)) + k1 * v) + k0 - u) + current[k])
            if u_gain == 1.0:
                u = u + h * a * (b * (v + v_shift) - u)
            else:  # panel R's accommodation form: u = u + tau*a*b*(V+65)
                u = u + h * a * b * (v + v_shift)
        vs[k], us[k] = v, u
        if v > peak:
            spikes.append(t[k])
            v, u = c, u + d
    spike_times = np.asarray(spikes, dtype=float)
    message = find_runaway(t, vs, us, spike_times, params, duration)
    return SimulationResult(
        t_ms=t, v_mV=np.minimum(vs, peak), u=us, I=current,
        spike_times_ms=spike_times, params=params, stimulus=stimulus,
        dt_ms=h, duration_ms=duration, numerics=numerics, v0_mV=float(v0_mV), u0=float(u0),
        diverged=bool(message), message=message,
        elapsed_s=time.perf_counter() - start, engine="python-loop")
