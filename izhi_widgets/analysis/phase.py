"""Phase-plane geometry of the model: nullclines and equilibria with their stability.

Pure numpy on `IzhikevichParams`; no simulation.

* `nullclines`: the ``u`` values of ``v' = 0`` and ``u' = 0`` along a grid of ``v``.
* `fixed_points`: the equilibria under a constant current (`FixedPoint`: position, kind,
  eigenvalues).
* `stable_rest`: the stable equilibrium (the lowest if several), used by the classifier.

Examples
--------
>>> from izhi_widgets.params import IzhikevichParams
>>> rest, saddle = fixed_points(IzhikevichParams(b=0.2), 0.0)
>>> rest.kind, saddle.kind
('stable node', 'saddle')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..params import IzhikevichParams

__all__ = ["nullclines", "FixedPoint", "fixed_points", "stable_rest"]


def nullclines(params: IzhikevichParams, I: float, v_mV: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``u`` values of the v-nullcline (``v' = 0``) and u-nullcline (``u' = 0``) along ``v_mV``.

    For the accommodation form (``u' = a b (v + 65)``) the u-nullcline is the vertical
    line ``v = -65``: its returned values are NaN except where ``v == -65`` (draw it
    with ``axvline``).

    Parameters
    ----------
    params : IzhikevichParams
    I : float
        A constant injected current.
    v_mV : array_like
        Membrane potentials at which to evaluate the two curves.

    Returns
    -------
    v_null, u_null : ndarray
        The ``u`` of each nullcline at every ``v``.

    Examples
    --------
    >>> import numpy as np
    >>> from izhi_widgets.params import IzhikevichParams
    >>> vn, un = nullclines(IzhikevichParams(), 0.0, np.array([-70.0]))
    >>> round(float(vn[0]), 6), round(float(un[0]), 6)
    (-14.0, -14.0)
    """
    v = np.asarray(v_mV, dtype=float)
    v_null = params.k2 * v * v + params.k1 * v + params.k0 + I
    v_shift, u_gain = params.recovery_terms()
    if u_gain == 0:
        u_null = np.where(v == -v_shift, 0.0, np.nan)
    else:
        u_null = params.b * (v + v_shift) / u_gain
    return v_null, u_null


@dataclass(frozen=True)
class FixedPoint:
    """An equilibrium ``(v, u)`` and its linear stability.

    Attributes
    ----------
    v_mV, u : float
        Position.
    kind : str
        ``'stable node'``, ``'stable focus'``, ``'unstable node'``, ``'unstable focus'``
        or ``'saddle'``.
    eigenvalues : tuple of complex
        Of the Jacobian at the point.

    Examples
    --------
    >>> FixedPoint(-70.0, -14.0, "stable node", (-0.1 + 0j, -0.02 + 0j)).stable
    True
    """

    v_mV: float
    u: float
    kind: str  # 'stable node', 'stable focus', 'unstable node', 'unstable focus', 'saddle'
    eigenvalues: tuple[complex, complex]

    @property
    def stable(self) -> bool:
        """Whether small perturbations decay (a stable node or focus)."""
        return self.kind.startswith("stable")


def _kind_of(jacobian: np.ndarray) -> tuple[str, tuple[complex, complex]]:
    """The kind of an equilibrium from its Jacobian, and the eigenvalues."""
    eig = np.linalg.eigvals(jacobian)
    re = eig.real
    if re[0] * re[1] < 0:
        kind = "saddle"
    else:
        stability = "stable" if np.all(re < 0) else "unstable"
        shape = "focus" if abs(eig[0].imag) > 1e-12 else "node"
        kind = f"{stability} {shape}"
    return kind, (complex(eig[0]), complex(eig[1]))


def fixed_points(params: IzhikevichParams, I: float) -> list[FixedPoint]:
    """Equilibria of the model under a constant current ``I`` (0, 1 or 2 of them), by rising v.

    Parameters
    ----------
    params : IzhikevichParams
    I : float
        A constant injected current.

    Returns
    -------
    list of FixedPoint

    Examples
    --------
    >>> from izhi_widgets.params import IzhikevichParams
    >>> [round(fp.v_mV, 2) for fp in fixed_points(IzhikevichParams(b=0.2), 0.0)]
    [-70.0, -50.0]
    """
    k2, k1, k0, a, b = params.k2, params.k1, params.k0, params.a, params.b
    v_shift, u_gain = params.recovery_terms()
    if u_gain == 0:  # accommodation form: u' = 0 only on v = -v_shift
        vs = [-v_shift]
    else:
        # k2 v^2 + k1 v + k0 + I = b (v + v_shift) / u_gain
        slope = b / u_gain
        coeffs = [k2, k1 - slope, k0 + I - slope * v_shift]
        if k2 == 0:
            vs = [] if coeffs[1] == 0 else [-coeffs[2] / coeffs[1]]
        else:
            disc = coeffs[1] ** 2 - 4 * k2 * coeffs[2]
            if disc < 0:
                vs = []
            else:
                root = np.sqrt(disc)
                vs = sorted({(-coeffs[1] - root) / (2 * k2), (-coeffs[1] + root) / (2 * k2)})
    points = []
    for v in vs:
        u = k2 * v * v + k1 * v + k0 + I
        jac = np.array([[2 * k2 * v + k1, -1.0], [a * b, -a * u_gain]])
        kind, eig = _kind_of(jac)
        points.append(FixedPoint(float(v), float(u), kind, eig))
    return points


def stable_rest(params: IzhikevichParams, I: float) -> FixedPoint | None:
    """The stable equilibrium at current ``I`` (the lowest if several), or None.

    Examples
    --------
    >>> from izhi_widgets.params import IzhikevichParams
    >>> round(stable_rest(IzhikevichParams(b=0.2), 0.0).v_mV, 6)
    -70.0
    >>> stable_rest(IzhikevichParams(b=0.2), 10.0) is None
    True
    """
    stable = [fp for fp in fixed_points(params, I) if fp.stable]
    return stable[0] if stable else None
