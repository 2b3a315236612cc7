"""tutorial.ipynb reads without running: saved outputs, inline figures, hidden answers.

(CI also executes it: ``make test`` runs ``pytest --nbmake ... tutorial.ipynb``.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "tutorial.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def nb():
    return json.loads(NOTEBOOK.read_text())


def _text(cell) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _outputs_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        text = out.get("text") or out.get("data", {}).get("text/plain", "")
        parts.append(text if isinstance(text, str) else "".join(text))
    return "".join(parts)


def test_every_code_cell_ran_in_order_without_errors(nb):
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) >= 12
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "save the notebook after Restart & Run All"
    for cell in code:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", _text(cell)
            assert out.get("name") != "stderr", (_text(cell), out.get("text"))


def test_figures_are_inline_pngs_and_only_the_explorer_is_a_widget(nb):
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "%matplotlib inline" in _text(code[0])
    pngs = sum("image/png" in out.get("data", {}) for c in code for out in c["outputs"])
    assert pngs >= 9  # chapters 1-7
    widgets = [c for c in code if any(WIDGET in out.get("data", {}) for out in c["outputs"])]
    assert widgets == [code[-1]] and 'Explorer("C")' in _text(code[-1])
    assert "live kernel" in _outputs_text(code[-1])  # its static fallback says so
    assert "widgets" not in nb["metadata"]  # no stale widget state saved


def test_saved_outputs_show_the_published_results(nb):
    text = "".join(_outputs_text(c) for c in nb["cells"] if c["cell_type"] == "code")
    assert "spike times (ms): [13.   17.   31.5  59.25 86.75]" in text  # izhikevich_group
    assert "identical: True" in text  # simulate(PRESETS["A"]) vs the published times
    assert "T rk4" in text and "diverged=True" in text and "Runaway spiking" in text
    assert "I exact" in text and "T exact" in text  # chapter 6: the exact solution
    gap = float(re.search(r"I: rk4 at 0.01 ms is (\S+) ms from the exact", text).group(1))
    assert gap < 1e-3


def test_each_prediction_has_a_hidden_answer(nb):
    cells = nb["cells"]
    questions = [i for i, c in enumerate(cells)
                 if c["cell_type"] == "markdown" and "Predict, then run" in _text(c)]
    assert len(questions) >= 4
    for i in questions:
        assert cells[i + 1]["cell_type"] == "code"
        answer = _text(cells[i + 2])
        assert cells[i + 2]["cell_type"] == "markdown"
        assert re.match(r"<details><summary>Answer</summary>\n\n.+\n\n</details>$", answer, re.S)


def test_chapters_and_placeholders(nb):
    headings = [line for c in nb["cells"] if c["cell_type"] == "markdown"
                for line in _text(c).splitlines() if line.startswith("## ")]
    for words in ("ten lines of Brian2", "simulate", "RS to IB to CH", "phase plane",
                  "F–I curves", "Why the step matters", "batched run", "Dynamics",
                  "The 2003 network", "The explorer"):
        assert any(words in h for h in headings), words
    assert not any("Coming later" in h for h in headings)  # every planned chapter landed


def test_readme_links_the_tutorial_and_make_test_runs_it():
    readme = (ROOT / "README.md").read_text()
    assert "](tutorial.ipynb)" in readme
    assert ("https://mybinder.org/v2/gh/izhi-explorer/izhi-explorer/HEAD?urlpath="
            "lab%2Ftree%2Ftutorial.ipynb") in readme
    makefile = (ROOT / "Makefile").read_text()
    assert "--nbmake tests explorer.ipynb tutorial.ipynb" in makefile


def test_the_dynamics_chapter_shows_its_results(nb):
    text = "".join(_outputs_text(c) for c in nb["cells"] if c["cell_type"] == "code")
    assert "damped oscillation period 41.0 ms" in text
    assert "G: saddle-node at I = 2.25" in text and "H: andronov-hopf at I = 0.4" in text
    assert "c =  -55.0: mixed mode" in text and "c =  -50.0: tonic bursting" in text


def test_the_network_chapter_shows_the_rates_and_the_rhythm_moving(nb):
    text = "".join(_outputs_text(c) for c in nb["cells"] if c["cell_type"] == "code")
    assert "{'exc': 7.49, 'inh': 7.01, 'all': 7.39} Hz" in text  # seed 0, the paper's rate
    assert "w_inh = 0.5: 55.29 Hz" in text and "w_inh = 2.0:  6.03 Hz" in text
    assert "gamma peak 42 Hz" in text
