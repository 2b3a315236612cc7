"""`SimulationResult`: what a simulation returns — plain numpy arrays and the settings that made them.

Also `time_grid` (the papers' sample grid ``t = 0:dt:T``) and `NUMERICS` (the schemes).

Examples
--------
>>> from izhi_widgets.result import time_grid
>>> time_grid(1.0, 0.25).tolist()
[0.0, 0.25, 0.5, 0.75, 1.0]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .params import IzhikevichParams
from .stimulus import Stimulus

__all__ = ["SimulationResult", "NUMERICS", "SIMULATE_NUMERICS", "time_grid"]

#: The compiled engine's schemes: the paper's own fixed-step scheme, or the ODE integrators
#: (with the threshold located inside the step).
NUMERICS = ("published", "euler", "rk4")
#: What `izhi_widgets.simulate` accepts: the engine's schemes and the exact reference
#: (`izhi_widgets.exact`, SciPy, not a Brian2 engine).
SIMULATE_NUMERICS = NUMERICS + ("exact",)


def time_grid(duration_ms: float, dt_ms: float) -> np.ndarray:
    """The sample grid ``0, dt, 2 dt, ..., <= duration`` (the paper's ``t = 0:tau:T``)."""
    n = int(np.floor(duration_ms / dt_ms + 1e-9)) + 1
    return np.arange(n) * dt_ms


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """One neuron's simulated response.

    Attributes
    ----------
    t_ms : ndarray
        Sample times (ms), ``0, dt, ..., duration``.
    v_mV : ndarray
        Membrane potential, clipped at the spike peak (a spike shows as the peak value at
        its sample, as in the paper's figures): ``published``, after each step's update
        (as figure1.m records it); the ODE modes and ``exact``, the state at each grid time.
    u, I : ndarray
        Recovery variable (after the step, before the reset) and injected current.
    spike_times_ms : ndarray
        ``published``: grid times of the steps in which ``v`` crossed the peak (the
        papers' convention); ``euler``, ``rk4`` and ``exact``: the crossing times located
        inside the step (the trace then shows the peak at the first sample after each).
    diverged : bool
        True when the run hit the spike-rate ceiling or the state ran away; the
        neuron was then frozen and ``message`` says when and why.
    elapsed_s : float
        Wall time of the call that returned this result (seconds).
    cached : bool
        True when the result came from the model's result cache (no engine ran): then
        ``elapsed_s`` is the time of the cache lookup, not of the original run.
    """

    t_ms: np.ndarray
    v_mV: np.ndarray
    u: np.ndarray
    I: np.ndarray
    spike_times_ms: np.ndarray
    params: IzhikevichParams
    stimulus: Stimulus
    dt_ms: float
    duration_ms: float
    numerics: str
    v0_mV: float
    u0: float
    diverged: bool = False
    message: str = ""
    elapsed_s: float = float("nan")
    engine: str = ""
    extra: dict = field(default_factory=dict)
    cached: bool = False

    @property
    def n_spikes(self) -> int:
        return int(len(self.spike_times_ms))

    @property
    def rate_hz(self) -> float:
        """Mean firing rate over the whole run."""
        return 1000.0 * self.n_spikes / self.duration_ms if self.duration_ms > 0 else 0.0
