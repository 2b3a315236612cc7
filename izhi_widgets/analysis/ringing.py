"""Ringing: a damped subthreshold oscillation of ``v`` around its resting value.

`rings` asks two things of a stretch of trace under a constant current: that the rest
state there is a stable focus whose linear oscillation stays visible (at least
``min_half_period_decay`` of its amplitude kept per half period), and that ``v`` actually
crosses the resting value twice (`crosses_rest_twice`). The thresholds are fields of
`ClassifierThresholds`. Used by the classifier's resonator and subthreshold-oscillation
rules.

Examples
--------
>>> t = np.arange(0.0, 100.0, 0.25)
>>> crosses_rest_twice(-62.0 + 2.0 * np.exp(-t / 40.0) * np.cos(t / 5.0), -62.0)
True
>>> crosses_rest_twice(-62.0 + 2.0 * np.exp(-t / 5.0), -62.0)
False
"""

from __future__ import annotations

import math

import numpy as np

from ..params import IzhikevichParams
from .phase import stable_rest
from .thresholds import DEFAULT_THRESHOLDS, ClassifierThresholds

__all__ = ["crosses_rest_twice", "rings"]


def crosses_rest_twice(v: np.ndarray, v_rest: float,
                       th: ClassifierThresholds = DEFAULT_THRESHOLDS) -> bool:
    """Whether ``v`` crosses ``v_rest`` twice: by >= 10 %, then >= 1 % of its largest deviation.

    The deviation's extrema are read in order from the largest one; the fractions (10 %,
    1 %) and the floors are ``th.ringing_first_crossing``, ``th.ringing_second_crossing``,
    ``th.ringing_min_deviation_mV`` and ``th.ringing_min_crossing_mV``.

    Parameters
    ----------
    v : ndarray
        A stretch of the potential trace.
    v_rest : float
        The resting value it should oscillate around.
    th : ClassifierThresholds, optional

    Returns
    -------
    bool

    Examples
    --------
    >>> crosses_rest_twice(np.array([-60.0, -64.0, -61.0, -62.5, -61.9, -62.0]), -62.0)
    True
    """
    if len(v) < th.ringing_min_samples:
        return False
    dev = v - v_rest
    step = np.sign(np.diff(dev))
    # Carry the last non-zero direction over flat stretches so plateaus are not extrema.
    nz = np.flatnonzero(step)
    if len(nz) == 0:
        return False
    step = step[nz[np.clip(np.searchsorted(nz, np.arange(len(step)), side="right") - 1, 0, None)]]
    turns = np.flatnonzero(step[1:] != step[:-1]) + 1
    extrema = np.concatenate(([0], turns))
    values = dev[extrema]
    k0 = int(np.argmax(np.abs(values)))
    big = abs(values[k0])
    if big <= th.ringing_min_deviation_mV:
        return False
    crossings, sign = 0, np.sign(values[k0])
    for value in values[k0 + 1:]:
        need = (th.ringing_first_crossing if crossings == 0 else th.ringing_second_crossing) * big
        if np.sign(value) == -sign and abs(value) >= max(need, th.ringing_min_crossing_mV):
            crossings += 1
            sign = -sign
            if crossings == 2:
                return True
    return False


def rings(v: np.ndarray, params: IzhikevichParams, level: float,
          th: ClassifierThresholds = DEFAULT_THRESHOLDS) -> bool:
    """Whether a stretch of trace under the constant current ``level`` rings around its rest.

    Parameters
    ----------
    v : ndarray
        The potential over the stretch (at least ``th.ringing_min_samples`` samples).
    params : IzhikevichParams
    level : float
        The (constant) current over the stretch.
    th : ClassifierThresholds, optional

    Returns
    -------
    bool
        The rest at ``level`` is a stable focus that rings visibly, and ``v`` crosses it
        twice.

    Examples
    --------
    >>> from izhi_widgets import PRESETS, simulate
    >>> j = simulate(PRESETS["J"])  # a 2-unit pulse from 20 to 25 ms, then 0 again
    >>> rings(j.v_mV[j.t_ms > 30], PRESETS["J"].params, 0.0)
    True
    >>> rings(j.v_mV[j.t_ms > 30], PRESETS["A"].params, 0.0)  # A's rest is a node
    False
    """
    if len(v) < th.ringing_min_samples:
        return False
    rest = stable_rest(params, level)
    if rest is None or rest.kind != "stable focus":
        return False
    # A heavily damped focus can still overshoot twice after a large (nonlinear) excursion;
    # ask the linearization whether any ringing would be visible.
    lam = rest.eigenvalues[0]
    if math.exp(-math.pi * abs(lam.real) / abs(lam.imag)) < th.min_half_period_decay:
        return False
    return crosses_rest_twice(v, rest.v_mV, th)
