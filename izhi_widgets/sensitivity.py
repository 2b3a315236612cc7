"""How much the published presets depend on the numerical scheme and step.

Izhikevich's figures come from a fixed-step scheme in which ``u`` is advanced with the
*new* ``v`` (see `izhi_widgets.model`). In the step where ``v`` crosses the peak, ``u``
therefore absorbs the overshoot (up to ~180 mV at a 0.5 ms step), and the effective
after-spike increment of ``u`` is larger than ``d``. A true ODE integrator (Brian2's
``euler`` or ``rk4``) at a fine step removes that artefact, and several presets change
behaviour. This module measures it for all 28 presets:

* `sensitivity_table` runs every preset under each of `SETTINGS` (one batched Brian2
  run per setting) and returns one row per preset: spike count, first spike time,
  the classifier's label (`izhi_widgets.analysis.classify`) and a short ``note``;
* `write_sensitivity` writes ``report/sensitivity.csv`` and the packaged
  ``izhi_widgets/data/sensitivity.json`` (and refreshes the table in ``report/report.md``
  between its ``sensitivity-table`` markers);
* `load_sensitivity` reads the packaged table (no simulation), and `sensitivity_note`
  gives the panel the warning for one preset under one numerics choice.

Examples
--------
>>> from izhi_widgets.sensitivity import load_sensitivity, sensitivity_note
>>> row = load_sensitivity()["A"]
>>> row["published_n"], row["expected_n"]
(5, 5)
>>> sensitivity_note("A", "published") is None
True
"""

from __future__ import annotations

import csv
import functools
import importlib.metadata
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from .model import RunSpec, simulate_batch
from .presets import PRESETS
from .result import SimulationResult

__all__ = [
    "Setting",
    "SETTINGS",
    "run_setting",
    "sensitivity_table",
    "write_sensitivity",
    "load_sensitivity",
    "sensitivity_note",
    "markdown_table",
    "markdown_label_changes",
    "COLUMNS",
]


@dataclass(frozen=True)
class Setting:
    """A numerical scheme and step; ``dt_ms=None`` means each preset's own (published) step."""

    numerics: str
    dt_ms: float | None = None

    @property
    def id(self) -> str:
        """Column prefix, e.g. ``'published'``, ``'euler_0.01'``."""
        return self.numerics if self.dt_ms is None else f"{self.numerics}_{self.dt_ms:g}"

    @property
    def title(self) -> str:
        """Human label, e.g. ``'euler 0.01 ms'``."""
        if self.dt_ms is None:
            return "published scheme (paper's step)"
        return f"{self.numerics} {self.dt_ms:g} ms"


#: The settings of the table: the paper's scheme at the paper's step and at a fine step
#: (which separates the effect of the step from that of the update order), then Brian2's
#: integrators.
SETTINGS: tuple[Setting, ...] = (
    Setting("published"),
    Setting("published", 0.01),
    Setting("euler", 0.1),
    Setting("euler", 0.01),
    Setting("rk4", 0.01),
)

#: Per-setting column suffixes.
_FIELDS = ("n", "first_ms", "label", "label_match", "diverged", "note")

#: Column order of the CSV (and key order of every row).
COLUMNS: tuple[str, ...] = (
    ("key", "name", "group", "dt_ms", "expected_label", "expected_n")
    + tuple(f"{s.id}_{f}" for s in SETTINGS for f in _FIELDS)
    + ("note",)
)

_DATA_PACKAGE = "izhi_widgets"
_DATA_NAME = "sensitivity.json"


def _root() -> Path:
    return Path(__file__).resolve().parent.parent


def run_setting(setting: Setting, *, record: bool = True) -> dict[str, SimulationResult]:
    """Run all 28 presets under ``setting`` in one batched Brian2 run.

    Always the full preset list, so every caller (this table, the report's figures)
    shares one compiled structure per setting and the model's result cache.

    Returns
    -------
    dict
        preset key -> `SimulationResult`, in `PRESETS` order.
    """
    specs = [RunSpec.from_preset(p, dt_ms=setting.dt_ms) for p in PRESETS.values()]
    results = simulate_batch(specs, numerics=setting.numerics, record=record)
    return dict(zip(PRESETS, results))


def _spikes(n: int) -> str:
    return f"{n} spike" if n == 1 else f"{n} spikes"


def _first(result: SimulationResult) -> float | None:
    if result.n_spikes == 0:
        return None
    return round(float(result.spike_times_ms[0]), 6)


def _note(setting: Setting, base: dict[str, Any], cell: dict[str, Any]) -> str:
    """Short text of what changes against the published run ('' if nothing notable)."""
    parts = []
    if cell["n"] != base["n"]:
        parts.append(f"{_spikes(base['n'])} -> {_spikes(cell['n'])}")
    b_first, c_first = base["first_ms"], cell["first_ms"]
    if b_first is not None and c_first is not None and abs(c_first - b_first) >= 2.0:
        parts.append(f"first spike {b_first:g} -> {c_first:g} ms")
    elif (b_first is None) != (c_first is None) and not parts:
        parts.append("first spike appears" if b_first is None else "no spike")
    if cell["diverged"]:
        parts.append("runaway, stopped at the spike ceiling")
    if cell["label"] != base["label"]:
        parts.append(f"label changes to {cell['label']}")
    if not parts:
        return ""
    return f"{setting.title}: " + ", ".join(parts)


def _classify(result: SimulationResult) -> str:
    from .analysis import classify  # the classifier lives with the other analyses

    return classify(result).label


def sensitivity_table() -> list[dict[str, Any]]:
    """One row per preset: spike count, first spike, label and notes under each of `SETTINGS`.

    Row keys are `COLUMNS`: ``key, name, group, dt_ms`` (the preset's published step),
    ``expected_label, expected_n`` (the preset's label and published spike count), then for
    each setting id ``S`` (``published``, ``published_0.01``, ``euler_0.1``, ``euler_0.01``,
    ``rk4_0.01``):
    ``S_n``, ``S_first_ms`` (None if no spike), ``S_label`` (`analysis.classify`),
    ``S_label_match`` (equals the preset's label), ``S_diverged`` and ``S_note`` (what
    changes against the published run, '' if nothing), and finally ``note``, all the
    setting notes joined by '; '.

    A change of spike count is always noted, a shift of the first spike when it is at
    least 2 ms, a label change when the label differs from the *published run's* label
    (so a classifier miss on the published run is not reported as a numerics effect).
    Takes a few seconds (five batched runs of 28 neurons, up to 40 001 steps each).
    """
    rows = [{"key": p.key, "name": p.name, "group": p.group, "dt_ms": p.dt_ms,
             "expected_label": p.label, "expected_n": len(p.expected_spikes_ms)}
            for p in PRESETS.values()]
    base_cells: dict[str, dict[str, Any]] = {}
    for setting in SETTINGS:
        results = run_setting(setting)
        for row in rows:
            result = results[row["key"]]
            label = _classify(result)
            cell = {"n": result.n_spikes, "first_ms": _first(result), "label": label,
                    "label_match": label == row["expected_label"],
                    "diverged": bool(result.diverged)}
            if setting.dt_ms is None:
                base_cells[row["key"]] = cell
                cell["note"] = ""
            else:
                cell["note"] = _note(setting, base_cells[row["key"]], cell)
            for field, value in cell.items():
                row[f"{setting.id}_{field}"] = value
    for row in rows:
        row["note"] = "; ".join(row[f"{s.id}_note"] for s in SETTINGS if row[f"{s.id}_note"])
    return [{col: row[col] for col in COLUMNS} for row in rows]


def _package_json_path() -> Path:
    return Path(__file__).resolve().parent / "data" / _DATA_NAME


def write_sensitivity(out: str | Path | None = None, *,
                      json_out: str | Path | None = None,
                      rows: list[dict[str, Any]] | None = None) -> list[Path]:
    """Compute the table and write it as CSV and as the packaged JSON.

    Parameters
    ----------
    out : path, optional
        The CSV file, or a directory to hold ``sensitivity.csv``. Default:
        ``report/sensitivity.csv`` of the source tree.
    json_out : path, optional
        The JSON file. Default: the package's ``izhi_widgets/data/sensitivity.json``
        (what `load_sensitivity` reads).
    rows : list of dict, optional
        A table already computed by `sensitivity_table` (default: compute it).

    Returns
    -------
    list of Path
        ``[csv_path, json_path]``, plus ``report/report.md`` when the default CSV path is
        used and the report holds the markers ``<!-- sensitivity-table:start -->`` /
        ``<!-- sensitivity-table:end -->`` (`markdown_table` is written between them) or
        ``<!-- label-changes:start -->`` / ``:end -->`` (`markdown_label_changes`).
    """
    rows = sensitivity_table() if rows is None else rows
    csv_path = _root() / "report" / "sensitivity.csv" if out is None else Path(out)
    if csv_path.is_dir() or (out is not None and csv_path.suffix == ""):
        csv_path = csv_path / "sensitivity.csv"
    json_path = _package_json_path() if json_out is None else Path(json_out)
    for path in (csv_path, json_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    with open(csv_path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    payload = {
        "description": ("Spike count, first spike (ms) and classifier label of every preset "
                        "under the published scheme and Brian2's ODE integrators; "
                        "regenerate with `python -m izhi_widgets sensitivity`."),
        "brian2": importlib.metadata.version("brian2"),
        "settings": [{"id": s.id, "numerics": s.numerics, "dt_ms": s.dt_ms, "title": s.title}
                     for s in SETTINGS],
        "columns": list(COLUMNS),
        "rows": rows,
    }
    json_path.write_text(json.dumps(payload, indent=1) + "\n")
    paths = [csv_path, json_path]
    report = _root() / "report" / "report.md"
    if out is None and report.exists() and _refresh_report_table(report, rows):
        paths.append(report)
    return paths


#: Generated blocks of ``report/report.md``: marker name -> Markdown writer.
_REPORT_BLOCKS = {
    "sensitivity-table": lambda rows: markdown_table(rows),
    "label-changes": lambda rows: markdown_label_changes(rows),
}


def _refresh_report_table(report: Path, rows: list[dict[str, Any]]) -> bool:
    """Rewrite the generated blocks between the markers of ``report``; True if any exists."""
    text = original = report.read_text()
    found = False
    for name, writer in _REPORT_BLOCKS.items():
        start_mark, end_mark = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        start, end = text.find(start_mark), text.find(end_mark)
        if start < 0 or end < start:
            continue
        found = True
        text = text[:start + len(start_mark)] + "\n" + writer(rows) + "\n" + text[end:]
    if text != original:
        report.write_text(text)
    return found


@functools.lru_cache(maxsize=1)
def load_sensitivity() -> dict[str, dict[str, Any]]:
    """The packaged table as ``{preset key: row}`` (rows as in `sensitivity_table`).

    Reads ``izhi_widgets/data/sensitivity.json`` through ``importlib.resources`` once per
    process (the panel asks on every update; treat the result as read-only); runs no
    simulation.
    """
    text = resources.files(_DATA_PACKAGE).joinpath("data", _DATA_NAME).read_text()
    return {row["key"]: row for row in json.loads(text)["rows"]}


def _same_dt(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def sensitivity_note(key: str, numerics: str, dt_ms: float | None = None, *,
                     table: Mapping[str, Mapping[str, Any]] | None = None) -> str | None:
    """The warning for preset ``key`` run with ``numerics`` at ``dt_ms``, if the table has one.

    Returns the setting's note (e.g. ``'euler 0.01 ms: 1 spike -> 7 spikes, label changes to
    tonic spiking'``) when that setting was measured and changes the preset's behaviour;
    ``None`` when it was measured and nothing notable changes, when ``numerics`` is
    ``'published'`` at the preset's own step, or when this setting was not measured.

    Parameters
    ----------
    key : str
        Preset key.
    numerics : {'published', 'euler', 'rk4'}
    dt_ms : float, optional
        The step; ``None`` means the preset's own step.
    table : mapping, optional
        A table from `load_sensitivity` (default: load the packaged one).
    """
    table = load_sensitivity() if table is None else table
    row = table.get(key)
    if row is None:
        return None
    for setting in SETTINGS:
        if setting.numerics != numerics:
            continue
        wanted = row["dt_ms"] if setting.dt_ms is None else setting.dt_ms
        if _same_dt(wanted, row["dt_ms"] if dt_ms is None else dt_ms):
            return row[f"{setting.id}_note"] or None
    return None


def markdown_table(rows: list[dict[str, Any]] | Mapping[str, dict[str, Any]] | None = None) -> str:
    """The table as Markdown (spike counts, first spikes, label changes), for the report."""
    if rows is None:
        rows = load_sensitivity()
    if isinstance(rows, Mapping):
        rows = list(rows.values())

    def cell(row: dict[str, Any], setting: Setting) -> str:
        n, first = row[f"{setting.id}_n"], row[f"{setting.id}_first_ms"]
        text = f"{n}" + (f" ({first:g})" if first is not None else "")
        if row[f"{setting.id}_diverged"]:
            text += " runaway"
        if setting.dt_ms is not None and n != row["published_n"]:
            text = f"**{text}**"
        if not row[f"{setting.id}_label_match"]:
            text += f" *{row[f'{setting.id}_label']}*"
        return text

    head = ["preset", "step (ms)"] + [s.title if s.dt_ms else "published" for s in SETTINGS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        lines.append("| " + " | ".join(
            [f"{row['key']} {row['name']}", f"{row['dt_ms']:g}"]
            + [cell(row, s) for s in SETTINGS]) + " |")
    return "\n".join(lines)


def markdown_label_changes(rows: list[dict[str, Any]] | Mapping[str, dict[str, Any]] | None = None
                           ) -> str:
    """Markdown table of the presets whose classifier label changes under some setting."""
    if rows is None:
        rows = load_sensitivity()
    if isinstance(rows, Mapping):
        rows = list(rows.values())
    fine = [s for s in SETTINGS if s.dt_ms is not None]
    lines = ["| preset | published run | " + " | ".join(s.title for s in fine) + " |",
             "|" + "---|" * (2 + len(fine))]
    for row in rows:
        labels = [row[f"{s.id}_label"] for s in fine]
        if all(label == row["published_label"] for label in labels):
            continue
        cells = [label if label != row["published_label"] else "same" for label in labels]
        lines.append(f"| {row['key']} {row['name']} | {row['published_label']} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines)
