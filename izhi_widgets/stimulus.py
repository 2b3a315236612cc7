"""Injected-current stimuli as small frozen dataclasses.

Every stimulus is a pure function of time: ``stim.current(t_ms)`` takes an
array of times in milliseconds and returns the current (in the model's
dimensionless units) at those times. Windows follow the published protocols:
they are *open* intervals unless ``closed`` says otherwise, so a step "for
t > 10" is zero at exactly ``t = 10``.

Stimuli add up (``Step(...) + Pulse(...)`` is a `Sum`) and round-trip through
``to_dict()`` / `stimulus_from_dict` so a panel state can be exported and
shared without ever evaluating user text.

Examples
--------
>>> import numpy as np
>>> from izhi_widgets.stimulus import Step, Constant
>>> stim = Constant(0.24) + Step(1.0, start_ms=37.5, stop_ms=42.5)
>>> stim.current(np.array([37.5, 40.0, 42.5])).tolist()
[0.24, 1.24, 0.24]
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "Stimulus",
    "Constant",
    "Step",
    "Pulse",
    "PulseTrain",
    "Ramp",
    "Sine",
    "OUNoise",
    "Piecewise",
    "Sum",
    "stimulus_from_dict",
    "STIMULUS_KINDS",
    "MAX_ABS_CURRENT",
]

#: Largest |amplitude| a stimulus field may take; far beyond any published protocol
#: (|I| <= 80) but small enough that the model cannot overflow in one step.
MAX_ABS_CURRENT = 1.0e4
#: Times are bounded so that windows stay meaningful and arithmetic stays exact.
MAX_ABS_TIME_MS = 1.0e7

_CLOSED_CHOICES = ("neither", "left", "right", "both")


def _check_number(owner: str, name: str, value: Any, *, lo: float | None = None,
                  hi: float | None = None, positive: bool = False) -> float:
    """Return ``value`` as float or raise a ValueError naming ``owner.name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{owner}.{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{owner}.{name} must be finite, got {value!r}")
    if positive and value <= 0:
        raise ValueError(f"{owner}.{name} must be > 0, got {value!r}")
    if lo is not None and value < lo:
        raise ValueError(f"{owner}.{name} must be >= {lo:g}, got {value!r}")
    if hi is not None and value > hi:
        raise ValueError(f"{owner}.{name} must be <= {hi:g}, got {value!r}")
    return value


def _window(t: np.ndarray, start: float, stop: float | None, closed: str) -> np.ndarray:
    """Boolean mask of ``t`` inside the window (open ends unless ``closed`` says)."""
    left = t >= start if closed in ("left", "both") else t > start
    if stop is None:
        return left
    right = t <= stop if closed in ("right", "both") else t < stop
    return left & right


class Stimulus:
    """Base class: a current as a function of time (ms)."""

    #: Name used in ``to_dict()['kind']``.
    kind: ClassVar[str] = ""

    def current(self, t_ms: ArrayLike) -> np.ndarray:
        """Current at the times ``t_ms`` (vectorised, float64)."""
        t = np.asarray(t_ms, dtype=float)
        return np.broadcast_to(self._current(t), t.shape).astype(float, copy=True)

    def _current(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __add__(self, other: "Stimulus") -> "Sum":
        if not isinstance(other, Stimulus):
            return NotImplemented
        left = self.terms if isinstance(self, Sum) else (self,)
        right = other.terms if isinstance(other, Sum) else (other,)
        return Sum(left + right)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-safe), inverse of `stimulus_from_dict`."""
        out: dict[str, Any] = {"kind": self.kind}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = [v.to_dict() if isinstance(v, Stimulus) else v for v in value]
            out[f.name] = value
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


@dataclass(frozen=True)
class Constant(Stimulus):
    """A constant current for all t (a baseline)."""

    amplitude: float = 0.0
    kind: ClassVar[str] = "constant"

    def __post_init__(self) -> None:
        object.__setattr__(self, "amplitude", _check_number(
            "Constant", "amplitude", self.amplitude, lo=-MAX_ABS_CURRENT, hi=MAX_ABS_CURRENT))

    def _current(self, t: np.ndarray) -> np.ndarray:
        return np.full(t.shape, self.amplitude)

    def describe(self) -> str:
        return f"I = {self.amplitude:g}"


@dataclass(frozen=True)
class Step(Stimulus):
    """``amplitude`` for ``start_ms < t`` (and ``t < stop_ms``), else 0.

    ``closed`` ('neither', 'left', 'right', 'both') includes the window's ends.
    """

    amplitude: float = 10.0
    start_ms: float = 0.0
    stop_ms: float | None = None
    closed: str = "neither"
    kind: ClassVar[str] = "step"

    def __post_init__(self) -> None:
        name = type(self).__name__
        object.__setattr__(self, "amplitude", _check_number(
            name, "amplitude", self.amplitude, lo=-MAX_ABS_CURRENT, hi=MAX_ABS_CURRENT))
        object.__setattr__(self, "start_ms", _check_number(
            name, "start_ms", self.start_ms, lo=-MAX_ABS_TIME_MS, hi=MAX_ABS_TIME_MS))
        if self.stop_ms is not None:
            stop = _check_number(name, "stop_ms", self.stop_ms,
                                 lo=-MAX_ABS_TIME_MS, hi=MAX_ABS_TIME_MS)
            if stop <= self.start_ms:
                raise ValueError(f"{name}.stop_ms must be after start_ms "
                                 f"({stop!r} <= {self.start_ms!r})")
            object.__setattr__(self, "stop_ms", stop)
        if self.closed not in _CLOSED_CHOICES:
            raise ValueError(f"{name}.closed must be one of {_CLOSED_CHOICES}, got {self.closed!r}")

    def _current(self, t: np.ndarray) -> np.ndarray:
        return np.where(_window(t, self.start_ms, self.stop_ms, self.closed), self.amplitude, 0.0)

    def describe(self) -> str:
        until = "" if self.stop_ms is None else f" until {self.stop_ms:g} ms"
        return f"step {self.amplitude:g} from {self.start_ms:g} ms{until}"


@dataclass(frozen=True)
class Pulse(Stimulus):
    """One rectangular pulse: ``amplitude`` for ``start_ms < t < start_ms + width_ms``."""

    amplitude: float = 10.0
    start_ms: float = 10.0
    width_ms: float = 5.0
    closed: str = "neither"
    kind: ClassVar[str] = "pulse"

    def __post_init__(self) -> None:
        object.__setattr__(self, "width_ms", _check_number(
            "Pulse", "width_ms", self.width_ms, positive=True, hi=MAX_ABS_TIME_MS))
        # Delegate amplitude/start/closed validation to the equivalent Step.
        Step.__post_init__(self._as_step())  # type: ignore[arg-type]
        object.__setattr__(self, "amplitude", float(self.amplitude))
        object.__setattr__(self, "start_ms", float(self.start_ms))

    def _as_step(self) -> Step:
        return Step(self.amplitude, self.start_ms, self.start_ms + self.width_ms, self.closed)

    def _current(self, t: np.ndarray) -> np.ndarray:
        return self._as_step()._current(t)

    def describe(self) -> str:
        return f"pulse {self.amplitude:g} for {self.width_ms:g} ms from {self.start_ms:g} ms"


#: Most onsets a pulse train may have (keeps evaluation cheap on a public host).
MAX_PULSES = 1000


@dataclass(frozen=True)
class PulseTrain(Stimulus):
    """Identical open-interval pulses of ``width_ms`` starting at each of ``onsets_ms``.

    Use `PulseTrain.regular` for evenly spaced pulses.
    """

    amplitude: float = 10.0
    onsets_ms: tuple[float, ...] = (10.0,)
    width_ms: float = 2.0
    kind: ClassVar[str] = "pulse_train"

    def __post_init__(self) -> None:
        object.__setattr__(self, "amplitude", _check_number(
            "PulseTrain", "amplitude", self.amplitude, lo=-MAX_ABS_CURRENT, hi=MAX_ABS_CURRENT))
        object.__setattr__(self, "width_ms", _check_number(
            "PulseTrain", "width_ms", self.width_ms, positive=True, hi=MAX_ABS_TIME_MS))
        try:
            onsets = tuple(self.onsets_ms)
        except TypeError:
            raise ValueError(f"PulseTrain.onsets_ms must be a sequence of times, "
                             f"got {self.onsets_ms!r}") from None
        if not 1 <= len(onsets) <= MAX_PULSES:
            raise ValueError(f"PulseTrain.onsets_ms needs 1 to {MAX_PULSES} onsets, got {len(onsets)}")
        onsets = tuple(_check_number("PulseTrain", "onsets_ms", x,
                                     lo=-MAX_ABS_TIME_MS, hi=MAX_ABS_TIME_MS) for x in onsets)
        object.__setattr__(self, "onsets_ms", onsets)

    @classmethod
    def regular(cls, amplitude: float, start_ms: float, width_ms: float,
                period_ms: float, count: int) -> "PulseTrain":
        """``count`` pulses every ``period_ms`` from ``start_ms``."""
        period = _check_number("PulseTrain", "period_ms", period_ms, positive=True)
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or not 1 <= count <= MAX_PULSES:
            raise ValueError(f"PulseTrain.count must be an integer from 1 to {MAX_PULSES}, got {count!r}")
        start = _check_number("PulseTrain", "start_ms", start_ms)
        return cls(amplitude, tuple(start + k * period for k in range(int(count))), width_ms)

    def _current(self, t: np.ndarray) -> np.ndarray:
        inside = np.zeros(t.shape, dtype=bool)
        for onset in self.onsets_ms:
            inside |= (t > onset) & (t < onset + self.width_ms)
        return np.where(inside, self.amplitude, 0.0)

    def describe(self) -> str:
        return f"{len(self.onsets_ms)} pulses of {self.amplitude:g} ({self.width_ms:g} ms)"


@dataclass(frozen=True)
class Ramp(Stimulus):
    """``slope_per_ms * (t - start_ms)`` inside the window, else 0."""

    slope_per_ms: float = 0.1
    start_ms: float = 0.0
    stop_ms: float | None = None
    closed: str = "neither"
    kind: ClassVar[str] = "ramp"

    def __post_init__(self) -> None:
        object.__setattr__(self, "slope_per_ms", _check_number(
            "Ramp", "slope_per_ms", self.slope_per_ms, lo=-MAX_ABS_CURRENT, hi=MAX_ABS_CURRENT))
        window = Step(1.0, self.start_ms, self.stop_ms, self.closed)
        object.__setattr__(self, "start_ms", window.start_ms)
        object.__setattr__(self, "stop_ms", window.stop_ms)

    def _current(self, t: np.ndarray) -> np.ndarray:
        inside = _window(t, self.start_ms, self.stop_ms, self.closed)
        # Clip the running value so an unbounded ramp can never exceed the current limit.
        value = np.clip(self.slope_per_ms * (t - self.start_ms), -MAX_ABS_CURRENT, MAX_ABS_CURRENT)
        return np.where(inside, value, 0.0)

    def describe(self) -> str:
        return f"ramp {self.slope_per_ms:g}/ms from {self.start_ms:g} ms"


@dataclass(frozen=True)
class Sine(Stimulus):
    """``offset + amplitude * sin(2 pi f (t - start_ms) + phase)`` inside the window."""

    amplitude: float = 5.0
    frequency_hz: float = 10.0
    offset: float = 0.0
    phase_rad: float = 0.0
    start_ms: float = 0.0
    stop_ms: float | None = None
    kind: ClassVar[str] = "sine"

    def __post_init__(self) -> None:
        for name in ("amplitude", "offset"):
            object.__setattr__(self, name, _check_number(
                "Sine", name, getattr(self, name), lo=-MAX_ABS_CURRENT, hi=MAX_ABS_CURRENT))
        object.__setattr__(self, "frequency_hz", _check_number(
            "Sine", "frequency_hz", self.frequency_hz, lo=0.0, hi=1.0e5))
        object.__setattr__(self, "phase_rad", _check_number(
            "Sine", "phase_rad", self.phase_rad, lo=-1e3, hi=1e3))
        window = Step(1.0, self.start_ms, self.stop_ms)
        object.__setattr__(self, "start_ms", window.start_ms)
        object.__setattr__(self, "stop_ms", window.stop_ms)

    def _current(self, t: np.ndarray) -> np.ndarray:
        inside = _window(t, self.start_ms, self.stop_ms, "left")
        phase = 2 * np.pi * self.frequency_hz * 1e-3 * (t - self.start_ms) + self.phase_rad
        return np.where(inside, self.offset + self.amplitude * np.sin(phase), 0.0)

    def describe(self) -> str:
        return f"sine {self.amplitude:g} at {self.frequency_hz:g} Hz (offset {self.offset:g})"


@dataclass(frozen=True)
class OUNoise(Stimulus):
    """Ornstein–Uhlenbeck current: mean ``mean``, stationary s.d. ``sigma``, time constant ``tau_ms``.

    The path is drawn (exact discretisation) on a fixed grid of ``resolution_ms``
    from ``seed`` and held between grid points, so ``current`` is a deterministic
    function of t, whatever grid it is sampled on. Zero outside ``start_ms < t``
    (``< stop_ms``).
    """

    mean: float = 5.0
    sigma: float = 2.0
    tau_ms: float = 5.0
    seed: int = 0
    start_ms: float = 0.0
    stop_ms: float | None = None
    resolution_ms: float = 0.1
    kind: ClassVar[str] = "ou_noise"

    #: Longest path (in grid points) a noise stimulus may draw.
    MAX_POINTS: ClassVar[int] = 2_000_000

    def __post_init__(self) -> None:
        object.__setattr__(self, "mean", _check_number(
            "OUNoise", "mean", self.mean, lo=-MAX_ABS_CURRENT, hi=MAX_ABS_CURRENT))
        object.__setattr__(self, "sigma", _check_number(
            "OUNoise", "sigma", self.sigma, lo=0.0, hi=MAX_ABS_CURRENT / 10))
        object.__setattr__(self, "tau_ms", _check_number(
            "OUNoise", "tau_ms", self.tau_ms, positive=True, hi=1e6))
        object.__setattr__(self, "resolution_ms", _check_number(
            "OUNoise", "resolution_ms", self.resolution_ms, lo=1e-3, hi=10.0))
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) or not 0 <= self.seed < 2**32:
            raise ValueError(f"OUNoise.seed must be an integer in [0, 2**32), got {self.seed!r}")
        object.__setattr__(self, "seed", int(self.seed))
        window = Step(1.0, self.start_ms, self.stop_ms)
        object.__setattr__(self, "start_ms", window.start_ms)
        object.__setattr__(self, "stop_ms", window.stop_ms)

    def path(self, n_points: int) -> np.ndarray:
        """The first ``n_points`` grid values (grid ``start_ms + k * resolution_ms``)."""
        if n_points > self.MAX_POINTS:
            raise ValueError(f"OUNoise: {n_points} grid points exceed the limit of "
                             f"{self.MAX_POINTS}; raise resolution_ms or shorten the run")
        rng = np.random.default_rng(self.seed)
        decay = math.exp(-self.resolution_ms / self.tau_ms)
        kick = self.sigma * math.sqrt(1.0 - decay * decay)
        # Draw the start first so the first k values never depend on how many follow.
        first = self.sigma * rng.standard_normal()  # start in the stationary distribution
        noise = rng.standard_normal(max(n_points, 1)) * kick
        noise[0] = first
        # x_k = decay * x_{k-1} + kick * xi_k (exact OU discretisation on the grid).
        path = np.fromiter(itertools.accumulate(noise, lambda x, xi: decay * x + xi),
                           dtype=float, count=len(noise))
        return self.mean + path[:n_points]

    def _current(self, t: np.ndarray) -> np.ndarray:
        inside = _window(t, self.start_ms, self.stop_ms, "neither")
        if not np.any(inside):
            return np.zeros(t.shape)
        k = np.floor((t - self.start_ms) / self.resolution_ms + 1e-9).astype(np.int64)
        k = np.clip(k, 0, None)
        values = self.path(int(k[inside].max()) + 1)
        return np.where(inside, values[np.minimum(k, len(values) - 1)], 0.0)

    def describe(self) -> str:
        return f"OU noise mean {self.mean:g}, sd {self.sigma:g}, tau {self.tau_ms:g} ms (seed {self.seed})"


#: Most breakpoints a piecewise stimulus may have.
MAX_BREAKPOINTS = 10_000


@dataclass(frozen=True)
class Piecewise(Stimulus):
    """Piecewise current through ``(times_ms[k], values[k])``.

    ``interpolation='hold'``: ``values[k]`` for ``times_ms[k] <= t < times_ms[k+1]``
    (0 before the first breakpoint, last value after the last);
    ``'linear'``: straight lines between the points, held flat outside.
    """

    times_ms: tuple[float, ...] = (0.0,)
    values: tuple[float, ...] = (0.0,)
    interpolation: str = "hold"
    kind: ClassVar[str] = "piecewise"

    def __post_init__(self) -> None:
        try:
            times = tuple(self.times_ms)
            values = tuple(self.values)
        except TypeError:
            raise ValueError("Piecewise.times_ms and Piecewise.values must be sequences") from None
        if not 1 <= len(times) <= MAX_BREAKPOINTS:
            raise ValueError(f"Piecewise.times_ms needs 1 to {MAX_BREAKPOINTS} points, got {len(times)}")
        if len(values) != len(times):
            raise ValueError(f"Piecewise.values has {len(values)} entries but times_ms has {len(times)}")
        times = tuple(_check_number("Piecewise", "times_ms", x, lo=-MAX_ABS_TIME_MS,
                                    hi=MAX_ABS_TIME_MS) for x in times)
        values = tuple(_check_number("Piecewise", "values", x, lo=-MAX_ABS_CURRENT,
                                     hi=MAX_ABS_CURRENT) for x in values)
        if any(t1 <= t0 for t0, t1 in zip(times, times[1:])):
            raise ValueError("Piecewise.times_ms must be strictly increasing")
        if self.interpolation not in ("hold", "linear"):
            raise ValueError(f"Piecewise.interpolation must be 'hold' or 'linear', "
                             f"got {self.interpolation!r}")
        object.__setattr__(self, "times_ms", times)
        object.__setattr__(self, "values", values)

    def _current(self, t: np.ndarray) -> np.ndarray:
        times = np.asarray(self.times_ms)
        values = np.asarray(self.values)
        if self.interpolation == "linear":
            return np.interp(t, times, values)
        k = np.searchsorted(times, t, side="right") - 1
        return np.where(k >= 0, values[np.clip(k, 0, None)], 0.0)

    def describe(self) -> str:
        return f"piecewise ({self.interpolation}) through {len(self.times_ms)} points"


#: Most terms a sum may have.
MAX_TERMS = 64


@dataclass(frozen=True)
class Sum(Stimulus):
    """The sum of several stimuli."""

    terms: tuple[Stimulus, ...] = field(default_factory=tuple)
    kind: ClassVar[str] = "sum"

    def __post_init__(self) -> None:
        try:
            terms = tuple(self.terms)
        except TypeError:
            raise ValueError("Sum.terms must be a sequence of stimuli") from None
        if not 1 <= len(terms) <= MAX_TERMS:
            raise ValueError(f"Sum.terms needs 1 to {MAX_TERMS} stimuli, got {len(terms)}")
        for term in terms:
            if not isinstance(term, Stimulus):
                raise ValueError(f"Sum.terms must all be stimuli, got {term!r}")
        object.__setattr__(self, "terms", terms)

    def _current(self, t: np.ndarray) -> np.ndarray:
        total = np.zeros(t.shape)
        for term in self.terms:
            total = total + term._current(t)
        return total

    def describe(self) -> str:
        return " + ".join(term.describe() for term in self.terms)


#: kind name -> class, for `stimulus_from_dict`.
STIMULUS_KINDS: dict[str, type[Stimulus]] = {
    cls.kind: cls for cls in (Constant, Step, Pulse, PulseTrain, Ramp, Sine, OUNoise, Piecewise, Sum)
}


def stimulus_from_dict(data: dict[str, Any]) -> Stimulus:
    """Rebuild a stimulus from `Stimulus.to_dict` output.

    Only known kinds and known field names are accepted; values are validated
    by the dataclasses. Raises ValueError on anything else.

    Examples
    --------
    >>> from izhi_widgets.stimulus import Step, stimulus_from_dict
    >>> stimulus_from_dict(Step(14, 10).to_dict()) == Step(14, 10)
    True
    """
    if not isinstance(data, dict):
        raise ValueError(f"stimulus must be a dict, got {type(data).__name__}")
    kind = data.get("kind")
    cls = STIMULUS_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"stimulus kind must be one of {sorted(STIMULUS_KINDS)}, got {kind!r}")
    allowed = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(data) - allowed - {"kind"}
    if unknown:
        raise ValueError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
    kwargs = {k: v for k, v in data.items() if k != "kind"}
    if cls is Sum:
        terms = kwargs.get("terms", [])
        if not isinstance(terms, (list, tuple)):
            raise ValueError("Sum.terms must be a list")
        kwargs["terms"] = tuple(stimulus_from_dict(term) for term in terms)
    else:
        for key, value in kwargs.items():
            if isinstance(value, list):
                kwargs[key] = tuple(value)
    try:
        return cls(**kwargs)
    except TypeError as exc:  # wrong argument types that slipped past validation
        raise ValueError(f"{cls.__name__}: {exc}") from None
