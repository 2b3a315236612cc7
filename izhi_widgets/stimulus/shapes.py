"""The stimulus shapes: one frozen dataclass and one numpy function each.

Every shape declares its fields once (see `izhi_widgets.stimulus.base`) and names a
plain numpy function ``f(t, *field_values)`` that computes it. The app evaluates
that function; "show code" copies the same function into the generated script. To
add a shape: write its function and its class here (and a test); the registry, the
share link, the designer's controls and the script pick it up.

Windows follow the published protocols: they are *open* intervals unless
``closed`` says otherwise, so a step "for t > 10" is zero at exactly ``t = 10``.

Examples
--------
>>> import numpy as np
>>> from izhi_widgets.stimulus import Constant, Step
>>> stim = Constant(0.24) + Step(1.0, start_ms=37.5, stop_ms=42.5)
>>> stim.current(np.array([37.5, 40.0, 42.5])).tolist()
[0.24, 1.24, 0.24]
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .base import (MAX_ABS_CURRENT, MAX_ABS_TIME_MS, Stimulus, choice, numbers, quantity,
                   window)
from .base import terms as _terms

__all__ = [
    "Constant", "Step", "Pulse", "PulseTrain", "PeriodicPulses", "Ramp", "Sine", "OUNoise",
    "Piecewise", "Sum", "MAX_PULSES", "MAX_BREAKPOINTS", "MAX_TERMS", "MAX_NOISE_POINTS",
    "CLOSED_CHOICES",
]

CLOSED_CHOICES = ("neither", "left", "right", "both")
#: Most onsets a pulse train may have (keeps evaluation cheap on a public host).
MAX_PULSES = 1000
#: Most breakpoints a piecewise stimulus may have.
MAX_BREAKPOINTS = 10_000
#: Most terms a sum may have.
MAX_TERMS = 64
#: Longest path (in grid points) a noise stimulus may draw.
MAX_NOISE_POINTS = 2_000_000

_I = dict(lo=-MAX_ABS_CURRENT, hi=MAX_ABS_CURRENT)
_T = dict(unit="ms", lo=-MAX_ABS_TIME_MS, hi=MAX_ABS_TIME_MS)
_CLOSED_TIP = "which ends of the window are included (the papers' windows are open)"


def _amplitude(default: float, tip: str = "current while on"):
    return quantity(default, "amplitude", tip=tip, **_I)


def _start(default: float, tip: str = "window opens (open: t > start)"):
    return quantity(default, "start", tip=tip, **_T)


def _stop(tip: str = "window closes (t < stop); empty = until the end of the run"):
    return quantity(None, "stop", optional=True, tip=tip, **_T)


def _closed():
    return choice("neither", "closed ends", CLOSED_CHOICES, tip=_CLOSED_TIP)


def _check_window(stim: Stimulus) -> None:
    stop, start = getattr(stim, "stop_ms"), getattr(stim, "start_ms")
    if stop is not None and stop <= start:
        raise ValueError(f"{type(stim).__name__}.stop_ms must be after start_ms "
                         f"({stop!r} <= {start!r})")


# ---------------------------------------------------------------------------------------
# numpy functions (copied verbatim into "show code" scripts: numpy, math, itertools and
# the functions defined in this package only)


def constant_current(t, amplitude):
    """The same current at every t."""
    return np.full(t.shape, amplitude)


def step_current(t, amplitude, start_ms, stop_ms, closed):
    """amplitude inside the window, else 0."""
    return np.where(window(t, start_ms, stop_ms, closed), amplitude, 0.0)


def pulse_current(t, amplitude, start_ms, width_ms, closed):
    """One pulse: amplitude for start < t < start + width (ends as `closed` says)."""
    return step_current(t, amplitude, start_ms, start_ms + width_ms, closed)


def pulse_train_current(t, amplitude, onsets_ms, width_ms):
    """amplitude inside each open interval (onset, onset + width), else 0."""
    inside = np.zeros(t.shape, dtype=bool)
    for onset in onsets_ms:
        inside |= (t > onset) & (t < onset + width_ms)
    return np.where(inside, amplitude, 0.0)


def periodic_pulses_current(t, amplitude, start_ms, width_ms, period_ms, count):
    """`count` open pulses of `width_ms`, one every `period_ms` from `start_ms`."""
    onsets = [start_ms + k * period_ms for k in range(int(count))]
    return pulse_train_current(t, amplitude, onsets, width_ms)


def ramp_current(t, slope_per_ms, start_ms, stop_ms, closed):
    """slope * (t - start) inside the window (clipped at +-1e4), else 0."""
    value = np.clip(slope_per_ms * (t - start_ms), -1.0e4, 1.0e4)
    return np.where(window(t, start_ms, stop_ms, closed), value, 0.0)


def sine_current(t, amplitude, frequency_hz, offset, phase_rad, start_ms, stop_ms):
    """offset + amplitude * sin(2 pi f (t - start) + phase) for start <= t (< stop), else 0."""
    phase = 2 * np.pi * frequency_hz * 1e-3 * (t - start_ms) + phase_rad
    return np.where(window(t, start_ms, stop_ms, "left"), offset + amplitude * np.sin(phase),
                    0.0)


def ou_noise_current(t, mean, sigma, tau_ms, seed, start_ms, stop_ms, resolution_ms):
    """Ornstein-Uhlenbeck current drawn on a grid of `resolution_ms`, held in between."""
    inside = window(t, start_ms, stop_ms, "neither")
    if not np.any(inside):
        return np.zeros(t.shape)
    k = np.clip(np.floor((t - start_ms) / resolution_ms + 1e-9).astype(np.int64), 0, None)
    n_points = int(k[inside].max()) + 1
    if n_points > 2_000_000:
        raise ValueError(f"OUNoise: {n_points} grid points exceed the limit of 2000000; "
                         f"raise resolution_ms or shorten the run")
    rng = np.random.default_rng(seed)
    decay = math.exp(-resolution_ms / tau_ms)
    kick = sigma * math.sqrt(1.0 - decay * decay)
    # Draw the start first so the first k values never depend on how many follow.
    first = sigma * rng.standard_normal()  # start in the stationary distribution
    noise = rng.standard_normal(max(n_points, 1)) * kick
    noise[0] = first
    # x_k = decay * x_{k-1} + kick * xi_k (exact OU discretisation on the grid)
    path = np.fromiter(itertools.accumulate(noise, lambda x, xi: decay * x + xi),
                       dtype=float, count=len(noise))
    values = mean + path[:n_points]
    return np.where(inside, values[np.minimum(k, len(values) - 1)], 0.0)


def piecewise_current(t, times_ms, values, interpolation):
    """Breakpoints held ('hold': 0 before the first) or joined by straight lines ('linear')."""
    times, levels = np.asarray(times_ms, dtype=float), np.asarray(values, dtype=float)
    if interpolation == "linear":
        return np.interp(t, times, levels)
    k = np.searchsorted(times, t, side="right") - 1
    return np.where(k >= 0, levels[np.clip(k, 0, None)], 0.0)


def _g(x: float) -> str:
    return f"{x:g}"


# ---------------------------------------------------------------------------------------
# shapes


@dataclass(frozen=True)
class Constant(Stimulus):
    """A constant current for all t (a baseline)."""

    amplitude: float = _amplitude(0.0, "the current at every time")
    kind: ClassVar[str] = "constant"
    title: ClassVar[str] = "constant"
    function = staticmethod(constant_current)

    def _breakpoints(self, t_stop_ms):
        return []

    def describe(self) -> str:
        return f"I = {_g(self.amplitude)}"


@dataclass(frozen=True)
class Step(Stimulus):
    """``amplitude`` for ``start_ms < t`` (and ``t < stop_ms``), else 0.

    ``closed`` ('neither', 'left', 'right', 'both') includes the window's ends.
    """

    amplitude: float = _amplitude(10.0)
    start_ms: float = _start(0.0)
    stop_ms: float | None = _stop()
    closed: str = _closed()
    kind: ClassVar[str] = "step"
    title: ClassVar[str] = "step"
    function = staticmethod(step_current)

    def _check(self) -> None:
        _check_window(self)

    def _breakpoints(self, t_stop_ms):
        return [self.start_ms] + ([] if self.stop_ms is None else [self.stop_ms])

    def describe(self) -> str:
        until = "" if self.stop_ms is None else f" until {_g(self.stop_ms)} ms"
        return f"step {_g(self.amplitude)} from {_g(self.start_ms)} ms{until}"


@dataclass(frozen=True)
class Pulse(Stimulus):
    """One rectangular pulse: ``amplitude`` for ``start_ms < t < start_ms + width_ms``."""

    amplitude: float = _amplitude(10.0)
    start_ms: float = _start(10.0)
    width_ms: float = quantity(5.0, "width", unit="ms", lo=0.0, lo_open=True,
                               hi=MAX_ABS_TIME_MS, tip="the pulse lasts this long")
    closed: str = _closed()
    kind: ClassVar[str] = "pulse"
    title: ClassVar[str] = "one pulse"
    function = staticmethod(pulse_current)

    def _breakpoints(self, t_stop_ms):
        return [self.start_ms, self.start_ms + self.width_ms]

    def describe(self) -> str:
        return (f"pulse {_g(self.amplitude)} for {_g(self.width_ms)} ms "
                f"from {_g(self.start_ms)} ms")


@dataclass(frozen=True)
class PulseTrain(Stimulus):
    """Identical open-interval pulses of ``width_ms`` starting at each of ``onsets_ms``."""

    amplitude: float = _amplitude(10.0)
    onsets_ms: tuple[float, ...] = numbers((10.0,), "onsets", max_len=MAX_PULSES,
                                           tip="pulse start times, e.g. 40, 60, 280, 320", **_T)
    width_ms: float = quantity(2.0, "width", unit="ms", lo=0.0, lo_open=True,
                               hi=MAX_ABS_TIME_MS, tip="each pulse lasts this long")
    kind: ClassVar[str] = "pulse_train"
    title: ClassVar[str] = "pulses at given times"
    function = staticmethod(pulse_train_current)

    @classmethod
    def regular(cls, amplitude: float, start_ms: float, width_ms: float,
                period_ms: float, count: int) -> "PulseTrain":
        """``count`` pulses every ``period_ms`` from ``start_ms`` (see also `PeriodicPulses`)."""
        regular = PeriodicPulses(amplitude, start_ms, width_ms, period_ms, count)
        return cls(amplitude, tuple(regular.onsets()), width_ms)

    def _breakpoints(self, t_stop_ms):
        return [t for onset in self.onsets_ms for t in (onset, onset + self.width_ms)]

    def describe(self) -> str:
        return (f"{len(self.onsets_ms)} pulses of {_g(self.amplitude)} "
                f"({_g(self.width_ms)} ms)")


@dataclass(frozen=True)
class PeriodicPulses(Stimulus):
    """``count`` open pulses of ``width_ms``, one every ``period_ms`` from ``start_ms``."""

    amplitude: float = _amplitude(10.0)
    start_ms: float = _start(10.0, "first pulse opens (t > start)")
    width_ms: float = quantity(2.0, "width", unit="ms", lo=0.0, lo_open=True,
                               hi=MAX_ABS_TIME_MS, tip="each pulse lasts this long")
    period_ms: float = quantity(20.0, "period", unit="ms", lo=0.0, lo_open=True,
                                hi=MAX_ABS_TIME_MS, tip="time between pulse onsets")
    count: int = quantity(5, "count", lo=1, hi=MAX_PULSES, integer=True,
                          tip="number of pulses")
    kind: ClassVar[str] = "periodic_pulses"
    title: ClassVar[str] = "periodic pulses"
    function = staticmethod(periodic_pulses_current)

    def _check(self) -> None:
        if self.width_ms > self.period_ms and self.count > 1:
            raise ValueError(f"PeriodicPulses.width_ms ({_g(self.width_ms)} ms) must not "
                             f"exceed the period ({_g(self.period_ms)} ms)")

    def onsets(self) -> list[float]:
        return [self.start_ms + k * self.period_ms for k in range(self.count)]

    def _breakpoints(self, t_stop_ms):
        return [t for onset in self.onsets() for t in (onset, onset + self.width_ms)]

    def describe(self) -> str:
        return (f"{self.count} pulses of {_g(self.amplitude)} ({_g(self.width_ms)} ms) "
                f"every {_g(self.period_ms)} ms from {_g(self.start_ms)} ms")


@dataclass(frozen=True)
class Ramp(Stimulus):
    """``slope_per_ms * (t - start_ms)`` inside the window, else 0."""

    slope_per_ms: float = quantity(0.1, "slope", unit="/ms", tip="the current rises by this "
                                   "much per ms", **_I)
    start_ms: float = _start(0.0, "the ramp starts from 0 here (t > start)")
    stop_ms: float | None = _stop("the current drops to 0 here; empty = until the end")
    closed: str = _closed()
    kind: ClassVar[str] = "ramp"
    title: ClassVar[str] = "ramp"
    function = staticmethod(ramp_current)

    def _check(self) -> None:
        _check_window(self)

    def _breakpoints(self, t_stop_ms):
        # the start and the stop, and where the clip at +-1e4 bends the line
        out = [self.start_ms] + ([] if self.stop_ms is None else [self.stop_ms])
        if self.slope_per_ms != 0:
            out.append(self.start_ms + 1.0e4 / abs(self.slope_per_ms))
        return out

    def describe(self) -> str:
        return f"ramp {_g(self.slope_per_ms)}/ms from {_g(self.start_ms)} ms"


@dataclass(frozen=True)
class Sine(Stimulus):
    """``offset + amplitude * sin(2 pi f (t - start_ms) + phase)`` inside the window."""

    amplitude: float = _amplitude(5.0, "peak deviation from the offset")
    frequency_hz: float = quantity(10.0, "frequency", unit="Hz", lo=0.0, hi=1.0e5,
                                   tip="oscillations per second")
    offset: float = quantity(0.0, "offset", tip="the mean current", **_I)
    phase_rad: float = quantity(0.0, "phase", unit="rad", lo=-1e3, hi=1e3,
                                tip="phase at the start")
    start_ms: float = _start(0.0, "the sine starts here (t >= start)")
    stop_ms: float | None = _stop()
    kind: ClassVar[str] = "sine"
    title: ClassVar[str] = "sine"
    function = staticmethod(sine_current)

    def _check(self) -> None:
        _check_window(self)

    def _breakpoints(self, t_stop_ms):
        return [self.start_ms] + ([] if self.stop_ms is None else [self.stop_ms])

    def describe(self) -> str:
        return (f"sine {_g(self.amplitude)} at {_g(self.frequency_hz)} Hz "
                f"(offset {_g(self.offset)})")


@dataclass(frozen=True)
class OUNoise(Stimulus):
    """Ornstein–Uhlenbeck current: mean ``mean``, stationary s.d. ``sigma``, time constant ``tau_ms``.

    The path is drawn (exact discretisation) on a fixed grid of ``resolution_ms`` from
    ``seed`` and held between grid points, so ``current`` is a deterministic function
    of t, whatever grid it is sampled on. Zero outside ``start_ms < t`` (``< stop_ms``).
    """

    mean: float = quantity(5.0, "mean", tip="mean current", **_I)
    sigma: float = quantity(2.0, "sigma", lo=0.0, hi=MAX_ABS_CURRENT / 10,
                            tip="standard deviation of the noise")
    tau_ms: float = quantity(5.0, "tau", unit="ms", lo=0.0, lo_open=True, hi=1e6,
                             tip="correlation time of the noise")
    seed: int = quantity(0, "seed", lo=0, hi=2**32 - 1, integer=True,
                         tip="random seed: the same seed gives the same noise")
    start_ms: float = _start(0.0)
    stop_ms: float | None = _stop()
    resolution_ms: float = quantity(0.1, "resolution", unit="ms", lo=1e-3, hi=10.0,
                                    tip="the noise path is drawn on this grid")
    kind: ClassVar[str] = "ou_noise"
    title: ClassVar[str] = "noise"
    function = staticmethod(ou_noise_current)
    MAX_POINTS: ClassVar[int] = MAX_NOISE_POINTS

    def _check(self) -> None:
        _check_window(self)

    def _breakpoints(self, t_stop_ms):
        # the window and every point of the grid the path is drawn on (held in between)
        end = self.stop_ms if t_stop_ms is None else (
            t_stop_ms if self.stop_ms is None else min(t_stop_ms, self.stop_ms))
        if end is None:
            raise ValueError("OUNoise.breakpoints_ms needs t_stop_ms when stop_ms is None")
        count = max(0, int(np.floor((end - self.start_ms) / self.resolution_ms)) + 1)
        if count > MAX_NOISE_POINTS:
            raise ValueError(f"OUNoise: {count} breakpoints exceed {MAX_NOISE_POINTS}")
        grid = self.start_ms + self.resolution_ms * np.arange(count)
        return np.concatenate([grid, [] if self.stop_ms is None else [self.stop_ms]])

    def describe(self) -> str:
        return (f"OU noise mean {_g(self.mean)}, sd {_g(self.sigma)}, tau {_g(self.tau_ms)} ms "
                f"(seed {self.seed})")


@dataclass(frozen=True)
class Piecewise(Stimulus):
    """Piecewise current through ``(times_ms[k], values[k])``.

    ``interpolation='hold'``: ``values[k]`` for ``times_ms[k] <= t < times_ms[k+1]``
    (0 before the first breakpoint, last value after the last);
    ``'linear'``: straight lines between the points, held flat outside.
    """

    times_ms: tuple[float, ...] = numbers((0.0,), "times", max_len=MAX_BREAKPOINTS,
                                          increasing=True,
                                          tip="breakpoint times, increasing: 0, 20, 80", **_T)
    values: tuple[float, ...] = numbers((0.0,), "values", max_len=MAX_BREAKPOINTS,
                                        tip="the current from each breakpoint on: 0, 10, 0",
                                        **_I)
    interpolation: str = choice("hold", "between points", ("hold", "linear"),
                                tip="hold each value, or join the points by straight lines")
    kind: ClassVar[str] = "piecewise"
    title: ClassVar[str] = "piecewise"
    function = staticmethod(piecewise_current)

    def _check(self) -> None:
        if len(self.values) != len(self.times_ms):
            raise ValueError(f"Piecewise.values has {len(self.values)} entries but times_ms "
                             f"has {len(self.times_ms)}")

    def _breakpoints(self, t_stop_ms):
        return list(self.times_ms)

    def describe(self) -> str:
        return f"piecewise ({self.interpolation}) through {len(self.times_ms)} points"


@dataclass(frozen=True)
class Sum(Stimulus):
    """The sum of several stimuli."""

    terms: tuple[Stimulus, ...] = _terms("terms", max_len=MAX_TERMS)
    kind: ClassVar[str] = "sum"

    def _current(self, t: np.ndarray) -> np.ndarray:
        total = np.zeros(t.shape)
        for term in self.terms:
            total = total + term._current(t)
        return total

    def _breakpoints(self, t_stop_ms):
        parts = [term.breakpoints_ms(t_stop_ms) for term in self.terms]
        return np.concatenate(parts) if parts else []

    def describe(self) -> str:
        return " + ".join(term.describe() for term in self.terms)
