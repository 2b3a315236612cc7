"""The explorer's state and its share link.

`PanelState` is everything the panel shows: preset, parameters, initial state, the
stimulus (None = the preset's own protocol), duration, numerics and step. The share
link writes it as ``preset=P&a=0.1&...&stim=<json>``, listing only what differs from
the preset; ``stim`` carries exactly `Stimulus.to_dict` (the stimulus registry's
vocabulary). Links written by older versions (``{"shape": "pulses", ...}``) still
decode.

`read_query` reads a link leniently: every valid field is kept and every invalid one
is named in ``problems``. `decode_state` is the strict form (raises on the first
problem). Both match numbers with a regular expression, check ranges, and validate the
stimulus JSON field by field; nothing is ever evaluated.

Examples
--------
>>> from izhi_widgets.app.state import decode_state, encode_state, read_query
>>> state = decode_state("preset=P&a=0.05")
>>> state.preset, state.a, state.b
('P', 0.05, 0.26)
>>> encode_state(state)
'preset=P&a=0.05'
>>> state, problems = read_query("preset=P&a=nan&d=1")
>>> state.a, state.d, problems
(0.1, 1.0, ["a: 'nan' is not a number"])
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ..params import IzhikevichParams
from ..presets import PRESETS, Preset
from ..result import time_grid
from ..limits import MAX_SAMPLES
from ..stimulus import Step, Stimulus, Sum, stimulus_from_dict
from ..validation import check_number
from .fields import PANEL_FIELDS, parse_number
from .legacy import legacy_stimulus

__all__ = ["PanelState", "DEFAULT_PRESET", "encode_state", "decode_state", "read_query",
           "parse_kicks", "MAX_KICKS",
           "MAX_QUERY_CHARS", "MAX_STIM_JSON_CHARS", "QUERY_KEYS"]

DEFAULT_PRESET = "A"
#: Longest accepted query string and stimulus JSON (characters).
MAX_QUERY_CHARS = 4000
MAX_STIM_JSON_CHARS = 2500
#: Query keys in the order they are written.
QUERY_KEYS = ("preset", "a", "b", "c", "d", "k1", "k0", "recovery", "v0", "u0", "duration",
              "dt", "numerics", "stim", "kicks")
#: Most kicks a state may hold, and the largest one (mV).
MAX_KICKS = 20
MAX_KICK_MV = 200.0
_NUMBER_KEYS = ("a", "b", "c", "d", "k1", "k0", "v0", "u0", "duration", "dt")


@dataclass(frozen=True)
class PanelState:
    """Everything the panel shows that a share link must carry.

    ``u0`` None means "at rest", ``u0 = b·v0`` (how the papers start); ``stim`` None
    means the preset's own protocol.
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
    u0: float | None = None
    duration: float = 100.0
    dt: float = 0.25
    numerics: str = "published"
    stim: Stimulus | None = None
    kicks: tuple[tuple[float, float], ...] = ()

    @classmethod
    def from_preset(cls, key: str) -> "PanelState":
        """The state right after choosing preset ``key``."""
        if key not in PRESETS:
            raise ValueError(f"preset: unknown preset {str(key)[:30]!r}")
        p = PRESETS[key]
        q = p.params
        return cls(preset=key, a=q.a, b=q.b, c=q.c, d=q.d, k1=q.k1, k0=q.k0,
                   recovery=q.recovery, v0=p.v0_mV, u0=p.u0, duration=p.duration_ms,
                   dt=p.dt_ms, numerics="published", stim=None)

    @property
    def preset_obj(self) -> Preset:
        return PRESETS[self.preset]

    def params(self) -> IzhikevichParams:
        """The model parameters (validated: ValueError names the field)."""
        return self.preset_obj.params.with_values(a=self.a, b=self.b, c=self.c, d=self.d,
                                                  k1=self.k1, k0=self.k0,
                                                  recovery=self.recovery)

    def stimulus(self) -> Stimulus:
        """The stimulus on screen (the preset's protocol or the designed one), plus the
        kicks: each ``(t, dv)`` is one step-long pulse of ``dv / dt`` at the grid time
        nearest ``t``, so the scheme adds exactly ``dv`` to v there."""
        base = self.preset_obj.stimulus if self.stim is None else self.stim
        if not self.kicks:
            return base
        pulses = [Step(dv / self.dt, (round(t / self.dt) - 0.5) * self.dt,
                       (round(t / self.dt) + 0.5) * self.dt) for t, dv in self.kicks]
        return Sum((base, *pulses))

    @property
    def initial_u(self) -> float:
        """The u0 a run starts from: the chosen one, or b·v0 at rest."""
        return self.params().default_u0(self.v0) if self.u0 is None else self.u0

    def n_steps(self) -> int:
        return len(time_grid(self.duration, self.dt))

    def check(self) -> "PanelState":
        """Validate every field against the panel's bounds (ValueError names the field
        in the panel's words); return self."""
        if self.preset not in PRESETS:
            raise ValueError(f"preset: unknown preset {str(self.preset)[:30]!r}")
        for key in ("a", "b", "c", "d", "k1", "k0", "v0", "duration", "dt", "recovery",
                    "numerics"):
            PANEL_FIELDS[key].parse(getattr(self, key))
        if self.u0 is not None:
            PANEL_FIELDS["u0"].parse(self.u0)
        _check_kicks(self.kicks, self.duration)
        if self.stim is not None and not isinstance(self.stim, Stimulus):
            raise ValueError(f"stimulus must be a Stimulus, got {type(self.stim).__name__}")
        self.params()  # cross-field checks (c below the peak)
        n = self.n_steps()
        if n > MAX_SAMPLES:
            raise ValueError(f"duration (ms) / dt (ms) = {n - 1} steps, more than the "
                             f"{MAX_SAMPLES - 1} a run may take: raise dt or shorten the "
                             f"duration")
        return self

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["stim"] = None if self.stim is None else self.stim.to_dict()
        return out


# ---------------------------------------------------------------------------------------
# the query string


def _number_text(x: float) -> str:
    """Shortest text that reads back as the same float ('10' for 10.0)."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def encode_state(state: PanelState) -> str:
    """The query string for ``state`` (without '?'): the preset, then what differs from it.

    >>> from dataclasses import replace
    >>> from izhi_widgets.stimulus import Step
    >>> encode_state(replace(PanelState.from_preset("C"), d=4.0, stim=Step(10.0, 20.0)))
    'preset=C&d=4&stim=%7B%22kind%22:%22step%22,%22amplitude%22:10.0,%22start_ms%22:20.0,%22stop_ms%22:null,%22closed%22:%22neither%22%7D'
    """
    base = PanelState.from_preset(state.preset)
    pairs: list[tuple[str, str]] = [("preset", state.preset)]
    for key in QUERY_KEYS[1:]:
        value = getattr(state, key)
        if value == getattr(base, key):
            continue
        if key == "stim":
            text = json.dumps(value.to_dict(), separators=(",", ":"), allow_nan=False)
            pairs.append((key, text))
        elif key == "kicks":
            pairs.append((key, ",".join(f"{_number_text(t)}:{_number_text(dv)}"
                                        for t, dv in value)))
        elif key == "u0" and value is None:
            pairs.append((key, "rest"))
        elif key in _NUMBER_KEYS:
            pairs.append((key, _number_text(value)))
        else:
            pairs.append((key, str(value)))
    return urlencode(pairs, safe=":,")


def _reject_constant(name: str):
    raise ValueError(f"stim: {name} is not allowed")


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"stim: duplicate field {str(key)[:30]!r}")
        out[key] = value
    return out


def _read_stim(text: str) -> Stimulus:
    if len(text) > MAX_STIM_JSON_CHARS:
        raise ValueError(f"stim: longer than {MAX_STIM_JSON_CHARS} characters")
    try:
        data = json.loads(text, parse_constant=_reject_constant,
                          object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise ValueError("stim: nested too deeply") from None
    except ValueError as exc:
        if str(exc).startswith("stim:"):
            raise
        raise ValueError("stim: not valid JSON") from None
    if not isinstance(data, dict):
        raise ValueError("stim must be a JSON object")
    try:
        if "shape" in data and "kind" not in data:
            return legacy_stimulus(data)
        return stimulus_from_dict(data)
    except (ValueError, TypeError) as exc:
        text = str(exc)
        raise ValueError(text if text.startswith("stim") else f"stim: {text}"[:200]) from None


def _check_kicks(kicks: Any, duration: float) -> tuple[tuple[float, float], ...]:
    if not isinstance(kicks, tuple) or len(kicks) > MAX_KICKS:
        raise ValueError(f"kicks: at most {MAX_KICKS} (t, dv) pairs")
    for t, dv in kicks:
        check_number("kick time (ms)", t, 0.0, duration, unit="ms")
        check_number("kick dv (mV)", dv, -MAX_KICK_MV, MAX_KICK_MV, unit="mV")
    return kicks


def parse_kicks(text: str) -> tuple[tuple[float, float], ...]:
    """``"t:dv,t:dv"`` (ms : mV) strictly into pairs sorted by time ('' -> no kicks).

    >>> parse_kicks("50:5, 20:-3")
    ((20.0, -3.0), (50.0, 5.0))
    """
    if not isinstance(text, str) or len(text) > 40 * MAX_KICKS:
        raise ValueError("kicks: give t:dv pairs such as 50:5, 120:-3")
    pairs = []
    for k, item in enumerate([i for i in text.split(",") if i.strip()], 1):
        parts = item.split(":")
        if len(parts) != 2:
            raise ValueError(f"kicks: pair {k} ({item.strip()[:20]!r}) is not t:dv")
        pairs.append((parse_number("kick time (ms)", parts[0]),
                      parse_number("kick dv (mV)", parts[1])))
    if len(pairs) > MAX_KICKS:
        raise ValueError(f"kicks: at most {MAX_KICKS} (t, dv) pairs")
    return tuple(sorted(pairs))


def _read_value(key: str, text: str) -> Any:
    if key == "stim":
        return _read_stim(text)
    if key == "kicks":
        return parse_kicks(text)
    if key == "u0" and text == "rest":
        return None
    if key in _NUMBER_KEYS:
        return PANEL_FIELDS[key].parse(parse_number(key, text))
    return PANEL_FIELDS[key].parse(text)


def _pairs(query: Any) -> list[tuple[str, str]]:
    if not isinstance(query, str):
        raise ValueError("query string must be text")
    query = query.strip()
    if query.startswith("?"):
        query = query[1:]
    if len(query) > MAX_QUERY_CHARS:
        raise ValueError(f"query string: longer than {MAX_QUERY_CHARS} characters")
    try:
        return parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query),
                         max_num_fields=len(QUERY_KEYS))
    except ValueError as exc:
        raise ValueError(f"query string: malformed ({exc})"[:160]) from None


def read_query(query: str) -> tuple[PanelState, list[str]]:
    """Read a share query string leniently: ``(state, problems)``.

    Every valid field is applied (in `QUERY_KEYS` order, each checked together with the
    ones before it); every invalid one is left at the preset's value and named in
    ``problems``. An unreadable string gives the default preset and one problem.
    """
    try:
        pairs = _pairs(query)
    except ValueError as exc:
        return PanelState.from_preset(DEFAULT_PRESET), [str(exc)]
    problems: list[str] = []
    seen: dict[str, str] = {}
    for key, value in pairs:
        if key not in QUERY_KEYS:
            problems.append(f"unknown key {key[:30]!r}")
        elif key in seen:
            problems.append(f"{key}: given more than once")
        else:
            seen[key] = value
    preset = seen.pop("preset", DEFAULT_PRESET)
    if preset not in PRESETS:
        problems.append(f"preset: unknown preset {preset[:30]!r}")
        preset = DEFAULT_PRESET
    state = PanelState.from_preset(preset)
    for key in QUERY_KEYS[1:]:
        if key not in seen:
            continue
        try:
            candidate = replace(state, **{key: _read_value(key, seen[key])})
            candidate.check()
        except ValueError as exc:
            text = str(exc)
            problems.append(text if text.startswith(key) or key in text.split(" ")[0]
                            else f"{key}: {text}")
            continue
        state = candidate
    return state, problems


def decode_state(query: str) -> PanelState:
    """Parse a share query string strictly: ValueError naming the first invalid field.

    An empty string gives the default preset's state.
    """
    state, problems = read_query(query)
    if problems:
        raise ValueError(problems[0])
    return state
