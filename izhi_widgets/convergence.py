"""How the engine's schemes converge to the exact solution: spike-time errors against dt.

For each case (presets A, C, F, H, K with their own protocols, and seeded random tonic
neurons whose stimulus edges fall between grid points), each method and each step of
`CONVERGENCE_DTS`, the error is the largest ``|t_i - t_i^exact|`` over the run's spikes
(`izhi_widgets.exact` gives ``t^exact``); a run whose spike count differs from the exact
one counts as a mismatch (error ``inf``). `fitted_order` fits ``log error = p log dt + c``
per method over the steps where every case matches.

`izhi_widgets.experiments.convergence_study` runs it (one batched engine run per method
and step, one exact run per case); this module holds the cases, the error measure, the
fit and the table (`markdown_convergence`), and runs nothing.

Examples
--------
>>> import numpy as np
>>> fitted_order([0.1, 0.01], [1e-2, 1e-6])
4.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .model import RunSpec
from .params import IzhikevichParams
from .presets import PRESETS
from .stimulus import Step

__all__ = ["CONVERGENCE_DTS", "CONVERGENCE_KEYS", "CONVERGENCE_METHODS", "ConvergenceStudy",
           "convergence_cases", "spike_time_error", "fitted_order", "markdown_convergence"]

#: The steps of the study (ms).
CONVERGENCE_DTS: tuple[float, ...] = (0.2, 0.1, 0.05, 0.02, 0.01, 0.005)
#: The presets of the study.
CONVERGENCE_KEYS: tuple[str, ...] = ("A", "C", "F", "H", "K")
#: The schemes compared with the exact solution.
CONVERGENCE_METHODS: tuple[str, ...] = ("published", "euler", "rk4")


def convergence_cases(n_random: int = 5, seed: int = 20041063
                      ) -> list[tuple[str, RunSpec]]:
    """``(name, RunSpec)`` of the presets of `CONVERGENCE_KEYS` and ``n_random`` seeded
    random tonic neurons (200 ms, a step switched on and off between grid points).

    Examples
    --------
    >>> [name for name, _ in convergence_cases(2)]
    ['A', 'C', 'F', 'H', 'K', 'random-0', 'random-1']
    """
    cases = [(key, RunSpec.from_preset(PRESETS[key])) for key in CONVERGENCE_KEYS]
    rng = np.random.default_rng(seed)
    for k in range(n_random):
        params = IzhikevichParams(a=float(rng.uniform(0.02, 0.1)), b=0.2,
                                  c=float(rng.uniform(-65, -55)), d=float(rng.uniform(2, 8)))
        start = float(rng.uniform(5, 20))  # not a multiple of any step of the study
        stim = Step(float(rng.uniform(6, 15)), start, float(start + rng.uniform(120, 170)))
        cases.append((f"random-{k}", RunSpec(params, stim, 200.0, 0.1,
                                                   float(rng.uniform(-72, -62)))))
    return cases


def spike_time_error(spikes_ms: np.ndarray, exact_ms: np.ndarray) -> float:
    """Largest ``|t - t_exact|`` over the spikes; ``inf`` when the counts differ.

    Examples
    --------
    >>> spike_time_error(np.array([1.0, 2.5]), np.array([1.1, 2.0]))
    0.5
    >>> spike_time_error(np.array([1.0]), np.array([]))
    inf
    """
    spikes, exact = np.asarray(spikes_ms, float), np.asarray(exact_ms, float)
    if len(spikes) != len(exact):
        return float("inf")
    return float(np.max(np.abs(spikes - exact))) if len(spikes) else 0.0


def fitted_order(dts: Sequence[float], errors: Sequence[float]) -> float:
    """The slope of ``log error`` against ``log dt`` (least squares; finite, positive
    errors only; ``nan`` with fewer than two)."""
    dts, errors = np.asarray(dts, float), np.asarray(errors, float)
    ok = np.isfinite(errors) & (errors > 0)
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(np.log(dts[ok]), np.log(errors[ok]), 1)[0])


@dataclass(frozen=True)
class ConvergenceStudy:
    """Spike-time errors of each method, step and case against the exact solution.

    Attributes
    ----------
    methods, dts, cases : tuple
        The axes of ``errors`` (cases by name).
    errors : ndarray
        ``(len(methods), len(dts), len(cases))``, ms; ``inf`` for a spike-count mismatch.
    exact_counts : tuple of int
        Each case's exact spike count.
    """

    methods: tuple[str, ...]
    dts: tuple[float, ...]
    cases: tuple[str, ...]
    errors: np.ndarray
    exact_counts: tuple[int, ...]

    def worst(self, method: str) -> np.ndarray:
        """The largest error over the cases, per step (``inf`` if any case misses a spike)."""
        return self.errors[self.methods.index(method)].max(axis=1)

    def matched(self, method: str) -> np.ndarray:
        """Which cases give the exact spike count at every step under ``method``."""
        return np.all(np.isfinite(self.errors[self.methods.index(method)]), axis=0)

    def order(self, method: str) -> float:
        """`fitted_order` of the largest error, per step, over the `matched` cases."""
        keep = self.matched(method)
        if not keep.any():
            return float("nan")
        return fitted_order(self.dts, self.errors[self.methods.index(method)][:, keep].max(axis=1))


def markdown_convergence(study: ConvergenceStudy) -> str:
    """The study as a Markdown table: per step, each method's largest error (ms) over the
    cases (and how many cases miss or add a spike), then the fitted orders (over the cases
    that give the exact count at every step)."""

    def cell(errors: np.ndarray) -> str:
        finite = errors[np.isfinite(errors)]
        text = f"{finite.max():.2g}" if len(finite) else "-"
        missing = int((~np.isfinite(errors)).sum())
        return text + (f" ({missing} miss)" if missing else "")

    head = ["dt (ms)"] + [f"{m} max error (ms)" for m in study.methods]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for j, dt in enumerate(study.dts):
        lines.append(f"| {dt:g} | " + " | ".join(cell(study.errors[m, j])
                                                for m in range(len(study.methods))) + " |")
    lines.append("| fitted order | " + " | ".join(
        f"{study.order(m):.2f} ({int(study.matched(m).sum())} of {len(study.cases)} cases)"
        for m in study.methods) + " |")
    return "\n".join(lines)
