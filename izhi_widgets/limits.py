"""Bounds that keep every run finite in time and memory (the web app may be public).

What lives here
---------------
* the package's hard bounds (``MAX_*``, ``MIN_*``): any run, from any caller;
* the panel's tighter run bounds (``PANEL_*``): what the app lets a visitor ask for
  (and what `izhi_widgets.warm` prebuilds for);
* `check_run_settings`: one run's duration, step and initial state, validated with
  `izhi_widgets.validation.check_number` (the message names the field and its range);
* `spike_cap` and `find_runaway`: the runaway-spiking ceiling and its user-facing
  explanation.

Examples
--------
>>> from izhi_widgets.limits import check_run_settings, spike_cap
>>> check_run_settings(100, 0.25, -70, -14)
(100.0, 0.25, -70.0, -14.0, 401)
>>> check_run_settings(10_000, 0.01, -70, -14)
Traceback (most recent call last):
...
ValueError: duration_ms / dt_ms = 1000001 steps, more than the 500000 allowed: raise dt_ms or shorten duration_ms
>>> check_run_settings(100, 0, -70, -14)
Traceback (most recent call last):
...
ValueError: dt_ms must be between 0.001 and 5 ms, got 0
>>> spike_cap(20.0), spike_cap(1000.0)
(50, 1000)
"""

from __future__ import annotations

import math

from .validation import check_number

__all__ = [
    "MAX_DURATION_MS",
    "PANEL_MAX_DURATION_MS",
    "PANEL_MIN_DT_MS",
    "PANEL_MAX_DT_MS",
    "MIN_DT_MS",
    "MAX_DT_MS",
    "MAX_SAMPLES",
    "MAX_BATCH_SAMPLES",
    "MAX_BATCH",
    "MAX_RATE_HZ",
    "MIN_SPIKE_CAP",
    "STATE_CAP",
    "PANEL_MAX_DURATION_MS",
    "PANEL_MIN_DT_MS",
    "PANEL_MAX_DT_MS",
    "V0_RANGE_MV",
    "U0_RANGE",
    "spike_cap",
    "check_run_settings",
    "find_runaway",
]

#: The explorer panel's own bounds (tighter: the web app may be public).
PANEL_MAX_DURATION_MS = 5000.0
PANEL_MIN_DT_MS = 0.005
PANEL_MAX_DT_MS = 1.0
#: Longest run (ms of model time).
MAX_DURATION_MS = 20_000.0
#: Finest and coarsest integration step (ms).
MIN_DT_MS = 1e-3
MAX_DT_MS = 5.0
#: Most samples (steps) one neuron's run may record: 4 arrays x 8 bytes x this = 16 MB.
MAX_SAMPLES = 500_000
#: Most neuron-steps a batched run may take.
MAX_BATCH_SAMPLES = 8_000_000
#: Most neurons in one batched run.
MAX_BATCH = 4096
#: Spike-rate ceiling: a neuron averaging more than this has run away and is stopped.
MAX_RATE_HZ = 1000.0
#: The ceiling never drops below this many spikes (short runs).
MIN_SPIKE_CAP = 50
#: |v| or |u| beyond this means the state ran away (integration blew up).
STATE_CAP = 1.0e6
#: Accepted initial membrane potential (mV) and initial recovery variable.
V0_RANGE_MV = (-200.0, 100.0)
U0_RANGE = (-1000.0, 1000.0)

#: The panel's own run bounds, tighter than the ones above (the app may be public).
#: A panel run still obeys `MAX_SAMPLES`, so its longest run is min(duration/dt + 1,
#: MAX_SAMPLES) steps.
PANEL_MAX_DURATION_MS = 5000.0
PANEL_MIN_DT_MS = 0.005
PANEL_MAX_DT_MS = 1.0


def spike_cap(duration_ms: float) -> int:
    """Spike count at which a run of ``duration_ms`` counts as runaway."""
    return max(MIN_SPIKE_CAP, int(math.ceil(MAX_RATE_HZ * duration_ms / 1000.0)))


def check_run_settings(duration_ms: object, dt_ms: object, v0_mV: object,
                       u0: object) -> tuple[float, float, float, float, int]:
    """Validate one run's settings; return them as floats plus the sample count.

    Fields are checked in order ``duration_ms``, ``dt_ms``, ``v0_mV``, ``u0``, then
    the sample count ``floor(duration_ms / dt_ms) + 1`` against `MAX_SAMPLES`.

    Raises
    ------
    ValueError
        Naming the field and its allowed range: non-finite or out-of-range values,
        or a run whose samples would not fit the memory bound (`MAX_SAMPLES`).
    """
    duration = check_number("duration_ms", duration_ms, 0.0, MAX_DURATION_MS, unit="ms",
                            lo_open=True)
    dt = check_number("dt_ms", dt_ms, MIN_DT_MS, MAX_DT_MS, unit="ms")
    v0 = check_number("v0_mV", v0_mV, *V0_RANGE_MV, unit="mV")
    u_init = check_number("u0", u0, *U0_RANGE)
    n_samples = int(math.floor(duration / dt + 1e-9)) + 1
    if n_samples > MAX_SAMPLES:
        raise ValueError(f"duration_ms / dt_ms = {n_samples} steps, more than the "
                         f"{MAX_SAMPLES} allowed: raise dt_ms or shorten duration_ms")
    return duration, dt, v0, u_init, n_samples


def find_runaway(t_ms, v_raw, u, spike_times_ms, params, duration_ms: float) -> str:
    """Why and when a run was stopped, as user-facing text ('' for a normal run).

    Both engines freeze a neuron at the start of the step after it reached the
    spike ceiling, or after its state (after any reset) left ``|x| < STATE_CAP``;
    this reads that back from the recorded arrays (``v_raw`` unclipped).
    """
    import numpy as np

    cap = spike_cap(duration_ms)
    dt = float(t_ms[1] - t_ms[0]) if len(t_ms) > 1 else 0.0
    n_spikes = len(spike_times_ms)
    if n_spikes >= cap:
        t_stop = float(spike_times_ms[cap - 1]) + dt
        return (f"Runaway spiking: {n_spikes} spikes by t = {t_stop:g} ms reached the ceiling "
                f"for this run ({MAX_RATE_HZ:g} Hz on average); the neuron was stopped there.")
    v_raw = np.asarray(v_raw)
    spiked = v_raw > params.v_peak_mV
    v_after = np.where(spiked, params.c, v_raw)
    u_after = np.where(spiked, np.asarray(u) + params.d, u)
    bad = ~((np.abs(v_after) < STATE_CAP) & (np.abs(u_after) < STATE_CAP))
    if np.any(bad):
        t_stop = float(t_ms[int(np.argmax(bad))]) + dt
        return (f"The state ran away (|v| or |u| reached {STATE_CAP:g}) by t = {t_stop:g} ms; "
                f"the neuron was stopped there.")
    return ""
