"""izhi-explorer: the Izhikevich (2003, 2004) spiking neuron model simulated with Brian2,
explored through an ipywidgets panel.

Examples
--------
>>> from izhi_widgets import PRESETS, simulate
>>> simulate(PRESETS["B"]).spike_times_ms.tolist()
[43.75]
"""

from .brian2_model import izhikevich_group
from .model import RunSpec, simulate, simulate_batch
from .params import IzhikevichParams
from .presets import PRESET_GROUPS, PRESETS, Preset
from .result import NUMERICS, SimulationResult
from .stimulus import (Constant, OUNoise, Piecewise, Pulse, PulseTrain, Ramp, Sine, Step,
                       Stimulus, Sum, stimulus_from_dict)

__all__ = [
    "PRESETS", "PRESET_GROUPS", "Preset", "IzhikevichParams", "RunSpec", "simulate",
    "simulate_batch", "SimulationResult", "NUMERICS", "Stimulus", "Constant", "Step", "Pulse",
    "PulseTrain", "Ramp", "Sine", "OUNoise", "Piecewise", "Sum", "stimulus_from_dict",
    "izhikevich_group",
]
