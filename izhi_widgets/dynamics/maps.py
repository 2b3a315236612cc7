"""Pattern maps: the classifier's label over a grid of two parameters, in batched runs.

`pattern_map` simulates every cell of a grid over two of ``a, b, c, d`` and the stimulus
``amplitude`` under one protocol, and names each cell's firing pattern
(`izhi_widgets.analysis.classify`'s labels); `PatternMap` holds the result, `label_colors`
gives each label a fixed colour and `PAPER_MAPS` redraws the parameter maps of
Izhikevich (2003), Fig. 2.

The axes
--------
An axis is ``(name, lo, hi, n)``: ``n`` values from ``lo`` to ``hi``, evenly spaced
(`grid_values`), 2 to `MAX_AXIS_N` of them. ``name`` is one of `AXES`: a parameter
``'a'``, ``'b'``, ``'c'``, ``'d'``, or ``'amplitude'``, which *sets* the ``amplitude``
field of the stimulus (of a sum of shapes, that of its last term with one: baseline +
pulse, the pulse's); see `izhi_widgets.dynamics.maps_axes`.

Every cell starts from ``v0`` and ``u0 = b·v0`` (`IzhikevichParams.default_u0`, so ``u0``
follows ``b`` along a ``b`` axis; a preset's own explicit ``u0``, panel R's, is not used).

Spikes only
-----------
Maps run **without traces** (``record=False``): recording ``v, u, I`` of 3 600 cells of
1 200 steps would move ~100 MB through the engine's files. The consequence: like
`classify` on any ``record=False`` run, the rules that read ``v`` (depolarizing
after-potential, ringing: resonator by ringing, subthreshold oscillations) are skipped,
so a cell is labelled from its spikes and the stimulus alone. ``pm.labels`` equals
``classify(pm.result(i, j)).label`` for every cell (``pm.result`` is that spikes-only
run, identical to ``simulate_batch(..., record=False)``'s; a test checks both); to see a
cell's traces, re-run it: ``simulate_batch([pm.run_spec(i, j)], pm.numerics)[0]``.

Speed
-----
The cells are packed as arrays straight into the compiled engine (`maps_run`: the same
arrays `izhi_widgets.model.pack_runs` builds) in as few runs as the engine takes (at most
`izhi_widgets.limits.MAX_BATCH` neurons and ``MAX_BATCH_SAMPLES`` neuron-steps per run:
a 60 x 60 map of 1 201 steps is two runs of 1 800), and labelled by
`izhi_widgets.analysis.batch.classify_trains` (the protocol read once, the spike-train
rules vectorised). Maps are cached (`MAP_CACHE_SIZE`, keyed on every input).

Examples
--------
>>> from izhi_widgets import IzhikevichParams, Step
>>> pm = pattern_map(IzhikevichParams(a=0.02, b=0.2, c=-65, d=8),
...                  x=("c", -65, -50, 4), y=("d", 2, 8, 3),
...                  stimulus=Step(10, 15), duration_ms=150, dt_ms=0.25, v0_mV=-70)
>>> pm.labels.shape, pm.x.tolist(), pm.y.tolist()
((3, 4), [-65.0, -60.0, -55.0, -50.0], [2.0, 5.0, 8.0])
>>> str(pm.labels[0, 3]), int(pm.n_spikes[0, 3])
('tonic bursting', 15)
>>> i, j, params = pm.cell_at(-50.4, 2.3)
>>> (i, j), params.c, params.d
((0, 3), -50.0, 2.0)
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable, Union

import numpy as np

from ..analysis.batch import classify_trains
from ..analysis.thresholds import DEFAULT_THRESHOLDS, ClassifierThresholds
from ..engine import is_built
from ..limits import spike_cap
from ..model import DEFAULT_DT_MS, RunSpec, engine_inputs
from ..params import IzhikevichParams
from ..presets import Preset
from ..result import NUMERICS, time_grid
from ..stimulus import Stimulus
from .maps_axes import AXES, MAX_AXIS_N, cell_of, check_axis, grid_values, with_amplitude
from .maps_paper import PAPER_MAPS, MapSpec
from .maps_result import PatternMap, label_colors
from .maps_run import chunk_size, pack_cells, run_cells

__all__ = ["pattern_map", "PatternMap", "MapCancelled", "label_colors", "PAPER_MAPS",
           "MapSpec", "AXES", "MAX_AXIS_N", "MAX_MAP_NEURON_STEPS", "clear_map_cache",
           "with_amplitude", "grid_values"]

#: Most neuron-steps of one map (cells x samples per cell): about 5 s of engine time.
MAX_MAP_NEURON_STEPS = 50_000_000
#: Maps kept in memory.
MAP_CACHE_SIZE = 8

Axis = tuple[str, float, float, int]
Cancel = Union[Callable[[], bool], threading.Event, None]
Progress = Callable[[float, str], None]


class MapCancelled(RuntimeError):
    """Raised by `pattern_map` when ``cancel`` asked it to stop (nothing is cached)."""


_CACHE: "OrderedDict[tuple, PatternMap]" = OrderedDict()
_CACHE_LOCK = threading.Lock()  # a view may compute maps in a worker thread


def clear_map_cache() -> None:
    """Forget cached maps."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _is_cancelled(cancel: Cancel) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


def pattern_map(base: IzhikevichParams | Preset, x: Axis, y: Axis, *,
                stimulus: Stimulus | None = None, duration_ms: float | None = None,
                dt_ms: float | None = None, numerics: str = "published",
                v0_mV: float | None = None,
                thresholds: ClassifierThresholds = DEFAULT_THRESHOLDS,
                progress: Progress | None = None, cancel: Cancel = None) -> PatternMap:
    """Classify the response over a grid of two parameters (or a parameter and the amplitude).

    Parameters
    ----------
    base : IzhikevichParams or Preset
        The parameters off the axes. A preset also supplies the defaults of
        ``stimulus``, ``duration_ms``, ``dt_ms`` and ``v0_mV``.
    x, y : tuple
        ``(name, lo, hi, n)``, ``name`` one of `AXES` (see the module docstring), ``n``
        from 2 to `MAX_AXIS_N`; the two names differ. ``x`` runs along the columns of
        ``labels``, ``y`` along its rows.
    stimulus : Stimulus, optional
        Required with plain parameters.
    duration_ms : float, optional
        Required with plain parameters.
    dt_ms : float, optional
        Default: the preset's, else 0.25 ms.
    numerics : {'published', 'euler', 'rk4'}
    v0_mV : float, optional
        Default: the preset's, else -65 mV. ``u0 = b·v0`` in every cell.
    thresholds : ClassifierThresholds, optional
        The classifier's numbers.
    progress : callable, optional
        ``progress(fraction, text)``, called as the map is computed (fraction 0 to 1).
    cancel : callable or threading.Event, optional
        Checked before each engine run and before the labelling; when it returns True
        (or the event is set) `MapCancelled` is raised.

    Returns
    -------
    PatternMap
        A cached map is returned as it is (its ``timings`` are those of its computation).

    Raises
    ------
    ValueError
        Naming the field: an unknown or repeated axis name, a bound outside the
        parameter's limits, ``lo >= hi``, ``n`` out of range, bad run settings, or more
        than `MAX_MAP_NEURON_STEPS` neuron-steps.
    MapCancelled
        When ``cancel`` asked to stop.
    """
    if isinstance(base, Preset):
        stimulus = base.stimulus if stimulus is None else stimulus
        duration_ms = base.duration_ms if duration_ms is None else duration_ms
        dt_ms = base.dt_ms if dt_ms is None else dt_ms
        v0_mV = base.v0_mV if v0_mV is None else v0_mV
        params = base.params
    elif isinstance(base, IzhikevichParams):
        if stimulus is None:
            raise ValueError("stimulus is required when base is plain parameters")
        if duration_ms is None:
            raise ValueError("duration_ms is required when base is plain parameters")
        dt_ms = DEFAULT_DT_MS if dt_ms is None else dt_ms
        v0_mV = -65.0 if v0_mV is None else v0_mV
        params = base
    else:
        raise ValueError(f"base must be IzhikevichParams or a Preset, got {type(base).__name__}")
    if not isinstance(stimulus, Stimulus):
        raise ValueError(f"stimulus must be a Stimulus, got {type(stimulus).__name__}")
    if numerics not in NUMERICS:
        raise ValueError(f"numerics must be one of {NUMERICS}, got {numerics!r}")
    if not isinstance(thresholds, ClassifierThresholds):
        raise ValueError("thresholds must be ClassifierThresholds")
    if cancel is not None and not (isinstance(cancel, threading.Event) or callable(cancel)):
        raise ValueError("cancel must be a callable or a threading.Event")
    xa, ya = check_axis("x", x), check_axis("y", y)
    if xa[0] == ya[0]:
        raise ValueError(f"x and y must name different axes, both are {xa[0]!r}")
    run = RunSpec(params, stimulus, duration_ms, dt_ms, v0_mV)  # validates the run settings
    n_samples = run.n_steps
    cells = xa[3] * ya[3]
    if cells * n_samples > MAX_MAP_NEURON_STEPS:
        raise ValueError(f"the map needs {xa[3]} x {ya[3]} cells x {n_samples} steps = "
                         f"{cells * n_samples} neuron-steps, more than {MAX_MAP_NEURON_STEPS}: "
                         f"use fewer cells, a larger dt_ms or a shorter duration_ms")
    for xv in (xa[1], xa[2]):  # the box's corners hold every cell's extremes
        for yv in (ya[1], ya[2]):
            try:
                cell_of(params, stimulus, {xa[0]: xv, ya[0]: yv})
            except ValueError as err:
                raise ValueError(f"x = {xa[0]} {xv:g}, y = {ya[0]} {yv:g}: {err}") from None
    key = (params, xa, ya, stimulus, run.duration_ms, run.dt_ms, numerics, run.v0_mV,
           thresholds)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
    if found is not None:
        if progress is not None:
            progress(1.0, "done (cached)")
        return found
    pm = _compute(params, stimulus, xa, ya, run, numerics, thresholds, progress, cancel)
    with _CACHE_LOCK:
        _CACHE[key] = pm
        while len(_CACHE) > MAP_CACHE_SIZE:
            _CACHE.popitem(last=False)
    return pm


def _compute(params: IzhikevichParams, stimulus: Stimulus, xa: tuple, ya: tuple, run: RunSpec,
             numerics: str, th: ClassifierThresholds, progress: Progress | None,
             cancel: Cancel) -> PatternMap:
    start = time.perf_counter()
    say = progress if progress is not None else (lambda fraction, text: None)
    xs, ys = grid_values(*xa[1:]), grid_values(*ya[1:])
    # cell k = i * nx + j sits in row i (y value i) and column j (x value j)
    axis_values = {xa[0]: np.tile(xs, len(ys)), ya[0]: np.repeat(ys, len(xs))}
    n_cells = len(xs) * len(ys)
    t = time_grid(run.duration_ms, run.dt_ms)
    if "amplitude" in axis_values:  # one current per amplitude; each cell picks its own
        amps = xs if xa[0] == "amplitude" else ys
        stimuli = tuple(with_amplitude(stimulus, float(v)) for v in amps)
        column = (np.tile(np.arange(len(xs)), len(ys)) if xa[0] == "amplitude"
                  else np.repeat(np.arange(len(ys)), len(xs)))
    else:
        stimuli, column = (stimulus,), np.zeros(n_cells, dtype=np.int64)
    shared = engine_inputs(run)
    b = axis_values.get("b", np.full(n_cells, params.b))
    cell_values = {k: v for k, v in axis_values.items() if k != "amplitude"}
    cell_values["u"] = b * run.v0_mV  # default_u0: b·v0, per cell
    cap = spike_cap(run.duration_ms)
    per_run = chunk_size(len(t))
    n_chunks = -(-n_cells // per_run)
    bounds = np.linspace(0, n_cells, n_chunks + 1).round().astype(int)
    steps, counts, diverged = [], [], []
    for c in range(n_chunks):
        if _is_cancelled(cancel):
            raise MapCancelled("the map was cancelled")
        lo, hi = bounds[c], bounds[c + 1]
        used, inverse = np.unique(column[lo:hi], return_inverse=True)  # this chunk's currents
        currents = np.stack([stimuli[g].current(t) for g in used], axis=1)
        spec, values, stim = pack_cells(shared, {k: v[lo:hi] for k, v in cell_values.items()},
                                        currents, inverse, numerics)
        note = "" if is_built(spec) else " (compiling the engine for this size first, ~10 s)"
        say(0.9 * c / n_chunks, f"simulating cells {lo + 1}–{hi} of {n_cells}{note}")
        s, n, d = run_cells(spec, values, stim, hi - lo, len(t), cap)
        steps.append(s)
        counts.append(n)
        diverged.append(d)
    simulated = time.perf_counter()
    if _is_cancelled(cancel):
        raise MapCancelled("the map was cancelled")
    say(0.9, f"classifying {n_cells} responses")
    counts_all = np.concatenate(counts)
    pm = PatternMap(
        x_name=xa[0], y_name=ya[0], x=xs, y=ys, labels=np.empty((len(ys), len(xs)), dtype="U32"),
        n_spikes=counts_all.reshape(len(ys), len(xs)),
        rates=(1000.0 * counts_all / run.duration_ms).reshape(len(ys), len(xs)),
        diverged=np.concatenate(diverged).reshape(len(ys), len(xs)),
        base=params, stimulus=stimulus, duration_ms=run.duration_ms, dt_ms=run.dt_ms,
        numerics=numerics, v0_mV=run.v0_mV, thresholds=th,
        spike_steps=np.concatenate(steps),
        offsets=np.concatenate(([0], np.cumsum(counts_all))))
    trains = np.split(t[pm.spike_steps], pm.offsets[1:-1])
    labels = pm.labels.reshape(-1)
    for g in range(len(stimuli)):
        members = np.flatnonzero(column == g)
        labels[members] = classify_trains(
            t, stimuli[g].current(t), [trains[k] for k in members],
            result_of=lambda k, members=members: pm.result(*divmod(int(members[k]), len(xs))),
            diverged=pm.diverged.reshape(-1)[members], thresholds=th)
    pm._freeze(simulate_s=simulated - start, classify_s=time.perf_counter() - simulated)
    say(1.0, "done")
    return pm
