"""The machinery every stimulus shape shares: declared fields, validation, the registry.

A shape is a frozen dataclass whose fields are declared once with `quantity`,
`choice`, `numbers` or `terms` (label, unit, bounds, default, tooltip). From that one
declaration:

* `Stimulus.__post_init__` validates and normalises every field (a ``ValueError``
  names ``Shape.field`` and the allowed range);
* `Stimulus.to_dict` / `stimulus_from_dict` give the plain-data form (the share link
  carries exactly this vocabulary);
* the explorer's stimulus designer builds one control per field;
* "show code" writes the shape's numpy function into the script.

A subclass registers itself under its ``kind`` when it is defined, so adding a
shape is adding one class (and its numpy function) in `izhi_widgets.stimulus.shapes`.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, Callable, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from ..validation import check_number

__all__ = [
    "FieldSpec", "Stimulus", "STIMULUS_KINDS", "stimulus_from_dict", "quantity", "choice",
    "numbers", "terms", "MAX_ABS_CURRENT", "MAX_ABS_TIME_MS",
]

#: Largest |amplitude| a stimulus field may take; far beyond any published protocol
#: (|I| <= 80) but small enough that the model cannot overflow in one step.
MAX_ABS_CURRENT = 1.0e4
#: Times are bounded so that windows stay meaningful and arithmetic stays exact.
MAX_ABS_TIME_MS = 1.0e7


@dataclass(frozen=True)
class FieldSpec:
    """One declared field of a stimulus shape.

    ``kind`` is ``"float"``, ``"int"``, ``"choice"``, ``"floats"`` (a tuple of numbers)
    or ``"terms"`` (a tuple of stimuli). ``optional`` fields accept None (a window
    without an end). ``max_len`` bounds tuples; ``increasing`` requires strictly
    increasing tuples; ``lo_open`` excludes ``lo``.
    """

    name: str
    label: str
    kind: str = "float"
    unit: str = ""
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    optional: bool = False
    choices: tuple[str, ...] = ()
    max_len: int = 0
    increasing: bool = False
    tip: str = ""

    @property
    def title(self) -> str:
        """The label with its unit, as the panel shows it: ``"start (ms)"``."""
        return f"{self.label} ({self.unit})" if self.unit else self.label

    def check(self, owner: str, value: Any) -> Any:
        """``value`` validated and normalised (float, int, str, tuple or None)."""
        where = f"{owner}.{self.name}"
        if value is None and self.optional:
            return None
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ValueError(f"{where} must be one of {self.choices}, got {value!r}"[:160])
            return value
        if self.kind in ("floats", "terms"):
            if isinstance(value, (str, bytes, dict)):
                raise ValueError(f"{where} must be a sequence, got {value!r}"[:160])
            try:
                items = tuple(value)
            except TypeError:
                raise ValueError(f"{where} must be a sequence, got {value!r}"[:160]) from None
            if not 1 <= len(items) <= self.max_len:
                raise ValueError(f"{where} needs 1 to {self.max_len} entries, got {len(items)}")
            if self.kind == "terms":
                for item in items:
                    if not isinstance(item, Stimulus):
                        raise ValueError(f"{where} must all be stimuli, got {item!r}"[:160])
                return items
            items = tuple(check_number(where, x, self.lo, self.hi, unit=self.unit)
                          for x in items)
            if self.increasing and any(b <= a for a, b in zip(items, items[1:])):
                raise ValueError(f"{where} must be strictly increasing")
            return items
        integer = self.kind == "int"
        if integer and isinstance(value, (float, np.floating)):
            # 3.0 is a whole number, 3.5 is not: say so rather than truncate
            check_number(where, value, integer=True)
        return check_number(where, value, self.lo, self.hi, unit=self.unit, integer=integer,
                            lo_open=self.lo_open)


def _declare(spec: FieldSpec, default: Any) -> Any:
    return dataclasses.field(default=default, metadata={"spec": spec})


def quantity(default: float | None, label: str, *, unit: str = "", lo: float | None = None,
             hi: float | None = None, lo_open: bool = False, integer: bool = False,
             optional: bool = False, tip: str = "") -> Any:
    """Declare a number field (``integer=True``: a whole number; ``optional``: may be None)."""
    return _declare(FieldSpec("", label, "int" if integer else "float", unit, lo, hi, lo_open,
                              optional, tip=tip), default)


def choice(default: str, label: str, options: tuple[str, ...], *, tip: str = "") -> Any:
    """Declare a field taking one of ``options``."""
    return _declare(FieldSpec("", label, "choice", choices=options, tip=tip), default)


def numbers(default: tuple[float, ...], label: str, *, unit: str = "", lo: float | None = None,
            hi: float | None = None, max_len: int = 1000, increasing: bool = False,
            tip: str = "") -> Any:
    """Declare a field holding a tuple of numbers."""
    return _declare(FieldSpec("", label, "floats", unit, lo, hi, max_len=max_len,
                              increasing=increasing, tip=tip), default)


def terms(label: str, *, max_len: int = 64) -> Any:
    """Declare a field holding a tuple of stimuli (`Sum`)."""
    return _declare(FieldSpec("", label, "terms", max_len=max_len), ())


def window(t, start, stop, closed):
    """Inside the window: open ends (strict inequalities) unless `closed` includes them."""
    left = t >= start if closed in ("left", "both") else t > start
    if stop is None:
        return left
    return left & (t <= stop if closed in ("right", "both") else t < stop)


@functools.lru_cache(maxsize=None)
def _declared_fields(cls: type) -> tuple[FieldSpec, ...]:
    out = []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if "spec" not in f.metadata:
            raise TypeError(f"{cls.__name__}.{f.name} is not declared: use quantity(), "
                            f"choice(), numbers() or terms()")
        out.append(dataclasses.replace(f.metadata["spec"], name=f.name))
    return tuple(out)


#: kind name -> class, filled as shapes are defined.
STIMULUS_KINDS: dict[str, type["Stimulus"]] = {}


class Stimulus:
    """Base class: a current (model units) as a pure function of time (ms).

    Subclasses are frozen dataclasses that set ``kind``, ``title`` and ``function``
    (a plain numpy function ``f(t, *field_values)``: the app evaluates it and "show
    code" copies it into the script), declare their fields with `quantity` & co.,
    and may add cross-field checks in ``_check``.
    """

    kind: ClassVar[str] = ""
    #: Name in the designer's menu ('' keeps a shape out of the menu).
    title: ClassVar[str] = ""
    #: The numpy implementation, ``function(t, *values)`` in field order.
    function: ClassVar[Callable[..., np.ndarray] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kind = cls.__dict__.get("kind")
        if kind:
            if kind in STIMULUS_KINDS:
                raise TypeError(f"stimulus kind {kind!r} is registered twice")
            STIMULUS_KINDS[kind] = cls

    @classmethod
    def fields(cls) -> tuple[FieldSpec, ...]:
        """The declared fields, in order, with their names filled in."""
        return _declared_fields(cls)

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Field name -> declared default."""
        return {f.name: f.default for f in dataclasses.fields(cls)}  # type: ignore[arg-type]


    def __post_init__(self) -> None:
        owner = type(self).__name__
        for spec in self.fields():
            object.__setattr__(self, spec.name, spec.check(owner, getattr(self, spec.name)))
        self._check()

    def _check(self) -> None:
        """Cross-field checks (override); raise ValueError naming the field."""

    def field_values(self) -> tuple[Any, ...]:
        """The field values in declared order (the arguments of ``function``)."""
        return tuple(getattr(self, spec.name) for spec in self.fields())

    def current(self, t_ms: ArrayLike) -> np.ndarray:
        """Current at the times ``t_ms`` (vectorised, float64)."""
        t = np.asarray(t_ms, dtype=float)
        return np.broadcast_to(self._current(t), t.shape).astype(float, copy=True)

    def _current(self, t: np.ndarray) -> np.ndarray:
        return type(self).function(t, *self.field_values())  # type: ignore[misc]

    def breakpoints_ms(self, t_stop_ms: float | None = None) -> np.ndarray:
        """The times (ms) where the current may jump or lose smoothness, sorted and unique.

        Between two consecutive breakpoints the current is a smooth function of time: an
        ODE solver restarts at each of them (`izhi_widgets.exact`), and the engine's ODE
        modes split a step there. ``t_stop_ms`` bounds shapes with unboundedly many
        breakpoints (noise drawn on a grid); only times up to it are returned then.

        Examples
        --------
        >>> from izhi_widgets.stimulus import Constant, Pulse
        >>> (Constant(1.0) + Pulse(5.0, 10.0, 2.5)).breakpoints_ms().tolist()
        [10.0, 12.5]
        """
        times = np.asarray(self._breakpoints(t_stop_ms), dtype=float).reshape(-1)
        times = np.unique(times[np.isfinite(times)])
        if t_stop_ms is not None:
            times = times[times <= t_stop_ms]
        return times

    def _breakpoints(self, t_stop_ms: float | None) -> list[float] | np.ndarray:
        """Where this shape's current may jump or kink (every shape says; see `breakpoints_ms`)."""
        raise NotImplementedError(f"{type(self).__name__} does not say where its current "
                                  f"jumps (define _breakpoints)")

    def __add__(self, other: "Stimulus") -> "Stimulus":
        if not isinstance(other, Stimulus):
            return NotImplemented
        from .shapes import Sum

        left = self.terms if isinstance(self, Sum) else (self,)
        right = other.terms if isinstance(other, Sum) else (other,)
        return Sum(left + right)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-safe), inverse of `stimulus_from_dict`."""
        out: dict[str, Any] = {"kind": self.kind}
        for spec in self.fields():
            value = getattr(self, spec.name)
            if isinstance(value, tuple):
                value = [v.to_dict() if isinstance(v, Stimulus) else v for v in value]
            out[spec.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Stimulus":
        """Inverse of `to_dict` (see `stimulus_from_dict`); on a subclass, the kind must match."""
        stim = stimulus_from_dict(data)
        if not isinstance(stim, cls):
            raise ValueError(f"expected a {cls.__name__} stimulus, got kind {stim.kind!r}")
        return stim

    def describe(self) -> str:
        """One-line human description."""
        return repr(self)


#: Deepest nesting of sums `stimulus_from_dict` accepts.
MAX_DEPTH = 4


def stimulus_from_dict(data: Any, *, _depth: int = 0) -> Stimulus:
    """Rebuild a stimulus from `Stimulus.to_dict` output.

    Only registered kinds and their declared field names are accepted; the values are
    validated by the shape. Nothing is evaluated. Raises ValueError on anything else.

    Examples
    --------
    >>> from izhi_widgets.stimulus import Step, stimulus_from_dict
    >>> stimulus_from_dict(Step(14, 10).to_dict()) == Step(14, 10)
    True
    >>> stimulus_from_dict({"kind": "step", "amplitude": "1+1"})
    Traceback (most recent call last):
    ...
    ValueError: Step.amplitude must be a number, got '1+1'
    """
    if not isinstance(data, dict):
        raise ValueError(f"stimulus must be a dict, got {type(data).__name__}")
    if _depth > MAX_DEPTH:
        raise ValueError(f"stimulus: sums nested more than {MAX_DEPTH} deep")
    kind = data.get("kind")
    cls = STIMULUS_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"stimulus kind must be one of {sorted(STIMULUS_KINDS)}, "
                         f"got {kind!r}"[:200])
    specs = {spec.name: spec for spec in cls.fields()}
    unknown = set(data) - set(specs) - {"kind"}
    if unknown:
        raise ValueError(f"{cls.__name__} has no field(s) {sorted(map(str, unknown))[:5]}"[:160])
    kwargs = {}
    for key, value in data.items():
        if key == "kind":
            continue
        if specs[key].kind == "terms":
            if not isinstance(value, (list, tuple)):
                raise ValueError(f"{cls.__name__}.{key} must be a list")
            value = tuple(stimulus_from_dict(item, _depth=_depth + 1) for item in value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[key] = value
    return cls(**kwargs)
