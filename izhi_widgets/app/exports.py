"""What the explorer exports: the traces as CSV and the run as a standalone Brian2 script.

The CSV's header line ``t_ms,v_mV,u,I`` comes first, then the comment lines (``#``:
the settings and spike times), then the samples. That order is the one both
``np.genfromtxt(path, delimiter=",", names=True)`` (which takes its names from the
first line, comment or not) and ``pandas.read_csv(path, comment="#")`` read. Numbers are written in their
shortest round-trip form; grid times (``k·dt``) to 12 significant digits, which is the
time the grid means (25.9, not 25.900000000000002).

Examples
--------
>>> from izhi_widgets import simulate, PRESETS
>>> from izhi_widgets.app.state import PanelState
>>> from izhi_widgets.app.exports import csv_text
>>> text = csv_text(simulate(PRESETS["I"]), PanelState.from_preset("I"))
>>> [line for line in text.splitlines() if line.startswith("# spikes_ms")]
['# spikes_ms: 26.6']
"""

from __future__ import annotations

import io

import numpy as np

from ..codegen import brian2_script
from ..presets import PRESETS
from ..result import SimulationResult
from .fields import format_value
from .state import PanelState, encode_state

__all__ = ["csv_text", "script_text", "grid_time_text", "CSV_NAME", "PNG_NAME", "SCRIPT_NAME"]

CSV_NAME, PNG_NAME, SCRIPT_NAME = "izhi_traces.csv", "izhi_figure.png", "izhi_brian2.py"


def grid_time_text(t_ms: float) -> str:
    """A grid time as text: 12 significant digits, trailing zeros dropped.

    >>> grid_time_text(0.1 * 259), grid_time_text(13.0)
    ('25.9', '13')
    """
    return f"{float(t_ms):.12g}"


def _comment(text: str) -> str:
    # one line, and no comma: some readers split comment lines on it
    return " ".join(str(text).split()).replace(",", ";")


def csv_text(result: SimulationResult, state: PanelState) -> str:
    """The run as CSV: the header line, the commented settings, then ``t_ms,v_mV,u,I`` rows."""
    p = result.params
    preset = PRESETS[state.preset]
    header = [
        "t_ms,v_mV,u,I",
        "# izhi-explorer traces (Izhikevich model; Brian2)",
        f"# share: ?{encode_state(state)}",
        f"# preset: {state.preset} ({_comment(preset.name)})",
        f"# params: a={format_value(p.a)} b={format_value(p.b)} c={format_value(p.c)} "
        f"d={format_value(p.d)} k2={format_value(p.k2)} k1={format_value(p.k1)} "
        f"k0={format_value(p.k0)} recovery={p.recovery} v_peak_mV={format_value(p.v_peak_mV)}",
        f"# initial: v0_mV={format_value(result.v0_mV)} u0={format_value(result.u0)}",
        f"# numerics: {result.numerics}; dt_ms={format_value(result.dt_ms)}; "
        f"duration_ms={format_value(result.duration_ms)}",
        f"# stimulus: {_comment(result.stimulus.describe())}",
        f"# spikes_ms: {' '.join(grid_time_text(s) for s in result.spike_times_ms)}",
    ]
    if result.diverged:
        header.append(f"# note: {_comment(result.message)}")
    buffer = io.StringIO()
    buffer.write("\n".join(header) + "\n")
    columns = [[grid_time_text(t) for t in result.t_ms]]
    columns += [[repr(float(x)) for x in np.asarray(arr, dtype=float)]
                for arr in (result.v_mV, result.u, result.I)]
    buffer.write("\n".join(",".join(row) for row in zip(*columns)))
    buffer.write("\n")
    return buffer.getvalue()


def script_text(state: PanelState) -> str:
    """The "Show code" script for ``state``: standalone Brian2, prints the spike times."""
    preset = PRESETS[state.preset]
    return brian2_script(state.params(), state.stimulus(), state.duration, state.dt,
                         state.numerics, state.v0, state.initial_u,
                         title=f"preset {preset.key} ({preset.name})")
