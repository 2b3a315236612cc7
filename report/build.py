"""Build the report's generated files (run from the repository root).

    python report/build.py [figures|sensitivity|all] [--figures-dir DIR]

* ``figures``: every `catalog.FIGURES` entry as ``report/figures/<name>.png``;
* ``sensitivity``: the numerics table, computed by `izhi_widgets.experiments.sensitivity_table`,
  written as ``report/sensitivity.csv`` and as the packaged
  ``izhi_widgets/data/sensitivity.json`` (what the panel reads), and rendered into the
  generated blocks of ``report/report.md`` (`catalog.BLOCKS`);
* ``all`` (the default): both.

The library only returns figures, rows and text; this script does all the writing. It
imports the package from the source tree it sits in, whatever is installed.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import json
import sys
import time
from pathlib import Path
from typing import Any, Sequence

REPORT_DIR = Path(__file__).resolve().parent
ROOT = REPORT_DIR.parent
for _path in (str(REPORT_DIR), str(ROOT)):  # this checkout's package and catalog first
    if _path not in sys.path[:2]:
        sys.path.insert(0, _path)

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt  # noqa: E402

from catalog import BLOCKS, FIGURES, ReportRuns  # noqa: E402
from izhi_widgets.experiments import sensitivity_table  # noqa: E402
from izhi_widgets.plotting import DPI  # noqa: E402
from izhi_widgets.sensitivity import COLUMNS, SETTINGS  # noqa: E402

__all__ = ["write_figures", "write_sensitivity", "sensitivity_payload", "refresh_blocks", "main"]

FIGURES_DIR = REPORT_DIR / "figures"
CSV_PATH = REPORT_DIR / "sensitivity.csv"
JSON_PATH = ROOT / "izhi_widgets" / "data" / "sensitivity.json"
REPORT_MD = REPORT_DIR / "report.md"


def write_figures(outdir: str | Path = FIGURES_DIR, *, dpi: int = DPI,
                  runs: ReportRuns | None = None) -> list[Path]:
    """Write every figure of `catalog.FIGURES` as ``<outdir>/<name>.png`` (Agg canvas)."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    runs = ReportRuns() if runs is None else runs
    paths = []
    for spec in FIGURES:
        fig = spec.make(runs)
        path = outdir / f"{spec.name}.png"
        fig.savefig(path, dpi=dpi, facecolor="white")
        plt.close(fig)
        paths.append(path)
    return paths


def sensitivity_payload(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The packaged JSON document of the table (rows, settings, columns, Brian2 version)."""
    return {
        "description": ("Spike count, first spike (ms) and classifier label of every preset "
                        "under the published scheme and Brian2's ODE integrators; "
                        "regenerate with `python report/build.py sensitivity`."),
        "brian2": importlib.metadata.version("brian2"),
        "settings": [{"id": s.id, "numerics": s.numerics, "dt_ms": s.dt_ms, "title": s.title}
                     for s in SETTINGS],
        "columns": list(COLUMNS),
        "rows": rows,
    }


def refresh_blocks(text: str, rows: list[dict[str, Any]]) -> str:
    """``text`` with every `catalog.BLOCKS` block between its markers re-rendered from ``rows``.

    A block whose markers are missing is left alone.
    """
    for block in BLOCKS:
        start_mark, end_mark = f"<!-- {block.name}:start -->", f"<!-- {block.name}:end -->"
        start, end = text.find(start_mark), text.find(end_mark)
        if start < 0 or end < start:
            continue
        text = text[:start + len(start_mark)] + "\n" + block.render(rows) + "\n" + text[end:]
    return text


def write_sensitivity(csv_path: str | Path = CSV_PATH, json_path: str | Path = JSON_PATH,
                      report_md: str | Path | None = REPORT_MD, *,
                      rows: list[dict[str, Any]] | None = None) -> list[Path]:
    """Compute the numerics table (unless ``rows`` is given) and write it.

    Writes the CSV, the JSON and, when ``report_md`` exists, its generated blocks. Returns
    the paths written (the report only if its text changed).
    """
    rows = sensitivity_table() if rows is None else rows
    csv_path, json_path = Path(csv_path), Path(json_path)
    for path in (csv_path, json_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    with open(csv_path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    json_path.write_text(json.dumps(sensitivity_payload(rows), indent=1) + "\n")
    paths = [csv_path, json_path]
    if report_md is not None and Path(report_md).exists():
        report_md = Path(report_md)
        text = report_md.read_text()
        new = refresh_blocks(text, rows)
        if new != text:
            report_md.write_text(new)
            paths.append(report_md)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python report/build.py",
                                     description="Build the report's figures and tables.")
    parser.add_argument("target", nargs="?", default="all",
                        choices=("figures", "sensitivity", "all"))
    parser.add_argument("--figures-dir", default=str(FIGURES_DIR),
                        help="where to write the figures (default: report/figures)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    written: list[Path] = []
    if args.target in ("figures", "all"):
        written += write_figures(args.figures_dir)
    if args.target in ("sensitivity", "all"):
        written += write_sensitivity()
    for path in written:
        print(path)
    print(f"report/build.py {args.target}: {len(written)} files in "
          f"{time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
