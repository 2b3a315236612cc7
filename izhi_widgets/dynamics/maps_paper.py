"""The parameter maps of Izhikevich (2003), Fig. 2, as named map settings (`PAPER_MAPS`).

The figure places the cortical cell types in two planes: RS, IB and CH in the ``(c, d)``
plane at ``a = 0.02, b = 0.2``; FS, LTS, RZ (and TC) in the ``(a, b)`` plane. Here each
plane is a `MapSpec` whose stimulus is one of the presets' own protocols, and
``expected`` says which label the cell holding each preset's parameters gets on it:

``PAPER_MAPS["cd"]``
    ``c`` from -70 to -45 (0.5 mV apart), ``d`` from 0 to 10 (0.25 apart), ``a = 0.02,
    b = 0.2``, from ``v0 = -70``, under RS's own step (14 from 15 ms), 150 ms as in the
    paper. RS, IB and CH keep their own labels under it (IB's own step is 11, CH's 10;
    RS under a step of 10 would read as tonic spiking: its adaptation needs the
    stronger drive).
``PAPER_MAPS["ab"]``
    ``a`` from 0 to 0.12 (0.0025 apart), ``b`` from 0.1 to 0.3 (0.005 apart), ``c = -65,
    d = 2``, from ``v0 = -70``, under FS's own step (10 from 15 ms), 200 ms. FS and LTS
    keep their labels (LTS's own step starts at 25 ms). RZ's own label, *resonator*,
    belongs to its resonance protocol (a pulse after a hyperpolarized start) and to its
    ringing trace, which a step does not probe: under the step RZ fires tonically,
    ``'tonic spiking'``. TC shares LTS's ``(a, b)`` and differs in ``d`` (0.05) and in
    its protocols, so its cell is LTS's (``'spike frequency adaptation'``).

Examples
--------
>>> spec = PAPER_MAPS["cd"]
>>> spec.x, spec.y
(('c', -70.0, -45.0, 51), ('d', 0.0, 10.0, 41))
>>> spec.expected["CH"]
'tonic bursting'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..params import IzhikevichParams
from ..stimulus import Step, Stimulus

if TYPE_CHECKING:  # pragma: no cover
    from .maps_result import PatternMap

__all__ = ["MapSpec", "PAPER_MAPS"]


@dataclass(frozen=True)
class MapSpec:
    """Named settings of a `pattern_map` and what it is expected to show.

    Attributes
    ----------
    title : str
    base : IzhikevichParams
    x, y : tuple
        ``(name, lo, hi, n)`` axes.
    stimulus : Stimulus
    duration_ms, dt_ms, v0_mV : float
    expected : mapping
        Preset key -> the label of the cell holding that preset's parameters (``(a, b)``
        or ``(c, d)``, whichever the axes are).
    """

    title: str
    base: IzhikevichParams
    x: tuple
    y: tuple
    stimulus: Stimulus
    duration_ms: float
    dt_ms: float
    v0_mV: float
    expected: Mapping[str, str] = field(default_factory=dict)

    def kwargs(self) -> dict[str, Any]:
        """The keyword arguments of `pattern_map` (besides ``progress`` and ``cancel``)."""
        return dict(base=self.base, x=self.x, y=self.y, stimulus=self.stimulus,
                    duration_ms=self.duration_ms, dt_ms=self.dt_ms, v0_mV=self.v0_mV)

    def run(self, *, progress: Callable[[float, str], None] | None = None,
            cancel: Any = None) -> "PatternMap":
        """``pattern_map(**self.kwargs(), progress=progress, cancel=cancel)``."""
        from .maps import pattern_map

        return pattern_map(**self.kwargs(), progress=progress, cancel=cancel)


#: The two parameter planes of Izhikevich (2003), Fig. 2 (see the module docstring).
PAPER_MAPS: Mapping[str, MapSpec] = MappingProxyType({
    "cd": MapSpec(
        "RS, IB and CH in the (c, d) plane (a = 0.02, b = 0.2; RS's step of 14)",
        IzhikevichParams(a=0.02, b=0.2, c=-65.0, d=8.0), ("c", -70.0, -45.0, 51),
        ("d", 0.0, 10.0, 41), Step(14.0, 15.0), 150.0, 0.25, -70.0,
        MappingProxyType({"RS": "spike frequency adaptation", "IB": "mixed mode",
                          "CH": "tonic bursting"})),
    "ab": MapSpec(
        "FS, LTS, RZ (and TC) in the (a, b) plane (c = -65, d = 2; FS's step of 10)",
        IzhikevichParams(a=0.02, b=0.2, c=-65.0, d=2.0), ("a", 0.0, 0.12, 49),
        ("b", 0.1, 0.3, 41), Step(10.0, 15.0), 200.0, 0.25, -70.0,
        MappingProxyType({"FS": "tonic spiking", "LTS": "spike frequency adaptation",
                          "RZ": "tonic spiking", "TC": "spike frequency adaptation"})),
})
