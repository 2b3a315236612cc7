"""Share links written by the first version of the explorer keep working.

Those links carried the stimulus designer's own vocabulary
(``{"shape": "pulses", "amplitude": 9, "start": 5, "width": 2, "period": 7.5,
"count": 4}``). `legacy_stimulus` translates such a dict into the stimulus registry's
shapes, with the defaults and rules of that version (a missing field took its default;
a stop at or after the end of the run meant "until the end"; a ramp's ``offset`` was a
constant added to it; piecewise points were ``"t:value, ..."`` text held between
points).

Examples
--------
>>> from izhi_widgets.app.legacy import legacy_stimulus
>>> legacy_stimulus({"shape": "pulses", "amplitude": 9, "count": 2})
PeriodicPulses(amplitude=9.0, start_ms=10.0, width_ms=2.0, period_ms=20.0, count=2)
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from ..stimulus import (Constant, OUNoise, PeriodicPulses, Piecewise, Ramp, Sine, Step,
                        Stimulus)
from .fields import parse_number

__all__ = ["legacy_stimulus", "parse_points", "LEGACY_FIELDS"]

#: The old designer: shape -> its fields.
LEGACY_FIELDS: dict[str, tuple[str, ...]] = {
    "step": ("amplitude", "start", "stop"),
    "pulses": ("amplitude", "start", "width", "period", "count"),
    "ramp": ("slope", "start", "stop", "offset"),
    "sine": ("amplitude", "frequency", "offset", "start", "stop"),
    "noise": ("mean", "sigma", "tau", "seed", "start", "stop"),
    "piecewise": ("points",),
}
_DEFAULTS: dict[str, Any] = {
    "amplitude": 10.0, "start": 10.0, "stop": None, "width": 2.0, "period": 20.0,
    "count": 5, "slope": 0.05, "frequency": 10.0, "offset": 0.0, "mean": 5.0,
    "sigma": 2.0, "tau": 5.0, "seed": 0, "points": "0:0, 20:10, 80:0",
}
_MAX_POINTS = 200
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?"
_PAIR_RE = re.compile(rf"^\s*({_NUMBER})\s*:\s*({_NUMBER})\s*\Z", re.ASCII)


def parse_points(text: Any) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Parse the old ``"t:value, t:value, ..."`` text strictly into two float tuples.

    >>> parse_points("0:0, 50:10, 100:0")
    ((0.0, 50.0, 100.0), (0.0, 10.0, 0.0))
    """
    if not isinstance(text, str):
        raise ValueError("points must be text like '0:0, 50:10, 100:0'")
    if len(text) > 20 * _MAX_POINTS:
        raise ValueError(f"points: too long (at most {_MAX_POINTS} t:value pairs)")
    items = [item for item in text.replace("\u2212", "-").replace(";", ",").split(",")
             if item.strip()]
    if not items:
        raise ValueError("points: give at least one t:value pair, e.g. '0:0, 50:10, 100:0'")
    if len(items) > _MAX_POINTS:
        raise ValueError(f"points: at most {_MAX_POINTS} t:value pairs, got {len(items)}")
    times, values = [], []
    for k, item in enumerate(items, 1):
        match = _PAIR_RE.match(item)
        if match is None:
            raise ValueError(f"points: pair {k} ({item.strip()[:30]!r}) is not 't:value' "
                             f"with two numbers")
        t = parse_number("points time", match.group(1))
        value = parse_number("points value", match.group(2))
        if times and t <= times[-1]:
            raise ValueError(f"points: times must increase (pair {k}: {t:g} ms after "
                             f"{times[-1]:g} ms)")
        times.append(t)
        values.append(value)
    return tuple(times), tuple(values)


def legacy_stimulus(data: Mapping[str, Any]) -> Stimulus:
    """The stimulus an old-style ``{"shape": ...}`` designer dict described.

    Raises ValueError naming the field (``stim.<field>``) for anything invalid.
    """
    shape = data.get("shape")
    if shape not in LEGACY_FIELDS:
        raise ValueError(f"stim.shape must be one of {sorted(LEGACY_FIELDS)}, "
                         f"got {shape!r}"[:160])
    unknown = set(data) - set(LEGACY_FIELDS[shape]) - {"shape"}
    if unknown:
        raise ValueError(f"stim: unknown field(s) {sorted(map(str, unknown))[:5]} for shape "
                         f"{shape!r}"[:160])
    v = {name: data.get(name, _DEFAULTS[name]) for name in LEGACY_FIELDS[shape]}
    for name, value in v.items():
        if name == "points" or (name == "stop" and value is None):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"stim.{name} must be a number, got {value!r}"[:120])
    try:
        return _build(shape, v)
    except ValueError as exc:
        text = str(exc)
        raise ValueError(text if text.startswith("stim") else f"stim: {text}") from None


def _build(shape: str, v: dict[str, Any]) -> Stimulus:
    if shape == "piecewise":
        times, values = parse_points(v["points"])
        return Piecewise(times, values, "hold")
    if shape == "pulses":
        return PeriodicPulses(v["amplitude"], v["start"], v["width"], v["period"], v["count"])
    stop = v["stop"]
    if shape == "step":
        return Step(v["amplitude"], v["start"], stop)
    if shape == "ramp":
        ramp = Ramp(v["slope"], v["start"], stop)
        return ramp if v["offset"] == 0 else Constant(v["offset"]) + ramp
    if shape == "sine":
        return Sine(v["amplitude"], v["frequency"], v["offset"], 0.0, v["start"], stop)
    return OUNoise(v["mean"], v["sigma"], v["tau"], v["seed"], v["start"], stop)
