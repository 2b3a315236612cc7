"""The published presets as data: the 20 features of Izhikevich (2004), Fig. 1
(keys ``A``–``T``) and the 8 cell types of Izhikevich (2003), Fig. 2.

Each `Preset` carries the parameters, initial state, stimulus protocol, the
paper's integration step and duration, the expected pattern label and the
spike times the published scheme produces. One code path (`izhi_widgets.model.simulate`)
runs them all.

Examples
--------
>>> from izhi_widgets.presets import PRESETS
>>> PRESETS["A"].name, PRESETS["A"].params.d
('tonic spiking', 6.0)
>>> list(PRESETS)[:3]
['A', 'B', 'C']
>>> PRESETS["A"].initial_u, PRESETS["R"].initial_u   # b·v0, and R's published -16
(-14.0, -16.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from .params import IzhikevichParams
from .stimulus import Constant, PulseTrain, Ramp, Step, Stimulus

__all__ = ["Preset", "PRESETS", "PRESET_GROUPS", "CITATION_2003", "CITATION_2004"]

CITATION_2004 = ("E. M. Izhikevich, Which model to use for cortical spiking neurons? "
                 "IEEE Trans. Neural Networks 15(5):1063-1070, 2004, Fig. 1")
CITATION_2003 = ("E. M. Izhikevich, Simple model of spiking neurons. "
                 "IEEE Trans. Neural Networks 14(6):1569-1572, 2003, Fig. 2")


@dataclass(frozen=True)
class Preset:
    """A published simulation: model, initial state, protocol and expected outcome."""

    key: str
    name: str
    description: str
    citation: str
    params: IzhikevichParams
    stimulus: Stimulus
    v0_mV: float
    dt_ms: float
    duration_ms: float
    label: str
    expected_spikes_ms: tuple[float, ...]
    u0: float | None = None

    @property
    def group(self) -> str:
        return "2004" if self.citation == CITATION_2004 else "2003"

    @property
    def initial_u(self) -> float:
        """``u0`` if given, else the papers' ``b·v0`` (`IzhikevichParams.default_u0`)."""
        return self.params.default_u0(self.v0_mV) if self.u0 is None else self.u0


_QUAD_GL = dict(k1=4.1, k0=108.0)
_S_T_STIM = Constant(80.0) + Step(-5.0, 50.0, 250.0, closed="both")

# (key, name, a, b, c, d, extra params, v0, u0, tau, T, stimulus, label, spikes, description)
_TABLE_2004 = [
    ("A", "tonic spiking", 0.02, 0.2, -65, 6, {}, -70, None, 0.25, 100,
     Step(14, 10), "tonic spiking",
     (13, 17, 31.5, 59.25, 86.75),
     "Fires a regular train of spikes for as long as the input lasts. Regular-spiking "
     "excitatory, low-threshold-spiking and fast-spiking inhibitory cortical cells do this."),
    ("B", "phasic spiking", 0.02, 0.25, -65, 6, {}, -64, None, 0.25, 200,
     Step(0.5, 20), "phasic spiking",
     (43.75,),
     "Fires a single spike at the onset of the input, then stays quiet: it reports the "
     "onset of stimulation."),
    ("C", "tonic bursting", 0.02, 0.2, -50, 2, {}, -70, None, 0.25, 220,
     Step(15, 22), "tonic bursting",
     (25, 26.5, 28.25, 30, 32, 34, 36.25, 38.75, 41.75, 45.5, 80, 82.25, 84.75, 87.75,
      91.5, 98.75, 132.75, 135, 137.5, 140.5, 144.25, 151.25, 185.5, 187.75, 190.25,
      193.25, 197, 204.5),
     "Fires periodic bursts of spikes under constant input, as chattering (fast rhythmic "
     "bursting) neurons in cat neocortex do, contributing to gamma rhythms."),
    ("D", "phasic bursting", 0.02, 0.25, -55, 0.05, {}, -64, None, 0.2, 200,
     Step(0.6, 20), "phasic bursting",
     (39, 42.8, 47, 51.8, 57.6, 67.2),
     "Fires a single burst at the onset of the input, then stays quiet."),
    ("E", "mixed mode", 0.02, 0.2, -55, 4, {}, -70, None, 0.25, 160,
     Step(10, 16), "mixed mode",
     (20, 22.75, 27.25, 67, 99.25, 131.5),
     "An initial burst followed by tonic spikes, as intrinsically bursting excitatory "
     "neurons in mammalian neocortex show."),
    ("F", "spike frequency adaptation", 0.01, 0.2, -65, 8, {}, -70, None, 0.25, 85,
     Step(30, 8.5), "spike frequency adaptation",
     (10.25, 12.25, 15, 19.75, 42.5, 71.5),
     "Fires tonically but slows down: the rate decreases during the input. Regular-spiking "
     "excitatory cortical neurons are the common example."),
    ("G", "class 1 excitable", 0.02, -0.1, -55, 6, _QUAD_GL, -60, None, 0.25, 300,
     Ramp(0.075, 30), "class 1 excitable",
     (84.5, 125, 155.75, 181, 203.5, 223.75, 242, 259.25, 275.5, 290.5),
     "Under a slowly rising ramp the spiking starts at an arbitrarily low rate that grows "
     "with the input: the neuron can encode the input's strength in its firing rate."),
    ("H", "class 2 excitable", 0.2, 0.26, -65, 0, {}, -64, None, 0.25, 300,
     Constant(-0.5) + Ramp(0.015, 30), "class 2 excitable",
     (105.75, 126.5, 145.25, 162.25, 178, 192.75, 206.75, 220.5, 233.75, 246.5, 258.75,
      271, 282, 293),
     "Under a ramp the neuron jumps straight to a relatively high firing rate (40 Hz or "
     "more) instead of starting slowly."),
    ("I", "spike latency", 0.02, 0.2, -65, 6, {}, -70, None, 0.2, 100,
     Step(7.04, 10, 13), "spike latency",
     (26.6,),
     "A brief pulse just above threshold evokes a spike only after a long delay, which "
     "depends on the pulse's strength; cortical neurons show such latencies."),
    ("J", "subthreshold oscillations", 0.05, 0.26, -60, 0, {}, -62, None, 0.25, 200,
     Step(2, 20, 25), "subthreshold oscillations",
     (26.5,),
     "After a pulse the membrane potential rings with damped subthreshold oscillations, "
     "as in neurons of the inferior olive or entorhinal cortex."),
    ("K", "resonator", 0.1, 0.26, -60, -1, {}, -62, None, 0.25, 400,
     PulseTrain(0.65, (40, 60, 280, 320), 4), "resonator",
     (338,),
     "Responds to a pair of pulses only when their spacing matches its subthreshold "
     "oscillation period: the widely spaced pair fails, the resonant one fires."),
    ("L", "integrator", 0.02, -0.1, -55, 6, _QUAD_GL, -60, None, 0.25, 100,
     PulseTrain(9, (100 / 11, 100 / 11 + 5, 70, 80), 2), "integrator",
     (20,),
     "Sums its inputs: a closely spaced pair of pulses fires it, a widely spaced pair does "
     "not. Such coincidence detection is typical of class 1 neurons."),
    ("M", "rebound spike", 0.03, 0.25, -60, 4, {}, -64, None, 0.2, 200,
     Step(-15, 20, 25), "rebound spike",
     (68,),
     "Fires a spike on release from inhibition (post-inhibitory rebound), as thalamo-cortical "
     "neurons do."),
    ("N", "rebound burst", 0.03, 0.25, -52, 0, {}, -64, None, 0.2, 200,
     Step(-15, 20, 25), "rebound burst",
     (68, 71, 74.2, 77.8, 81.8, 86.4, 92.2),
     "Fires a burst on release from inhibition, as thalamo-cortical neurons do; this is "
     "thought to drive sleep spindle oscillations."),
    ("O", "threshold variability", 0.03, 0.25, -60, 4, {}, -64, None, 0.25, 100,
     Step(1, 10, 15) + Step(-6, 70, 75) + Step(1, 80, 85), "threshold variability",
     (93.25,),
     "The threshold depends on prior activity: the same weak pulse fails alone but fires "
     "when it follows a brief inhibitory pulse."),
    ("P", "bistability", 0.1, 0.26, -60, 0, {}, -61, None, 0.25, 300,
     Constant(0.24) + Step(1, 37.5, 42.5) + Step(1, 216, 221), "bistability",
     (45.25, 86, 126.5, 167.25, 208),
     "Two stable modes, resting and tonic spiking: one pulse switches the spiking on, a "
     "second, well-timed pulse switches it off."),
    ("Q", "depolarizing after-potential", 1, 0.2, -60, -21, {}, -70, None, 0.1, 50,
     Step(20, 9, 11), "depolarizing after-potential",
     (11.3,),
     "After a spike the potential stays depolarized (a DAP) with a shortened refractory "
     "period, so the cell fires again easily."),
    ("R", "accommodation", 0.02, 1, -55, 4, {"recovery": "accommodation"}, -65, -16.0, 0.5,
     400, Ramp(1 / 25, 0, 200) + Ramp(4 / 12.5, 300, 312.5), "accommodation",
     (311.5,),
     "A slow ramp is ignored, because the neuron adapts to it, while a fast ramp of smaller "
     "final amplitude fires it."),
    ("S", "inhibition-induced spiking", -0.02, -1, -60, 8, {}, -63.8, None, 0.5, 350,
     _S_T_STIM, "inhibition-induced spiking",
     (94.5, 166, 236),
     "Quiet under steady input, fires tonically while the input is lowered (inhibited), as "
     "some thalamo-cortical neurons do."),
    ("T", "inhibition-induced bursting", -0.026, -1, -45, -2, {}, -63.8, None, 0.5, 350,
     _S_T_STIM, "inhibition-induced bursting",
     (86.5, 88.5, 90.5, 93, 95.5, 98.5, 103, 191.5, 194, 196.5, 199.5, 204),
     "Quiet under steady input, fires bursts while the input is lowered (inhibited)."),
]

_TABLE_2003 = [
    ("RS", "regular spiking", 0.02, 0.2, -65, 8, -63, 150, Step(14, 15),
     "spike frequency adaptation", (18.25, 24.25, 54.5, 87.75, 121),
     "The most typical excitatory neurons of the neocortex: tonic spikes with a rate that "
     "adapts (slows) under sustained input."),
    ("IB", "intrinsically bursting", 0.02, 0.2, -55, 4, -70, 150, Step(11, 15),
     "mixed mode", (18.75, 21.25, 25, 58.25, 87.75, 117.5, 147),
     "Excitatory cortical neurons (layer 5) that fire a stereotypical burst first, then "
     "switch to single spikes."),
    ("CH", "chattering", 0.02, 0.2, -50, 2, -70, 150, Step(10, 15),
     "tonic bursting",
     (19, 20.75, 22.75, 25, 27.5, 30.5, 34.5, 82, 84.5, 87.25, 90.75, 137.5, 140, 142.75,
      146.25),
     "Excitatory cortical neurons that fire stereotypical bursts of closely spaced spikes "
     "at high rates (up to 40 Hz)."),
    ("FS", "fast spiking", 0.1, 0.2, -65, 2, -70, 150, Step(10, 15),
     "tonic spiking",
     (19, 24, 31.5, 40.25, 49, 58.25, 67.5, 77.25, 86.5, 95.75, 105.25, 114.25, 123.25,
      132, 141.25),
     "Inhibitory cortical interneurons that fire periodic trains at high rates with "
     "little adaptation."),
    ("TC", "thalamo-cortical (tonic)", 0.02, 0.25, -65, 0.05, -63, 150, Step(1.5, 30),
     "tonic spiking", (39.5, 53.5, 83, 120.25),
     "Thalamo-cortical neurons depolarized from rest fire tonic spikes."),
    ("TC_burst", "thalamo-cortical (rebound burst)", 0.02, 0.25, -65, 0.05, -87, 150,
     Step(-25, 0, 45, closed="both"), "rebound burst", (51, 56, 61.75, 69, 79.75),
     "Thalamo-cortical neurons released from hyperpolarization fire a rebound burst."),
    ("RZ", "resonator", 0.1, 0.26, -65, 2, -70, 100,
     Constant(-0.5) + Step(-1.5, 0, 10, closed="both") + Step(10.5, 60, 65),
     "resonator", (62.75, 67.5),
     "Resonator neurons have damped subthreshold oscillations and respond preferentially "
     "to input at their resonant frequency."),
    ("LTS", "low-threshold spiking", 0.02, 0.25, -65, 2, -63, 250, Step(10, 25),
     "spike frequency adaptation",
     (28, 31.5, 35.75, 41.5, 50.25, 63.5, 78, 93, 107.75, 122.25, 136.75, 151.75, 166.25,
      180.75, 195.75, 210.75, 225.5, 240.5),
     "Inhibitory cortical interneurons that fire high-frequency trains with strong "
     "adaptation and have a low firing threshold."),
]


def _build() -> dict[str, Preset]:
    presets: dict[str, Preset] = {}
    for (key, name, a, b, c, d, extra, v0, u0, tau, T, stim, label, spikes,
         text) in _TABLE_2004:
        presets[key] = Preset(key, name, text, CITATION_2004,
                              IzhikevichParams(a=a, b=b, c=c, d=d, **extra), stim,
                              float(v0), tau, float(T), label,
                              tuple(float(s) for s in spikes), u0)
    for key, name, a, b, c, d, v0, T, stim, label, spikes, text in _TABLE_2003:
        presets[key] = Preset(key, name, text, CITATION_2003,
                              IzhikevichParams(a=a, b=b, c=c, d=d), stim, float(v0),
                              0.25, float(T), label, tuple(float(s) for s in spikes))
    return presets


#: All 28 presets in display order: 2004 A–T, then the 2003 cell types.
PRESETS: Mapping[str, Preset] = MappingProxyType(_build())

#: Group title -> preset keys, for pickers.
PRESET_GROUPS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "Izhikevich 2004, Fig. 1 (A–T)": tuple(k for k, p in PRESETS.items() if p.group == "2004"),
    "Izhikevich 2003 cell types": tuple(k for k, p in PRESETS.items() if p.group == "2003"),
})
