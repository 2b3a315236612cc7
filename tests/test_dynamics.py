"""Dynamics: equilibria against the closed form, the separatrix as the true threshold,
bifurcation currents, excitability classes and F–I curves."""

from __future__ import annotations

import math

import numpy as np
import pytest

from izhi_widgets import PRESETS, IzhikevichParams, Constant, simulate
from izhi_widgets.dynamics.bifurcation import bifurcation_current, equilibrium_branches
from izhi_widgets.dynamics.excitability import excitability_class, fi_curve
from izhi_widgets.dynamics.geometry import (fixed_points, jacobian, oscillation_period_ms,
                                            separatrix, vector_field)


def _random_params(rng):
    return IzhikevichParams(a=float(rng.uniform(0.005, 0.3)), b=float(rng.uniform(-0.3, 0.3)),
                            c=-65.0, d=2.0, k1=float(rng.choice([5.0, 4.1])),
                            k0=float(rng.choice([140.0, 108.0])))


def test_fixed_points_match_the_closed_form(rng):
    """The equilibria solve k2 v^2 + (k1 - b) v + k0 + I = 0 (u = b v); their kinds follow
    the Jacobian's eigenvalues."""
    checked = 0
    for _ in range(300):
        p = _random_params(rng)
        current = float(rng.uniform(-20, 20))
        roots = np.roots([p.k2, p.k1 - p.b, p.k0 + current])
        real = sorted(r.real for r in roots if abs(r.imag) < 1e-12)
        points = fixed_points(p, current)
        assert [fp.v_mV for fp in points] == pytest.approx(real, abs=1e-7)
        for fp in points:
            assert fp.u == pytest.approx(p.b * fp.v_mV, abs=1e-7)
            eig = np.linalg.eigvals(jacobian(p, fp.v_mV))
            assert sorted(eig, key=lambda z: (z.real, z.imag)) == pytest.approx(
                sorted(fp.eigenvalues, key=lambda z: (z.real, z.imag)), abs=1e-9)
            det, tr = np.linalg.det(jacobian(p, fp.v_mV)), np.trace(jacobian(p, fp.v_mV))
            if det < 0:
                assert fp.kind == "saddle"
            else:
                assert fp.kind.startswith("stable" if tr < 0 else "unstable")
                assert fp.kind.endswith("focus" if tr * tr < 4 * det else "node")
            checked += 1
    assert checked > 200


def test_accommodation_form_has_one_stable_equilibrium_and_no_bifurcation():
    p = PRESETS["R"].params
    for current in (-10.0, 0.0, 10.0, 100.0):
        (fp,) = fixed_points(p, current)
        assert fp.v_mV == -65.0 and fp.stable
    assert bifurcation_current(p) is None
    assert separatrix(p, 0.0) is None


def test_the_focus_period_of_k_is_about_41_ms():
    p = PRESETS["K"].params
    rest = fixed_points(p, 0.0)[0]
    assert rest.kind == "stable focus"
    assert oscillation_period_ms(p, rest) == pytest.approx(41.0, abs=0.1)
    assert oscillation_period_ms(p, fixed_points(p, 0.0)[1]) is None  # the saddle


@pytest.mark.parametrize("key, current", [("RS", 0.0), ("G", 1.0), ("K", 0.0), ("IB", 2.0),
                                          ("L", 0.0)])
def test_the_separatrix_is_the_threshold(key, current):
    """States just across the separatrix from each other end differently: one side spikes,
    the other returns to rest (checked with the ODE at a fine step). Next to the saddle the
    depolarized side is the one that spikes; far along the lower branch of a resonator (K)
    it can be the other way round (hyperpolarized states rebound)."""
    p = PRESETS[key].params
    v_sep, u_sep = separatrix(p, current)
    saddle = next(fp for fp in fixed_points(p, current) if fp.kind == "saddle")
    near = (u_sep < saddle.u - 0.3) & (np.abs(v_sep - saddle.v_mV) < 15)
    idx = np.flatnonzero(near)[:: max(1, near.sum() // 4)][:4]
    assert len(idx) >= 2
    closest = int(np.flatnonzero(near)[np.argmin(np.hypot(v_sep[near] - saddle.v_mV,
                                                          u_sep[near] - saddle.u))])
    for k in [closest, *idx]:
        tangent = np.array([v_sep[k + 1] - v_sep[k - 1], u_sep[k + 1] - u_sep[k - 1]])
        normal = np.array([tangent[1], -tangent[0]]) / np.hypot(*tangent)
        normal *= np.sign(normal[0]) or 1.0  # pointing to higher v
        fired = []
        for side in (+1, -1):
            v0, u0 = np.array([v_sep[k], u_sep[k]]) + side * 0.3 * normal
            res = simulate(p, Constant(current), duration_ms=400, dt_ms=0.005, numerics="rk4",
                           v0_mV=float(v0), u0=float(u0), record=False)
            fired.append(res.n_spikes > 0)
        assert fired[0] != fired[1], (key, k, v_sep[k], u_sep[k], fired)
        if k == closest:
            assert fired == [True, False]  # next to the saddle: depolarized spikes


@pytest.mark.parametrize("key, kind, current", [("G", "saddle-node", 2.25),
                                                ("L", "saddle-node", 2.25),
                                                ("H", "andronov-hopf", 0.40)])
def test_bifurcation_currents_by_hand(key, kind, current):
    p = PRESETS[key].params
    bif = bifurcation_current(p)
    assert bif.kind == kind and bif.I == pytest.approx(current, abs=1e-9)
    assert bif.direction == "rising"
    # just below: a stable rest near the bifurcation point; just above: none
    below = [fp for fp in fixed_points(p, current - 1e-3) if fp.stable]
    above = [fp for fp in fixed_points(p, current + 1e-3) if fp.stable]
    assert below and not [fp for fp in above if abs(fp.v_mV - bif.v_mV) < 5]
    if kind == "saddle-node":
        assert "b = -0.1 < a = 0.02" in bif.reason
    else:
        assert "b > a" in bif.reason


def test_the_b_versus_a_rule(rng):
    for _ in range(100):
        p = _random_params(rng)
        if abs(p.b - p.a) < 1e-3:
            continue
        bif = bifurcation_current(p)
        assert bif.kind == ("saddle-node" if p.b < p.a else "andronov-hopf"), (p.a, p.b)


def test_inhibition_induced_presets_lose_rest_as_the_current_falls():
    bif = bifurcation_current(PRESETS["S"].params, direction="falling")
    assert bif.kind == "andronov-hopf" and bif.I == pytest.approx(78.9975, abs=1e-9)
    assert 75.0 < bif.I < 80.0  # S rests at 80 and fires at 75


def test_equilibrium_branches_meet_at_the_saddle_node():
    p = PRESETS["G"].params
    br = equilibrium_branches(p, np.array([0.0, 2.0, 2.2499, 2.26, 5.0]))
    assert np.all(np.isfinite(br.v_low[:3])) and np.all(np.isnan(br.v_low[3:]))
    assert br.stable_low[:3].all() and not br.stable_high[:3].any()
    assert br.v_high[2] - br.v_low[2] < 0.2


def test_g_is_class_1_and_h_is_class_2():
    g = fi_curve(PRESETS["G"].params, v0_mV=PRESETS["G"].v0_mV)
    h = fi_curve(PRESETS["H"].params, v0_mV=PRESETS["H"].v0_mV)
    assert len(g.currents) >= 50 and len(h.currents) >= 50
    cg, ch = excitability_class(PRESETS["G"].params, g), excitability_class(PRESETS["H"].params, h)
    assert cg == 1 and ch == 2 and int(cg) == 1
    assert g.onset_rate_hz < 10 and h.onset_rate_hz > 25
    assert "saddle-node" in cg.reason and "Andronov" in ch.reason
    k, i0 = g.sqrt_fit  # class 1: rate ~ k sqrt(I - I_SN)
    assert i0 == pytest.approx(2.25, abs=0.05) and k > 0
    assert h.hysteresis and not g.hysteresis  # H's subcritical onset is bistable
    # the onset is near the bifurcation current
    assert abs(g.onset_current - 2.25) < 0.05


def test_fi_curve_validates_its_currents():
    with pytest.raises(ValueError, match=r"currents\[1\]"):
        fi_curve(PRESETS["G"].params, [1.0, float("nan")], sweeps=False)
    with pytest.raises(ValueError, match="currents"):
        fi_curve(PRESETS["G"].params, [], sweeps=False)


def test_vector_field_points_along_the_flow():
    p = PRESETS["A"].params
    V, U, dV, dU = vector_field(p, 0.0, np.linspace(-80, -40, 5), np.linspace(-20, 0, 4))
    assert V.shape == (4, 5)
    assert np.all(np.sign(dV) == np.sign(p.k2 * V**2 + p.k1 * V + p.k0 - U))


def test_dynamics_figures_draw_what_they_say():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from izhi_widgets.plotting.dynamics import (plot_bifurcation, plot_fi_sweep,
                                                plot_phase_instrument)

    fig, (a1, a2, a3) = plt.subplots(1, 3)
    try:
        art = plot_phase_instrument(PRESETS["K"].params, 0.0, simulate(PRESETS["K"]), a1)
        assert {"separatrix", "stable focus", "saddle", "trajectory", "flow"} <= set(art)
        lines = plot_bifurcation(PRESETS["G"].params, ax=a2, currents=np.linspace(0, 4, 41))
        labels = [line.get_label() for line in lines]
        assert "saddle-node at I = 2.25" in labels
        fi = fi_curve(PRESETS["G"].params, v0_mV=-60, sweeps=False)
        drawn = plot_fi_sweep(fi, a3)
        assert any(str(d.get_label()).startswith("6.") or "√" in str(d.get_label())
                   for d in drawn)
    finally:
        plt.close(fig)
