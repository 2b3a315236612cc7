""""Show code": a short standalone Brian2 script that reproduces a run of the explorer.

`brian2_script` writes a plain Python script that needs only ``brian2`` and ``numpy``
(it does not import izhi_widgets). It runs the same model, numerics, step, stimulus and
initial state with Brian2's runtime mode (``prefs.codegen.target = 'numpy'``), an
explicit `Network` and ``namespace=``, and prints the spike times, one per line.

* The model is written once, in `izhi_widgets.brian2_model.model_code` (the code
  `izhi_widgets.brian2_model.izhikevich_group` runs): the script carries its equations,
  update, threshold and reset verbatim, with units (v in mV, t in ms, u and I in mV/ms).
* ``published`` numerics: the paper's scheme as a ``run_regularly`` operation that
  advances ``v`` with the old ``u`` and then ``u`` with the *new* ``v``, before the
  threshold; ``euler`` / ``rk4``: Brian2's state updaters on the ODEs, with the threshold
  on the grid. The app's engine locates each crossing inside the step
  (`izhi_widgets.engine_ode`), so for these two the script's spike times are grid times
  near the app's, not equal to them.
* The stimulus is sampled on the run's grid ``t = 0, dt, ..., T`` with the same
  expressions (strict inequalities for open windows) and played back by a
  `TimedArray`; every number is written with ``repr(float)``, so nothing is rounded.
* Like the app, the script stops a neuron that runs away (a mean rate above the
  spike ceiling, or ``|v|``, ``|u|`` beyond ``1e6``): the app freezes it from the next
  step on, where it can fire no more, and the script ends its run there.

Examples
--------
>>> from izhi_widgets import PRESETS
>>> from izhi_widgets.codegen import brian2_script
>>> p = PRESETS["A"]
>>> code = brian2_script(p.params, p.stimulus, p.duration_ms, p.dt_ms, "published",
...                      p.v0_mV, p.initial_u)
>>> "import brian2" in code and "izhi_widgets" not in code
True
"""

from __future__ import annotations

import inspect
import math
import re

import numpy as np

from .brian2_model import model_code
from .limits import STATE_CAP, check_run_settings, spike_cap
from .params import IzhikevichParams
from .result import NUMERICS, time_grid
from .stimulus import STIMULUS_KINDS, Stimulus, Sum, window

__all__ = ["brian2_script"]

#: How the script declares its input: the sampled stimulus, played back per step.
_INPUT_LINE = "I = stimulus(t) : volt/second"


def _f(x: float) -> str:
    """A float literal that reads back exactly (negative values in parentheses)."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"cannot write the non-finite number {x!r} into a script")
    text = repr(x)
    return f"({text})" if x < 0 else text


# ---------------------------------------------------------------------------------------
# The stimulus: each shape's own numpy function (`Stimulus.function`, the code the app
# runs) is copied verbatim into the script, with the helpers it calls.


def _helper_table() -> dict[str, object]:
    """Name -> function of every function a stimulus script may need (from the registry)."""
    table: dict[str, object] = {"window": window}
    for cls in STIMULUS_KINDS.values():
        if cls.function is not None:
            table[cls.function.__name__] = cls.function
    return table


def _with_dependencies(used: set) -> list:
    """The functions in ``used`` and, transitively, the registry functions their sources
    call (each once, callees first)."""
    table = _helper_table()
    order: list = []

    def visit(func) -> None:
        if func in order:
            return
        source = inspect.getsource(func)
        for name, other in table.items():
            if other is not func and re.search(rf"\b{name}\(", source):
                visit(other)
        order.append(func)

    for func in sorted(used, key=lambda f: f.__name__):
        visit(func)
    return order


def _lit(x: float) -> str:
    """A float literal for an assignment (reads back exactly)."""
    return repr(float(x))


def _arg(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_arg(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return repr(int(value))
    return _f(value)


def _call(stim: Stimulus):
    """``(function, args)`` computing ``stim._current(t)`` for one non-Sum stimulus."""
    function = type(stim).function
    if function is None:
        raise ValueError(f"no script form for a {type(stim).__name__} stimulus")
    return function, stim.field_values()


def _stimulus_program(stim: Stimulus, t_grid: np.ndarray):
    """Statements leaving the sampled current in ``I_values``, the helpers they use, and the
    values those statements compute (evaluated here with the same helper functions)."""
    used: set = set()
    lines: list[str] = []
    counter = [0]

    def emit(s: Stimulus, target: str) -> np.ndarray:
        if isinstance(s, Sum):
            lines.append(f"{target} = np.zeros(N_STEPS)")
            total = np.zeros(t_grid.shape)
            for term in s.terms:
                if isinstance(term, Sum):
                    counter[0] += 1
                    tmp = f"part_{counter[0]}"
                    values = emit(term, tmp)
                    lines.append(f"{target} = {target} + {tmp}")
                else:
                    func, args = _call(term)
                    used.add(func)
                    values = func(t_grid, *args)
                    lines.append(f"{target} = {target} + {func.__name__}(t_grid, "
                                 f"{', '.join(_arg(a) for a in args)})")
                total = total + values
            return total
        func, args = _call(s)
        used.add(func)
        lines.append(f"{target} = {func.__name__}(t_grid, {', '.join(_arg(a) for a in args)})")
        return np.asarray(func(t_grid, *args), dtype=float)

    values = emit(stim, "I_values")
    return lines, _with_dependencies(used), values


def _embedded_program(values: np.ndarray) -> list[str]:
    """Fallback: the sampled values themselves, run-length encoded."""
    change = np.flatnonzero(np.diff(values) != 0) + 1
    starts = np.concatenate([[0], change])
    counts = np.diff(np.concatenate([starts, [len(values)]]))
    levels = ", ".join(repr(float(v)) for v in values[starts])
    reps = ", ".join(str(int(c)) for c in counts)
    return ["# The stimulus as sampled by the app: run-length encoded (value, repeat count).",
            f"I_levels = np.array([{levels}])",
            f"I_repeats = np.array([{reps}])",
            "I_values = np.repeat(I_levels, I_repeats)"]


def brian2_script(params: IzhikevichParams, stimulus: Stimulus, duration_ms: float,
                  dt_ms: float, numerics: str = "published", v0_mV: float = -65.0,
                  u0: float | None = None, *, title: str = "") -> str:
    """A standalone Brian2 script reproducing one run of the explorer.

    Parameters
    ----------
    params : IzhikevichParams
    stimulus : Stimulus
    duration_ms, dt_ms : float
        The run covers the grid ``0, dt, ..., duration`` (as `izhi_widgets.simulate`).
    numerics : {'published', 'euler', 'rk4'}
    v0_mV, u0 : float
        Initial state (``u0`` defaults to ``b * v0``).
    title : str
        A line for the script's docstring (e.g. the preset's name).

    Returns
    -------
    str
        Python source. Running it prints ``spike times (ms):`` and then one spike time per
        line, equal to ``simulate(...).spike_times_ms`` for the published scheme (for
        euler and rk4: Brian2's grid-located spikes, near the app's located ones).

    Raises
    ------
    ValueError
        For invalid settings (as `simulate`) or unknown numerics.
    """
    if not isinstance(params, IzhikevichParams):
        raise ValueError(f"params must be IzhikevichParams, got {type(params).__name__}")
    if not isinstance(stimulus, Stimulus):
        raise ValueError(f"stimulus must be a Stimulus, got {type(stimulus).__name__}")
    if numerics not in NUMERICS:
        raise ValueError(f"numerics must be one of {NUMERICS}, got {numerics!r}")
    u_init = params.default_u0(v0_mV) if u0 is None else u0
    duration, dt, v0, u_init, _ = check_run_settings(duration_ms, dt_ms, v0_mV, u_init)
    n_steps = len(time_grid(duration, dt))
    p = params
    t_grid = time_grid(duration, dt)
    stim_lines, helpers, values = _stimulus_program(stimulus, t_grid)
    if not np.array_equal(values, stimulus.current(t_grid)):
        # The helpers no longer match the library's stimulus: embed the samples instead.
        stim_lines, helpers = _embedded_program(stimulus.current(t_grid)), []

    code = model_code(numerics, k2=p.k2, k1=p.k1, k0=p.k0, recovery=p.recovery,
                      v_peak=p.v_peak_mV)
    if code.update:
        update = f'''
# The paper's scheme, in this order at every step (before the threshold):
# v with the old u, then u with the NEW v.
neuron.run_regularly("""
{code.update}
""", when="groups", name="izhi_update")
'''
        scheme = "the published fixed-step scheme (u updated with the new v)"
        group_kwargs = ""
    else:
        update = ""
        scheme = f"Brian2's {numerics} integrator"
        group_kwargs = f', method="{code.method}"'

    helper_text = "".join("\n\n" + inspect.getsource(func) for func in helpers)
    imports = "".join(f"import {module}\n" for module in ("itertools", "math")
                      if f"{module}." in helper_text)
    title = "".join(ch for ch in str(title) if ch.isalnum() or ch in " ,.:;()+-_'/")[:120]
    heading = f"{title} -- " if title else ""
    model_lines = "    " + str(code).replace("\n", "\n    ")
    return f'''"""{heading}Izhikevich neuron simulated with Brian2 (generated by izhi-explorer).

The model (v in mV, t in ms; u and the input I in mV/ms): the same lines as
izhi-explorer's izhikevich_group, a Brian2 NeuronGroup you can reuse in your own network:

{model_lines}

Numerics: {scheme}, dt = {dt!r} ms, {n_steps} samples t = 0, dt, ..., {duration!r} ms.
Stimulus: {stimulus.describe()}.
Needs only brian2 and numpy. Prints the spike times (ms), one per line.
"""
{imports}import sys

import numpy as np
import brian2 as b2
from brian2 import mV, ms

b2.prefs.codegen.target = "numpy"  # Brian2's runtime mode: no compiler needed
b2.BrianLogger.log_level_warn()

# Parameters in the papers' units (v in mV, t in ms): a, b per ms; c, v0 in mV;
# d, u0 and the input I in mV/ms. The units are attached where the group is set up.
a, b, c, d = {_lit(p.a)}, {_lit(p.b)}, {_lit(p.c)}, {_lit(p.d)}
v0, u0 = {_lit(v0)}, {_lit(u_init)}
DT_MS = {_lit(dt)}
N_STEPS = {n_steps}  # the grid t = 0, DT_MS, ..., {duration!r} ms
# Like the app: stop a neuron that runs away (mean rate ceiling, or |v|, |u| >= state_cap).
spike_cap = {float(spike_cap(duration))!r}
state_cap = {float(STATE_CAP)!r}
{helper_text}
# The stimulus sampled on the grid (open windows: strict inequalities), played back per step.
t_grid = np.arange(N_STEPS) * DT_MS
{chr(10).join(stim_lines)}
stimulus = b2.TimedArray(I_values * mV / ms, dt=DT_MS * ms)

# The model (izhi-explorer's model_code("{numerics}")), then its input.
eqs = """
{code.equations}
{_INPUT_LINE}
"""
namespace = dict(ms=ms, mV=mV, stimulus=stimulus)
neuron = b2.NeuronGroup(1, eqs, threshold="{code.threshold}", reset="{code.reset}",
                        dt=DT_MS * ms, namespace=namespace, name="izhi"{group_kwargs})
{update}
neuron.a = a / ms
neuron.b = b / ms
neuron.c = c * mV
neuron.d = d * mV / ms
neuron.v = v0 * mV
neuron.u = u0 * mV / ms

spikes = b2.SpikeMonitor(neuron, name="izhi_spikes")
# Record after the threshold (before the reset), so a spike's sample shows the crossing.
trace = b2.StateMonitor(neuron, ["v", "u", "I"], record=0, when="after_thresholds",
                        name="izhi_trace")


@b2.network_operation(when="end", name="izhi_guard")
def stop_runaway():
    """The app freezes a neuron that runs away (spike_cap spikes, or |v| or |u| at
    state_cap) from the next step on, and frozen it fires no more: the run stops there."""
    v_now, u_now = neuron.v[0] / mV, neuron.u[0] / (mV / ms)
    if spikes.num_spikes >= spike_cap or not (abs(v_now) < state_cap and abs(u_now) < state_cap):
        net.stop()


net = b2.Network(neuron, spikes, trace, stop_runaway)
net.run(N_STEPS * DT_MS * ms, namespace=namespace)

# Spike times on the grid (step index * DT_MS), as the app reports them.
steps = np.rint(np.asarray(spikes.t / (DT_MS * ms))).astype(int)
spike_times_ms = steps * DT_MS
print("spike times (ms):")
for time_ms in spike_times_ms:
    print(f"{{time_ms:.12g}}")  # the grid time k*dt, without float noise (25.9, not 25.900000000000002)

if "--plot" in sys.argv:  # python script.py --plot  writes izhi_traces.png
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(3, 1, sharex=True, figsize=(8, 6))
    t_ms = trace.t / ms
    axes[0].plot(t_ms, np.minimum(trace.v[0] / mV, {_lit(p.v_peak_mV)}), "k", lw=0.8)
    axes[1].plot(t_ms, trace.u[0] / (mV / ms), "tab:blue", lw=0.8)
    axes[2].plot(t_ms, trace.I[0] / (mV / ms), "0.4", lw=0.8)
    for ax, label in zip(axes, ("v (mV)", "u (mV/ms)", "I (mV/ms)")):
        ax.set_ylabel(label)
    axes[2].set_xlabel("time (ms)")
    fig.savefig("izhi_traces.png", dpi=120)
'''
