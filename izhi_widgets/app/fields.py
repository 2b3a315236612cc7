"""The panel's field table: every setting the explorer shows, declared once.

Each `PanelField` gives a setting's label (as the panel shows it and as error
messages name it), its allowed range, its widget kind and a tooltip. The controls
are built from this table (`izhi_widgets.app.controls`), typed text is parsed against
it (`parse_field`) and the share link (`izhi_widgets.app.state`) reads and writes
the same keys. The stimulus fields come from the stimulus registry instead
(`izhi_widgets.stimulus`), so each is declared once too.

Nothing typed is ever evaluated: numbers must match a plain-decimal regular
expression.

Examples
--------
>>> from izhi_widgets.app.fields import PANEL_FIELDS, parse_field
>>> PANEL_FIELDS["dt"].label
'dt (ms)'
>>> parse_field("a", "0.03")
0.03
>>> parse_field("dt", "0")
Traceback (most recent call last):
...
ValueError: dt (ms) must be between 0.005 and 1 ms, got 0
>>> parse_field("a", "abc")
Traceback (most recent call last):
...
ValueError: a: 'abc' is not a number
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from ..limits import PANEL_MAX_DT_MS, PANEL_MAX_DURATION_MS, PANEL_MIN_DT_MS
from ..params import PARAM_LIMITS, RECOVERY_FORMS
from ..presets import PRESETS
from ..result import NUMERICS
from ..validation import check_number, short_repr

__all__ = ["PanelField", "PANEL_FIELDS", "parse_number", "parse_numbers", "parse_field",
           "format_value", "MAX_TEXT_CHARS"]

#: Longest text a box accepts (a public page: bound every input).
MAX_TEXT_CHARS = 4000

#: A plain decimal number: no 'nan', 'inf', hex, underscores or expressions.
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?"
_NUMBER_RE = re.compile(rf"^\s*({_NUMBER})\s*\Z", re.ASCII)


@dataclass(frozen=True)
class PanelField:
    """One setting of the panel.

    ``widget``: ``"slider"`` (a slider with a number box beside it), ``"number"`` (a
    number box) or ``"choice"`` (a menu of ``choices``). ``slider`` is the slider's
    usual ``(min, max, step)``; typed values inside ``[lo, hi]`` widen it.
    """

    key: str
    label: str
    widget: str = "number"
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    unit: str = ""
    tip: str = ""
    slider: tuple[float, float, float] | None = None
    choices: tuple[tuple[str, str], ...] = ()

    def parse(self, value: Any) -> Any:
        """A typed value (text or number) as the setting's value; ValueError names the label."""
        if self.widget == "choice":
            allowed = [v for _, v in self.choices]
            if value not in allowed:
                raise ValueError(f"{self.label} must be one of {allowed}, got {value!r}"[:160])
            return value
        if isinstance(value, str):
            value = parse_number(self.label, value)
        return check_number(self.label, value, self.lo, self.hi, unit=self.unit,
                            lo_open=self.lo_open)


def _param(key: str, slider: tuple[float, float, float], tip: str) -> PanelField:
    lo, hi = PARAM_LIMITS[key]
    return PanelField(key, key, "slider", lo, hi, tip=tip, slider=slider)


_PRESET_CHOICES = tuple((f"{p.group} {key} · {p.name}", key) for key, p in PRESETS.items())

#: key -> field, in the order the panel shows them.
PANEL_FIELDS: Mapping[str, PanelField] = MappingProxyType({f.key: f for f in (
    PanelField("preset", "preset", "choice", choices=_PRESET_CHOICES,
               tip="a published simulation: parameters, protocol, step and duration"),
    _param("a", (-0.05, 1.0, 0.001), "time scale of the recovery variable u: a smaller a "
           "means slower recovery (typical 0.02)"),
    _param("b", (-1.0, 1.0, 0.005), "sensitivity of u to the subthreshold v: b > a makes "
           "a resonator, b < a an integrator (typical 0.2)"),
    _param("c", (-80.0, -40.0, 0.5), "after-spike reset value of v, in mV (typical -65)"),
    _param("d", (-22.0, 10.0, 0.05), "after-spike jump of u: larger d, stronger "
           "adaptation (typical 2 to 8)"),
    PanelField("v0", "v0 (mV)", lo=-200.0, hi=100.0, unit="mV",
               tip="initial membrane potential"),
    PanelField("u0", "u0", lo=-1000.0, hi=1000.0,
               tip="initial recovery variable (the papers start at b·v0)"),
    PanelField("recovery", "recovery", "choice",
               choices=tuple(zip(("u' = a(bv − u)  (standard)",
                                  "u' = ab(v + 65)  (accommodation, R)"), RECOVERY_FORMS)),
               tip="the form of the recovery equation"),
    PanelField("k1", "k1", lo=PARAM_LIMITS["k1"][0], hi=PARAM_LIMITS["k1"][1],
               tip="linear coefficient of v' (5; 4.1 in panels G and L)"),
    PanelField("k0", "k0", lo=PARAM_LIMITS["k0"][0], hi=PARAM_LIMITS["k0"][1],
               tip="constant term of v' (140; 108 in panels G and L)"),
    PanelField("duration", "duration (ms)", lo=0.0, lo_open=True, hi=PANEL_MAX_DURATION_MS,
               unit="ms", tip=f"simulated time, up to {PANEL_MAX_DURATION_MS:g} ms"),
    PanelField("numerics", "numerics", "choice", choices=tuple((n, n) for n in NUMERICS),
               tip="the paper's fixed-step scheme, or Brian2's ODE integrators"),
    PanelField("dt", "dt (ms)", lo=PANEL_MIN_DT_MS, hi=PANEL_MAX_DT_MS, unit="ms",
               tip=f"integration step, {PANEL_MIN_DT_MS:g} to {PANEL_MAX_DT_MS:g} ms"),
)})


def parse_number(name: str, text: Any, lo: float | None = None,
                 hi: float | None = None) -> float:
    """``text`` as a finite float in ``[lo, hi]``, or ValueError naming ``name``.

    Accepts only a plain decimal number (an optional exponent; U+2212 minus allowed).

    >>> parse_number("a", "0.1")
    0.1
    >>> parse_number("a", "__import__('os')")
    Traceback (most recent call last):
    ...
    ValueError: a: "__import__('os')" is not a number
    >>> parse_number("a", "")
    Traceback (most recent call last):
    ...
    ValueError: a: give a number (the box is empty)
    """
    if not isinstance(text, str):
        raise ValueError(f"{name}: {text!r} is not a number"[:120])
    if not text.strip():
        raise ValueError(f"{name}: give a number (the box is empty)")
    match = _NUMBER_RE.match(text.replace("\u2212", "-"))
    if match is None:
        raise ValueError(f"{name}: {text[:40]!r} is not a number")
    value = float(match.group(1))
    if not math.isfinite(value):
        raise ValueError(f"{name}: {text[:40]!r} is too large")
    return check_number(name, value, lo, hi)


def parse_numbers(name: str, text: Any, *, max_len: int = 1000) -> tuple[float, ...]:
    """Comma- (or semicolon-/space-) separated plain numbers, strictly.

    >>> parse_numbers("onsets (ms)", "40, 60, 280, 320")
    (40.0, 60.0, 280.0, 320.0)
    """
    if not isinstance(text, str):
        raise ValueError(f"{name}: give numbers separated by commas")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"{name}: too long (at most {MAX_TEXT_CHARS} characters)")
    items = [item for item in re.split(r"[,;\s]+", text.replace("\u2212", "-")) if item]
    if not items:
        raise ValueError(f"{name}: give at least one number, e.g. 10, 20, 30")
    if len(items) > max_len:
        raise ValueError(f"{name}: at most {max_len} numbers, got {len(items)}")
    return tuple(parse_number(f"{name} (entry {k})", item) for k, item in enumerate(items, 1))


def parse_field(key: str, value: Any) -> Any:
    """Parse the panel setting ``key`` (see `PANEL_FIELDS`)."""
    return PANEL_FIELDS[key].parse(value)


def format_value(value: Any) -> str:
    """How a value is shown in a box: the shortest text that reads back the same number
    (``-15.86``, not ``-15.860000000000001``; ``10`` for 10.0); tuples comma-separated."""
    if value is None:
        return ""
    if isinstance(value, (tuple, list)):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, str):
        return value
    return short_repr(value)
