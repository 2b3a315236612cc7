"""The exact reference: the continuous model solved to tight tolerance, spikes as events.

``numerics="exact"`` is not a Brian2 engine. It integrates the ODEs

    v' = k2 v² + k1 v + k0 - u + I(t),   u' = a (b (v + v_shift) - u_gain u)

with SciPy's ``solve_ivp`` (DOP853, ``rtol=1e-10``, ``atol=1e-10``) and

* locates the threshold as an event (``v = v_peak``, crossing upwards, terminal), records
  the spike at that time, applies the reset there (``v = c, u = u + d``) and restarts;
* restarts exactly at every stimulus breakpoint (`izhi_widgets.stimulus.Stimulus.breakpoints_ms`),
  evaluating the current inside each piece only (an open edge at ``t0`` is seen from the
  right, so a step "for t > 10" is on for the whole piece after 10).

Its spike times are continuous times, not grid times; the traces are the solution sampled
on the run's grid ``0, dt, ..., duration`` (``v`` clipped at the peak, and set to the peak
at the first sample at or after each spike, so a spike shows as in the other schemes).
It is used by the sensitivity table, the convergence study and the tests, and by the
panel's "check against the exact solution" action for runs it finishes in a few seconds
(``timeout_s``).

Examples
--------
>>> from izhi_widgets import PRESETS
>>> from izhi_widgets.exact import simulate_exact
>>> from izhi_widgets.model import RunSpec
>>> res = simulate_exact(RunSpec.from_preset(PRESETS["A"]))
>>> res.n_spikes, round(float(res.spike_times_ms[0]), 3)
(5, 12.631)
"""

from __future__ import annotations

import time

import numpy as np

from .limits import MAX_RATE_HZ, STATE_CAP, spike_cap
from .result import SimulationResult, time_grid

__all__ = ["simulate_exact", "EXACT_RTOL", "EXACT_ATOL", "EXACT_TIMEOUT_S", "ExactTimeout"]

#: Tolerances of the exact reference (relative, absolute in mV and mV/ms).
EXACT_RTOL = 1e-10
EXACT_ATOL = 1e-10
#: Default wall-time budget of one exact run (seconds).
EXACT_TIMEOUT_S = 60.0


class ExactTimeout(RuntimeError):
    """The exact solution did not finish within its time budget."""


def _pieces(run, t_end: float) -> list[tuple[float, float]]:
    """``[t0, t1]`` pieces of ``[0, t_end]`` between stimulus breakpoints."""
    cuts = run.stimulus.breakpoints_ms(t_end)
    cuts = cuts[(cuts > 0) & (cuts < t_end)]
    edges = np.concatenate([[0.0], cuts, [t_end]])
    return [(float(a), float(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def simulate_exact(run, *, record: bool = True, rtol: float = EXACT_RTOL,
                   atol: float = EXACT_ATOL,
                   timeout_s: float = EXACT_TIMEOUT_S) -> SimulationResult:
    """Solve one run (`izhi_widgets.model.RunSpec`) exactly (to ``rtol``); see the module.

    Parameters
    ----------
    run : RunSpec
        Parameters, stimulus, duration, grid step (for the traces only) and initial state.
    record : bool
        Sample v, u and I on the grid (False: spike times only).
    rtol, atol : float
        Tolerances of ``solve_ivp`` (DOP853).
    timeout_s : float
        Wall-time budget; `ExactTimeout` (a ``RuntimeError``) when it is exceeded.

    Returns
    -------
    SimulationResult
        ``numerics="exact"``; ``spike_times_ms`` are the located event times.

    Raises
    ------
    ExactTimeout
        When the solution takes longer than ``timeout_s``.
    """
    from scipy.integrate import solve_ivp

    start = time.perf_counter()
    p = run.params
    a, b, c, d = p.a, p.b, p.c, p.d
    k2, k1, k0, peak = p.k2, p.k1, p.k0, p.v_peak_mV
    v_shift, u_gain = p.recovery_terms()
    duration, dt = run.duration_ms, run.dt_ms
    grid = time_grid(duration, dt)
    t_end = float(grid[-1])
    cap = spike_cap(duration)
    stim = run.stimulus
    spikes: list[float] = []
    state = np.array([run.v0_mV, float(run.u0)])
    v_out = np.full(len(grid), np.nan)
    u_out = np.full(len(grid), np.nan)
    message = ""

    def threshold(t, y):
        return y[0] - peak
    threshold.terminal = True
    threshold.direction = 1

    def runaway(t, y):
        return STATE_CAP - max(abs(y[0]), abs(y[1]))
    runaway.terminal = True
    runaway.direction = -1

    for t0, t1 in _pieces(run, t_end):
        # Inside the open piece (t0, t1) the current is smooth: evaluate it strictly inside,
        # so an open or closed edge at t0 or t1 is seen from the piece's own side.
        eps = 1e-9 * max(1.0, abs(t0), abs(t1))
        lo, hi = t0 + min(eps, (t1 - t0) / 4), t1 - min(eps, (t1 - t0) / 4)
        probe = np.empty(1)

        def rhs(t, y):
            probe[0] = lo if t < lo else hi if t > hi else t
            current = float(stim._current(probe)[0])
            v, u = y
            return (k2 * v * v + k1 * v + k0 - u + current,
                    a * (b * (v + v_shift) - u_gain * u))

        t = t0
        while t < t1:
            if time.perf_counter() - start > timeout_s:
                raise ExactTimeout(f"the exact solution took longer than {timeout_s:g} s "
                                   f"(reached t = {t:.6g} of {t_end:g} ms)")
            sol = solve_ivp(rhs, (t, t1), state, method="DOP853", rtol=rtol, atol=atol,
                            events=(threshold, runaway), dense_output=record)
            if sol.status == -1:
                raise RuntimeError(f"the exact solver failed at t = {t:.6g} ms: {sol.message}")
            t_stop = float(sol.t[-1])
            if record:
                take = (grid >= t) & (grid <= t_stop) & np.isnan(v_out)
                if np.any(take):
                    values = sol.sol(grid[take])
                    v_out[take], u_out[take] = values[0], values[1]
            state = sol.y[:, -1].copy()
            if sol.t_events[1].size:  # the state ran away: stop, as the engine does
                message = (f"The state ran away (|v| or |u| reached {STATE_CAP:g}) by "
                           f"t = {t_stop:.6g} ms; the neuron was stopped there.")
                break
            if sol.t_events[0].size:
                spikes.append(t_stop)
                state = np.array([c, sol.y_events[0][0][1] + d])
                if len(spikes) >= cap:
                    message = (f"Runaway spiking: {len(spikes)} spikes by t = {t_stop:.6g} ms "
                               f"reached the ceiling for this run ({MAX_RATE_HZ:g} Hz on "
                               f"average); the neuron was stopped there.")
                    break
            t = t_stop
        if message:
            break
    spike_times = np.asarray(spikes, dtype=float)
    if record:
        if message:  # frozen after the stop: hold the last state
            last = int(np.flatnonzero(~np.isnan(v_out))[-1]) if np.any(~np.isnan(v_out)) else 0
            v_out[last + 1:], u_out[last + 1:] = state[0], state[1]
            v_out[:last + 1] = np.where(np.isnan(v_out[:last + 1]), state[0], v_out[:last + 1])
            u_out[:last + 1] = np.where(np.isnan(u_out[:last + 1]), state[1], u_out[:last + 1])
        v = np.minimum(v_out, peak)
        marks = np.searchsorted(grid, spike_times - 1e-12 * max(1.0, t_end), side="left")
        v[marks[marks < len(grid)]] = peak
        u, current = u_out, stim.current(grid)
        t_ms = grid
    else:
        t_ms = grid
        v = u = current = np.zeros(0)
    for arr in (t_ms, v, u, current, spike_times):
        arr.flags.writeable = False
    return SimulationResult(
        t_ms=t_ms, v_mV=v, u=u, I=current, spike_times_ms=spike_times, params=p,
        stimulus=stim, dt_ms=dt, duration_ms=duration, numerics="exact",
        v0_mV=run.v0_mV, u0=float(run.u0), diverged=bool(message), message=message,
        elapsed_s=time.perf_counter() - start,
        engine=f"scipy solve_ivp DOP853 rtol={rtol:g} atol={atol:g}")

