"""The explorer's controller: the panel's logic without a single widget.

`PanelController` turns what the controls hold (a *draft*: raw texts and choices) into a
validated `PanelState`, runs it and returns a `ViewModel` — the result and everything
the views show about it (label, readouts, numerics note, share query, messages). On
bad input the view model keeps the last good result, marked ``stale``, with a message
in the panel's words naming the field. It runs in plain pytest.

Examples
--------
>>> from izhi_widgets.app.controller import PanelController
>>> ctl = PanelController()
>>> vm = ctl.load_preset("C")
>>> vm.result.n_spikes, vm.label
(28, 'tonic bursting')
>>> vm = ctl.submit({**ctl.draft(), "dt": "abc"})
>>> vm.stale, vm.message
(True, "dt (ms): 'abc' is not a number")
"""

from __future__ import annotations

import concurrent.futures
import logging
import math
import time
import traceback
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import numpy as np

from ..analysis import classify
from ..engine import EngineSpec, bucket_steps, is_built
from ..model import simulate
from ..presets import PRESETS
from ..result import SimulationResult
from ..sensitivity import SETTINGS, exact_summary, load_sensitivity, sensitivity_note
from .designer import decompose, design_from_texts, design_texts
from .memory import check_run_fits
from .fields import PANEL_FIELDS, format_value
from .state import PanelState, encode_state, read_query

__all__ = ["PanelController", "ViewModel", "Readout", "WHY_STEP", "DRAFT_KEYS"]

_LOG = logging.getLogger(__name__)

#: The draft keys the controls fill (besides ``stim_kind`` and ``stim``).
DRAFT_KEYS = ("preset", "a", "b", "c", "d", "v0", "u0", "recovery", "k1", "k0", "duration",
              "numerics", "dt")
#: A run expected to take longer than this (s) reports progress.
PROGRESS_AFTER_S = 0.3
#: Typical time (s) to compile a new engine structure (for progress estimates).
COMPILE_S = 10.0

WHY_STEP = ("Why: in the paper's scheme u is advanced with the new, overshooting v in the "
            "step where v crosses the peak, so the effective reset of u is "
            "d + τ·a·(b·v_peak − u), not d. A finer step or a true ODE integrator removes "
            "that extra kick, and presets tuned on it change behaviour.")


@dataclass(frozen=True)
class Readout:
    """Numbers about the run on screen."""

    n_spikes: int
    rate_hz: float
    elapsed_ms: float
    cached: bool
    n_steps: int
    numerics: str
    dt_ms: float


@dataclass(frozen=True)
class ViewModel:
    """What every view needs to draw one state of the panel."""

    state: PanelState
    result: SimulationResult | None
    readout: Readout | None = None
    label: str = ""
    explanation: str = ""
    label_ok: bool = False
    expected_label: str = ""
    edited: bool = False
    numerics_note: str = ""
    numerics_level: str = ""  # "warn", "info" or ""
    share_query: str = ""
    message: str = ""
    message_level: str = ""  # "error", "warn" or ""
    stale: bool = False
    field_errors: Mapping[str, str] = field(default_factory=dict)
    run_count: int = 0


def numerics_note(state: PanelState) -> tuple[str, str]:
    """``(level, text)``: what the packaged sensitivity table says about running the
    preset with the state's numerics and step. Every note starts with what the exact
    solution gives against the paper's scheme (`izhi_widgets.sensitivity.exact_summary`);
    at the paper's own settings that sentence is the whole (``"info"``) note."""
    preset = PRESETS[state.preset]
    table = load_sensitivity()
    summary = exact_summary(state.preset, table=table) or ""
    if state.numerics == "published" and math.isclose(state.dt, preset.dt_ms, rel_tol=1e-9):
        return ("info", summary) if summary else ("", "")
    level, text = _setting_note(state, preset, table)
    return level, f"{summary} {text}".strip()


def _setting_note(state: PanelState, preset, table) -> tuple[str, str]:
    """What the table says about the state's numerics and step (not the exact summary)."""
    exact = sensitivity_note(state.preset, state.numerics, state.dt, table=table)
    setting = f"{state.numerics} at dt = {format_value(state.dt)} ms"
    if exact:
        return "warn", f"This changes preset {preset.key}'s behaviour ({exact}). {WHY_STEP}"
    row = table.get(state.preset) or {}
    nearby = "; ".join(n for n in (row.get(f"{s.id}_note") for s in SETTINGS
                                   if s.numerics == state.numerics and s.dt_ms is not None)
                       if n)
    if nearby:
        return "warn", (f"Preset {preset.key} was tuned on the paper's scheme at "
                        f"{format_value(preset.dt_ms)} ms; {setting} was not measured, but "
                        f"nearby settings change it ({nearby}). {WHY_STEP}")
    return "info", (f"Preset {preset.key} keeps its behaviour under the measured ODE "
                    f"settings; small shifts of spike times are expected with {setting}.")


#: Wall-time budget of the panel's "check against the exact solution" (seconds).
EXACT_CHECK_TIMEOUT_S = 5.0


def exact_check(state: PanelState, result: SimulationResult | None, *,
                timeout_s: float = EXACT_CHECK_TIMEOUT_S) -> tuple[str, str]:
    """``(level, text)``: the exact solution (`izhi_widgets.exact`) of the state's run
    against ``result`` (the panel's run): spike counts, first spikes and the largest
    spike-time difference, or why there is no answer (too slow, invalid settings)."""
    from ..exact import ExactTimeout, simulate_exact
    from ..model import RunSpec

    try:
        state.check()
        run = RunSpec(state.params(), state.stimulus(), state.duration, state.dt, state.v0,
                      state.initial_u)
        exact = simulate_exact(run, record=False, timeout_s=timeout_s)
    except ExactTimeout:
        return "warn", (f"The exact solution did not finish within {timeout_s:g} s for this "
                        f"run; shorten the run to check it.")
    except ValueError as exc:
        return "error", f"No exact solution for these settings: {exc}"
    text = (f"Exact solution: {exact.n_spikes} spike{'s' if exact.n_spikes != 1 else ''}"
            + (f", first at {exact.spike_times_ms[0]:.4f} ms" if exact.n_spikes else "")
            + (" (runaway, stopped at the spike ceiling)" if exact.diverged else "") + ".")
    if result is None:
        return "info", text
    ours = result.spike_times_ms
    text += (f" This run ({result.numerics}, dt = {format_value(result.dt_ms)} ms): "
             f"{len(ours)} spike{'s' if len(ours) != 1 else ''}")
    if len(ours) == exact.n_spikes and len(ours):
        gap = float(np.max(np.abs(ours - exact.spike_times_ms)))
        text += f", at most {gap:.2g} ms from the exact spike times."
        return ("info" if gap < 0.1 else "warn"), text
    return ("info" if len(ours) == exact.n_spikes else "warn"), text + "."


class PanelController:
    """The panel's state machine: drafts in, view models out.

    Parameters
    ----------
    state : PanelState, optional
        Where to start (default: the default preset). Nothing runs until a method is
        called.
    simulate_fn : callable, optional
        The model (``izhi_widgets.simulate``); tests may inject a stand-in.
    """

    def __init__(self, state: PanelState | None = None, *,
                 simulate_fn: Callable[..., SimulationResult] = simulate):
        self.state = PanelState.from_preset("A") if state is None else state.check()
        self._simulate = simulate_fn
        self.last: ViewModel | None = None
        self.run_count = 0
        self.last_exception: str | None = None

    # ----- drafts --------------------------------------------------------------------
    def draft(self, state: PanelState | None = None) -> dict[str, Any]:
        """The draft the controls show for ``state`` (texts as the boxes show them)."""
        state = self.state if state is None else state
        out: dict[str, Any] = {}
        for key in DRAFT_KEYS:
            value = getattr(state, key)
            out[key] = value if PANEL_FIELDS[key].widget == "choice" else format_value(value)
        out["u0"] = "" if state.u0 is None else format_value(state.u0)
        if state.stim is None:
            out["stim_kind"], out["stim"] = "preset", {}
        else:
            design = decompose(state.stim)
            if design is None:
                out["stim_kind"], out["stim"] = "custom", {}
            else:
                out["stim_kind"], out["stim"] = design.kind, design_texts(design)
        return out

    def parse(self, draft: Mapping[str, Any]) -> tuple[PanelState | None, dict[str, str]]:
        """``(state, {})`` for a valid draft, else ``(None, {field: message})``."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for key in DRAFT_KEYS:
            raw = draft.get(key, getattr(self.state, key))
            if key == "u0" and (raw is None or (isinstance(raw, str) and not raw.strip())):
                values[key] = None  # at rest: u0 = b·v0
                continue
            try:
                values[key] = PANEL_FIELDS[key].parse(raw)
            except ValueError as exc:
                errors[key] = str(exc)
        kind = draft.get("stim_kind", "preset")
        stim = None
        if kind == "custom":
            stim = self.state.stim
        elif kind != "preset":
            try:
                stim = design_from_texts(kind, draft.get("stim", {})).stimulus()
            except ValueError as exc:
                errors["stim"] = str(exc)
        if errors:
            return None, errors
        state = PanelState(stim=stim, kicks=tuple(draft.get("kicks", self.state.kicks)),
                           **values)
        try:
            state.check()
        except ValueError as exc:
            key = next((k for k in ("c", "duration", "dt") if str(exc).startswith(
                PANEL_FIELDS[k].label)), "state")
            return None, {key: str(exc)}
        return state, {}

    # ----- actions -------------------------------------------------------------------
    def submit(self, draft: Mapping[str, Any],
               progress: Callable[[float, str], None] | None = None) -> ViewModel:
        """Validate the controls' draft and run it (or keep the last run, stale)."""
        state, errors = self.parse(draft)
        if state is None:
            return self._refuse("; ".join(errors.values()), errors)
        return self.run(state, progress)

    def load_preset(self, key: str, progress=None) -> ViewModel:
        return self.run(PanelState.from_preset(key), progress)

    def reset(self, progress=None) -> ViewModel:
        return self.load_preset(self.state.preset, progress)

    def load_query(self, query: str, progress=None) -> ViewModel:
        """Apply a share link: valid fields are applied, invalid ones named in the message."""
        state, problems = read_query(query)
        vm = self.run(state, progress)
        if problems and not vm.message_level == "error":
            text = ("Some of the link's settings were not applied (the preset's values are "
                    "shown instead): " + "; ".join(problems) + ".")
            vm = replace(vm, message=text, message_level="warn")
            self.last = vm
        return vm

    def check_exact(self) -> tuple[str, str]:
        """`exact_check` of the current state against its last run."""
        result = self.last.result if self.last is not None else None
        return exact_check(self.state, result)

    def run(self, state: PanelState,
            progress: Callable[[float, str], None] | None = None) -> ViewModel:
        """Run ``state`` and describe it (errors become a stale view model, never raise)."""
        try:
            state.check()
            check_run_fits(state.n_steps())
            result = self._run(state, progress)
        except ValueError as exc:
            return self._refuse(str(exc), {})
        except MemoryError:
            _LOG.warning("run refused: out of memory", exc_info=True)
            return self._refuse("This run did not fit in this kernel's memory limit: shorten "
                                "the duration or raise dt.", {})
        except Exception as exc:  # the app must keep working
            self.last_exception = traceback.format_exc()
            _LOG.warning("simulation failed", exc_info=True)
            return self._refuse(f"The simulation failed ({type(exc).__name__}: {exc}).", {})
        self.state = state
        self.run_count += 1
        self.last = self._describe(state, result)
        return self.last

    def _run(self, state: PanelState, progress) -> SimulationResult:
        kwargs = dict(duration_ms=state.duration, dt_ms=state.dt, numerics=state.numerics,
                      v0_mV=state.v0, u0=state.initial_u)
        params, stimulus = state.params(), state.stimulus()
        n_steps = state.n_steps()
        compiled = is_built(EngineSpec(state.numerics, 1, bucket_steps(n_steps), True))
        if progress is None or (compiled and n_steps <= 100_000):
            return self._simulate(params, stimulus, **kwargs)
        what = ("compiling the Brian2 engine for this run length (once)" if not compiled
                else "running")
        expected = COMPILE_S if not compiled else max(0.5, n_steps * 2e-6)
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(self._simulate, params, stimulus, **kwargs)
            start = time.perf_counter()
            while True:
                try:
                    return future.result(timeout=0.1)
                except concurrent.futures.TimeoutError:
                    elapsed = time.perf_counter() - start
                    if elapsed > PROGRESS_AFTER_S or not compiled:
                        progress(min(0.95, elapsed / expected), what)

    def _refuse(self, message: str, errors: Mapping[str, str]) -> ViewModel:
        """The last good run, marked stale, with the message."""
        last = self.last
        if last is None:
            vm = ViewModel(state=self.state, result=None, message=message,
                           message_level="error", stale=True, field_errors=dict(errors),
                           share_query=encode_state(self.state), run_count=self.run_count)
        else:
            vm = replace(last, message=message, message_level="error", stale=True,
                          field_errors=dict(errors))
        self.last = vm
        return vm

    def _describe(self, state: PanelState, result: SimulationResult) -> ViewModel:
        preset = PRESETS[state.preset]
        try:
            classification = classify(result)
            label, why = str(classification.label), str(classification.explanation)
        except Exception as exc:  # the classifier must not break the panel
            _LOG.warning("classifier failed", exc_info=True)
            label, why = "unclassified", f"classifier error: {exc}"
        level, note = numerics_note(state)
        cached = bool(result.cached)
        readout = Readout(result.n_spikes, result.rate_hz, 1e3 * result.elapsed_s, cached,
                          len(result.t_ms), result.numerics, result.dt_ms)
        message, message_level = "", ""
        if result.diverged:
            message, message_level = result.message or "The run diverged.", "warn"
        return ViewModel(
            state=state, result=result, readout=readout, label=label, explanation=why,
            label_ok=label == preset.label, expected_label=preset.label,
            edited=state != PanelState.from_preset(state.preset), numerics_note=note,
            numerics_level=level, share_query=encode_state(state), message=message,
            message_level=message_level, run_count=self.run_count)
