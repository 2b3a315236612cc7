"""Excitability: F–I curves refined near the onset, up and down sweeps, class 1 or 2.

This module runs simulations (`izhi_widgets.model.simulate_batch`); the geometry it
checks against (`bifurcation_current`) is pure.

* `fi_curve`: rates against step current in one batched run of independent neurons
  (steady state and first interval, and the membrane potential's range on the spiking
  branch), with currents dense near the bifurcation; plus, optionally, one slow staircase
  up and one down (a second batched run) so hysteresis shows (bistability, class 2).
* `excitability_class`: 1 or 2 by Hodgkin's definition — does firing start at an
  arbitrarily low rate (class 1) or jump to a finite one (class 2)? — read from the F–I
  onset and explained by the bifurcation (saddle-node on the invariant circle vs
  Andronov–Hopf). Class 1 onsets follow ``rate ≈ k √(I − I_SN)``; the fit is reported.

Examples
--------
>>> from izhi_widgets import PRESETS
>>> from izhi_widgets.dynamics.excitability import excitability_class
>>> excitability_class(PRESETS["G"].params, sweeps=False).value
1
>>> excitability_class(PRESETS["H"].params, sweeps=False).value
2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .. import model as _model
from ..limits import MAX_DURATION_MS
from ..params import IzhikevichParams
from ..stimulus import Piecewise, Step
from ..validation import check_number
from .bifurcation import Bifurcation, bifurcation_current

__all__ = ["FISweep", "fi_curve", "Excitability", "excitability_class", "default_currents",
           "CLASS1_MAX_ONSET_HZ"]

#: A neuron whose slowest sustained rate near onset is below this is class 1 (class 2
#: cells cannot fire slower than about 40 Hz: Izhikevich 2004).
CLASS1_MAX_ONSET_HZ = 20.0
#: Most currents one curve may ask for (one batch).
MAX_CURRENTS = 400


def default_currents(params: IzhikevichParams, n: int = 60) -> np.ndarray:
    """``n`` currents around the rest's bifurcation, half of them packed on both sides of
    it (geometrically, 1e-4 to 1 away), so the onset and any bistable range are resolved."""
    bif = bifurcation_current(params)
    if bif is None:
        return np.linspace(0.0, 20.0, n)
    centre = bif.I
    span = max(1.0, abs(centre) * 0.5, 2.0)
    coarse = np.linspace(centre - span, centre + 4 * span, n - 2 * (n // 4))
    near = np.geomspace(1e-4, 1.0, n // 4)
    return np.unique(np.concatenate([coarse, centre - near, centre + near]))


@dataclass(frozen=True, eq=False)
class FISweep:
    """An F–I curve with its onset.

    Attributes
    ----------
    currents : ndarray
        Step amplitudes (sorted).
    rates_hz, first_rates_hz : ndarray
        Steady-state rate (second half of the step) and ``1000 / first ISI``.
    v_min_mV, v_max_mV : ndarray
        The range of v over the second half of each run (the spiking branch's minimum and
        the peak; the rest's value when silent).
    up_currents, up_rates_hz, down_rates_hz : ndarray or None
        The staircase sweeps: the rate at each level going up, then coming down.
    bifurcation : Bifurcation or None
    onset_current : float or None
        The lowest current with a sustained (steady-state) rate.
    onset_rate_hz : float
        The slowest sustained rate found (0 when none fires).
    sqrt_fit : (k, I0) or None
        ``rate ≈ k √(I − I0)`` fitted to the lowest firing currents (class 1 onsets).
    """

    currents: np.ndarray
    rates_hz: np.ndarray
    first_rates_hz: np.ndarray
    v_min_mV: np.ndarray
    v_max_mV: np.ndarray
    up_currents: np.ndarray | None
    up_rates_hz: np.ndarray | None
    down_rates_hz: np.ndarray | None
    bifurcation: Bifurcation | None
    onset_current: float | None
    onset_rate_hz: float
    sqrt_fit: tuple[float, float] | None

    @property
    def hysteresis(self) -> bool:
        """Whether firing, once started, goes on where the rest is still stable: the down
        sweep fires at a level below the bifurcation current (below the lowest level where
        the up sweep fired, when there is no bifurcation). Firing above a saddle-node that
        the up sweep only reached late (its slow first spike) is not hysteresis."""
        if self.up_rates_hz is None or self.down_rates_hz is None:
            return False
        down = np.flatnonzero(self.down_rates_hz > 0)
        if not len(down):
            return False
        if self.bifurcation is not None and self.bifurcation.direction == "rising":
            return bool(self.up_currents[down[0]] < self.bifurcation.I)
        up = np.flatnonzero(self.up_rates_hz > 0)
        return bool(len(up) and down[0] < up[0])


def _rates(results, duration_ms: float) -> tuple[np.ndarray, ...]:
    half = duration_ms / 2
    rates, first, vmin, vmax, counts = [], [], [], [], []
    for res in results:
        counts.append(len(res.spike_times_ms))
        spikes = np.asarray(res.spike_times_ms)
        late = spikes[spikes > half]
        if res.diverged:
            rate = np.nan
        elif len(late) >= 3:  # the mean interval: a continuous rate, not a count
            rate = 1000.0 / float(np.mean(np.diff(late)))
        elif len(late) >= 1 and len(spikes) >= 3:  # slow firing: the intervals after the first
            rate = 1000.0 / float(np.mean(np.diff(spikes[1:])))
        else:
            rate = 1000.0 * len(late) / (duration_ms - half)
        rates.append(rate)
        first.append(np.nan if res.diverged else
                     (1000.0 / (spikes[1] - spikes[0]) if len(spikes) >= 2 else 0.0))
        tail = np.asarray(res.v_mV)[np.asarray(res.t_ms) > half]
        vmin.append(float(tail.min()) if len(tail) else np.nan)
        vmax.append(float(tail.max()) if len(tail) else np.nan)
    return (np.array(rates), np.array(first), np.array(vmin), np.array(vmax),
            np.array(counts))


def _sqrt_fit(currents: np.ndarray, rates: np.ndarray,
              counts: np.ndarray) -> tuple[float, float] | None:
    """Least squares of ``rate^2 = k^2 (I - I0)`` on the first firing currents whose rate
    comes from intervals (at least 3 spikes)."""
    firing = np.flatnonzero((rates > 0) & (counts >= 3))
    if len(firing) < 3:
        return None
    pick = firing[:6]
    slope, intercept = np.polyfit(currents[pick], rates[pick] ** 2, 1)
    if slope <= 0:
        return None
    return float(np.sqrt(slope)), float(-intercept / slope)


def _staircase(params, levels, hold_ms, dt_ms, numerics, v0_mV):
    """One slow staircase up and one down, as two neurons of one batch."""
    up = np.asarray(levels, dtype=float)
    runs = []
    for seq in (up, up[::-1]):
        times = tuple(float(k * hold_ms) for k in range(len(seq)))
        runs.append(_model.RunSpec(params, Piecewise(times, tuple(map(float, seq))),
                                   len(seq) * hold_ms, dt_ms, v0_mV))
    results = _model.simulate_batch(runs, numerics=numerics, record=False)
    out = []
    for res, seq in zip(results, (up, up[::-1])):
        spikes = np.asarray(res.spike_times_ms)
        rates = []
        for k in range(len(seq)):  # the second half of each level
            lo, hi = (k + 0.5) * hold_ms, (k + 1) * hold_ms
            n = np.count_nonzero((spikes > lo) & (spikes <= hi))
            rates.append(1000.0 * n / (hi - lo))
        out.append(np.array(rates))
    return out[0], out[1][::-1]


def fi_curve(params: IzhikevichParams, currents: ArrayLike | None = None, *,
             duration_ms: float = 1000.0, dt_ms: float = 0.25, numerics: str = "published",
             v0_mV: float = -65.0, sweeps: bool = True, sweep_levels: int = 60,
             hold_ms: float = 300.0) -> FISweep:
    """The F–I curve of ``params``: one batched run of step currents from rest.

    Parameters
    ----------
    params : IzhikevichParams
    currents : array_like, optional
        Step amplitudes (default `default_currents`: 60, dense just above the bifurcation).
    duration_ms, dt_ms, numerics, v0_mV :
        Each run (from ``v0_mV`` at rest, the step on from t = 0).
    sweeps : bool
        Also run a staircase up and down through the currents (at most ``sweep_levels``
        of them, ``hold_ms`` each) to show hysteresis.

    Examples
    --------
    >>> from izhi_widgets import PRESETS
    >>> fi = fi_curve(PRESETS["H"].params, sweeps=False)
    >>> len(fi.currents) >= 50, fi.bifurcation.kind, fi.onset_rate_hz > 20
    (True, 'andronov-hopf', True)
    """
    amps = default_currents(params) if currents is None else np.asarray(currents, dtype=float)
    amps = np.sort(np.asarray(amps, dtype=float).reshape(-1))
    if not 1 <= len(amps) <= MAX_CURRENTS:
        raise ValueError(f"currents: give 1 to {MAX_CURRENTS} currents, got {len(amps)}")
    for k, value in enumerate(amps):
        check_number(f"currents[{k}]", float(value), -1e4, 1e4)
    runs = [_model.RunSpec(params, Step(float(a), -1.0), duration_ms, dt_ms, v0_mV)
            for a in amps]
    results = _model.simulate_batch(runs, numerics=numerics, record=True)
    rates, first, vmin, vmax, counts = _rates(results, duration_ms)
    up_levels = up = down = None
    if sweeps:
        levels = min(sweep_levels, len(amps), int(MAX_DURATION_MS // hold_ms))
        pick = np.unique(np.linspace(0, len(amps) - 1, levels).astype(int))
        up_levels = amps[pick]
        up, down = _staircase(params, up_levels, hold_ms, dt_ms, numerics, v0_mV)
    firing = np.flatnonzero(np.nan_to_num(rates) > 0)
    onset = float(amps[firing[0]]) if len(firing) else None
    onset_rate = float(np.nanmin(rates[firing])) if len(firing) else 0.0
    return FISweep(amps, rates, first, vmin, vmax, up_levels, up, down,
                   bifurcation_current(params), onset, onset_rate,
                   _sqrt_fit(amps, np.nan_to_num(rates), counts))


@dataclass(frozen=True)
class Excitability:
    """Hodgkin's excitability class (``value`` 1 or 2) with the evidence."""

    value: int
    reason: str
    onset_rate_hz: float
    bifurcation: Bifurcation | None

    def __int__(self) -> int:
        return self.value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int):
            return self.value == other
        return NotImplemented if not isinstance(other, Excitability) else (
            self.value == other.value and self.reason == other.reason)

    __hash__ = None  # type: ignore[assignment]


def excitability_class(params: IzhikevichParams, fi: FISweep | None = None,
                       **fi_options) -> Excitability:
    """Class 1 or 2: from the F–I onset (the slowest sustained rate near the bifurcation),
    explained by the bifurcation. ``fi`` reuses a computed curve; else one is run
    (``fi_options`` go to `fi_curve`)."""
    fi = fi_curve(params, **fi_options) if fi is None else fi
    bif = fi.bifurcation
    mechanism = bif.reason if bif is not None else "no bifurcation of the rest was found"
    if fi.onset_current is None:
        return Excitability(1, f"No current in the range fired; {mechanism}.", 0.0, bif)
    value = 1 if fi.onset_rate_hz < CLASS1_MAX_ONSET_HZ else 2
    how = ("starts at an arbitrarily low rate" if value == 1 else "jumps to a finite rate")
    text = (f"Firing {how}: the slowest sustained rate near onset is "
            f"{fi.onset_rate_hz:.3g} Hz (at I = {fi.onset_current:.5g}). Mechanism: "
            f"{mechanism}.")
    expected = None if bif is None else (1 if bif.kind == "saddle-node" else 2)
    if expected is not None and expected != value:
        text += (f" (The bifurcation alone suggests class {expected}; the F–I onset decides.)")
    return Excitability(value, text, fi.onset_rate_hz, bif)
