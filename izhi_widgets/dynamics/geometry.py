"""The phase plane as an instrument: equilibria, the true threshold, the flow.

Pure computations on `IzhikevichParams` under a constant current ``I``; no spikes, no
Brian2. (The model's variants are honoured: G/L's ``4.1 v + 108`` through ``k1, k0``,
R's accommodation form ``u' = a b (v + 65)`` through ``recovery``.)

* `fixed_points` (from `izhi_widgets.analysis.phase`): the equilibria and their kinds.
* `jacobian`, `oscillation_period_ms`: the linearisation at a point; a focus's damped
  oscillation period ``2 pi / Im(lambda)`` (K's rest rings with a ~41 ms period).
* `separatrix`: the saddle's stable manifold — the input-dependent threshold. Starts
  just off the saddle along its stable eigenvector and integrates *backwards* in time
  (SciPy ``solve_ivp``) until the curve leaves the view.
* `vector_field`: the flow's direction on a grid, for arrows.

The 30 mV "threshold" of the model is only where a spike's upstroke is cut off and
reset; whether a state fires is decided by which side of the separatrix it lies on.

Examples
--------
>>> from izhi_widgets import PRESETS
>>> from izhi_widgets.dynamics.geometry import fixed_points, oscillation_period_ms
>>> rest = fixed_points(PRESETS["K"].params, 0.0)[0]
>>> rest.kind, round(oscillation_period_ms(PRESETS["K"].params, rest), 1)
('stable focus', 41.0)
"""

from __future__ import annotations

import math

import numpy as np

from ..analysis.phase import FixedPoint, fixed_points, nullclines
from ..params import IzhikevichParams
from ..validation import check_number

__all__ = ["fixed_points", "FixedPoint", "nullclines", "jacobian", "oscillation_period_ms",
           "separatrix", "vector_field", "flow"]

#: How far (mV) below the lowest of c, the rest and -90 mV, and above the peak, the
#: separatrix is followed.
_MARGIN_MV = 30.0


def flow(params: IzhikevichParams, I: float, v: np.ndarray, u: np.ndarray
         ) -> tuple[np.ndarray, np.ndarray]:
    """``(v', u')`` of the continuous model at the points ``(v, u)`` (no reset).

    >>> import numpy as np
    >>> dv, du = flow(IzhikevichParams(), 0.0, np.array([-70.0]), np.array([-14.0]))
    >>> round(float(dv[0]), 9), round(float(du[0]), 9)  # (-70, -14) is the rest
    (0.0, 0.0)
    """
    v = np.asarray(v, dtype=float)
    u = np.asarray(u, dtype=float)
    v_shift, u_gain = params.recovery_terms()
    dv = params.k2 * v * v + params.k1 * v + params.k0 - u + I
    du = params.a * (params.b * (v + v_shift) - u_gain * u)
    return dv, du


def jacobian(params: IzhikevichParams, v_mV: float) -> np.ndarray:
    """The Jacobian of the flow at potential ``v_mV`` (it does not depend on u or I)."""
    _, u_gain = params.recovery_terms()
    return np.array([[2 * params.k2 * v_mV + params.k1, -1.0],
                     [params.a * params.b, -params.a * u_gain]])


def oscillation_period_ms(params: IzhikevichParams, point: FixedPoint) -> float | None:
    """The damped oscillation period ``2 pi / |Im lambda|`` (ms) at a focus, else None."""
    if not point.kind.endswith("focus"):
        return None
    imag = abs(point.eigenvalues[0].imag)
    return 2 * math.pi / imag if imag > 0 else None


def _saddle(params: IzhikevichParams, I: float) -> FixedPoint | None:
    return next((p for p in fixed_points(params, I) if p.kind == "saddle"), None)


def separatrix(params: IzhikevichParams, I: float = 0.0, *,
               v_range: tuple[float, float] | None = None, max_time_ms: float = 2000.0,
               points: int = 400) -> tuple[np.ndarray, np.ndarray] | None:
    """The saddle's stable manifold under current ``I``: the states that flow into the
    saddle. States on its right spike, states on its left return to rest.

    Parameters
    ----------
    params : IzhikevichParams
    I : float
        A constant current.
    v_range : (float, float), optional
        The window of v (mV) to follow the curve in (default: from 30 mV below the lowest
        of ``c``, the rest and -90 mV up to 30 mV above the spike peak).
    max_time_ms : float
        How long to integrate backwards on each side.
    points : int
        Samples per side, evenly spaced along the curve.

    Returns
    -------
    (v, u) : tuple of ndarray, or None
        The curve through the saddle (both branches, ordered along it), or None when
        there is no saddle at this current (e.g. above the saddle-node current, or in
        the accommodation form).

    Examples
    --------
    >>> from izhi_widgets import IzhikevichParams
    >>> v, u = separatrix(IzhikevichParams(a=0.02, b=0.2), I=0.0)
    >>> bool(v.min() < -50 < v.max())
    True
    """
    from scipy.integrate import solve_ivp

    I = check_number("I", I, -1e4, 1e4)
    saddle = _saddle(params, I)
    if saddle is None:
        return None
    eig, vecs = np.linalg.eig(jacobian(params, saddle.v_mV))
    stable = vecs[:, int(np.argmin(eig.real))].real
    stable = stable / np.hypot(*stable)
    rest = [p.v_mV for p in fixed_points(params, I)]
    lo, hi = v_range or (min([params.c, -90.0, *rest]) - _MARGIN_MV,
                         params.v_peak_mV + _MARGIN_MV)

    def backwards(_t, y):
        dv, du = flow(params, I, y[0], y[1])
        return [-dv, -du]

    def leaves(_t, y):  # stop when v leaves the window
        return min(y[0] - lo, hi - y[0])

    leaves.terminal = True
    step = 1e-4 * max(1.0, abs(saddle.v_mV))
    branches = []
    for sign in (-1.0, 1.0):
        start = [saddle.v_mV + sign * step * stable[0], saddle.u + sign * step * stable[1]]
        sol = solve_ivp(backwards, (0.0, max_time_ms), start, events=leaves, rtol=1e-9,
                        atol=1e-9, dense_output=True, method="LSODA")
        # even spacing along the curve (the flow is slow near the saddle: even in time
        # would crowd the points there)
        dense = sol.sol(np.linspace(0.0, sol.t[-1], 20 * points))
        arc = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(dense, axis=1)))])
        even = np.linspace(0.0, arc[-1], points)
        branches.append(np.vstack([np.interp(even, arc, dense[0]),
                                   np.interp(even, arc, dense[1])]))
    first, second = branches
    v = np.concatenate([first[0][::-1], [saddle.v_mV], second[0]])
    u = np.concatenate([first[1][::-1], [saddle.u], second[1]])
    return v, u


def vector_field(params: IzhikevichParams, I: float, v_mV: np.ndarray, u: np.ndarray, *,
                 normalise: bool = True):
    """The flow on the grid ``v_mV x u``: ``(V, U, dV, dU)`` 2-D arrays for ``quiver``.

    With ``normalise`` (default) the arrows have unit length in axis-relative units
    (each component divided by its axis span), so only the direction shows.
    """
    V, U = np.meshgrid(np.asarray(v_mV, dtype=float), np.asarray(u, dtype=float))
    dV, dU = flow(params, I, V, U)
    if normalise:
        span_v = max(np.ptp(V), 1e-12)
        span_u = max(np.ptp(U), 1e-12)
        x, y = dV / span_v, dU / span_u
        norm = np.hypot(x, y)
        norm[norm == 0] = 1.0
        dV, dU = x / norm * span_v, y / norm * span_u
    return V, U, dV, dU
