"""The packaged numerics-sensitivity table: complete, consistent with the presets, current.

Writing it (CSV, JSON, the report's blocks) is the report builder's job:
tests/test_report_build.py."""

from __future__ import annotations

import pytest

from izhi_widgets import PRESETS
from izhi_widgets.experiments import sensitivity_table
from izhi_widgets.sensitivity import (COLUMNS, SETTINGS, load_sensitivity,
                                      markdown_label_changes, markdown_table, sensitivity_note)

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


def test_euler_and_rk4_agree_at_fine_step(table):
    # At 0.01 ms the integrator no longer matters: the difference is the scheme, not the ODE solver.
    for key, row in table.items():
        assert row["euler_0.01_n"] == row["rk4_0.01_n"], key


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
