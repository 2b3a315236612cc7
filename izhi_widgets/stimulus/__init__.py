"""Injected-current stimuli: one registry of small frozen shapes.

Every stimulus is a pure function of time: ``stim.current(t_ms)`` takes an array of
times in milliseconds and returns the current (the model's dimensionless units).
Each shape declares its fields once (`izhi_widgets.stimulus.base`); validation,
``to_dict``/`stimulus_from_dict`, the explorer's designer, its share links and the
"show code" script all iterate over those declarations. The shapes themselves live
in `izhi_widgets.stimulus.shapes`.

Stimuli add up (``Step(...) + Pulse(...)`` is a `Sum`) and round-trip through
``to_dict()`` / `stimulus_from_dict` without ever evaluating user text.

Examples
--------
>>> import numpy as np
>>> from izhi_widgets.stimulus import Step, Constant, STIMULUS_KINDS
>>> stim = Constant(0.24) + Step(1.0, start_ms=37.5, stop_ms=42.5)
>>> stim.current(np.array([37.5, 40.0, 42.5])).tolist()
[0.24, 1.24, 0.24]
>>> [spec.name for spec in Step.fields()]
['amplitude', 'start_ms', 'stop_ms', 'closed']
>>> "periodic_pulses" in STIMULUS_KINDS
True
"""

from .base import (MAX_ABS_CURRENT, MAX_ABS_TIME_MS, STIMULUS_KINDS, FieldSpec, Stimulus,
                   stimulus_from_dict, window)
from .shapes import (CLOSED_CHOICES, MAX_BREAKPOINTS, MAX_NOISE_POINTS, MAX_PULSES, MAX_TERMS,
                     Constant, OUNoise, PeriodicPulses, Piecewise, Pulse, PulseTrain, Ramp,
                     Sine, Step, Sum)

__all__ = [
    "Stimulus", "FieldSpec", "Constant", "Step", "Pulse", "PulseTrain", "PeriodicPulses",
    "Ramp", "Sine", "OUNoise", "Piecewise", "Sum", "stimulus_from_dict", "STIMULUS_KINDS",
    "MAX_ABS_CURRENT", "MAX_ABS_TIME_MS", "MAX_PULSES", "MAX_BREAKPOINTS", "MAX_TERMS",
    "MAX_NOISE_POINTS", "CLOSED_CHOICES", "window",
]
