"""The Izhikevich model as one Brian2 function: `izhikevich_group`.

`izhikevich_group` returns a plain Brian2 `NeuronGroup` with units (v in mV, time in ms;
the recovery variable u and the input I in mV/ms, the convention of Brian2's own
examples) that you monitor, connect with `Synapses` and run in your own `Network`, with
Brian2's runtime or standalone device. Its core is the model in about ten lines
(`model_code`)::

    v : volt                       # published numerics: plain variables, advanced by
    u : volt/second                # the update below, in order, before the threshold
    a : 1/second                   # a, b, c, d: per neuron (a = 0.02 means 0.02/ms)
    b : 1/second
    c : volt
    d : volt/second
    v = v + dt*(0.04/ms/mV*v**2 + 5/ms*v + 140*mV/ms - u + I)
    u = u + dt*a*(b*v - u)         # with the NEW v
    threshold: v > 30*mV           reset: v = c; u += d

With Brian2's ODE methods (``numerics="euler"`` or ``"rk4"``) the same right-hand sides
become ``dv/dt = ... : volt`` and ``du/dt = a*(b*v - u) : volt/second``.

Numerics
--------
``"published"``
    Izhikevich's own fixed-step scheme: at each grid time ``t = 0, dt, 2 dt, ...`` v
    advances with the old u, then u with the *new* v, then the threshold. With the panel's
    step it gives the papers' spike times exactly. Brian2's ``euler`` is not this scheme
    (it advances u with the old v). Here it is a ``run_regularly`` update in the
    ``groups`` slot, so it runs before Brian2's threshold at every step.
``"euler"``, ``"rk4"``
    Brian2's state updaters on the ODEs, with Brian2's threshold and reset on the grid (a
    spike at the grid time of its step). The explorer's engine (`izhi_widgets.engine_ode`)
    goes further: it locates each crossing inside the step, so its spike times converge at
    the method's order; here they converge at first order, and agree with the engine's to
    a few steps.

Variants (`VARIANTS`): ``"standard"`` (``0.04 v² + 5 v + 140``), ``"GL"`` (panels G and
L of the 2004 figure: ``0.04 v² + 4.1 v + 108``), ``"accommodation"`` (panel R:
``u' = a b (v + 65)``; the figure starts it at ``u0 = -16``).

"Show code" (`izhi_widgets.codegen`) writes the lines of `model_code` into its standalone
script verbatim, so the app, this function and the script run one model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import Any

import numpy as np

from .result import NUMERICS, time_grid
from .stimulus import Stimulus
from .validation import check_number, short_repr

__all__ = ["izhikevich_group", "model_code", "ModelCode", "VARIANTS", "V_PEAK_MV"]

#: Named forms of the model: the quadratic ``k2 v² + k1 v + k0`` and the recovery form.
VARIANTS: Mapping[str, Mapping[str, Any]] = {
    "standard": {"k2": 0.04, "k1": 5.0, "k0": 140.0, "recovery": "standard"},
    "GL": {"k2": 0.04, "k1": 4.1, "k0": 108.0, "recovery": "standard"},
    "accommodation": {"k2": 0.04, "k1": 5.0, "k0": 140.0, "recovery": "accommodation"},
}

#: The spike peak of the papers (mV).
V_PEAK_MV = 30.0
#: Brian2 unit of each per-neuron quantity; plain numbers are read in the papers' units
#: (v in mV, t in ms: a, b in 1/ms; u, d and I in mV/ms).
_UNITS_TEXT = {"a": "1/second", "b": "1/second", "c": "volt", "d": "volt/second",
               "v": "volt", "u": "volt/second", "I": "volt/second"}


@dataclass(frozen=True)
class ModelCode:
    """The model's Brian2 code (see `model_code`).

    Attributes
    ----------
    equations : str
        The state variables and parameters (the input ``I`` is declared by the caller).
    update : str
        The published scheme's per-step update (``''`` for ODE methods).
    threshold, reset : str
        The ``NeuronGroup``'s threshold and reset.
    method : str or None
        The ``NeuronGroup``'s integration method (None for the published scheme).
    """

    equations: str
    update: str
    threshold: str
    reset: str
    method: str | None

    @property
    def lines(self) -> tuple[str, ...]:
        """Every line of the model, in order (equations, update, threshold, reset)."""
        return (*self.equations.splitlines(), *self.update.splitlines(), self.threshold,
                self.reset)

    def __str__(self) -> str:
        update = ("update, each step before the threshold:\n    "
                  + self.update.replace("\n", "\n    ") + "\n") if self.update else ""
        method = f"method: {self.method!r}\n" if self.method else ""
        return ("equations:\n    " + self.equations.replace("\n", "\n    ") + "\n" + update
                + method + f"threshold: {self.threshold}\nreset: {self.reset}")


def _signed(x: float, text: str) -> str:
    return f"{'-' if x < 0 else '+'} {short_repr(abs(x))}{text}"


def model_code(numerics: str = "published", *, k2: float = 0.04, k1: float = 5.0,
               k0: float = 140.0, recovery: str = "standard",
               v_peak: float = V_PEAK_MV) -> ModelCode:
    """The model's Brian2 code: the one place its lines are written.

    Parameters
    ----------
    numerics : {'published', 'euler', 'rk4'}
    k2, k1, k0 : float
        The quadratic ``k2 v² + k1 v + k0`` (v in mV, per ms).
    recovery : {'standard', 'accommodation'}
        ``u' = a (b v - u)`` or panel R's ``u' = a b (v + 65)``.
    v_peak : float
        Spike threshold and peak (mV).

    Examples
    --------
    >>> code = model_code()
    >>> print(code.update)
    v = v + dt*(0.04/ms/mV*v**2 + 5/ms*v + 140*mV/ms - u + I)
    u = u + dt*a*(b*v - u)
    >>> code.threshold, code.reset
    ('v > 30*mV', 'v = c; u += d')
    >>> print(model_code("rk4", k1=4.1, k0=108).equations.splitlines()[0])
    dv/dt = 0.04/ms/mV*v**2 + 4.1/ms*v + 108*mV/ms - u + I : volt
    """
    if numerics not in NUMERICS:
        raise ValueError(f"numerics must be one of {NUMERICS}, got {numerics!r}")
    if recovery not in ("standard", "accommodation"):
        raise ValueError(f"recovery must be 'standard' or 'accommodation', got {recovery!r}")
    k2, k1, k0 = (check_number(n, x) for n, x in (("k2", k2), ("k1", k1), ("k0", k0)))
    dv = (f"{short_repr(k2)}/ms/mV*v**2 {_signed(k1, '/ms*v')} {_signed(k0, '*mV/ms')}"
          " - u + I")
    du = "a*b*(v + 65*mV)" if recovery == "accommodation" else "a*(b*v - u)"
    params = "\n".join(f"{name} : {_UNITS_TEXT[name]}" for name in "abcd")
    threshold = f"v > {short_repr(check_number('v_peak', v_peak))}*mV"
    reset = "v = c; u += d"
    if numerics == "published":
        return ModelCode(f"v : volt\nu : volt/second\n{params}",
                         f"v = v + dt*({dv})\nu = u + dt*{du}", threshold, reset, None)
    return ModelCode(f"dv/dt = {dv} : volt\ndu/dt = {du} : volt/second\n{params}", "",
                     threshold, reset, numerics)


# ---------------------------------------------------------------------------------------
# Input checking: plain numbers are in the papers' units; Brian2 quantities are checked.


def _per_neuron(field: str, value: Any, unit, n: int) -> np.ndarray:
    """``value`` as a float array of shape (n,) in the papers' units (``unit``: the Brian2
    unit of one paper unit, e.g. ``mV/ms``)."""
    from brian2 import Quantity
    from brian2.units.fundamentalunits import have_same_dimensions

    if isinstance(value, Quantity):
        if not have_same_dimensions(value, unit):
            raise ValueError(f"{field} must be in units of {unit!r} (or a plain number in "
                             f"the papers' units), got {value!r}"[:200])
        value = np.asarray(value / unit, dtype=float)
    elif isinstance(value, str) or isinstance(value, bool):
        raise ValueError(f"{field} must be a number or an array of numbers, got {value!r}"[:200])
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{field} must be a number or an array of numbers, "
                         f"got {value!r}"[:200]) from None
    if array.ndim == 0:
        array = np.full(n, float(array))
    if array.shape != (n,):
        raise ValueError(f"{field} must be one number or {n} values (one per neuron), "
                         f"got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{field} must be finite, got {array[~np.isfinite(array)][0]!r}")
    return array


def _sampled_input(I, n: int, dt_ms: float, duration) -> np.ndarray:
    """A stimulus (or one per neuron) sampled on the grid ``0, dt, ..., duration``:
    ``(n_steps,)`` or ``(n_steps, n)``."""
    if duration is None:
        raise ValueError("duration must be given (ms) when I is a Stimulus: the stimulus is "
                         "sampled on the grid 0, dt, ..., duration")
    duration = check_number("duration", duration, 0, None, unit="ms", lo_open=True)
    t = time_grid(duration, dt_ms)
    if isinstance(I, Stimulus):
        return I.current(t)
    if len(I) != n:
        raise ValueError(f"I must be one Stimulus or {n} (one per neuron), got {len(I)}")
    return np.column_stack([stim.current(t) for stim in I])


def _is_stimulus_list(I) -> bool:
    return (isinstance(I, Sequence) and not isinstance(I, str) and len(I) > 0
            and all(isinstance(s, Stimulus) for s in I))


def izhikevich_group(n: int, a, b, c, d, *, I=0.0, variant: str = "standard",
                     numerics: str = "published", v0=-65.0, u0=None, dt=None,
                     duration=None, name: str | None = None,
                     namespace: Mapping[str, Any] | None = None):
    """A Brian2 `NeuronGroup` of ``n`` Izhikevich neurons, with units.

    Parameters
    ----------
    n : int
        Number of neurons.
    a, b, c, d : float, array of n floats, or Brian2 quantity
        The papers' parameters, one value for all neurons or one per neuron. Plain
        numbers are in the papers' units: ``a``, ``b`` per ms, ``c`` in mV, ``d`` in mV/ms
        (``a=0.02`` is ``0.02/ms``). They become the group's variables ``a, b, c, d``.
    I : float, array, Brian2 quantity, Stimulus, list of Stimulus, or str
        The input (mV/ms, the papers' ``I``): a constant or one value per neuron (the
        group's variable ``I``, which you may change or drive from `Synapses`); an
        `izhi_widgets.stimulus.Stimulus` (one for all, or a list with one per neuron),
        sampled on the grid ``t = 0, dt, ..., duration`` (open windows are strict, as in
        the package) and played back by a `TimedArray` named ``I_stimulus``; or a Brian2
        expression in mV/ms (e.g. ``"stim(t)"``), its names taken from ``namespace``.
    variant : {'standard', 'GL', 'accommodation'}
        See `VARIANTS`.
    numerics : {'published', 'euler', 'rk4'}
        The papers' fixed-step scheme (a ``run_regularly`` update in the ``groups``
        slot), or Brian2's state updater.
    v0, u0 : float, array or Brian2 quantity
        Initial state (mV; mV/ms). ``u0=None`` starts at ``b*v0``, as the papers do.
    dt : float or Brian2 quantity, optional
        The group's step (ms); Brian2's ``defaultclock.dt`` when None. The published
        scheme is defined on this step (the papers use 0.1–0.5 ms).
    duration : float, optional
        Run length (ms) over which a Stimulus is sampled (required with a Stimulus); after
        it, the last sample holds.
    name : str, optional
        The group's Brian2 name (objects it owns are named after it).
    namespace : mapping, optional
        Extra names for a string ``I`` (``ms`` and ``mV`` are always defined).

    Returns
    -------
    brian2.NeuronGroup
        With state variables ``v`` (volt), ``u`` and ``I`` (volt/second), parameters
        ``a, b, c, d``, threshold ``v > 30*mV`` and reset ``v = c; u += d``. A spike is
        recorded at the grid time of the step in which ``v > 30 mV`` was detected.
        To include the grid's last time ``t = T``, run for ``T + dt``.

    Raises
    ------
    ValueError
        Naming the argument (``n``, ``a``, ..., ``I``, ``variant``, ``numerics``, ``dt``,
        ``duration``, ``v0``, ``u0``, ``name``) when it is invalid.

    Examples
    --------
    Panel A of the 2004 figure (tonic spiking), with the paper's step and protocol:

    >>> import brian2 as b2
    >>> from brian2 import mV, ms
    >>> from izhi_widgets.stimulus import Step
    >>> b2.prefs.codegen.target = "numpy"   # Brian2's runtime mode: nothing to compile
    >>> neuron = izhikevich_group(1, a=0.02, b=0.2, c=-65, d=6, I=Step(14, start_ms=10),
    ...                           v0=-70, dt=0.25, duration=100)
    >>> spikes = b2.SpikeMonitor(neuron)
    >>> b2.Network(neuron, spikes).run(100.25 * ms)
    >>> [round(float(t), 6) for t in spikes.t / ms]
    [13.0, 17.0, 31.5, 59.25, 86.75]
    >>> float(neuron.a[0] * ms), float(neuron.d[0] / (mV / ms))   # a = 0.02/ms, d = 6 mV/ms
    (0.02, 6.0)
    """
    import brian2 as b2
    from brian2 import mV, ms

    if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
        raise ValueError(f"n must be a positive whole number, got {n!r}")
    n = int(n)
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {tuple(VARIANTS)}, got {variant!r}")
    if numerics not in NUMERICS:
        raise ValueError(f"numerics must be one of {NUMERICS}, got {numerics!r}")
    if name is not None and (not isinstance(name, str) or not name.isidentifier()):
        raise ValueError(f"name must be a Python identifier, got {name!r}")
    form = VARIANTS[variant]
    code = model_code(numerics, **form)
    per_ms = 1 / ms
    values = {key: _per_neuron(key, value, unit, n) for key, value, unit in
              (("a", a, per_ms), ("b", b, per_ms), ("c", c, mV), ("d", d, mV / ms),
               ("v0", v0, mV))}
    if np.any(values["c"] >= V_PEAK_MV):
        raise ValueError(f"c must be below the spike peak {V_PEAK_MV:g} mV, "
                         f"got {values['c'].max():g}")
    values["u0"] = (values["b"] * values["v0"] if u0 is None
                    else _per_neuron("u0", u0, mV / ms, n))
    if dt is None or isinstance(dt, b2.Quantity):
        # in ms, without the float noise of the conversion from seconds (0.1, not 0.09999...)
        value = b2.defaultclock.dt if dt is None else dt
        dt_ms = check_number("dt", round(float(_per_neuron("dt", value, ms, 1)[0]), 12), 0,
                             None, unit="ms", lo_open=True)
    else:
        dt_ms = check_number("dt", dt, 0, None, unit="ms", lo_open=True)

    names: dict[str, Any] = {}
    if namespace is not None:
        if not isinstance(namespace, Mapping):
            raise ValueError(f"namespace must be a mapping, got {type(namespace).__name__}")
        names.update(namespace)
    names.update(ms=ms, mV=mV)
    constant = None
    if isinstance(I, Stimulus) or _is_stimulus_list(I):
        samples = _sampled_input(I, n, dt_ms, duration)
        stim_name = None if name is None else f"{name}_stimulus"
        names["I_stimulus"] = b2.TimedArray(samples * mV / ms, dt=dt_ms * ms, name=stim_name)
        input_line = ("I = I_stimulus(t) : volt/second" if samples.ndim == 1
                      else "I = I_stimulus(t, i) : volt/second")
    elif isinstance(I, str):
        if not I.strip() or "\n" in I or ":" in I:
            raise ValueError(f"I must be one Brian2 expression (in mV/ms), got {I!r}"[:200])
        input_line = f"I = {I} : volt/second"
    else:
        constant = _per_neuron("I", I, mV / ms, n)
        input_line = "I : volt/second"

    kwargs: dict[str, Any] = {"dt": dt_ms * ms, "namespace": names}
    if name is not None:
        kwargs["name"] = name
    if code.method is not None:
        kwargs["method"] = code.method
    group = b2.NeuronGroup(n, code.equations + "\n" + input_line, threshold=code.threshold,
                           reset=code.reset, **kwargs)
    if code.update:
        # The paper's order at every step: v (old u), then u (new v); then the threshold.
        group.run_regularly(code.update, when="groups",
                            name=None if name is None else f"{name}_update")
    group.a = values["a"] * per_ms
    group.b = values["b"] * per_ms
    group.c = values["c"] * mV
    group.d = values["d"] * mV / ms
    group.v = values["v0"] * mV
    group.u = values["u0"] * mV / ms
    if constant is not None:
        group.I = constant * mV / ms
    return group
