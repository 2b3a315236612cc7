"""The stimulus designer's logic (no widgets): one shape from the registry plus a baseline.

A `Design` is a registered stimulus kind, its field values and a constant baseline
added to it. The designer offers every registered shape that has a ``title``
(`designer_kinds`), reads typed text strictly (`design_from_texts`, messages in the
panel's words), and starts a newly chosen shape from the stimulus on screen
(`seed_design`): a preset's amplitude, window and baseline carry over, so switching
K's protocol to periodic pulses keeps its 0.65 amplitude and S's step keeps its 80
baseline.

Examples
--------
>>> from izhi_widgets import PRESETS
>>> from izhi_widgets.app.designer import decompose, seed_design
>>> decompose(PRESETS["S"].stimulus)
Design(kind='step', values={'amplitude': -5.0, 'start_ms': 50.0, 'stop_ms': 250.0, 'closed': 'both'}, baseline=80.0)
>>> seed_design(PRESETS["K"].stimulus, "periodic_pulses", 400).values["amplitude"]
0.65
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from ..stimulus import STIMULUS_KINDS, Constant, Stimulus, Sum
from .fields import format_value, parse_number, parse_numbers

__all__ = ["Design", "designer_kinds", "decompose", "seed_design", "design_from_texts",
           "design_texts", "BASELINE_LABEL"]

BASELINE_LABEL = "baseline"
#: Grid (ms) on which a protocol is read into piecewise breakpoints.
_POINTS_GRID_MS = 0.05
_MAX_SEED_POINTS = 40


def designer_kinds() -> tuple[str, ...]:
    """The registered kinds the designer offers (those with a menu title), in order."""
    return tuple(kind for kind, cls in STIMULUS_KINDS.items() if cls.title)


@dataclass(frozen=True)
class Design:
    """A shape of the registry with its field values, plus a constant baseline."""

    kind: str
    values: Mapping[str, Any] = field(default_factory=dict)
    baseline: float = 0.0

    def stimulus(self) -> Stimulus:
        """The designed stimulus (``Constant(baseline) + shape`` when the baseline is not 0)."""
        cls = STIMULUS_KINDS[self.kind]
        shape = cls(**dict(self.values))
        if self.baseline == 0.0:
            return shape
        if isinstance(shape, Constant):
            return Constant(self.baseline + shape.amplitude)
        return Constant(self.baseline) + shape


def decompose(stimulus: Stimulus) -> Design | None:
    """The design that rebuilds ``stimulus`` exactly, or None (e.g. two pulses of
    different amplitudes, as in preset P)."""
    parts = stimulus.terms if isinstance(stimulus, Sum) else (stimulus,)
    constants = [p for p in parts if isinstance(p, Constant)]
    others = [p for p in parts if not isinstance(p, Constant)]
    if len(others) > 1 or len(constants) > 1 or any(isinstance(p, Sum) for p in others):
        return None
    if any(not type(p).title for p in others):
        return None
    baseline = constants[0].amplitude if constants else 0.0
    if not others:
        return Design("constant", {"amplitude": baseline})
    if constants and parts[0] is not constants[0]:
        return None  # Design.stimulus() puts the baseline first; keep the sum's order exact
    shape = others[0]
    values = {spec.name: getattr(shape, spec.name) for spec in shape.fields()}
    return Design(shape.kind, values, baseline)


def _seed_values(shape: Stimulus | None) -> dict[str, Any]:
    """Field values of ``shape`` plus the ones a related shape would call them."""
    if shape is None:
        return {}
    seed = {spec.name: getattr(shape, spec.name) for spec in shape.fields()}
    onsets = seed.get("onsets_ms")
    if onsets is None and hasattr(shape, "onsets"):
        onsets = tuple(shape.onsets())
    if onsets:
        seed.setdefault("start_ms", onsets[0])
        seed.setdefault("count", len(onsets))
        seed["onsets_ms"] = tuple(onsets)
        if len(onsets) > 1 and onsets[1] > onsets[0]:
            seed.setdefault("period_ms", onsets[1] - onsets[0])
    elif "start_ms" in seed:
        seed.setdefault("onsets_ms", (seed["start_ms"],))
    if seed.get("stop_ms") is not None and "start_ms" in seed:
        seed.setdefault("width_ms", seed["stop_ms"] - seed["start_ms"])
    if "amplitude" in seed:
        seed.setdefault("mean", seed["amplitude"])
    elif "mean" in seed:
        seed["amplitude"] = seed["mean"]
    return seed


def _protocol_points(stimulus: Stimulus, duration_ms: float):
    """A piecewise-constant protocol as ``(times, values)`` breakpoints on a 0.05 ms grid
    (None when it is not piecewise constant with few pieces)."""
    t = np.round(np.arange(0.0, duration_ms + 1e-9, _POINTS_GRID_MS), 10)
    values = stimulus.current(t)
    change = np.flatnonzero(np.diff(values) != 0) + 1
    if len(change) > _MAX_SEED_POINTS:
        return None
    times, levels = [0.0], [float(values[0])]
    for i in change:
        at = float(t[i - 1])  # an open window: the new value holds just after this time
        if at <= times[-1]:
            levels[-1] = float(values[i])
        else:
            times.append(at)
            levels.append(float(values[i]))
    return tuple(times), tuple(levels)


def seed_design(stimulus: Stimulus, kind: str, duration_ms: float) -> Design:
    """A design of ``kind`` that starts from ``stimulus``: matching fields (amplitude,
    window, onsets, width, ...) and its baseline carry over; the rest take defaults."""
    cls = STIMULUS_KINDS[kind]
    same = decompose(stimulus)
    if same is not None and same.kind == kind:
        return same
    parts = stimulus.terms if isinstance(stimulus, Sum) else (stimulus,)
    baseline = sum(p.amplitude for p in parts if isinstance(p, Constant))
    main = next((p for p in parts if not isinstance(p, Constant)), None)
    defaults = cls.defaults()
    if kind == "piecewise":
        points = _protocol_points(stimulus, duration_ms)
        if points is not None:
            defaults.update(times_ms=points[0], values=points[1])
            return Design(kind, defaults, 0.0)
    seed = _seed_values(main)
    if kind == "constant":
        return Design(kind, {"amplitude": float(baseline)}, 0.0)
    values = {name: seed.get(name, default) for name, default in defaults.items()}
    for candidate in (values, defaults):
        try:
            cls(**candidate)
        except (ValueError, TypeError):
            continue
        return Design(kind, candidate, float(baseline))
    return Design(kind, defaults, 0.0)


def design_texts(design: Design) -> dict[str, Any]:
    """What the designer's boxes show for ``design`` (text for numbers, the value of
    choices), plus the baseline under `BASELINE_LABEL`."""
    out: dict[str, Any] = {}
    for spec in STIMULUS_KINDS[design.kind].fields():
        value = design.values.get(spec.name)
        out[spec.name] = value if spec.kind == "choice" else format_value(value)
    out[BASELINE_LABEL] = format_value(design.baseline)
    return out


def _panel_words(message: str, cls: type[Stimulus]) -> str:
    """'Step.stop_ms must be after start_ms' -> 'stop (ms) must be after start (ms)'."""
    for spec in cls.fields():
        message = re.sub(rf"\b(?:{cls.__name__}\.)?{spec.name}\b", spec.title, message)
    return message


def design_from_texts(kind: str, texts: Mapping[str, Any]) -> Design:
    """Parse the designer's boxes strictly into a validated `Design`.

    Raises ValueError in the panel's words, naming the field ("stop (ms): 'x' is not a
    number", "stop (ms) must be after start (ms) ...").
    """
    if kind not in STIMULUS_KINDS or not STIMULUS_KINDS[kind].title:
        raise ValueError(f"stimulus shape must be one of {designer_kinds()}, got {kind!r}")
    cls = STIMULUS_KINDS[kind]
    values: dict[str, Any] = {}
    for spec in cls.fields():
        raw = texts.get(spec.name, "")
        if spec.kind == "choice":
            values[spec.name] = raw
        elif spec.kind == "floats":
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                raw = (raw,)  # one number, kept exact
            values[spec.name] = (tuple(raw) if isinstance(raw, (tuple, list)) else
                                 parse_numbers(spec.title, raw, max_len=spec.max_len))
        elif spec.optional and isinstance(raw, str) and raw.strip().lower() in ("", "end",
                                                                                "none"):
            values[spec.name] = None
        else:
            values[spec.name] = parse_number(spec.title, raw) if isinstance(raw, str) else raw
    baseline_text = texts.get(BASELINE_LABEL, "0")
    baseline = parse_number(BASELINE_LABEL, baseline_text) if isinstance(
        baseline_text, str) else baseline_text
    try:
        design = Design(kind, values, float(baseline))
        design.stimulus()
    except ValueError as exc:
        raise ValueError(_panel_words(str(exc), cls)) from None
    return design
