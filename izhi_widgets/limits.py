"""Bounds that keep every run finite in time and memory (the web app may be public)."""

from __future__ import annotations

import math

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


def spike_cap(duration_ms: float) -> int:
    """Spike count at which a run of ``duration_ms`` counts as runaway."""
    return max(MIN_SPIKE_CAP, int(math.ceil(MAX_RATE_HZ * duration_ms / 1000.0)))


def _finite(name: str, value: object) -> float:
    if isinstance(value, (bool, str)) or value is None:
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


def check_run_settings(duration_ms: object, dt_ms: object, v0_mV: object,
                       u0: object) -> tuple[float, float, float, float, int]:
    """Validate one run's settings; return them as floats plus the sample count.

    Raises
    ------
    ValueError
        Naming the field: non-finite or out-of-range values, or a run whose samples
        would not fit the memory bound (`MAX_SAMPLES`).
    """
    duration = _finite("duration_ms", duration_ms)
    dt = _finite("dt_ms", dt_ms)
    v0 = _finite("v0_mV", v0_mV)
    u_init = _finite("u0", u0)
    if duration <= 0:
        raise ValueError(f"duration_ms must be > 0, got {duration:g}")
    if duration > MAX_DURATION_MS:
        raise ValueError(f"duration_ms must be at most {MAX_DURATION_MS:g} ms, got {duration:g}")
    if dt <= 0:
        raise ValueError(f"dt_ms must be > 0, got {dt:g}")
    if not MIN_DT_MS <= dt <= MAX_DT_MS:
        raise ValueError(f"dt_ms must be between {MIN_DT_MS:g} and {MAX_DT_MS:g} ms, got {dt:g}")
    n_samples = int(math.floor(duration / dt + 1e-9)) + 1
    if n_samples > MAX_SAMPLES:
        raise ValueError(f"duration_ms / dt_ms gives {n_samples} samples, more than the "
                         f"{MAX_SAMPLES} that fit in memory; raise dt_ms or shorten duration_ms")
    if not -200.0 <= v0 <= 100.0:
        raise ValueError(f"v0_mV must be between -200 and 100 mV, got {v0:g}")
    if abs(u_init) > 1000.0:
        raise ValueError(f"u0 must be between -1000 and 1000, got {u_init:g}")
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
