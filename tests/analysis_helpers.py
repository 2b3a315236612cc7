"""Shared by the analysis and experiments tests: hand-made results and named parameter sets."""

from __future__ import annotations

import numpy as np

from izhi_widgets import PRESETS, IzhikevichParams, Step
from izhi_widgets.result import SimulationResult, time_grid

RS = IzhikevichParams(a=0.02, b=0.2, c=-65, d=8)
CH = IzhikevichParams(a=0.02, b=0.2, c=-50, d=2)
FS = IzhikevichParams(a=0.1, b=0.2, c=-65, d=2)
IB = IzhikevichParams(a=0.02, b=0.2, c=-55, d=4)
TC = IzhikevichParams(a=0.02, b=0.25, c=-65, d=0.05)


def preset_params(key: str) -> IzhikevichParams:
    return PRESETS[key].params


def train(spikes, duration_ms: float = 1000.0, stimulus=Step(1.0, 10.0), *, dt_ms: float = 0.25,
          diverged: bool = False) -> SimulationResult:
    """A hand-made result holding only a spike train (no traces), for exact checks."""
    return SimulationResult(
        t_ms=time_grid(duration_ms, dt_ms), v_mV=np.zeros(0), u=np.zeros(0), I=np.zeros(0),
        spike_times_ms=np.asarray(spikes, dtype=float), params=RS, stimulus=stimulus,
        dt_ms=dt_ms, duration_ms=duration_ms, numerics="published", v0_mV=-70.0, u0=-14.0,
        diverged=diverged, message="Runaway spiking (test)." if diverged else "")
