"""The explorer's shareable state: everything on screen as a short query string.

`PanelState` holds what the panel shows (preset, parameters, initial state, the
stimulus designer's shape and fields, duration, numerics and step). `encode_state`
writes it as ``preset=P&a=0.1&...&stim=<json>`` listing only what differs from the
preset; `decode_state` reads such a string back *strictly*: known keys only, each
at most once, numbers matched by a regular expression and range-checked, the
stimulus JSON checked field by field. Any problem raises ``ValueError`` naming the
field. Nothing is ever evaluated.

The stimulus designer (`SHAPES`, `SHAPE_FIELDS`, `build_stimulus`,
`parse_points`) lives here too, so the panel and the share link build stimuli the
same way.

Examples
--------
>>> from izhi_widgets.state import decode_state, encode_state
>>> state = decode_state("preset=P&a=0.05")
>>> state.preset, state.a, state.b
('P', 0.05, 0.26)
>>> encode_state(state)
'preset=P&a=0.05'
>>> decode_state("preset=P&a=nan")
Traceback (most recent call last):
...
ValueError: a: 'nan' is not a number
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Mapping
from urllib.parse import parse_qsl, urlencode

from .params import PARAM_LIMITS, RECOVERY_FORMS, IzhikevichParams
from .presets import PRESETS, Preset
from .result import NUMERICS
from .stimulus import (MAX_ABS_CURRENT, MAX_PULSES, Constant, OUNoise, Piecewise, PulseTrain,
                       Ramp, Sine, Step, Stimulus, Sum)

__all__ = [
    "PanelState",
    "SHAPES",
    "SHAPE_LABELS",
    "SHAPE_FIELDS",
    "FIELD_DEFAULTS",
    "PANEL_MAX_DURATION_MS",
    "PANEL_MIN_DT_MS",
    "PANEL_MAX_DT_MS",
    "DEFAULT_PRESET",
    "parse_number",
    "parse_points",
    "format_points",
    "build_stimulus",
    "designer_from_stimulus",
    "encode_state",
    "decode_state",
]

#: The panel's own bounds (tighter than `izhi_widgets.limits`: the app may be public).
PANEL_MAX_DURATION_MS = 5000.0
PANEL_MIN_DT_MS = 0.005
PANEL_MAX_DT_MS = 1.0
#: Longest accepted query string and stimulus JSON (characters).
MAX_QUERY_CHARS = 4000
MAX_STIM_JSON_CHARS = 2500
#: Most ``t:value`` pairs a piecewise stimulus may have in the panel.
MAX_POINTS = 200
#: Largest |time| (ms) a stimulus field may take in the panel.
MAX_TIME_MS = 1.0e6

DEFAULT_PRESET = "A"

#: Stimulus designer shapes, in menu order ("preset" = the preset's own protocol).
SHAPES = ("preset", "step", "pulses", "ramp", "sine", "noise", "piecewise")
SHAPE_LABELS = {
    "preset": "preset protocol",
    "step": "step",
    "pulses": "pulses",
    "ramp": "ramp",
    "sine": "sine",
    "noise": "noise",
    "piecewise": "piecewise",
}
#: The designer fields each shape uses (the panel shows only these).
SHAPE_FIELDS: dict[str, tuple[str, ...]] = {
    "preset": (),
    "step": ("amplitude", "start", "stop"),
    "pulses": ("amplitude", "start", "width", "period", "count"),
    "ramp": ("slope", "start", "stop", "offset"),
    "sine": ("amplitude", "frequency", "offset", "start", "stop"),
    "noise": ("mean", "sigma", "tau", "seed", "start", "stop"),
    "piecewise": ("points",),
}
#: Default designer values. ``stop=None``: the window lasts until the end of the run.
FIELD_DEFAULTS: dict[str, Any] = {
    "amplitude": 10.0, "start": 10.0, "stop": None, "width": 2.0, "period": 20.0,
    "count": 5, "slope": 0.05, "frequency": 10.0, "offset": 0.0, "mean": 5.0,
    "sigma": 2.0, "tau": 5.0, "seed": 0, "points": "0:0, 20:10, 80:0",
}
_INT_FIELDS = {"count": (1, MAX_PULSES), "seed": (0, 2**32 - 1)}
_FIELD_BOUNDS: dict[str, tuple[float, float]] = {
    "amplitude": (-MAX_ABS_CURRENT, MAX_ABS_CURRENT),
    "offset": (-MAX_ABS_CURRENT, MAX_ABS_CURRENT),
    "mean": (-MAX_ABS_CURRENT, MAX_ABS_CURRENT),
    "slope": (-MAX_ABS_CURRENT, MAX_ABS_CURRENT),
    "sigma": (0.0, MAX_ABS_CURRENT / 10),
    "tau": (1e-3, 1e6),
    "frequency": (0.0, 1e4),
    "start": (-MAX_TIME_MS, MAX_TIME_MS),
    "stop": (-MAX_TIME_MS, MAX_TIME_MS),
    "width": (1e-3, MAX_TIME_MS),
    "period": (1e-3, MAX_TIME_MS),
}

#: A plain decimal number: no 'nan', 'inf', hex, underscores or expressions.
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?"
_NUMBER_RE = re.compile(rf"^\s*({_NUMBER})\s*\Z", re.ASCII)
_PAIR_RE = re.compile(rf"^\s*({_NUMBER})\s*:\s*({_NUMBER})\s*\Z", re.ASCII)
_PRESET_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,15}$")


def parse_number(name: str, text: str, lo: float | None = None, hi: float | None = None) -> float:
    """``text`` as a finite float in ``[lo, hi]``, or ValueError naming ``name``.

    Accepts only a plain decimal number (an optional exponent; U+2212 minus allowed).

    >>> parse_number("a", "0.1")
    0.1
    >>> parse_number("a", "__import__('os')")
    Traceback (most recent call last):
    ...
    ValueError: a: "__import__('os')" is not a number
    """
    if not isinstance(text, str):
        raise ValueError(f"{name}: {text!r} is not a number")
    match = _NUMBER_RE.match(text.replace("\u2212", "-"))
    if match is None:
        raise ValueError(f"{name}: {text[:40]!r} is not a number")
    value = float(match.group(1))
    if not math.isfinite(value):
        raise ValueError(f"{name}: {text[:40]!r} is too large")
    _check_range(name, value, lo, hi)
    return value


def _check_range(name: str, value: float, lo: float | None, hi: float | None) -> None:
    if lo is not None and value < lo:
        raise ValueError(f"{name} must be >= {lo:g}, got {value:g}")
    if hi is not None and value > hi:
        raise ValueError(f"{name} must be <= {hi:g}, got {value:g}")


def parse_points(text: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Parse ``"t:value, t:value, ..."`` (ms : current) strictly into two float tuples.

    Each pair must match a plain-number regex; times must increase strictly.

    >>> parse_points("0:0, 50:10, 100:0")
    ((0.0, 50.0, 100.0), (0.0, 10.0, 0.0))
    """
    if not isinstance(text, str):
        raise ValueError("points must be text like '0:0, 50:10, 100:0'")
    if len(text) > 20 * MAX_POINTS:
        raise ValueError(f"points: too long (at most {MAX_POINTS} t:value pairs)")
    items = [item for item in text.replace("\u2212", "-").replace(";", ",").split(",")
             if item.strip()]
    if not items:
        raise ValueError("points: give at least one t:value pair, e.g. '0:0, 50:10, 100:0'")
    if len(items) > MAX_POINTS:
        raise ValueError(f"points: at most {MAX_POINTS} t:value pairs, got {len(items)}")
    times, values = [], []
    for k, item in enumerate(items, 1):
        match = _PAIR_RE.match(item)
        if match is None:
            raise ValueError(f"points: pair {k} ({item.strip()[:30]!r}) is not 't:value' "
                             f"with two numbers")
        t, value = float(match.group(1)), float(match.group(2))
        if not (math.isfinite(t) and math.isfinite(value)):
            raise ValueError(f"points: pair {k} has a number that is too large")
        _check_range("points time", t, -MAX_TIME_MS, MAX_TIME_MS)
        _check_range("points value", value, -MAX_ABS_CURRENT, MAX_ABS_CURRENT)
        if times and t <= times[-1]:
            raise ValueError(f"points: times must increase (pair {k}: {t:g} ms after "
                             f"{times[-1]:g} ms)")
        times.append(t)
        values.append(value)
    return tuple(times), tuple(values)


def format_points(times, values) -> str:
    """Inverse of `parse_points` (shortest exact float text)."""
    return ", ".join(f"{_num(t)}:{_num(v)}" for t, v in zip(times, values))


def _num(x: float) -> str:
    """Shortest text that reads back as the same float ('10' for 10.0)."""
    x = float(x)
    text = repr(x)
    return text[:-2] if text.endswith(".0") else text


def check_field(name: str, value: Any) -> Any:
    """Validate one designer field value (a number, an int, None for stop, text for points)."""
    if name not in FIELD_DEFAULTS:
        raise ValueError(f"stim: unknown field {name!r}")
    if name == "points":
        parse_points(value)
        return value
    if name == "stop" and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"stim.{name} must be a number, got {value!r}"[:120])
    if name in _INT_FIELDS:
        lo, hi = _INT_FIELDS[name]
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(f"stim.{name} must be a whole number, got {value!r}")
            value = int(value)
        if not lo <= value <= hi:
            raise ValueError(f"stim.{name} must be between {lo} and {hi}, got {value}")
        return int(value)
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"stim.{name} must be finite, got {value!r}")
    lo, hi = _FIELD_BOUNDS[name]
    _check_range(f"stim.{name}", value, lo, hi)
    return value


def build_stimulus(shape: str, values: Mapping[str, Any], duration_ms: float) -> Stimulus:
    """The designer's stimulus for ``shape`` from the field ``values``.

    A ``stop`` that is None or at/after the end of the run means "until the end".
    Raises ValueError (naming the field) for impossible input, e.g. stop before start.

    >>> build_stimulus("step", {"amplitude": 14, "start": 10, "stop": None}, 100)
    Step(amplitude=14.0, start_ms=10.0, stop_ms=None, closed='neither')
    """
    if shape not in SHAPE_FIELDS or shape == "preset":
        raise ValueError(f"stimulus shape must be one of {SHAPES[1:]}, got {shape!r}")
    v = {name: check_field(name, values.get(name, FIELD_DEFAULTS[name]))
         for name in SHAPE_FIELDS[shape]}
    stop = v.get("stop")
    if stop is not None and stop >= duration_ms:
        stop = None
    if "stop" in v and stop is not None and stop <= v["start"]:
        raise ValueError(f"stimulus stop ({stop:g} ms) must be after start ({v['start']:g} ms)")
    if shape == "step":
        return Step(v["amplitude"], v["start"], stop)
    if shape == "pulses":
        if v["width"] > v["period"] and v["count"] > 1:
            raise ValueError(f"pulse width ({v['width']:g} ms) must not exceed the period "
                             f"({v['period']:g} ms)")
        return PulseTrain.regular(v["amplitude"], v["start"], v["width"], v["period"],
                                  v["count"])
    if shape == "ramp":
        ramp = Ramp(v["slope"], v["start"], stop)
        return ramp if v["offset"] == 0 else Constant(v["offset"]) + ramp
    if shape == "sine":
        return Sine(v["amplitude"], v["frequency"], v["offset"], 0.0, v["start"], stop)
    if shape == "noise":
        return OUNoise(v["mean"], v["sigma"], v["tau"], v["seed"], v["start"], stop)
    times, currents = parse_points(v["points"])
    return Piecewise(times, currents, "hold")


def designer_from_stimulus(stimulus: Stimulus) -> tuple[str, dict[str, Any]] | None:
    """The designer shape and fields that rebuild ``stimulus`` exactly, if there are any.

    Used to prefill the designer from a preset's protocol (Step, Ramp, regular pulse trains,
    constant + ramp); None for protocols the designer cannot express as one shape.
    """
    if isinstance(stimulus, Step) and stimulus.closed == "neither":
        return "step", {"amplitude": stimulus.amplitude, "start": stimulus.start_ms,
                        "stop": stimulus.stop_ms}
    if isinstance(stimulus, Ramp) and stimulus.closed == "neither":
        return "ramp", {"slope": stimulus.slope_per_ms, "start": stimulus.start_ms,
                        "stop": stimulus.stop_ms, "offset": 0.0}
    if (isinstance(stimulus, Sum) and len(stimulus.terms) == 2
            and isinstance(stimulus.terms[0], Constant) and isinstance(stimulus.terms[1], Ramp)
            and stimulus.terms[1].closed == "neither"):
        ramp = stimulus.terms[1]
        return "ramp", {"slope": ramp.slope_per_ms, "start": ramp.start_ms,
                        "stop": ramp.stop_ms, "offset": stimulus.terms[0].amplitude}
    if isinstance(stimulus, PulseTrain):
        onsets = stimulus.onsets_ms
        period = onsets[1] - onsets[0] if len(onsets) > 1 else 20.0
        candidate = PulseTrain.regular(stimulus.amplitude, onsets[0], stimulus.width_ms,
                                       period, len(onsets)) if period > 0 else None
        if candidate == stimulus:
            return "pulses", {"amplitude": stimulus.amplitude, "start": onsets[0],
                              "width": stimulus.width_ms, "period": period,
                              "count": len(onsets)}
    return None


_PARAM_KEYS = ("a", "b", "c", "d", "k1", "k0")


@dataclass(frozen=True)
class PanelState:
    """Everything the panel shows that a share link must carry.

    ``stim`` is None for the preset's own protocol, else a dict ``{"shape": ..., field:
    value, ...}`` of the designer (see `SHAPE_FIELDS`).
    """

    preset: str = DEFAULT_PRESET
    a: float = 0.02
    b: float = 0.2
    c: float = -65.0
    d: float = 6.0
    k1: float = 5.0
    k0: float = 140.0
    recovery: str = "standard"
    v0: float = -70.0
    u0: float = -14.0
    duration: float = 100.0
    dt: float = 0.25
    numerics: str = "published"
    stim: Mapping[str, Any] | None = field(default=None)

    @classmethod
    def from_preset(cls, key: str) -> "PanelState":
        """The state right after choosing preset ``key``."""
        if key not in PRESETS:
            raise ValueError(f"preset: unknown preset {key!r}")
        p = PRESETS[key]
        q = p.params
        return cls(preset=key, a=q.a, b=q.b, c=q.c, d=q.d, k1=q.k1, k0=q.k0,
                   recovery=q.recovery, v0=p.v0_mV, u0=float(p.initial_u),
                   duration=p.duration_ms, dt=p.dt_ms, numerics="published", stim=None)

    @property
    def preset_obj(self) -> Preset:
        return PRESETS[self.preset]

    def params(self) -> IzhikevichParams:
        """The model parameters (validated: ValueError names the field)."""
        base = self.preset_obj.params
        return base.with_values(a=self.a, b=self.b, c=self.c, d=self.d, k1=self.k1,
                                k0=self.k0, recovery=self.recovery)

    def stimulus(self) -> Stimulus:
        """The stimulus on screen (the preset's protocol or the designer's)."""
        if self.stim is None:
            return self.preset_obj.stimulus
        stim = dict(self.stim)
        return build_stimulus(stim.pop("shape"), stim, self.duration)

    def check(self) -> "PanelState":
        """Validate every field against the panel's bounds; return self."""
        _validate_state(self)
        return self

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["stim"] = None if self.stim is None else dict(self.stim)
        return out


def _validate_state(state: PanelState) -> None:
    if state.preset not in PRESETS:
        raise ValueError(f"preset: unknown preset {state.preset!r}")
    for name in _PARAM_KEYS:
        value = getattr(state, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
        lo, hi = PARAM_LIMITS[name]
        if not lo <= value <= hi:
            raise ValueError(f"{name} must be between {lo:g} and {hi:g}, got {value:g}")
    if state.recovery not in RECOVERY_FORMS:
        raise ValueError(f"recovery must be one of {RECOVERY_FORMS}, got {state.recovery!r}")
    if state.numerics not in NUMERICS:
        raise ValueError(f"numerics must be one of {NUMERICS}, got {state.numerics!r}")
    checks = {"v0": (-200.0, 100.0), "u0": (-1000.0, 1000.0),
              "duration": (1e-9, PANEL_MAX_DURATION_MS),
              "dt": (PANEL_MIN_DT_MS, PANEL_MAX_DT_MS)}
    for name, (lo, hi) in checks.items():
        value = getattr(state, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
        if name == "duration" and value <= 0:
            raise ValueError(f"duration must be > 0 ms, got {value:g}")
        if not lo <= value <= hi:
            raise ValueError(f"{name} must be between {lo:g} and {hi:g}, got {value:g}")
    if state.stim is not None:
        _check_stim(state.stim)


def _check_stim(stim: Any) -> dict[str, Any]:
    if not isinstance(stim, Mapping):
        raise ValueError("stim must be a JSON object")
    shape = stim.get("shape")
    if shape not in SHAPE_FIELDS or shape == "preset":
        raise ValueError(f"stim.shape must be one of {SHAPES[1:]}, got {shape!r}"[:120])
    allowed = set(SHAPE_FIELDS[shape])
    unknown = set(stim) - allowed - {"shape"}
    if unknown:
        raise ValueError(f"stim: unknown field(s) {sorted(map(str, unknown))[:5]} for shape "
                         f"{shape!r}"[:160])
    out: dict[str, Any] = {"shape": shape}
    for name in SHAPE_FIELDS[shape]:
        try:
            out[name] = check_field(name, stim.get(name, FIELD_DEFAULTS[name]))
        except ValueError as exc:
            text = str(exc)
            raise ValueError(text if text.startswith("stim") else f"stim.{text}") from None
    return out


# ---------------------------------------------------------------------------------------
# query string

#: Query keys in the order they are written.
QUERY_KEYS = ("preset", "a", "b", "c", "d", "k1", "k0", "recovery", "v0", "u0", "duration",
              "dt", "numerics", "stim")
_FLOAT_KEYS = ("a", "b", "c", "d", "k1", "k0", "v0", "u0", "duration", "dt")


def encode_state(state: PanelState) -> str:
    """The query string for ``state`` (without '?'): the preset, then what differs from it.

    >>> from dataclasses import replace
    >>> encode_state(replace(PanelState.from_preset("C"), d=4.0, stim={"shape": "step",
    ...     "amplitude": 10.0, "start": 20.0, "stop": None}))
    'preset=C&d=4&stim=%7B%22shape%22:%22step%22,%22amplitude%22:10.0,%22start%22:20.0,%22stop%22:null%7D'
    """
    base = PanelState.from_preset(state.preset)
    pairs: list[tuple[str, str]] = [("preset", state.preset)]
    for key in QUERY_KEYS[1:]:
        value = getattr(state, key)
        if value == getattr(base, key):
            continue
        if key == "stim":
            text = json.dumps(dict(value), separators=(",", ":"), allow_nan=False)
            pairs.append((key, text))
        elif key in _FLOAT_KEYS:
            pairs.append((key, _num(value)))
        else:
            pairs.append((key, str(value)))
    return urlencode(pairs, safe=":,")


def _reject_constant(name: str):
    raise ValueError(f"stim: {name} is not allowed")


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"stim: duplicate field {key!r}"[:80])
        out[key] = value
    return out


def decode_state(query: str) -> PanelState:
    """Parse a share query string strictly (see the module docstring).

    An empty string gives the default preset's state. Raises ValueError naming the field.
    """
    if not isinstance(query, str):
        raise ValueError("query string must be text")
    query = query.strip()
    if query.startswith("?"):
        query = query[1:]
    if len(query) > MAX_QUERY_CHARS:
        raise ValueError(f"query string: longer than {MAX_QUERY_CHARS} characters")
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query),
                          max_num_fields=len(QUERY_KEYS))
    except ValueError as exc:
        raise ValueError(f"query string: malformed ({exc})"[:160]) from None
    seen: dict[str, str] = {}
    for key, value in pairs:
        if key not in QUERY_KEYS:
            raise ValueError(f"query string: unknown key {key[:30]!r}")
        if key in seen:
            raise ValueError(f"{key}: given more than once")
        seen[key] = value
    preset = seen.get("preset", DEFAULT_PRESET)
    if not _PRESET_RE.match(preset) or preset not in PRESETS:
        raise ValueError(f"preset: unknown preset {preset[:30]!r}")
    changes: dict[str, Any] = {}
    for key in _FLOAT_KEYS:
        if key in seen:
            changes[key] = parse_number(key, seen[key])
    if "recovery" in seen:
        if seen["recovery"] not in RECOVERY_FORMS:
            raise ValueError(f"recovery must be one of {RECOVERY_FORMS}, "
                             f"got {seen['recovery'][:30]!r}")
        changes["recovery"] = seen["recovery"]
    if "numerics" in seen:
        if seen["numerics"] not in NUMERICS:
            raise ValueError(f"numerics must be one of {NUMERICS}, "
                             f"got {seen['numerics'][:30]!r}")
        changes["numerics"] = seen["numerics"]
    if "stim" in seen:
        text = seen["stim"]
        if len(text) > MAX_STIM_JSON_CHARS:
            raise ValueError(f"stim: longer than {MAX_STIM_JSON_CHARS} characters")
        try:
            data = json.loads(text, parse_constant=_reject_constant,
                              object_pairs_hook=_no_duplicates)
        except ValueError as exc:
            if str(exc).startswith("stim:"):
                raise
            raise ValueError("stim: not valid JSON") from None
        except RecursionError:
            raise ValueError("stim: nested too deeply") from None
        changes["stim"] = _check_stim(data)
    state = replace(PanelState.from_preset(preset), **changes)
    return state.check()


def state_fields() -> tuple[str, ...]:
    """Names of `PanelState` fields (for tests)."""
    return tuple(f.name for f in fields(PanelState))
