"""The model builder: `simulate` one neuron, or `simulate_batch` many in one Brian2 run.

Both return `SimulationResult` objects of plain numpy arrays. The numerics:

``"published"``
    The paper's fixed-step scheme at the preset's (or your) ``dt_ms``: ``v`` from the
    old ``u``, then ``u`` from the *new* ``v``, then threshold and reset — the scheme
    that reproduces Izhikevich's figures spike for spike.
``"euler"``, ``"rk4"``
    The ODEs integrated at ``dt_ms`` by forward Euler or classical Runge–Kutta, with the
    threshold crossing located inside the step (see `izhi_widgets.engine`).
``"exact"``
    The reference solution (`izhi_widgets.exact`): SciPy's adaptive solver at tight
    tolerance, spikes as located events. Not a Brian2 engine; slower (about a second).

Runs go through a compiled Brian2 ``cpp_standalone`` binary (see
`izhi_widgets.engine`), built once per structure and re-run with new values.

Examples
--------
>>> from izhi_widgets import PRESETS, IzhikevichParams, Step, simulate
>>> simulate(PRESETS["A"]).spike_times_ms.tolist()
[13.0, 17.0, 31.5, 59.25, 86.75]
>>> res = simulate(IzhikevichParams(a=0.02, b=0.2, c=-65, d=8), Step(10, start_ms=10),
...                duration_ms=200, dt_ms=0.25, v0_mV=-70)
>>> res.n_spikes > 0
True

How a batch runs
----------------
`simulate_batch` looks each run up in a small result cache, then sends the rest through
three small steps:

1. `pack_runs`: `RunSpec` objects -> a `PackedBatch`: the engine structure they need
   (`izhi_widgets.engine.EngineSpec`), one value array per name of
   `izhi_widgets.engine.ENGINE_INPUTS` (filled by `engine_inputs`), the sampled
   stimulus matrix and each run's time grid;
2. `izhi_widgets.engine.CompiledEngine.run`: the compiled binary, re-run with those values;
3. `unpack_results`: the raw arrays -> one `SimulationResult` per run.

A cache hit is returned as a copy with ``cached=True`` and its own ``elapsed_s``.

>>> from izhi_widgets.model import pack_runs
>>> packed = pack_runs([RunSpec.from_preset(PRESETS["A"])], "published", record=True)
>>> packed.spec
EngineSpec(numerics='published', n_neurons=1, n_steps=1024, record=True)
>>> packed.stimulus.shape, float(packed.values["u"][0])
((1024, 1), -14.0)
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Callable, Mapping, Sequence

import numpy as np

from .engine import ENGINE_INPUTS, EngineSpec, bucket_neurons, bucket_steps, get_engine
from .engine_ode import COLUMNS, stimulus_columns
from .limits import (MAX_BATCH, MAX_BATCH_SAMPLES, check_run_settings, find_runaway,
                     spike_cap)
from .params import IzhikevichParams
from .presets import Preset
from .result import SIMULATE_NUMERICS, SimulationResult, time_grid
from .stimulus import Stimulus

__all__ = ["RunSpec", "simulate", "simulate_batch", "clear_cache", "PackedBatch",
           "engine_inputs", "pack_runs", "unpack_results", "DEFAULT_DT_MS"]

#: Default step (ms) when a run names none and has no preset.
DEFAULT_DT_MS = 0.25
#: Most stimulus values an ODE-mode batch may carry (7 per neuron-step for rk4: 256 MB).
ODE_STIMULUS_VALUES = 4 * MAX_BATCH_SAMPLES


@dataclass(frozen=True)
class RunSpec:
    """Everything one neuron's run needs except the numerics (validated on creation).

    ``u0=None`` means the papers' ``b·v0`` (`IzhikevichParams.default_u0`).

    Raises
    ------
    ValueError
        Naming the field (see `izhi_widgets.limits.check_run_settings`).
    """

    params: IzhikevichParams
    stimulus: Stimulus
    duration_ms: float
    dt_ms: float
    v0_mV: float = -65.0
    u0: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.params, IzhikevichParams):
            raise ValueError(f"params must be IzhikevichParams, got {type(self.params).__name__}")
        if not isinstance(self.stimulus, Stimulus):
            raise ValueError(f"stimulus must be a Stimulus, got {type(self.stimulus).__name__}")
        u0 = self.u0
        if u0 is None:  # check the other fields first, so a bad v0 is reported as v0
            check_run_settings(self.duration_ms, self.dt_ms, self.v0_mV, 0.0)
            u0 = self.params.default_u0(self.v0_mV)
        duration, dt, v0, u_init, _ = check_run_settings(self.duration_ms, self.dt_ms,
                                                         self.v0_mV, u0)
        object.__setattr__(self, "duration_ms", duration)
        object.__setattr__(self, "dt_ms", dt)
        object.__setattr__(self, "v0_mV", v0)
        object.__setattr__(self, "u0", u_init)

    @property
    def n_steps(self) -> int:
        return len(time_grid(self.duration_ms, self.dt_ms))

    @classmethod
    def from_preset(cls, preset: Preset, *, params: IzhikevichParams | None = None,
                    stimulus: Stimulus | None = None, duration_ms: float | None = None,
                    dt_ms: float | None = None, v0_mV: float | None = None,
                    u0: float | None = None) -> "RunSpec":
        """The preset's own run, with any of its fields replaced."""
        v0 = preset.v0_mV if v0_mV is None else v0_mV
        if u0 is None and preset.u0 is not None and v0 == preset.v0_mV:
            u0 = preset.u0  # an explicit u0 (R: -16) belongs to the preset's own v0
        return cls(preset.params if params is None else params,
                   preset.stimulus if stimulus is None else stimulus,
                   preset.duration_ms if duration_ms is None else duration_ms,
                   preset.dt_ms if dt_ms is None else dt_ms, v0, u0)


def _check_numerics(numerics: str) -> str:
    if numerics not in SIMULATE_NUMERICS:
        raise ValueError(f"numerics must be one of {SIMULATE_NUMERICS}, got {numerics!r}")
    return numerics


# A small LRU of finished results: going back to a preset or a value redraws at once.
_CACHE: "OrderedDict[tuple, SimulationResult]" = OrderedDict()
_CACHE_SIZE = 64


def clear_cache() -> None:
    """Forget cached results (the compiled engines stay)."""
    _CACHE.clear()


def simulate(model: IzhikevichParams | Preset, stimulus: Stimulus | None = None, *,
             duration_ms: float | None = None, dt_ms: float | None = None,
             numerics: str = "published", v0_mV: float | None = None, u0: float | None = None,
             record: bool = True) -> SimulationResult:
    """Simulate one neuron.

    Parameters
    ----------
    model : IzhikevichParams or Preset
        A preset supplies its own protocol, step, duration and initial state; any
        argument given here overrides it.
    stimulus : Stimulus, optional
        Injected current (required with plain parameters).
    duration_ms, dt_ms : float
        Run length and step (ms); samples at ``0, dt, ..., duration``.
    numerics : {'published', 'euler', 'rk4', 'exact'}
        ``'exact'``: the reference solution (`izhi_widgets.exact`; spike times are the
        located crossing times, not grid times).
    v0_mV, u0 : float, optional
        Initial state; ``u0`` defaults to ``b·v0`` (`IzhikevichParams.default_u0`).
    record : bool
        Record v, u, I (False: spikes only, faster for long runs).

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        Naming the field, for non-finite, out-of-range or too-large settings.
    """
    if isinstance(model, Preset):
        spec = RunSpec.from_preset(model, stimulus=stimulus, duration_ms=duration_ms,
                                   dt_ms=dt_ms, v0_mV=v0_mV, u0=u0)
    elif isinstance(model, IzhikevichParams):
        if stimulus is None:
            raise ValueError("stimulus is required when simulating plain parameters")
        if duration_ms is None:
            raise ValueError("duration_ms is required when simulating plain parameters")
        spec = RunSpec(model, stimulus, duration_ms, DEFAULT_DT_MS if dt_ms is None else dt_ms,
                       -65.0 if v0_mV is None else v0_mV, u0)
    else:
        raise ValueError(f"model must be IzhikevichParams or a Preset, got {type(model).__name__}")
    return simulate_batch([spec], numerics=numerics, record=record)[0]


def simulate_batch(runs: Sequence[RunSpec], numerics: str = "published", *,
                   record: bool = True,
                   progress: Callable[[str], None] | None = None) -> list[SimulationResult]:
    """Simulate many neurons (any parameters, stimuli, steps, durations) as one NeuronGroup
    in one Brian2 run; results are identical to running them one by one.

    Examples
    --------
    >>> from izhi_widgets import PRESETS
    >>> from izhi_widgets.model import RunSpec, simulate_batch
    >>> results = simulate_batch([RunSpec.from_preset(p) for p in PRESETS.values()])
    >>> [r.n_spikes for r in results][:4]
    [5, 1, 28, 6]
    """
    numerics = _check_numerics(numerics)
    runs = list(runs)
    if not runs:
        return []
    if len(runs) > MAX_BATCH:
        raise ValueError(f"a batch holds at most {MAX_BATCH} runs, got {len(runs)}")
    for spec in runs:
        if not isinstance(spec, RunSpec):
            raise ValueError(f"runs must be RunSpec objects, got {type(spec).__name__}")
    start = time.perf_counter()
    keys = [(spec, numerics, record) for spec in runs]
    out: list[SimulationResult | None] = [_CACHE.get(key) for key in keys]
    hits = [i for i, result in enumerate(out) if result is not None]
    todo = [i for i, result in enumerate(out) if result is None]
    if todo and numerics == "exact":
        from .exact import simulate_exact  # SciPy: imported on first use

        for i in todo:
            out[i] = simulate_exact(runs[i], record=record)
    elif todo:
        fresh = _run_engine([runs[i] for i in todo], numerics, record, progress)
        for i, result in zip(todo, fresh):
            out[i] = result
    for key, result in zip(keys, out):  # most recent last; the cache keeps the newest
        _CACHE[key] = result  # (the original result: a copy is made per hit below)
        _CACHE.move_to_end(key)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    if hits:  # a hit reports this call's time, not the original run's
        elapsed = time.perf_counter() - start
        for i in hits:
            hit = out[i]
            out[i] = replace(hit, elapsed_s=elapsed, cached=True, extra=dict(hit.extra))
    return out  # type: ignore[return-value]


@dataclass(frozen=True, eq=False)
class PackedBatch:
    """Runs laid out for one engine call (see `pack_runs`).

    Attributes
    ----------
    spec : EngineSpec
        The compiled structure the batch needs (numerics and buckets).
    values : dict
        ``name -> (n_neurons,)`` float array for every name of `ENGINE_INPUTS`.
        Padding neurons (beyond the runs) copy run 0 and are frozen from the first step.
    stimulus : ndarray
        ``(n_steps, n_neurons)`` current, each run's stimulus sampled on its own grid
        (zero past the end of the run).
    grids : tuple of ndarray
        Each run's time grid (ms).
    """

    spec: EngineSpec
    values: Mapping[str, np.ndarray]
    stimulus: np.ndarray
    grids: tuple[np.ndarray, ...]

    @property
    def n_runs(self) -> int:
        return len(self.grids)


def engine_inputs(run: RunSpec) -> dict[str, float]:
    """One run's per-neuron engine values, keyed by exactly the names of `ENGINE_INPUTS`.

    Examples
    --------
    >>> from izhi_widgets import PRESETS
    >>> values = engine_inputs(RunSpec.from_preset(PRESETS["R"]))
    >>> values["u"], values["v_shift"], values["u_gain"], values["t_stop_steps"]
    (-16.0, 65.0, 0.0, 800.5)
    """
    p = run.params
    v_shift, u_gain = p.recovery_terms()
    values = {"a": p.a, "b": p.b, "c": p.c, "d": p.d, "k2": p.k2, "k1": p.k1, "k0": p.k0,
              "v_shift": v_shift, "u_gain": u_gain, "v_peak": p.v_peak_mV, "h": run.dt_ms,
              # the binary stops a neuron at its own last grid step
              "t_stop_steps": run.n_steps - 0.5,
              "spike_cap": spike_cap(run.duration_ms), "v": run.v0_mV, "u": run.u0}
    return {name: float(values[name]) for name in ENGINE_INPUTS}


def pack_runs(runs: Sequence[RunSpec], numerics: str, record: bool) -> PackedBatch:
    """Lay ``runs`` out for one engine call: the structure, value arrays, stimulus matrix.

    Raises
    ------
    ValueError
        When the batch is larger than the engine accepts (`MAX_BATCH_SAMPLES`).
    """
    grids = tuple(time_grid(run.duration_ms, run.dt_ms) for run in runs)
    n_neurons = bucket_neurons(len(runs))
    n_steps = bucket_steps(max(len(t) for t in grids))
    if n_neurons * n_steps > MAX_BATCH_SAMPLES:
        raise ValueError(f"the batch needs {n_neurons} x {n_steps} neuron-steps, more than "
                         f"{MAX_BATCH_SAMPLES}; use fewer runs, a larger dt_ms or shorter runs")
    columns = COLUMNS.get(numerics, 1)
    if columns > 1 and n_neurons * n_steps * columns > ODE_STIMULUS_VALUES:
        raise ValueError(f"the batch needs {n_neurons} x {n_steps} neuron-steps, too many for "
                         f"{numerics} ({columns} stimulus values each); use fewer runs, a "
                         f"larger dt_ms or shorter runs")
    # filled neuron by neuron (contiguous writes), then laid out as the engine reads it:
    # column j of neuron i at [step, i + j * n_neurons]
    by_neuron = np.zeros((n_neurons, columns, n_steps))
    values = {name: np.zeros(n_neurons) for name in ENGINE_INPUTS}
    for i, (run, t) in enumerate(zip(runs, grids)):
        if columns == 1:
            by_neuron[i, 0, : len(t)] = run.stimulus.current(t)
        else:
            by_neuron[i, :, : len(t)] = stimulus_columns(run.stimulus, t, run.dt_ms, numerics).T
        for name, value in engine_inputs(run).items():
            values[name][i] = value
    stimulus = np.ascontiguousarray(by_neuron.transpose(2, 1, 0)).reshape(n_steps, -1)
    for name in ENGINE_INPUTS:  # padding neurons: copies of run 0, frozen from the start
        values[name][len(runs):] = values[name][0]
    values["t_stop_steps"][len(runs):] = -1.0
    return PackedBatch(EngineSpec(numerics, n_neurons, n_steps, record), values, stimulus,
                       grids)


def unpack_results(raw: Mapping[str, np.ndarray], packed: PackedBatch, runs: Sequence[RunSpec],
                   *, elapsed_s: float = float("nan"),
                   engine_label: str = "") -> list[SimulationResult]:
    """The engine's raw arrays -> one `SimulationResult` per run.

    ``raw`` holds ``spike_i`` (neuron index), ``spike_t`` (step index), ``final_nspk``
    and, when the structure records, ``trace_v/u/I`` of shape ``(n_steps, n_neurons)``
    (see `izhi_widgets.engine.CompiledEngine.run`). Spikes at or past a run's own last
    step are dropped, traces are cut to the run's grid, ``v`` is clipped at the peak and
    a runaway is explained in ``message`` (`izhi_widgets.limits.find_runaway`).
    """
    numerics, record = packed.spec.numerics, packed.spec.record
    ode = numerics != "published"
    order = np.argsort(raw["spike_i"], kind="stable")
    spike_i, spike_step = raw["spike_i"][order], raw["spike_t"][order]
    spike_time = raw["spike_time"][order] if ode else None
    bounds = np.searchsorted(spike_i, np.arange(len(runs) + 1))
    results = []
    for i, (run, t) in enumerate(zip(runs, packed.grids)):
        n = len(t)
        k = spike_step[bounds[i]:bounds[i + 1]]
        if ode:  # the located crossings, up to the run's last grid time
            located = spike_time[bounds[i]:bounds[i + 1]]  # type: ignore[index]
            spike_times = np.sort(located[(k < n) & (located <= t[-1] + 1e-9 * run.dt_ms)])
        else:
            spike_times = t[np.sort(k[k < n])]
        if record:
            v_raw = raw["trace_v"][:n, i].copy()
            u = raw["trace_u"][:n, i].copy()
            current = raw["trace_I"][:n, i].copy()
            if ode:
                # the state at each grid time; a spike shows as the peak at the first
                # sample after it (the reset already happened inside the step)
                current = run.stimulus.current(t)
                marks = np.searchsorted(t, spike_times, side="left")
                v_raw[marks[marks < n]] = np.inf
            message = find_runaway(t, v_raw, u, spike_times, run.params, run.duration_ms)
            v = np.minimum(v_raw, run.params.v_peak_mV)
        else:
            v = u = current = np.zeros(0)
            message = find_runaway(t[:0], [], [], spike_times, run.params, run.duration_ms)
            if not message and raw["final_nspk"][i] >= spike_cap(run.duration_ms):
                message = "Runaway spiking: the spike ceiling was reached."
        for arr in (t, v, u, current, spike_times):
            arr.flags.writeable = False
        results.append(SimulationResult(
            t_ms=t, v_mV=v, u=u, I=current, spike_times_ms=spike_times, params=run.params,
            stimulus=run.stimulus, dt_ms=run.dt_ms, duration_ms=run.duration_ms,
            numerics=numerics, v0_mV=run.v0_mV, u0=float(run.u0), diverged=bool(message),
            message=message, elapsed_s=elapsed_s, engine=engine_label))
    return results


def _run_engine(runs: list[RunSpec], numerics: str, record: bool,
                progress: Callable[[str], None] | None) -> list[SimulationResult]:
    """Pack, run the compiled engine, unpack."""
    start = time.perf_counter()
    packed = pack_runs(runs, numerics, record)
    if progress is not None:
        progress("preparing the compiled engine")
    engine = get_engine(packed.spec)
    if progress is not None:
        progress("running")
    raw = engine.run(packed.values, packed.stimulus)
    return unpack_results(raw, packed, runs, elapsed_s=time.perf_counter() - start,
                          engine_label=f"brian2 cpp_standalone {engine.directory.name}")
