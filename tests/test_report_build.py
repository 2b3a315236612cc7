"""The report builder (report/build.py, outside the package) writes the figures and tables."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest

from izhi_widgets import PRESETS
from izhi_widgets.sensitivity import COLUMNS, load_sensitivity

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("report_build", ROOT / "report" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_registered_list_of_figures(build):
    import catalog  # on the path once build.py is loaded

    names = [spec.name for spec in catalog.FIGURES]
    assert len(names) == len(set(names)) == 5
    assert all(spec.caption and callable(spec.make) for spec in catalog.FIGURES)
    # report.md shows every registered figure
    text = (ROOT / "report" / "report.md").read_text()
    assert all(f"figures/{name}.png" in text for name in names)


def test_write_figures(build, tmp_path):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    paths = build.write_figures(tmp_path / "figs")
    names = sorted(p.name for p in paths)
    assert names == ["fi_curves.png", "fig1_2004.png", "fig2_2003.png",
                     "numerics_comparison.png", "phase_plane_examples.png"]
    for path in paths:
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert 10_000 < len(data) < 400_000
    assert plt.get_fignums() == before  # every figure closed once written


def test_write_sensitivity(build, tmp_path):
    rows = list(load_sensitivity().values())  # equal to a fresh computation: test_sensitivity
    report = tmp_path / "report.md"
    report.write_text("# R\n<!-- label-changes:start -->\nold\n<!-- label-changes:end -->\nend\n")
    csv_path, json_path, md_path = build.write_sensitivity(
        tmp_path / "sensitivity.csv", tmp_path / "s.json", report, rows=rows)
    with open(csv_path, newline="") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == len(PRESETS) and list(written[0]) == list(COLUMNS)
    assert json.loads(json_path.read_text())["rows"] == rows
    text = md_path.read_text()
    assert "old" not in text and text.endswith("<!-- label-changes:end -->\nend\n")
    assert "| T inhibition-induced bursting | inhibition-induced bursting | divergent |" in text
    # Written again with the same rows, nothing changes.
    assert build.write_sensitivity(tmp_path / "sensitivity.csv", tmp_path / "s.json", report,
                                   rows=rows) == [csv_path, json_path]


def test_shipped_files_are_what_the_builder_writes(build):
    rows = list(load_sensitivity().values())
    shipped = json.loads((ROOT / "izhi_widgets" / "data" / "sensitivity.json").read_text())
    assert shipped == json.loads(json.dumps(build.sensitivity_payload(rows)))
    report = (ROOT / "report" / "report.md").read_text()
    assert build.refresh_blocks(report, rows) == report
