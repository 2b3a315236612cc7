"""How much the published presets depend on the numerical scheme and step: the table.

Izhikevich's figures come from a fixed-step scheme in which ``u`` is advanced with the
*new* ``v`` (see `izhi_widgets.model`). In the step where ``v`` crosses the peak, ``u``
therefore absorbs the overshoot (up to ~180 mV at a 0.5 ms step), and the effective
after-spike increment of ``u`` is larger than ``d``. A true ODE integrator (Brian2's
``euler`` or ``rk4``) at a fine step removes that artefact, and several presets change
behaviour. The table measures it for all 28 presets under each of `SETTINGS`.

This module is pure (no simulation, no file written):

* `sensitivity_rows` turns runs of the presets into the table's rows (spike count, first
  spike time, the classifier's label, a short ``note``); the runs come from
  `izhi_widgets.experiments.run_setting` (`izhi_widgets.experiments.sensitivity_table`
  does both);
* `load_sensitivity` reads the packaged ``izhi_widgets/data/sensitivity.json``, and
  `sensitivity_note` gives the panel the warning for one preset under one numerics choice;
* `markdown_table` and `markdown_label_changes` render rows for the report.

The packaged table and ``report/sensitivity.csv`` are written by the report builder
(``python report/build.py sensitivity``), never by the package.

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

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable, Mapping

from .analysis import classify
from .presets import PRESETS
from .result import SimulationResult

__all__ = [
    "Setting",
    "SETTINGS",
    "COLUMNS",
    "sensitivity_rows",
    "load_sensitivity",
    "sensitivity_note",
    "markdown_table",
    "markdown_label_changes",
    "exact_summary",
]


@dataclass(frozen=True)
class Setting:
    """A numerical scheme and step; ``dt_ms=None`` means each preset's own (published) step.

    Examples
    --------
    >>> Setting("euler", 0.01).id, Setting("euler", 0.01).title
    ('euler_0.01', 'euler 0.01 ms')
    """

    numerics: str
    dt_ms: float | None = None

    @property
    def id(self) -> str:
        """Column prefix, e.g. ``'published'``, ``'euler_0.01'``."""
        return self.numerics if self.dt_ms is None else f"{self.numerics}_{self.dt_ms:g}"

    @property
    def title(self) -> str:
        """Human label, e.g. ``'euler 0.01 ms'``."""
        if self.numerics == "exact":
            return "exact solution"
        if self.dt_ms is None:
            return "published scheme (paper's step)"
        return f"{self.numerics} {self.dt_ms:g} ms"


#: The settings of the table: the paper's scheme at the paper's step (the base every note
#: compares with) and at a fine step (which separates the effect of the step from that of
#: the update order), the ODE integrators, and the exact solution of the model
#: (`izhi_widgets.exact`; the step there only samples the traces).
SETTINGS: tuple[Setting, ...] = (
    Setting("published"),
    Setting("published", 0.01),
    Setting("euler", 0.1),
    Setting("euler", 0.01),
    Setting("rk4", 0.01),
    Setting("exact"),
)
_BASE = SETTINGS[0]

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


def sensitivity_rows(run: Callable[[Setting], Mapping[str, SimulationResult]]
                     ) -> list[dict[str, Any]]:
    """One row per preset: spike count, first spike, label and notes under each of `SETTINGS`.

    Row keys are `COLUMNS`: ``key, name, group, dt_ms`` (the preset's published step),
    ``expected_label, expected_n`` (the preset's label and published spike count), then for
    each setting id ``S`` (``published``, ``published_0.01``, ``euler_0.1``, ``euler_0.01``,
    ``rk4_0.01``, ``exact``):
    ``S_n``, ``S_first_ms`` (None if no spike), ``S_label`` (`analysis.classify`),
    ``S_label_match`` (equals the preset's label), ``S_diverged`` and ``S_note`` (what
    changes against the published run, '' if nothing), and finally ``note``, all the
    setting notes joined by '; '.

    A change of spike count is always noted, a shift of the first spike when it is at
    least 2 ms, a label change when the label differs from the *published run's* label
    (so a classifier miss on the published run is not reported as a numerics effect).

    Parameters
    ----------
    run : callable
        ``run(setting)`` returns the runs of all presets under ``setting`` as a mapping
        key -> `SimulationResult` (`izhi_widgets.experiments.run_setting`). It is called
        once per setting, in `SETTINGS` order (the published setting first).

    Returns
    -------
    list of dict

    Examples
    --------
    >>> from izhi_widgets.experiments import run_setting
    >>> published = run_setting(SETTINGS[0])
    >>> rows = sensitivity_rows(lambda setting: published)  # the same runs for every setting
    >>> rows[2]["key"], rows[2]["published_n"], rows[2]["published_label"], rows[2]["note"]
    ('C', 28, 'tonic bursting', '')
    """
    rows = [{"key": p.key, "name": p.name, "group": p.group, "dt_ms": p.dt_ms,
             "expected_label": p.label, "expected_n": len(p.expected_spikes_ms)}
            for p in PRESETS.values()]
    base_cells: dict[str, dict[str, Any]] = {}
    for setting in SETTINGS:
        results = run(setting)
        for row in rows:
            result = results[row["key"]]
            label = classify(result).label
            cell = {"n": result.n_spikes, "first_ms": _first(result), "label": label,
                    "label_match": label == row["expected_label"],
                    "diverged": bool(result.diverged)}
            if setting == _BASE:
                base_cells[row["key"]] = cell
                cell["note"] = ""
            else:
                cell["note"] = _note(setting, base_cells[row["key"]], cell)
            for field, value in cell.items():
                row[f"{setting.id}_{field}"] = value
    for row in rows:
        row["note"] = "; ".join(row[f"{s.id}_note"] for s in SETTINGS if row[f"{s.id}_note"])
    return [{col: row[col] for col in COLUMNS} for row in rows]


@functools.lru_cache(maxsize=1)
def load_sensitivity() -> dict[str, dict[str, Any]]:
    """The packaged table as ``{preset key: row}`` (rows as in `sensitivity_rows`).

    Reads ``izhi_widgets/data/sensitivity.json`` through ``importlib.resources`` once per
    process (the panel asks on every update; treat the result as read-only); runs no
    simulation.

    Examples
    --------
    >>> table = load_sensitivity()
    >>> len(table), table["T"]["rk4_0.01_diverged"]
    (28, True)
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

    Returns
    -------
    str or None

    Examples
    --------
    >>> sensitivity_note("T", "rk4", 0.01)
    'rk4 0.01 ms: 12 spikes -> 350 spikes, runaway, stopped at the spike ceiling, label changes to divergent'
    """
    table = load_sensitivity() if table is None else table
    row = table.get(key)
    if row is None:
        return None
    for setting in SETTINGS:
        if setting.numerics != numerics:
            continue
        if numerics == "exact":  # the step only samples the traces
            return row[f"{setting.id}_note"] or None
        wanted = row["dt_ms"] if setting.dt_ms is None else setting.dt_ms
        if _same_dt(wanted, row["dt_ms"] if dt_ms is None else dt_ms):
            return row[f"{setting.id}_note"] or None
    return None


def exact_summary(key: str, *, table: Mapping[str, Mapping[str, Any]] | None = None
                  ) -> str | None:
    """One sentence comparing the exact solution with the paper's scheme for preset ``key``.

    Examples
    --------
    >>> print(exact_summary("N"))
    The exact solution gives 14 spikes; the paper's scheme 7.
    >>> exact_summary("nope") is None
    True
    """
    table = load_sensitivity() if table is None else table
    row = table.get(key)
    if row is None or "exact_n" not in row:
        return None
    text = f"The exact solution gives {_spikes(row['exact_n'])}"
    if row["exact_diverged"]:
        text += " (runaway, stopped at the spike ceiling)"
    return text + f"; the paper's scheme {row['published_n']}."


def markdown_table(rows: list[dict[str, Any]] | Mapping[str, dict[str, Any]] | None = None) -> str:
    """The table as Markdown (spike counts, first spikes, label changes), for the report.

    Parameters
    ----------
    rows : list of dict or mapping, optional
        Rows of `sensitivity_rows` (default: the packaged table).

    Returns
    -------
    str
        A header, a rule and one line per preset. A count that differs from the published
        run is bold; a label that misses the preset's is in italics.

    Examples
    --------
    >>> print(markdown_table().splitlines()[2])
    | A tonic spiking | 0.25 | 5 (13) | 5 (12.65) | 5 (12.7748) | 5 (12.6464) | 5 (12.6305) | 5 (12.6305) |
    """
    if rows is None:
        rows = load_sensitivity()
    if isinstance(rows, Mapping):
        rows = list(rows.values())

    def cell(row: dict[str, Any], setting: Setting) -> str:
        n, first = row[f"{setting.id}_n"], row[f"{setting.id}_first_ms"]
        text = f"{n}" + (f" ({first:g})" if first is not None else "")
        if row[f"{setting.id}_diverged"]:
            text += " runaway"
        if setting != _BASE and n != row["published_n"]:
            text = f"**{text}**"
        if not row[f"{setting.id}_label_match"]:
            text += f" *{row[f'{setting.id}_label']}*"
        return text

    head = ["preset", "step (ms)"] + [s.title if s != _BASE else "published" for s in SETTINGS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        lines.append("| " + " | ".join(
            [f"{row['key']} {row['name']}", f"{row['dt_ms']:g}"]
            + [cell(row, s) for s in SETTINGS]) + " |")
    return "\n".join(lines)


def markdown_label_changes(rows: list[dict[str, Any]] | Mapping[str, dict[str, Any]] | None = None
                           ) -> str:
    """Markdown table of the presets whose classifier label changes under some setting.

    Parameters
    ----------
    rows : list of dict or mapping, optional
        Rows of `sensitivity_rows` (default: the packaged table).

    Returns
    -------
    str

    Examples
    --------
    >>> markdown_label_changes().splitlines()[-1]
    '| TC thalamo-cortical (tonic) | tonic spiking | spike frequency adaptation | spike frequency adaptation | spike frequency adaptation | spike frequency adaptation | spike frequency adaptation |'
    """
    if rows is None:
        rows = load_sensitivity()
    if isinstance(rows, Mapping):
        rows = list(rows.values())
    fine = [s for s in SETTINGS if s != _BASE]
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
