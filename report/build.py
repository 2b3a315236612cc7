"""Build the report from the code (run from the repository root).

    python report/build.py [figures|sensitivity|document|pdf|all] [--out DIR]

* ``figures``: every `catalog.FIGURES` entry as ``<out>/figures/<name>.svg`` (vector, used
  by the HTML and the PDF) and ``.png``; the app's screenshots (`catalog.SCREENSHOTS`)
  copied from ``tests/artifacts/`` when the browser tests have written them;
* ``sensitivity``: the numerics table as ``<out>/sensitivity.csv`` and, when building into
  ``report/``, the packaged ``izhi_widgets/data/sensitivity.json`` (what the panel reads);
* ``document``: ``sections/*.md`` with their figures, tables and listings filled in
  (`document.assemble`), as ``<out>/report.md`` and ``<out>/report.html``;
* ``pdf``: ``<out>/report.pdf``, the HTML printed by Debian's chromium through Playwright
  (A4, page numbers);
* ``all`` (the default): all four, sharing one set of runs.

``--out`` defaults to ``report/`` itself; the tests build into a temporary folder. The
library only returns figures, rows and text; this script does all the writing. It imports
the package from the source tree it sits in, whatever is installed.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import json
import shutil
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

import document  # noqa: E402
from catalog import BLOCKS, FIGURES, SCREENSHOTS, ReportRuns  # noqa: E402
from izhi_widgets.plotting import DPI  # noqa: E402
from izhi_widgets.sensitivity import COLUMNS, SETTINGS, sensitivity_rows  # noqa: E402
from pdf import print_pdf  # noqa: E402
from tables import BuildContext  # noqa: E402

__all__ = ["write_figures", "copy_screenshots", "write_sensitivity", "sensitivity_payload",
           "write_document", "build", "main", "TITLE"]

SECTIONS_DIR = REPORT_DIR / "sections"
ARTIFACTS_DIR = ROOT / "tests" / "artifacts"
JSON_PATH = ROOT / "izhi_widgets" / "data" / "sensitivity.json"
TITLE = "Simulating the Izhikevich neuron model with Brian2"
TARGETS = ("figures", "sensitivity", "document", "pdf", "all")


def write_figures(outdir: str | Path = REPORT_DIR / "figures", *, dpi: int = DPI,
                  runs: ReportRuns | None = None) -> list[Path]:
    """Write every figure of `catalog.FIGURES` as ``<outdir>/<name>.svg`` and ``.png``."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    runs = ReportRuns() if runs is None else runs
    paths = []
    with matplotlib.rc_context({"svg.hashsalt": "izhi-report", "svg.fonttype": "path"}):
        for spec in FIGURES:
            fig = spec.make(runs)
            try:
                for ext in ("svg", "png"):
                    path = outdir / f"{spec.name}.{ext}"
                    fig.savefig(path, dpi=dpi, facecolor="white",
                                metadata={"Date": None} if ext == "svg" else None)
                    paths.append(path)
            finally:
                plt.close(fig)
    return paths


def copy_screenshots(outdir: str | Path = REPORT_DIR / "figures",
                     artifacts: str | Path = ARTIFACTS_DIR) -> list[Path]:
    """Copy the browser tests' screenshots into ``outdir`` (`catalog.SCREENSHOTS`).

    A screenshot missing from ``artifacts`` keeps the committed copy in ``report/figures``
    (copied when ``outdir`` is elsewhere), so a clean clone still builds the appendix.
    Returns the paths present in ``outdir`` afterwards.
    """
    outdir, artifacts = Path(outdir), Path(artifacts)
    outdir.mkdir(parents=True, exist_ok=True)
    present = []
    for shot in SCREENSHOTS:
        target = outdir / shot.file
        for source in (artifacts / shot.artifact, REPORT_DIR / "figures" / shot.file):
            if source.exists():
                if source.resolve() != target.resolve():
                    shutil.copyfile(source, target)
                break
        if target.exists():
            present.append(target)
    return present


def sensitivity_payload(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The packaged JSON document of the table (rows, settings, columns, Brian2 version)."""
    return {
        "description": ("Spike count, first spike (ms) and classifier label of every preset "
                        "under the published scheme, the ODE integrators and the exact solution; "
                        "regenerate with `python report/build.py sensitivity`."),
        "brian2": importlib.metadata.version("brian2"),
        "settings": [{"id": s.id, "numerics": s.numerics, "dt_ms": s.dt_ms, "title": s.title}
                     for s in SETTINGS],
        "columns": list(COLUMNS),
        "rows": rows,
    }


def sensitivity_from_runs(runs: ReportRuns) -> list[dict[str, Any]]:
    """The numerics table's rows, from the build's shared runs (one batch per setting)."""
    return sensitivity_rows(lambda setting: runs.presets(setting.numerics, setting.dt_ms))


def write_sensitivity(csv_path: str | Path, json_path: str | Path | None = None, *,
                      rows: list[dict[str, Any]]) -> list[Path]:
    """Write the table's rows as CSV and (unless ``json_path`` is None) the packaged JSON."""
    csv_path = Path(csv_path)
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    with open(csv_path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    paths = [csv_path]
    if json_path is not None:
        json_path = Path(json_path)
        json_path.write_text(json.dumps(sensitivity_payload(rows), indent=1) + "\n")
        paths.append(json_path)
    return paths


def write_document(outdir: str | Path, *, context: BuildContext,
                   sections: str | Path = SECTIONS_DIR) -> list[Path]:
    """Assemble ``report.md`` and ``report.html`` in ``outdir`` (figures in ``figures/``)."""
    outdir = Path(outdir)
    figures = {spec.name: (spec.caption, f"figures/{spec.name}.svg") for spec in FIGURES}
    figures.update({shot.name: (shot.caption, f"figures/{shot.file}") for shot in SCREENSHOTS})
    blocks = {block.name: (block.caption, (lambda block=block: block.render(context)))
              for block in BLOCKS}
    text = document.assemble(document.read_sections(sections), figures=figures, blocks=blocks)
    md_path, html_path = outdir / "report.md", outdir / "report.html"
    md_path.write_text(text)
    css = (REPORT_DIR / "style.css").read_text()
    html_path.write_text(document.to_html(text, title=TITLE, css=css))
    return [md_path, html_path]


def build(targets: Sequence[str], outdir: str | Path = REPORT_DIR) -> list[Path]:
    """Build ``targets`` (names of `TARGETS`) into ``outdir``; returns the files written."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    targets = set(TARGETS[:-1]) if "all" in targets else set(targets)
    runs = ReportRuns()
    written: list[Path] = []
    if "figures" in targets:
        written += write_figures(outdir / "figures", runs=runs)
        written += copy_screenshots(outdir / "figures")
    rows = None
    if targets & {"sensitivity", "document"}:
        rows = sensitivity_from_runs(runs)
    if "sensitivity" in targets:
        in_repo = outdir.resolve() == REPORT_DIR
        written += write_sensitivity(outdir / "sensitivity.csv", JSON_PATH if in_repo else None,
                                     rows=rows)
    if "document" in targets:
        written += write_document(outdir, context=BuildContext(runs, rows))
    if "pdf" in targets:
        pdf_path = outdir / "report.pdf"
        print_pdf(outdir / "report.html", pdf_path, title=TITLE)
        written.append(pdf_path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python report/build.py",
                                     description="Build the report from the code.")
    parser.add_argument("targets", nargs="*", default=["all"], choices=TARGETS,
                        metavar="{" + ",".join(TARGETS) + "}")
    parser.add_argument("--out", default=str(REPORT_DIR),
                        help="folder to build into (default: report/)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    written = build(args.targets or ["all"], args.out)
    for path in written:
        print(path)
    print(f"report/build.py {' '.join(args.targets)}: {len(written)} files in "
          f"{time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
