"""The packaged numerics-sensitivity table: complete, consistent with the presets, current.

Writing it (CSV, JSON, the report's blocks) is the report builder's job:
tests/test_report_build.py."""

from __future__ import annotations

import pytest

from izhi_widgets import PRESETS
from izhi_widgets.experiments import sensitivity_table
from izhi_widgets.sensitivity import (COLUMNS, SETTINGS, load_sensitivity,
                                      exact_summary, markdown_label_changes, markdown_table,
                                      sensitivity_note)

ROBUST = ("A", "B", "F", "G", "J", "K", "L", "O", "R")  # the reference's robust panels


@pytest.fixture(scope="module")
def table():
    return load_sensitivity()


def test_one_row_per_preset(table):
    assert list(table) == list(PRESETS)
    for row in table.values():
        assert list(row) == list(COLUMNS)


def test_published_column_is_the_papers(table):
    for key, preset in PRESETS.items():
        row = table[key]
        assert row["published_n"] == row["expected_n"] == len(preset.expected_spikes_ms), key
        assert row["published_first_ms"] == pytest.approx(preset.expected_spikes_ms[0]), key
        assert row["dt_ms"] == preset.dt_ms
        assert not row["published_diverged"]
        assert row["published_note"] == ""


def test_robust_presets_keep_their_spike_count(table):
    for key in ROBUST:
        row = table[key]
        assert {row[f"{s.id}_n"] for s in SETTINGS} == {row["published_n"]}, key


def test_known_sensitive_cases(table):
    # T runs away under a true ODE integrator
    for setting in ("euler_0.1", "euler_0.01", "rk4_0.01"):
        assert table["T"][f"{setting}_diverged"]
        assert table["T"][f"{setting}_n"] > 10 * table["T"]["published_n"]
    # I: the latency shrinks from 26.6 ms to about 17 ms
    assert table["I"]["published_first_ms"] == pytest.approx(26.6)
    assert 15.0 < table["I"]["euler_0.01_first_ms"] < 19.0
    assert 15.0 < table["I"]["rk4_0.01_first_ms"] < 19.0
    # M: the rebound spike comes ~10 ms earlier; N: the rebound burst doubles
    assert table["M"]["published_first_ms"] - table["M"]["rk4_0.01_first_ms"] > 5.0
    assert table["N"]["rk4_0.01_n"] >= 2 * table["N"]["published_n"]
    # P keeps firing after the second pulse; Q fires repetitively; S gains a spike
    assert table["P"]["rk4_0.01_n"] > table["P"]["published_n"]
    assert table["Q"]["published_n"] == 1 and table["Q"]["rk4_0.01_n"] > 3
    assert table["S"]["rk4_0.01_n"] == table["S"]["published_n"] + 1


def test_rk4_at_fine_step_is_the_exact_solution(table):
    # At 0.01 ms rk4 (crossings located inside the step) gives the exact spike count and
    # first spike of every preset; euler too, except H, which creeps through its Hopf
    # threshold on a slow ramp (one spike fewer).
    for key, row in table.items():
        assert row["rk4_0.01_n"] == row["exact_n"], key
        if row["exact_n"]:
            assert abs(row["rk4_0.01_first_ms"] - row["exact_first_ms"]) < 1e-3, key
        assert row["euler_0.01_n"] == row["exact_n"] or key == "H", key


def test_the_exact_column_and_its_summary(table):
    assert [s.id for s in SETTINGS][-1] == "exact"
    assert table["A"]["exact_n"] == 5 and table["T"]["exact_diverged"]
    assert exact_summary("I", table=table) == "The exact solution gives 1 spike; the paper's scheme 1."
    assert exact_summary("N", table=table) == ("The exact solution gives 14 spikes; "
                                               "the paper's scheme 7.")
    assert sensitivity_note("N", "exact", table=table).startswith("exact solution: 7 spikes -> 14")


def test_notes(table):
    assert "runaway" in sensitivity_note("T", "euler", 0.01, table=table)
    assert "26.6 -> " in sensitivity_note("I", "rk4", 0.01, table=table)
    assert sensitivity_note("A", "euler", 0.01, table=table) is None
    assert sensitivity_note("A", "published", table=table) is None
    assert sensitivity_note("Q", "published", 0.1, table=table) is None  # Q's own step
    assert sensitivity_note("Q", "euler", 0.05, table=table) is None  # not measured
    assert sensitivity_note("nope", "euler", 0.01, table=table) is None
    for row in table.values():
        notes = [row[f"{s.id}_note"] for s in SETTINGS if row[f"{s.id}_note"]]
        assert row["note"] == "; ".join(notes)


def test_markdown_tables(table):
    text = markdown_table(table)
    assert len(text.splitlines()) == 2 + len(PRESETS)
    assert "runaway" in text
    changes = markdown_label_changes(table)
    assert "| T inhibition-induced bursting | inhibition-induced bursting | divergent |" in changes
    assert "| A tonic spiking" not in changes


def test_packaged_table_is_current(table):
    """The shipped JSON equals a fresh computation (else: python report/build.py sensitivity)."""
    rows = sensitivity_table()
    fresh = {row["key"]: row for row in rows}
    stale = [key for key in table if fresh[key] != table[key]]
    assert not stale, f"stale sensitivity data for {stale}: run `python report/build.py sensitivity`"
