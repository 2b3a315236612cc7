"""The report is built from the code: the whole build runs here, into a temporary folder.

A broken figure script, an unknown or unplaced figure or table reference, or a PDF that
cannot be printed fails this module, and so CI.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from izhi_widgets import PRESETS
from izhi_widgets.sensitivity import COLUMNS, load_sensitivity

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "report"
#: The printed report's length, in pages (34 with the network, numerics and hosting sections).
PAGE_RANGE = (20, 44)


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("report_build", REPORT / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # puts report/ on sys.path: catalog, document, tables
    return module


@pytest.fixture(scope="module")
def built(build, tmp_path_factory):
    """The whole report, built once into a temporary folder."""
    import matplotlib.pyplot as plt

    out = tmp_path_factory.mktemp("report")
    before = plt.get_fignums()
    written = build.build(["all"], out)
    assert plt.get_fignums() == before  # every figure closed once written
    return out, written


def _sections_text() -> str:
    return "\n".join(p.read_text() for p in sorted((REPORT / "sections").glob("*.md")))


def _headings(markdown_text: str) -> list[str]:
    """The Markdown headings, outside fenced code (whose comments start with '#')."""
    prose = re.sub(r"^```.*?^```", "", markdown_text, flags=re.M | re.S)
    return re.findall(r"^#{1,3} .+$", prose, flags=re.M)


def test_every_registered_figure_is_placed_once(build):
    import catalog

    names = [spec.name for spec in catalog.FIGURES] + [s.name for s in catalog.SCREENSHOTS]
    assert len(names) == len(set(names))
    assert all(spec.caption and callable(spec.make) for spec in catalog.FIGURES)
    text = _sections_text()
    for name in names:
        assert text.count("{{figure:%s}}" % name) == 1, name
    for block in catalog.BLOCKS:
        assert re.search(r"\{\{(table|block):%s\}\}" % re.escape(block.name), text), block.name


def test_the_build_writes_every_figure_as_vector_and_png(build, built):
    import catalog

    out, written = built
    for spec in catalog.FIGURES:
        svg, png = out / "figures" / f"{spec.name}.svg", out / "figures" / f"{spec.name}.png"
        assert svg in written and png in written
        root = ET.parse(svg).getroot()  # well-formed SVG
        assert root.tag.endswith("svg")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert 5_000 < svg.stat().st_size < 2_000_000  # fine-step traces are thinned
    for shot in catalog.SCREENSHOTS:  # from tests/artifacts or the committed copies
        assert (out / "figures" / shot.file).exists(), shot.file


def test_the_markdown_has_numbered_figures_and_tables_and_no_tokens(build, built):
    import catalog

    out, _ = built
    text = (out / "report.md").read_text()
    assert "{{" not in text
    n_figures = len(catalog.FIGURES) + len(catalog.SCREENSHOTS)
    assert re.findall(r"<b>Figure (\d+)\.</b>", text) == [str(k) for k in range(1, n_figures + 1)]
    n_tables = len(re.findall(r"<b>Table (\d+)\.</b>", text))
    assert n_tables == sum(1 for b in catalog.BLOCKS if b.caption)
    # every figure is the vector file, and every reference points at a placed anchor
    assert all(src.endswith((".svg", ".png"))
               for src in re.findall(r'<img src="figures/([^"]+)"', text))
    anchors = set(re.findall(r'id="((?:fig|tab)-[^"]+)"', text))
    assert set(re.findall(r"\]\(#((?:fig|tab)-[^)]+)\)", text)) <= anchors
    html = (out / "report.html").read_text()
    assert html.count("<figure") == n_figures and "<table>" in html


def test_the_pdf_is_printed(build, built):
    import pdf

    out, _ = built
    path = out / "report.pdf"
    assert path.read_bytes()[:5] == b"%PDF-"
    assert PAGE_RANGE[0] <= pdf.page_count(path) <= PAGE_RANGE[1]


def test_the_pdf_prints_from_inside_a_running_asyncio_loop(build, built, tmp_path):
    """As in a notebook, or after tests that leave a loop running in this thread."""
    import asyncio

    import pdf

    out, _ = built

    async def inside_a_loop():
        return pdf.print_pdf(out / "report.html", tmp_path / "again.pdf")

    try:
        asyncio.get_running_loop()  # earlier tests (the app's) may leave one running here
    except RuntimeError:
        path = asyncio.run(inside_a_loop())
    else:
        path = pdf.print_pdf(out / "report.html", tmp_path / "again.pdf")
    assert pdf.page_count(path) == pdf.page_count(out / "report.pdf")


def test_the_preset_table_compares_all_28_presets(build, built):
    out, _ = built
    text = (out / "report.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and "identical" in line]
    assert len(rows) == len(PRESETS) == 28
    assert "| C tonic bursting | 0.25 | 28 / 28 | 25, 26.5, 28.25," in text
    with open(out / "sensitivity.csv", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == 28 and list(table[0]) == list(COLUMNS)


def test_preset_rows_flag_a_mismatch(build):
    import tables

    from izhi_widgets.experiments import preset_results

    results = preset_results()
    rows = {row["key"]: row for row in tables.preset_rows(results)}
    assert all(row["match"] and row["max_diff_ms"] < 1e-9 for row in rows.values())
    shifted = dict(results)
    shifted["A"] = results["B"]  # B's single spike in place of A's five
    row = {r["key"]: r for r in tables.preset_rows(shifted)}["A"]
    assert not row["match"] and row["max_diff_ms"] is None


def test_spike_step_overshoot_recovers_the_voltage_of_the_spike_step(build):
    """The v reached in each spike step, recovered from u, equals a direct loop's."""
    import tables

    from izhi_widgets import simulate

    preset = PRESETS["T"]
    p, h = preset.params, preset.dt_ms
    t = np.arange(int(round(preset.duration_ms / h)) + 1) * h
    current = preset.stimulus.current(t)
    v, u, peaks = preset.v0_mV, preset.initial_u, []
    for k in range(len(t)):  # the published scheme
        v = v + h * (0.04 * v * v + 5 * v + 140 - u + current[k])
        u = u + h * p.a * (p.b * v - u)
        if v > 30:
            peaks.append(v)
            v, u = p.c, u + p.d
    got, du = tables.spike_step_overshoot(simulate(preset))
    np.testing.assert_allclose(got, peaks, rtol=1e-6)
    assert np.all(du > 0) and np.median(got) > 100  # T's overshoot at 0.5 ms


def test_listing_is_generated_from_the_module_or_marked_as_placeholder(build, monkeypatch):
    import tables

    from izhi_widgets.brian2_model import model_code

    text = tables.brian2_listing()
    for line in model_code("published").update.splitlines():
        assert line in text  # the model's own lines, as the module writes them
    assert "izhikevich_group(3," in text and "izhi_widgets/brian2_model.py" in text
    monkeypatch.setattr(tables, "LISTING_MODULE", "izhi_widgets.no_such_module")
    assert tables.brian2_listing().startswith("> **Placeholder.**")


def test_scheme_listing_is_the_generated_brian2_code(build):
    import tables

    text = tables.scheme_listing()
    assert "run_regularly" in text and 'when="groups"' in text and "net.run(" in text


def test_assemble_refuses_broken_references(build):
    import document

    figures = {"a": ("A caption with `code`.", "figures/a.svg")}
    blocks = {"t": ("Cap.", lambda: "| x |\n|---|\n| 1 |"), "b": ("", lambda: "listing")}
    text = document.assemble("{{fig:a}} and {{tab:t}}\n\n{{figure:a}}\n\n{{table:t}}\n\n"
                             "{{block:b}}", figures=figures, blocks=blocks)
    assert "[Figure 1](#fig-a)" in text and "[Table 1](#tab-t)" in text
    assert "<b>Figure 1.</b> A caption with <code>code</code>." in text
    assert text.rstrip().endswith("listing")
    with pytest.raises(document.ReportError, match="unknown figure"):
        document.assemble("{{figure:zz}}", figures=figures, blocks=blocks)
    with pytest.raises(document.ReportError, match="never placed"):
        document.assemble("{{fig:a}}", figures=figures, blocks=blocks)
    with pytest.raises(document.ReportError, match="placed twice"):
        document.assemble("{{figure:a}} {{figure:a}}", figures=figures, blocks=blocks)
    with pytest.raises(document.ReportError, match="unknown block"):
        document.assemble("{{table:nope}}", figures=figures, blocks=blocks)


def test_steady_rate_reads_intervals_not_counts(build):
    import catalog

    assert catalog.steady_rate_hz([100.0, 440.0, 780.0], 1000.0) == pytest.approx(1000 / 340)
    assert catalog.steady_rate_hz([10.0, 20.0, 30.0], 1000.0) == 0.0  # stopped firing
    assert catalog.steady_rate_hz([], 1000.0) == 0.0


def test_shipped_files_are_what_the_builder_writes(build):
    import document

    rows = list(load_sensitivity().values())
    shipped = json.loads((ROOT / "izhi_widgets" / "data" / "sensitivity.json").read_text())
    assert shipped == json.loads(json.dumps(build.sensitivity_payload(rows)))
    committed = (REPORT / "report.md").read_text()
    assert committed.startswith(document.GENERATED_NOTE)
    assert _headings(committed) == _headings(_sections_text())
    assert (REPORT / "report.pdf").read_bytes()[:5] == b"%PDF-"
