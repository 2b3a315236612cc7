"""The engine's ODE modes (``euler``, ``rk4``): one step as Brian2 abstract code, with the
threshold crossing located inside the step, and the stimulus laid out for it.

Why not Brian2's state updaters
-------------------------------
Brian2 integrates a step, then tests the threshold on the grid and resets there. A spike
time is then the grid time of its step, and the reset happens up to one step late: spike
times converge only to first order in ``dt``, whatever the integrator's order. And a
stimulus sampled on the grid switches one step late at an open edge (``t > 10``).

What one step does here (model time ``[t_k, t_k + h]``, state ``v, u``)
----------------------------------------------------------------------
* The step is split at the first stimulus breakpoint inside it (fraction ``th`` of the
  step; ``th = 1`` when there is none), so the current is smooth on each sub-step. The
  stimulus comes as samples per sub-step, taken strictly inside it (an open or closed
  edge at a sub-step's end is seen from the sub-step's own side): ``rk4`` needs the
  start, middle and end of each sub-step, ``euler`` the start.
* Each sub-step of length ``H``: one Euler or classical RK4 step. If ``v`` ends above
  ``v_peak``, the crossing time is located inside the sub-step: linearly for Euler (its
  own interpolant), for RK4 by four Newton iterations on the cubic Hermite interpolant
  of ``v`` through the sub-step's end values and derivatives (error O(H^4), the order of
  the step). ``u`` at the crossing comes from the same interpolant, the reset
  ``v = c, u = u + d`` is applied there, and the rest of the sub-step is integrated from
  the reset state (RK4: the current there from the quadratic through the three samples).
  ``t_spike`` records the crossing time (model ms) and ``spiked`` the step's spike.
* The step is a small C++ function (`step_code`, given to Brian2 as the implementation of
  the functions of `ode_functions`) called from one ``run_regularly`` operation
  (`ode_update`), so it is compiled once per structure with the rest of the generated
  code; written as Brian2 abstract code it would have to be branch-free (every
  alternative computed at every step) and ran 4x slower. Brian2's threshold only counts
  the spike (``spiked > 0.5``) and its ``SpikeMonitor`` records ``t_spike``.

Limits: at most one spike per sub-step (a second crossing in the remainder is located at
the start of the next step) and one breakpoint per step is honoured exactly (a pulse
shorter than the step is not resolved).

Examples
--------
>>> from izhi_widgets.engine_ode import ode_update, stimulus_columns, COLUMNS
>>> COLUMNS["rk4"], COLUMNS["euler"]
(7, 3)
>>> "t_spike" in ode_update("rk4", 1)
True
"""

from __future__ import annotations

import numpy as np

from .stimulus import Stimulus

__all__ = ["COLUMNS", "ode_update", "ode_functions", "step_code", "stimulus_columns",
           "NEWTON_ITERATIONS"]

#: Stimulus values per neuron and step: ``th`` then the samples of the two sub-steps.
COLUMNS = {"euler": 3, "rk4": 7}
#: Newton iterations on the Hermite interpolant (each roughly doubles the correct digits).
NEWTON_ITERATIONS = 4


_STEP_CPP = r"""
// Event-located ODE step of the Izhikevich model (izhi_widgets.engine_ode), METHOD.
// izhi_ode_step advances neuron i by one step and returns the new v; the new u, the
// spike flag and the spike time are kept for the izhi_ode_* getters called right after.
static double izhi_ode_u_[NEURONS], izhi_ode_spiked_[NEURONS], izhi_ode_tspike_[NEURONS];

struct izhi_ode_p { double a, b, c, d, k2, k1, k0, v_shift, u_gain, v_peak; };

static inline double izhi_fv(const izhi_ode_p& p, double v, double u, double I)
{ return p.k2*v*v + p.k1*v + p.k0 - u + I; }
static inline double izhi_fu(const izhi_ode_p& p, double v, double u)
{ return p.a*(p.b*(v + p.v_shift) - p.u_gain*u); }

// One step of length H from (v, u); the current at the start, middle and end (I0, Im, I1).
static inline void izhi_advance(const izhi_ode_p& p, double& v, double& u, double H,
                                double I0, double Im, double I1, double& k1v, double& k1u)
{
    k1v = izhi_fv(p, v, u, I0); k1u = izhi_fu(p, v, u);
#if IZHI_RK4
    const double v2 = v + 0.5*H*k1v, u2 = u + 0.5*H*k1u;
    const double k2v = izhi_fv(p, v2, u2, Im), k2u = izhi_fu(p, v2, u2);
    const double v3 = v + 0.5*H*k2v, u3 = u + 0.5*H*k2u;
    const double k3v = izhi_fv(p, v3, u3, Im), k3u = izhi_fu(p, v3, u3);
    const double v4 = v + H*k3v, u4 = u + H*k3u;
    const double k4v = izhi_fv(p, v4, u4, I1), k4u = izhi_fu(p, v4, u4);
    v = v + H*(k1v + 2*k2v + 2*k3v + k4v)/6;
    u = u + H*(k1u + 2*k2u + 2*k3u + k4u)/6;
#else
    v = v + H*k1v;
    u = u + H*k1u;
#endif
}

// A sub-step of length H starting at model time t0, with the threshold located inside it.
static inline void izhi_substep(const izhi_ode_p& p, double& v, double& u, double H, double t0,
                                double I0, double Im, double I1, double& spiked, double& tspike)
{
    if (!(H > 0)) return;
    const double v0 = v, u0 = u;
    double k1v, k1u;
    izhi_advance(p, v, u, H, I0, Im, I1, k1v, k1u);
    if (!(v > p.v_peak)) return;
    // the crossing, as a fraction s of the sub-step
    double s = v0 < p.v_peak ? (p.v_peak - v0)/(v - v0) : 0.0;
    double ua = u0 + s*(u - u0);
#if IZHI_RK4
    if (v0 < p.v_peak) {
        // Newton on the cubic Hermite interpolant through the ends and their slopes
        const double f1v = izhi_fv(p, v, u, I1), f1u = izhi_fu(p, v, u);
        const double e1 = H*k1v, e2 = 3*(v - v0) - 2*H*k1v - H*f1v,
                     e3 = 2*(v0 - v) + H*k1v + H*f1v;
        for (int k = 0; k < NEWTON; k++) {
            const double value = v0 + s*(e1 + s*(e2 + s*e3)) - p.v_peak;
            const double slope = e1 + s*(2*e2 + 3*s*e3);
            if (slope > 0) s -= value/slope;
            s = s < 0 ? 0 : (s > 1 ? 1 : s);
        }
        const double g1 = H*k1u, g2 = 3*(u - u0) - 2*H*k1u - H*f1u,
                     g3 = 2*(u0 - u) + H*k1u + H*f1u;
        ua = u0 + s*(g1 + s*(g2 + s*g3));
    }
#endif
    spiked = 1;
    tspike = t0 + s*H;
    v = p.c;
    u = ua + p.d;
    // the rest of the sub-step from the reset; the current there from the quadratic
    // through the three samples (exact for constant and linear currents)
    const double sm = 0.5*(1 + s);
    const double Ia = I0*(2*s - 1)*(s - 1) + 4*Im*s*(1 - s) + I1*s*(2*s - 1);
    const double Ib = I0*(2*sm - 1)*(sm - 1) + 4*Im*sm*(1 - sm) + I1*sm*(2*sm - 1);
    izhi_advance(p, v, u, H*(1 - s), Ia, Ib, I1, k1v, k1u);
}

static double izhi_ode_step(int i, double v, double u, double h, double t0, double a,
                            double b, double c, double d, double k2, double k1, double k0,
                            double v_shift, double u_gain, double v_peak, double th,
                            double A0, double Am, double A1, double B0, double Bm, double B1)
{
    const izhi_ode_p p = {a, b, c, d, k2, k1, k0, v_shift, u_gain, v_peak};
    double spiked = 0, tspike = izhi_ode_tspike_[i];
    const double H1 = h*th;
    izhi_substep(p, v, u, H1, t0, A0, Am, A1, spiked, tspike);
    if (th < 1)  // a stimulus breakpoint inside the step: the rest is a second sub-step
        izhi_substep(p, v, u, h - H1, t0 + H1, B0, Bm, B1, spiked, tspike);
    izhi_ode_u_[i] = u;
    izhi_ode_spiked_[i] = spiked;
    izhi_ode_tspike_[i] = tspike;
    return v;
}
static inline double izhi_ode_u(int i) { return izhi_ode_u_[i]; }
static inline double izhi_ode_spiked(int i) { return izhi_ode_spiked_[i]; }
static inline double izhi_ode_tspike(int i) { return izhi_ode_tspike_[i]; }
"""


def step_code(numerics: str, n_neurons: int) -> str:
    """The C++ of one ODE step (``izhi_ode_step`` and its getters) for ``numerics``."""
    if numerics not in COLUMNS:
        raise ValueError(f"numerics must be one of {tuple(COLUMNS)}, got {numerics!r}")
    return (_STEP_CPP.replace("METHOD", numerics).replace("NEURONS", str(int(n_neurons)))
            .replace("NEWTON", str(NEWTON_ITERATIONS))
            .replace("#if IZHI_RK4", "#if 1" if numerics == "rk4" else "#if 0"))


def ode_functions(numerics: str, n_neurons: int) -> dict:
    """Brian2 functions ``izhi_ode_step``, ``izhi_ode_u``, ``izhi_ode_spiked``,
    ``izhi_ode_tspike`` (C++ only; the Python bodies are never called by the engine)."""
    import brian2 as b2

    code = step_code(numerics, n_neurons)
    n_args = 22

    def unused(*args):  # pragma: no cover - the engine is C++ only
        raise NotImplementedError("the ODE step runs in the compiled engine only")

    functions = {}
    for name, types in (("izhi_ode_step", ["integer"] + ["float"] * (n_args - 1)),
                        ("izhi_ode_u", ["integer"]), ("izhi_ode_spiked", ["integer"]),
                        ("izhi_ode_tspike", ["integer"])):
        func = b2.Function(unused, arg_units=[1] * len(types), return_unit=1,
                           arg_types=types, return_type="float", stateless=False)
        # the step carries the shared code; the getters live in the same file
        func.implementations.add_implementation(
            "cpp", code=code if name == "izhi_ode_step" else "", name=name)
        functions[name] = func
    return functions


def ode_update(numerics: str, n_neurons: int, stim: str = "izhi_stim") -> str:
    """One step of ``numerics`` (``'euler'`` or ``'rk4'``) as Brian2 abstract code.

    Reads the per-step stimulus columns of `stimulus_columns` from the TimedArray
    ``stim`` (column ``j`` of neuron ``i`` at index ``i + j*n_neurons``) and the
    parameters of `izhi_widgets.engine.ENGINE_INPUTS`; calls `ode_functions`' step and
    updates ``v, u``, ``I`` (the current at the step's start), ``spiked`` and ``t_spike``.
    """
    if numerics not in COLUMNS:
        raise ValueError(f"numerics must be one of {tuple(COLUMNS)}, got {numerics!r}")

    def col(j: int) -> str:
        return f"{stim}(t, i)" if j == 0 else f"{stim}(t, i + {j * n_neurons})"

    if numerics == "euler":  # one sample per sub-step: at its start
        samples = [col(1), col(1), col(1), col(2), col(2), col(2)]
    else:
        samples = [col(j) for j in range(1, 7)]
    args = ", ".join(["i", "v", "u", "alive*h", "t_in_timesteps*h", "a", "b", "c", "d", "k2",
                      "k1", "k0", "v_shift", "u_gain", "v_peak", col(0), *samples])
    return (f"I = {col(1)}\n"
            f"v = izhi_ode_step({args})\n"
            "u = izhi_ode_u(i)\n"
            "spiked = izhi_ode_spiked(i)\n"
            "t_spike = izhi_ode_tspike(i)\n")


def stimulus_columns(stimulus: Stimulus, t_grid: np.ndarray, dt_ms: float,
                     numerics: str) -> np.ndarray:
    """The per-step stimulus values the ODE step reads: ``(len(t_grid), COLUMNS[numerics])``.

    Column 0 is ``th``, the fraction of the step before the first breakpoint inside it
    (1 if none); then, for the sub-steps ``[t_k, t_k + th h]`` and ``[t_k + th h, t_k + h]``,
    the current at the start (euler), or at the start, middle and end (rk4), each sampled
    strictly inside its sub-step.

    Examples
    --------
    >>> from izhi_widgets.stimulus import Step
    >>> cols = stimulus_columns(Step(14, 10.1), np.array([10.0, 10.25]), 0.25, "euler")
    >>> cols.round(6).tolist()   # the edge at 10.1 splits the first step at 40 %
    [[0.4, 0.0, 14.0], [1.0, 14.0, 14.0]]
    """
    if numerics not in COLUMNS:
        raise ValueError(f"numerics must be one of {tuple(COLUMNS)}, got {numerics!r}")
    t0 = np.asarray(t_grid, dtype=float)
    t1 = t0 + dt_ms
    cuts = stimulus.breakpoints_ms(float(t1[-1]) if len(t1) else 0.0)
    # the first breakpoint strictly inside each step (a relative tolerance keeps a
    # breakpoint that sits on the grid, up to rounding, on the grid)
    tol = 1e-9 * dt_ms
    pos = np.searchsorted(cuts, t0 + tol, side="right")
    inside = np.zeros(len(t0), dtype=bool)
    edge = t1.copy()
    ok = pos < len(cuts)
    edge[ok] = cuts[pos[ok]]
    inside = ok & (edge < t1 - tol)
    edge = np.where(inside, edge, t1)
    th = (edge - t0) / dt_ms

    def sample(lo: np.ndarray, hi: np.ndarray, where: str) -> np.ndarray:
        if where == "middle":
            return stimulus.current(0.5 * (lo + hi))
        nudge = np.minimum(1e-9 * np.maximum(1.0, np.abs(hi)), (hi - lo) / 4)
        return stimulus.current(lo + nudge if where == "start" else hi - nudge)

    parts = [th]
    wheres = ("start",) if numerics == "euler" else ("start", "middle", "end")
    first = [sample(t0, edge, w) for w in wheres]
    # without a breakpoint the second sub-step is empty: give it the first one's end
    second = [first[-1].copy() for _ in wheres]
    if np.any(inside):
        for values, w in zip(second, wheres):
            values[inside] = sample(edge[inside], t1[inside], w)
    out = np.empty((len(t0), len(parts) + len(first) + len(second)))
    for j, values in enumerate(parts + first + second):
        out[:, j] = values
    return out
