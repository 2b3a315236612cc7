"""What the report build generates: one registered list of figures, one of Markdown blocks.

To add a figure to the report, add one `FigureSpec` to `FIGURES` (its ``make`` receives the
shared `ReportRuns` and returns a matplotlib Figure) and reference
``figures/<name>.png`` from ``report.md``. To add a generated table, add a `MarkdownBlock`
to `BLOCKS` and put its markers ``<!-- name:start -->`` / ``<!-- name:end -->`` in
``report.md``. ``build.py`` walks these lists; nothing else needs to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from matplotlib.figure import Figure

from izhi_widgets.experiments import fi_examples, preset_results
from izhi_widgets.plotting import (COMPARISON_KEYS, COMPARISON_SETTINGS, plot_fi_examples,
                                   plot_gallery_2003, plot_gallery_2004, plot_numerics_comparison,
                                   plot_phase_plane_examples)
from izhi_widgets.result import SimulationResult
from izhi_widgets.sensitivity import markdown_label_changes, markdown_table

__all__ = ["ReportRuns", "FigureSpec", "FIGURES", "MarkdownBlock", "BLOCKS"]


@dataclass
class ReportRuns:
    """The presets' runs under each setting, made once per build and shared by the figures."""

    _cache: dict[tuple[str, float | None], dict[str, SimulationResult]] = field(
        default_factory=dict, repr=False)

    def presets(self, numerics: str = "published",
                dt_ms: float | None = None) -> dict[str, SimulationResult]:
        """All 28 presets under ``numerics`` at ``dt_ms`` (None: each preset's own step)."""
        key = (numerics, dt_ms)
        if key not in self._cache:
            self._cache[key] = preset_results(None, numerics, dt_ms)
        return self._cache[key]


@dataclass(frozen=True)
class FigureSpec:
    """A report figure: written to ``figures/<name>.png``; ``caption`` says what it shows."""

    name: str
    caption: str
    make: Callable[[ReportRuns], Figure]


#: The report's figures, in the order they are written.
FIGURES: list[FigureSpec] = [
    FigureSpec("fig1_2004",
               "Izhikevich (2004), Fig. 1: the 20 features A-T, redrawn from the Brian2 runs.",
               lambda runs: plot_gallery_2004(runs.presets())),
    FigureSpec("fig2_2003",
               "The cell types of Izhikevich (2003), Fig. 2, with their parameters.",
               lambda runs: plot_gallery_2003(runs.presets())),
    FigureSpec("phase_plane_examples",
               "Phase planes of A, C, P and K: trajectory, nullclines, equilibria.",
               lambda runs: plot_phase_plane_examples(results=runs.presets())),
    FigureSpec("numerics_comparison",
               "I, P, Q, T under the published scheme vs euler and rk4 at 0.01 ms.",
               lambda runs: plot_numerics_comparison(
                   COMPARISON_KEYS, COMPARISON_SETTINGS,
                   results=[runs.presets(numerics, dt) for numerics, dt in COMPARISON_SETTINGS])),
    FigureSpec("fi_curves",
               "F-I curves of the class 1 (G) and class 2 (H) excitable neurons.",
               lambda runs: plot_fi_examples(curves=fi_examples())),
]


@dataclass(frozen=True)
class MarkdownBlock:
    """A generated block of ``report.md``: the text between its two markers."""

    name: str
    render: Callable[[list[dict[str, Any]]], str]


#: The generated blocks of ``report.md``, rendered from the numerics table's rows.
BLOCKS: list[MarkdownBlock] = [
    MarkdownBlock("sensitivity-table", markdown_table),
    MarkdownBlock("label-changes", markdown_label_changes),
]
