"""The axes of a pattern map: their names, their validation, and what a cell is.

An axis is ``(name, lo, hi, n)``, ``name`` one of `AXES`:

``'a'``, ``'b'``, ``'c'``, ``'d'``
    That parameter (within `izhi_widgets.params.PARAM_LIMITS`).
``'amplitude'``
    *Sets* the ``amplitude`` field of the stimulus (`with_amplitude`): of a `Step`,
    `Pulse`, `PulseTrain`, `PeriodicPulses`, `Constant` or `Sine`; of a sum of shapes,
    the amplitude of its last term that has one (baseline + pulse: the pulse's). Stimuli
    without an amplitude (a `Ramp`, noise, piecewise) are refused. Bounds:
    ``±MAX_ABS_CURRENT``.

Examples
--------
>>> check_axis("x", ("c", -65, -50, 4))
('c', -65.0, -50.0, 4)
>>> check_axis("y", ("e", 0, 1, 4))
Traceback (most recent call last):
...
ValueError: y: the axis name must be one of ('a', 'b', 'c', 'd', 'amplitude'), got 'e'
>>> check_axis("x", ("a", 0.0, 3.0, 4))
Traceback (most recent call last):
...
ValueError: x hi (a) must be between -1 and 2, got 3
"""

from __future__ import annotations

import dataclasses
from typing import Mapping

import numpy as np

from ..params import PARAM_LIMITS, IzhikevichParams
from ..stimulus import MAX_ABS_CURRENT, Stimulus, Sum
from ..validation import check_number

__all__ = ["AXES", "MAX_AXIS_N", "check_axis", "grid_values", "with_amplitude", "cell_of"]

#: Axis names: a parameter, or the stimulus amplitude.
AXES = ("a", "b", "c", "d", "amplitude")
#: Most values along one axis.
MAX_AXIS_N = 200


def check_axis(label: str, axis: object) -> tuple[str, float, float, int]:
    """Validate the axis ``label`` (``'x'`` or ``'y'``): ``(name, lo, hi, n)`` as floats/int.

    Raises
    ------
    ValueError
        Starting with ``label`` (and the bound's name): not a 4-tuple, an unknown name,
        a bound out of the axis's limits, ``lo >= hi``, ``n`` not a whole number from 2
        to `MAX_AXIS_N`.
    """
    if not isinstance(axis, (tuple, list)) or len(axis) != 4:
        raise ValueError(f"{label} must be (name, lo, hi, n), got {axis!r}")
    name, lo, hi, n = axis
    if not isinstance(name, str) or name not in AXES:
        raise ValueError(f"{label}: the axis name must be one of {AXES}, got {name!r}")
    bounds = PARAM_LIMITS[name] if name in PARAM_LIMITS else (-MAX_ABS_CURRENT, MAX_ABS_CURRENT)
    lo = check_number(f"{label} lo ({name})", lo, *bounds)
    hi = check_number(f"{label} hi ({name})", hi, *bounds)
    if not lo < hi:
        raise ValueError(f"{label}: lo must be below hi, got {lo:g} and {hi:g}")
    n = check_number(f"{label} n", n, 2, MAX_AXIS_N, integer=True)
    return name, lo, hi, int(n)


def grid_values(lo: float, hi: float, n: int) -> np.ndarray:
    """``n`` evenly spaced values from ``lo`` to ``hi``; the inner ones rounded to 12
    significant digits, so that a grid through 0.2 holds 0.2 (not 0.19999999999999998).

    Examples
    --------
    >>> np.linspace(0.1, 0.3, 41)[20], grid_values(0.1, 0.3, 41)[20]
    (np.float64(0.19999999999999998), np.float64(0.2))
    """
    values = np.linspace(lo, hi, n)
    values[1:-1] = [float(f"{v:.12g}") for v in values[1:-1]]
    return values


def _has_amplitude(stimulus: Stimulus) -> bool:
    return any(spec.name == "amplitude" for spec in stimulus.fields())


def with_amplitude(stimulus: Stimulus, value: float) -> Stimulus:
    """``stimulus`` with its amplitude set to ``value`` (what the ``'amplitude'`` axis does).

    Raises
    ------
    ValueError
        If the stimulus has no amplitude field, or ``value`` is out of range.

    Examples
    --------
    >>> from izhi_widgets import Constant, Step
    >>> with_amplitude(Step(10, 15), 14.0)
    Step(amplitude=14.0, start_ms=15.0, stop_ms=None, closed='neither')
    >>> with_amplitude(Constant(0.24) + Step(1.0, 37.5, 42.5), 3.0).terms[1].amplitude
    3.0
    """
    if isinstance(stimulus, Sum):
        for k in range(len(stimulus.terms) - 1, -1, -1):
            if _has_amplitude(stimulus.terms[k]):
                terms = list(stimulus.terms)
                terms[k] = with_amplitude(terms[k], value)
                return Sum(tuple(terms))
    elif _has_amplitude(stimulus):
        return dataclasses.replace(stimulus, amplitude=value)  # type: ignore[type-var]
    raise ValueError(f"the 'amplitude' axis needs a stimulus with an amplitude field; "
                     f"{stimulus.describe()} has none")


def cell_of(params: IzhikevichParams, stimulus: Stimulus,
            values: Mapping[str, float]) -> tuple[IzhikevichParams, Stimulus]:
    """The parameters and stimulus at the axis values ``values`` (``name -> value``).

    Examples
    --------
    >>> from izhi_widgets import IzhikevichParams, Step
    >>> p, s = cell_of(IzhikevichParams(), Step(10, 15), {"d": 2.0, "amplitude": 5.0})
    >>> p.d, s.amplitude
    (2.0, 5.0)
    """
    changes = {k: float(v) for k, v in values.items() if k != "amplitude"}
    if "amplitude" in values:
        stimulus = with_amplitude(stimulus, float(values["amplitude"]))
    return (params.with_values(**changes) if changes else params), stimulus
