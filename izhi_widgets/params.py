"""Parameters of the Izhikevich model (Izhikevich 2003, 2004).

.. math::

    v' = k_2 v^2 + k_1 v + k_0 - u + I, \\qquad u' = a (b v - u)

    \\text{if } v > v_{peak}: v \\leftarrow c,\\; u \\leftarrow u + d

The paper's constants are ``k2, k1, k0 = 0.04, 5, 140`` (panels G and L of the
2004 figure use ``0.04, 4.1, 108``). Panel R (accommodation) uses the recovery
form ``u' = a b (v + 65)`` — ``recovery='accommodation'``.

What lives here
---------------
`IzhikevichParams`
    One neuron's parameters, validated on creation: every numeric field goes through
    `izhi_widgets.validation.check_number` against `PARAM_LIMITS`, so an error names
    the field and its allowed range.
`IzhikevichParams.default_u0`
    The one place that decides the initial recovery variable when none is given:
    the papers start at ``u0 = b·v0``. The model, the presets and the app all use it.

Examples
--------
>>> from izhi_widgets.params import IzhikevichParams
>>> IzhikevichParams(a=0.02, b=0.2, c=-65, d=8).with_values(d=2).d
2.0
>>> IzhikevichParams(b=0.25).default_u0(-64)
-16.0
>>> IzhikevichParams(a=5)
Traceback (most recent call last):
...
ValueError: a must be between -1 and 2, got 5
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from .validation import check_number

__all__ = ["IzhikevichParams", "PARAM_LIMITS", "RECOVERY_FORMS"]

#: Recovery variable forms: standard ``u' = a(b v - u)``; accommodation ``u' = a b (v + 65)``.
RECOVERY_FORMS = ("standard", "accommodation")

#: Accepted range of each numeric field (wide: every preset sits well inside).
PARAM_LIMITS: dict[str, tuple[float, float]] = {
    "a": (-1.0, 2.0),
    "b": (-2.0, 2.0),
    "c": (-120.0, 29.0),
    "d": (-50.0, 50.0),
    "k2": (0.0, 1.0),
    "k1": (-50.0, 50.0),
    "k0": (-1000.0, 1000.0),
    "v_peak_mV": (-20.0, 100.0),
}


@dataclass(frozen=True)
class IzhikevichParams:
    """One neuron's parameters: the paper's ``a, b, c, d``, the quadratic and the peak.

    Raises ``ValueError`` naming the field for non-finite or out-of-range values.
    """

    a: float = 0.02
    b: float = 0.2
    c: float = -65.0
    d: float = 8.0
    k2: float = 0.04
    k1: float = 5.0
    k0: float = 140.0
    recovery: str = "standard"
    v_peak_mV: float = 30.0

    def __post_init__(self) -> None:
        for name, (lo, hi) in PARAM_LIMITS.items():
            object.__setattr__(self, name, check_number(name, getattr(self, name), lo, hi))
        if self.recovery not in RECOVERY_FORMS:
            raise ValueError(f"recovery must be one of {RECOVERY_FORMS}, got {self.recovery!r}")
        if self.c >= self.v_peak_mV:
            raise ValueError(f"c must be below the spike peak v_peak_mV={self.v_peak_mV:g}, got {self.c:g}")

    def default_u0(self, v0_mV: float) -> float:
        """The initial recovery variable when none is given: the papers start at ``u0 = b·v0``.

        Every part of the package (`izhi_widgets.model.RunSpec`, `Preset.initial_u`, the
        panel) takes the default ``u0`` from here. Panel R of the 2004 figure is the one
        published exception; its preset carries its own ``u0 = -16``.

        Raises
        ------
        ValueError
            ``"v0_mV must be ..."`` when ``v0_mV`` is not a finite number.

        Examples
        --------
        >>> IzhikevichParams(b=0.2).default_u0(-70)
        -14.0
        """
        return float(self.b * check_number("v0_mV", v0_mV))

    def with_values(self, **changes: Any) -> "IzhikevichParams":
        """A copy with some fields changed (validated)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "IzhikevichParams":
        if not isinstance(data, dict):
            raise ValueError("params must be a dict")
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"IzhikevichParams has no field(s) {sorted(unknown)}")
        return cls(**data)

    def recovery_terms(self) -> tuple[float, float]:
        """``(v_shift, u_gain)`` so that ``u' = a (b (v + v_shift) - u_gain u)`` covers both forms."""
        return (65.0, 0.0) if self.recovery == "accommodation" else (0.0, 1.0)
