"""Where the resting state ends as the input current changes: saddle-node or Andronov–Hopf.

For the standard form the equilibria solve ``k2 v^2 + (k1 - b) v + k0 + I = 0`` (with
``u = b v``), and the Jacobian is ``[[2 k2 v + k1, -1], [a b, -a]]``. So:

* the **saddle-node** current is where the discriminant vanishes:
  ``I_SN = (k1 - b)^2 / (4 k2) - k0``, at ``v_SN = -(k1 - b) / (2 k2)``;
* the **Andronov–Hopf** current is where the trace vanishes at an equilibrium,
  ``v_H = (a - k1) / (2 k2)``, ``I_H = b v_H - (k2 v_H^2 + k1 v_H + k0)``, provided the
  determinant ``a (b - a)`` is positive there (a pair of complex eigenvalues crosses).

**The b < a / b > a rule** (for a > 0): the rest is the lower equilibrium, stable while
``v < v_H``. If ``b < a`` then ``v_SN < v_H``: the rest meets the saddle and both vanish
at ``I_SN`` (a saddle-node on the invariant circle: firing starts at an arbitrarily low
rate — class 1, an integrator). If ``b > a`` then ``v_H < v_SN``: the rest loses stability
through an Andronov–Hopf bifurcation at ``I_H < I_SN`` and firing starts at a finite rate
(class 2, a resonator). For ``a < 0`` (presets S and T) the rest sits on the upper branch
and loses stability as the current *falls*: inhibition-induced firing. The accommodation
form (R) has one equilibrium, ``v = -65``, stable at every current: no bifurcation.

Examples
--------
>>> from izhi_widgets import PRESETS
>>> from izhi_widgets.dynamics.bifurcation import bifurcation_current
>>> bifurcation_current(PRESETS["G"].params).kind, round(bifurcation_current(PRESETS["G"].params).I, 2)
('saddle-node', 2.25)
>>> bif = bifurcation_current(PRESETS["H"].params)
>>> bif.kind, round(bif.I, 2)
('andronov-hopf', 0.4)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..params import IzhikevichParams
from .geometry import fixed_points, jacobian

__all__ = ["Bifurcation", "bifurcation_current", "equilibrium_branches", "EquilibriumBranches"]


@dataclass(frozen=True)
class Bifurcation:
    """Where the resting state ends.

    Attributes
    ----------
    I : float
        The current at the bifurcation.
    kind : str
        ``"saddle-node"`` or ``"andronov-hopf"``.
    v_mV, u : float
        The equilibrium at the bifurcation.
    direction : str
        ``"rising"``: the rest is lost as I rises through ``I`` (the usual case);
        ``"falling"``: as I falls (a < 0: inhibition-induced firing).
    reason : str
        One sentence: why this kind (the b < a / b > a rule).
    """

    I: float
    kind: str
    v_mV: float
    u: float
    direction: str
    reason: str


def _stable_near(params: IzhikevichParams, I: float, v_mV: float, width: float) -> bool:
    return any(p.stable and abs(p.v_mV - v_mV) < width for p in fixed_points(params, I))


def bifurcation_current(params: IzhikevichParams,
                        direction: str = "rising") -> Bifurcation | None:
    """The current at which the resting state disappears or loses stability (see the
    module docstring); None when it never does (the accommodation form).

    ``direction="rising"`` (default): the first such current as I rises (the classical
    question: where does firing start?). ``"falling"``: as I falls (for a < 0, presets S
    and T, the Andronov–Hopf current below which inhibition-induced firing starts).

    >>> from izhi_widgets import PRESETS
    >>> round(bifurcation_current(PRESETS["S"].params, "falling").I, 2)
    79.0
    """
    if direction not in ("rising", "falling"):
        raise ValueError(f"direction must be 'rising' or 'falling', got {direction!r}")
    v_shift, u_gain = params.recovery_terms()
    k2, k1, k0, a, b = params.k2, params.k1, params.k0, params.a, params.b
    if u_gain == 0 or k2 <= 0:
        return None
    v_sn = -(k1 - b) / (2 * k2)
    i_sn = (k1 - b) ** 2 / (4 * k2) - k0 + b * v_shift
    candidates = [("saddle-node", i_sn, v_sn)]
    v_h = (a - k1) / (2 * k2)
    det_h = float(np.linalg.det(jacobian(params, v_h)))
    if det_h > 0 and abs(v_h - v_sn) > 1e-9:
        i_h = b * (v_h + v_shift) - (k2 * v_h * v_h + k1 * v_h + k0)
        candidates.append(("andronov-hopf", i_h, v_h))
    found = []
    for kind, current, v in candidates:
        eps = 1e-6 * max(1.0, abs(current))
        width = max(2.0, abs(v_h - v_sn))
        below = _stable_near(params, current - eps, v, width)
        above = _stable_near(params, current + eps, v, width)
        if below and not above:
            found.append((current, kind, v, "rising"))
        elif above and not below:
            found.append((current, kind, v, "falling"))
    found = [f for f in found if f[3] == direction]
    if not found:
        return None
    current, kind, v, direction = min(found) if direction == "rising" else max(found)
    u = b * (v + v_shift) / u_gain
    if kind == "saddle-node":
        reason = (f"b = {b:g} < a = {a:g}: the rest meets the saddle and both vanish at "
                  f"I = {current:.4g} (saddle-node), so firing can start at any low rate")
    else:
        relation = "b > a" if b > a else "a < 0"
        reason = (f"{relation} (a = {a:g}, b = {b:g}): the rest becomes an unstable focus at "
                  f"I = {current:.4g} (Andronov–Hopf), so firing starts at a finite rate")
    return Bifurcation(float(current), kind, float(v), float(u), direction, reason)


@dataclass(frozen=True)
class EquilibriumBranches:
    """Equilibrium potentials against current, for a bifurcation diagram.

    ``I`` (n,) currents; ``v_low``/``v_high`` (n,) the two equilibria (NaN where there are
    none); ``stable_low``/``stable_high`` (n,) bool.
    """

    I: np.ndarray
    v_low: np.ndarray
    v_high: np.ndarray
    stable_low: np.ndarray
    stable_high: np.ndarray


def equilibrium_branches(params: IzhikevichParams, currents: np.ndarray) -> EquilibriumBranches:
    """The equilibria and their stability at each current (at most two per current)."""
    currents = np.asarray(currents, dtype=float)
    out = np.full((4, len(currents)), np.nan)
    for k, current in enumerate(currents):
        points = fixed_points(params, float(current))
        for j, point in enumerate(points[:2]):
            out[j, k] = point.v_mV
            out[2 + j, k] = 1.0 if point.stable else 0.0
    return EquilibriumBranches(currents, out[0], out[1], out[2] == 1.0, out[3] == 1.0)
