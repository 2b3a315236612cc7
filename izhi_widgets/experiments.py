"""Studies that run simulations: F–I curves, the presets under each numerics setting.

This is the one module besides `izhi_widgets.model` that makes runs; what it computes
from them comes from the pure `izhi_widgets.analysis` and `izhi_widgets.sensitivity`
functions. Every study is one batched Brian2 run per setting.

* `fi_curve`: steady-state and first-interval rates over a range of step currents
  (`izhi_widgets.analysis.FICurve`);
* `run_setting`: all 28 presets under one `izhi_widgets.sensitivity.Setting`;
* `preset_results`: some presets' runs under one setting (what the galleries draw);
* `sensitivity_table`: the numerics table (`izhi_widgets.sensitivity.sensitivity_rows`
  of the `SETTINGS` runs);
* `convergence_study`: spike-time errors against the exact solution
  (`izhi_widgets.convergence`).

Examples
--------
>>> from izhi_widgets.experiments import preset_results
>>> [r.n_spikes for r in preset_results(["A", "B"]).values()]
[5, 1]
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from numpy.typing import ArrayLike

from . import model as _model
from .analysis.fi import FICurve, fi_from_results
from .convergence import (CONVERGENCE_DTS, CONVERGENCE_METHODS, ConvergenceStudy,
                          convergence_cases, spike_time_error)
from .params import IzhikevichParams
from .presets import PRESETS
from .result import SimulationResult
from .sensitivity import Setting, sensitivity_rows
from .stimulus import Step

__all__ = ["fi_curve", "fi_examples", "FI_EXAMPLE_RANGES", "run_setting", "preset_results",
           "sensitivity_table", "convergence_study"]

#: Step-current ranges of the F–I example figure, each spanning the preset's rheobase.
FI_EXAMPLE_RANGES: dict[str, tuple[float, float]] = {"G": (0.0, 20.0), "H": (-0.5, 6.0)}


def fi_curve(params: IzhikevichParams, currents: ArrayLike, *, duration_ms: float = 1000.0,
             dt_ms: float = 0.25, numerics: str = "published", v0_mV: float = -65.0,
             onset_ms: float = 0.0) -> FICurve:
    """F–I curve: one step of each amplitude in ``currents`` from ``onset_ms`` to the end.

    All steps run as one batched Brian2 run (`izhi_widgets.model.simulate_batch`, spikes
    only); the rates are computed by `izhi_widgets.analysis.fi_from_results`.

    Parameters
    ----------
    params : IzhikevichParams
    currents : array_like
        Step amplitudes (at most `izhi_widgets.limits.MAX_BATCH`).
    duration_ms, dt_ms : float
        Run length and step.
    numerics : {'published', 'euler', 'rk4'}
    v0_mV : float
        Initial potential (``u0 = b * v0``).
    onset_ms : float
        Step onset (the current is 0 before it).

    Returns
    -------
    FICurve

    Raises
    ------
    ValueError
        For no currents, non-finite currents or an onset outside ``[0, duration_ms)``.

    Examples
    --------
    >>> from izhi_widgets import IzhikevichParams
    >>> curve = fi_curve(IzhikevichParams(), [0, 10, 20], duration_ms=500)
    >>> bool(curve.rates_hz[0] == 0 and curve.rates_hz[1] < curve.rates_hz[2])
    True
    """
    amps = np.asarray(currents, dtype=float).reshape(-1)
    if len(amps) == 0:
        raise ValueError("currents must not be empty")
    if not np.all(np.isfinite(amps)):
        raise ValueError("currents must be finite")
    if not 0 <= onset_ms < duration_ms:
        raise ValueError(f"onset_ms must be in [0, duration_ms), got {onset_ms!r}")
    runs = [_model.RunSpec(params, Step(float(a), onset_ms), duration_ms, dt_ms, v0_mV)
            for a in amps]
    results = _model.simulate_batch(runs, numerics=numerics, record=False)
    return fi_from_results(amps, results, duration_ms=duration_ms, onset_ms=onset_ms)


def fi_examples(keys: Sequence[str] = ("G", "H"), n_currents: int = 32) -> dict[str, FICurve]:
    """F–I curves of presets (by default the class 1 and class 2 excitable neurons G and H).

    Each preset's parameters and initial state get 1 s steps (from t = 0) of ``n_currents``
    amplitudes over its range in `FI_EXAMPLE_RANGES` (0 to 20 for others), one batched
    run per preset.

    Parameters
    ----------
    keys : sequence of str
        Preset keys.
    n_currents : int
        Step amplitudes per curve.

    Returns
    -------
    dict
        key -> `FICurve`.

    Examples
    --------
    >>> curves = fi_examples(["G"])
    >>> curves["G"].currents[[0, -1]].tolist()
    [0.0, 20.0]
    """
    curves = {}
    for key in keys:
        preset = PRESETS[key]
        lo, hi = FI_EXAMPLE_RANGES.get(key, (0.0, 20.0))
        curves[key] = fi_curve(preset.params, np.linspace(lo, hi, n_currents),
                               v0_mV=preset.v0_mV)
    return curves


def run_setting(setting: Setting, *, record: bool = True) -> dict[str, SimulationResult]:
    """Run all 28 presets under ``setting`` in one batched Brian2 run.

    Always the full preset list, so every caller (the numerics table, the report's
    figures) shares one compiled structure per setting and the model's result cache.

    Parameters
    ----------
    setting : Setting
        The numerics and step (``dt_ms=None``: each preset's own step).
    record : bool
        Record the traces (False: spikes only).

    Returns
    -------
    dict
        preset key -> `SimulationResult`, in `PRESETS` order.

    Examples
    --------
    >>> from izhi_widgets.sensitivity import Setting
    >>> results = run_setting(Setting("published"))
    >>> len(results), results["C"].n_spikes
    (28, 28)
    """
    specs = [_model.RunSpec.from_preset(p, dt_ms=setting.dt_ms) for p in PRESETS.values()]
    results = _model.simulate_batch(specs, numerics=setting.numerics, record=record)
    return dict(zip(PRESETS, results))


def preset_results(keys: Sequence[str] | None = None, numerics: str = "published",
                   dt_ms: float | None = None) -> dict[str, SimulationResult]:
    """The runs of some presets under one setting (from one batched run of all 28).

    Parameters
    ----------
    keys : sequence of str, optional
        Preset keys (default: all, in `PRESETS` order).
    numerics : {'published', 'euler', 'rk4'}
    dt_ms : float, optional
        The step (default: each preset's own).

    Returns
    -------
    dict
        key -> `SimulationResult`, in the order of ``keys``.

    Examples
    --------
    >>> list(preset_results(["P", "A"]))
    ['P', 'A']
    """
    results = run_setting(Setting(numerics, dt_ms))
    return {key: results[key] for key in (list(PRESETS) if keys is None else keys)}


def sensitivity_table() -> list[dict[str, Any]]:
    """The numerics table: every preset under each of `izhi_widgets.sensitivity.SETTINGS`.

    Five batched runs of the 28 presets (up to 40 001 steps each; a few seconds), turned
    into rows by `izhi_widgets.sensitivity.sensitivity_rows` (see there for the columns).

    Returns
    -------
    list of dict
        One row per preset, keys `izhi_widgets.sensitivity.COLUMNS`.

    Examples
    --------
    >>> rows = sensitivity_table()
    >>> rows[0]["key"], rows[0]["published_n"], rows[0]["rk4_0.01_n"]
    ('A', 5, 5)
    """
    return sensitivity_rows(run_setting)


def convergence_study(methods: Sequence[str] = CONVERGENCE_METHODS,
                      dts: Sequence[float] = CONVERGENCE_DTS,
                      cases: Sequence[tuple[str, _model.RunSpec]] | None = None
                      ) -> ConvergenceStudy:
    """Run the convergence study (`izhi_widgets.convergence`): each case's exact solution,
    then one batched engine run per method and step.

    Examples
    --------
    >>> from izhi_widgets.convergence import convergence_cases
    >>> study = convergence_study(["rk4"], [0.1, 0.05], convergence_cases(0)[:1])
    >>> study.cases, bool(study.worst("rk4")[1] < study.worst("rk4")[0] / 8)
    (('A',), True)
    """
    cases = convergence_cases() if cases is None else list(cases)
    exact = _model.simulate_batch([run for _, run in cases], "exact", record=False)
    errors = np.empty((len(methods), len(dts), len(cases)))
    for m, method in enumerate(methods):
        for j, dt in enumerate(dts):
            runs = [_model.RunSpec(r.params, r.stimulus, r.duration_ms, dt, r.v0_mV, r.u0)
                    for _, r in cases]
            results = _model.simulate_batch(runs, method, record=False)
            errors[m, j] = [spike_time_error(res.spike_times_ms, ex.spike_times_ms)
                            for res, ex in zip(results, exact)]
    return ConvergenceStudy(tuple(methods), tuple(float(d) for d in dts),
                            tuple(name for name, _ in cases), errors,
                            tuple(r.n_spikes for r in exact))
