"""The report's generated tables and listings (Markdown text computed from the code).

Each renderer takes a `BuildContext` (the build's shared runs and the numerics table's
rows) and returns Markdown; `catalog.BLOCKS` registers them. Nothing here writes files.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np

from izhi_widgets import PRESETS
from izhi_widgets.result import SimulationResult

__all__ = ["BuildContext", "preset_table", "preset_rows", "spike_step_overshoot",
           "overshoot_table", "brian2_listing", "scheme_listing", "LISTING_MODULE",
           "LISTING_FUNCTION",
           "OVERSHOOT_KEYS"]

#: Where the compact Brian2 function lives, and its name.
LISTING_MODULE = "izhi_widgets.brian2_model"
LISTING_FUNCTION = "izhikevich_group"
#: Presets of the overshoot table: one robust, the ones the step changes.
OVERSHOOT_KEYS = ("A", "I", "M", "N", "P", "Q", "S", "T")


@dataclass
class BuildContext:
    """What the generated blocks are computed from."""

    runs: Any  # catalog.ReportRuns
    rows: list[dict[str, Any]]


def _times(values) -> str:
    return ", ".join(f"{float(t):g}" for t in values) if len(values) else "none"


def preset_rows(results: dict[str, SimulationResult]) -> list[dict[str, Any]]:
    """Per preset: the published and our spike counts and times, and the largest difference.

    ``max_diff_ms`` is the largest ``|ours - published|`` over paired spikes when both
    counts agree, else None (``match`` is then False).
    """
    rows = []
    for key, preset in PRESETS.items():
        ours = np.asarray(results[key].spike_times_ms, dtype=float)
        published = np.asarray(preset.expected_spikes_ms, dtype=float)
        same_n = len(ours) == len(published)
        diff = float(np.max(np.abs(ours - published))) if same_n and len(ours) else (
            0.0 if same_n else None)
        rows.append({"key": key, "name": preset.name, "group": preset.group,
                     "dt_ms": preset.dt_ms, "published": published, "ours": ours,
                     "max_diff_ms": diff, "match": same_n and diff is not None and diff < 1e-9})
    return rows


def preset_table(ctx: BuildContext) -> str:
    """Markdown: the 28 presets, published vs our spike counts and times (published runs)."""
    lines = ["| preset | τ (ms) | n: paper / ours | published spike times (ms) | ours "
             "| max Δt (ms) |", "|---|---|---|---|---|---|"]
    for row in preset_rows(ctx.runs.presets()):
        ours = "identical" if row["match"] else _times(row["ours"])
        diff = ("—" if row["max_diff_ms"] is None
                else f"{round(row['max_diff_ms'], 9):g}")  # k·τ rounding (1e-14) reads as 0
        lines.append(f"| {row['key'].replace('_', ' ')} {row['name']} | {row['dt_ms']:g} | "
                     f"{len(row['published'])} / {len(row['ours'])} | "
                     f"{_times(row['published'])} | {ours} | {diff} |")
    return "\n".join(lines)


def spike_step_overshoot(result: SimulationResult) -> tuple[np.ndarray, np.ndarray]:
    """For each spike of a published-scheme run: the v it reached, and the u it added.

    In the spike step the scheme advances ``u`` with the new, overshooting ``v``:
    ``du = dt a (b (v + shift) - gain u_prev)``. The recorded u holds, at each sample,
    the value after that step (before the reset), so ``du`` is the difference of two
    samples and ``v = (du / (dt a) + gain u_prev) / b - shift``. Returns
    ``(v_reached_mV, du)``, one entry per spike (empty arrays without spikes, or when
    ``a`` or ``b`` is 0).
    """
    params = result.params
    t, u = np.asarray(result.t_ms, dtype=float), np.asarray(result.u, dtype=float)
    if params.a == 0 or params.b == 0 or len(u) != len(t):
        return np.zeros(0), np.zeros(0)
    idx = np.searchsorted(t, np.asarray(result.spike_times_ms, dtype=float) - 1e-9)
    idx = idx[(idx >= 1) & (idx < len(t))]
    shift, gain = params.recovery_terms()
    du = u[idx] - u[idx - 1]
    v = (du / (result.dt_ms * params.a) + gain * u[idx - 1]) / params.b - shift
    return v, du


def overshoot_table(ctx: BuildContext) -> str:
    """Markdown: the spike-step overshoot of `OVERSHOOT_KEYS` under the published scheme."""
    found = ctx.runs.presets()
    lines = ["| preset | τ (ms) | d | v reached in the spike step, median / max (mV) "
             "| extra u per spike, median | effective d |", "|---|---|---|---|---|---|"]
    for key in OVERSHOOT_KEYS:
        res = found[key]
        v, du = spike_step_overshoot(res)
        if not len(v):
            continue
        extra = float(np.median(du))
        lines.append(f"| {key} {PRESETS[key].name} | {res.dt_ms:g} | {res.params.d:g} | "
                     f"{np.median(v):.0f} / {np.max(v):.0f} | {extra:.2f} | "
                     f"{res.params.d + extra:.2f} |")
    return "\n".join(lines)


def brian2_listing(ctx: BuildContext | None = None) -> str:
    """The compact Brian2 model: the lines `izhikevich_group` builds its group from
    (`model_code`, the one place they are written), and how a researcher uses it.

    Generated from the module at build time, so the report shows the code as it is.
    """
    try:
        module = importlib.import_module(LISTING_MODULE)
        model_code = module.model_code
    except (ImportError, AttributeError):
        return ("> **Placeholder.** The listing of `izhikevich_group` appears here once "
                f"`{LISTING_MODULE}` exists.")
    published, ode = model_code("published"), model_code("rk4")
    path = module.__name__.replace(".", "/") + ".py"
    lines = [
        "# The paper's scheme (numerics='published'): plain variables, updated in order",
        "# before the threshold (v with the old u, then u with the NEW v).",
        f'eqs = """\n{published.equations}\nI : volt/second  # the input\n"""',
        "group = NeuronGroup(n, eqs, threshold=" + repr(published.threshold)
        + ", reset=" + repr(published.reset) + ", dt=0.25*ms)",
        f'group.run_regularly("""\n{published.update}\n""", when="groups")',
        "",
        "# Brian2's integrators (numerics='euler' or 'rk4'): the same model as ODEs.",
        f'eqs = """\n{ode.equations}\nI : volt/second\n"""',
        "group = NeuronGroup(n, eqs, threshold=" + repr(ode.threshold) + ", reset="
        + repr(ode.reset) + ", method='rk4')",
        "",
        "# In practice: one call, then connect, monitor and run in your own network",
        f"from izhi_widgets.{LISTING_FUNCTION.join(['brian2_model import ', ''])}",
        "group = izhikevich_group(3, a=0.02, b=0.2, c=[-65, -55, -50], d=[8, 4, 2], I=10,",
        "                         dt=0.25)",
    ]
    body = "\n".join(lines)
    return (f"*Listing 1. The compact model: the lines of `{path}` (`model_code`, written "
            f"once; `{LISTING_FUNCTION}` and the app's \"show code\" both use them).*\n\n"
            f"```python\n{body}\n```")


def scheme_listing(ctx: BuildContext | None = None, key: str = "A") -> str:
    """The model part of the app's "show code" script for preset ``key`` (published scheme).

    `izhi_widgets.codegen.brian2_script` writes a standalone Brian2 script of a run; this is
    its core, from the equations to ``net.run``, as generated at build time.
    """
    from izhi_widgets.codegen import brian2_script

    p = PRESETS[key]
    script = brian2_script(p.params, p.stimulus, p.duration_ms, p.dt_ms, "published",
                           p.v0_mV, p.initial_u)
    lines = script.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("eqs = "))
    stop = next(k for k, line in enumerate(lines) if line.startswith("net.run("))
    body = "\n".join(lines[start:stop + 1])
    return (f"*Listing 2. The published scheme in Brian2: the core of the script that the "
            f"app's Code tab writes for preset {key} (`izhi_widgets.codegen`), generated at "
            f"build time.*\n\n```python\n{body}\n```")
