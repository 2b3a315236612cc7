"""What the report build generates: one registered list of figures, one of generated blocks.

To add a figure to the report, add one `FigureSpec` to `FIGURES` (its ``make`` receives the
shared `ReportRuns` and returns a matplotlib Figure; its ``caption`` is printed under it as
"Figure N.") and put ``{{figure:<name>}}`` where it belongs in a ``sections/*.md`` file;
``{{fig:<name>}}`` in the text becomes "Figure N". To add a generated table or text, add a
`MarkdownBlock` to `BLOCKS` and put ``{{table:<name>}}`` (numbered, with its caption:
"Table N.") or ``{{block:<name>}}`` (unnumbered) in a section; ``{{tab:<name>}}`` becomes
"Table N". ``build.py`` walks these lists; nothing else needs to change.

Figures are written as SVG (vector, for the HTML and the PDF) and PNG (for quick viewing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from matplotlib.figure import Figure

from izhi_widgets import PRESETS, RunSpec, Step, simulate, simulate_batch
from izhi_widgets.analysis import FICurve
from izhi_widgets.experiments import FI_EXAMPLE_RANGES, preset_results
from izhi_widgets.convergence import ConvergenceStudy, markdown_convergence
from izhi_widgets.experiments import convergence_study
from izhi_widgets.plotting import (COMPARISON_KEYS, COMPARISON_SETTINGS, PAGE_WIDTH_IN, Portrait,
                                   plot_convergence, plot_fi_examples, plot_gallery_2003,
                                   plot_gallery_2004,
                                   plot_numerics_comparison, plot_phase_portraits)
from izhi_widgets.result import SimulationResult
from izhi_widgets.sensitivity import markdown_label_changes, markdown_table

import tables

__all__ = ["ReportRuns", "FigureSpec", "FIGURES", "Screenshot", "SCREENSHOTS", "MarkdownBlock",
           "BLOCKS",
           "dense_fi_curve", "steady_rate_hz", "ONSET_CURRENTS"]

#: Currents of the G and H portraits: just above the saddle-node (G: 2.25) and just above
#: the Andronov-Hopf point (H: 0.4), where each starts to fire.
ONSET_CURRENTS = {"G": 2.4, "H": 0.41}
#: Their run lengths (ms): G fires at about 3 Hz there, H at about 35 Hz.
ONSET_DURATIONS = {"G": 1000.0, "H": 300.0}


def steady_rate_hz(spike_times_ms: np.ndarray, duration_ms: float, onset_ms: float = 0.0
                   ) -> float:
    """The rate a step settles to, in Hz, from the interspike intervals of its second half.

    The mean rate over the intervals between the spikes of the step's second half, or
    1000 / the last interval when only one spike falls there; 0 when the neuron fired
    fewer than two spikes after the onset or stopped firing (no spike in the second half).
    Unlike a spike count in a window, this has no quantisation, so a class 1 neuron's
    rate of a few Hz near onset reads as it is.

    Examples
    --------
    >>> steady_rate_hz([100.0, 400.0, 700.0], 1000.0), steady_rate_hz([10.0, 20.0], 1000.0)
    (3.3333333333333335, 0.0)
    """
    spikes = np.asarray(spike_times_ms, dtype=float)
    spikes = spikes[spikes > onset_ms]
    half = onset_ms + 0.5 * (duration_ms - onset_ms)
    if len(spikes) < 2 or spikes[-1] <= half:
        return 0.0
    late = spikes[spikes > half]
    if len(late) >= 2:
        return 1000.0 * (len(late) - 1) / float(late[-1] - late[0])
    return 1000.0 / float(spikes[-1] - spikes[-2])


def dense_fi_curve(key: str, n: int = 32, duration_ms: float = 1000.0) -> FICurve:
    """The F-I curve of preset ``key``, sampled evenly and again densely near its onset.

    A first batch of ``n`` 1 s steps over `FI_EXAMPLE_RANGES` finds the onset; a second
    batch of ``n`` spans the interval from the last silent amplitude to a fifth of the range
    above it (both the engine structure the cache keeps warm). The steady rate is
    `steady_rate_hz` (from the last interval), the initial rate 1000 / the first interval.
    """
    preset = PRESETS[key]
    lo, hi = FI_EXAMPLE_RANGES.get(key, (0.0, 20.0))

    def batch(currents: np.ndarray):
        specs = [RunSpec(preset.params, Step(float(a), 0.0), duration_ms, 0.25, preset.v0_mV)
                 for a in currents]
        return simulate_batch(specs, numerics="published", record=False)

    coarse_i = np.linspace(lo, hi, n)
    coarse = batch(coarse_i)
    rates = np.array([steady_rate_hz(r.spike_times_ms, duration_ms) for r in coarse])
    firing = np.flatnonzero(rates > 0)
    currents, results = list(coarse_i), list(coarse)
    if firing.size:
        start = coarse_i[firing[0] - 1] if firing[0] > 0 else lo
        fine_i = np.linspace(start, coarse_i[firing[0]] + 0.2 * (hi - lo), n)
        currents += list(fine_i)
        results += list(batch(fine_i))
    order = np.argsort(currents, kind="stable")
    currents = np.asarray(currents)[order]
    results = [results[k] for k in order]
    first = []
    for r in results:
        s = np.asarray(r.spike_times_ms)
        first.append(1000.0 / float(s[1] - s[0]) if len(s) >= 2 else 0.0)
    return FICurve(currents=currents,
                   rates_hz=np.array([steady_rate_hz(r.spike_times_ms, duration_ms)
                                      for r in results]),
                   first_rates_hz=np.array(first),
                   n_spikes=np.array([r.n_spikes for r in results]),
                   diverged=np.array([r.diverged for r in results]),
                   duration_ms=duration_ms, onset_ms=0.0)


@dataclass
class ReportRuns:
    """The runs the figures and tables share, each made once per build."""

    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    def _once(self, key: Any, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def presets(self, numerics: str = "published",
                dt_ms: float | None = None) -> dict[str, SimulationResult]:
        """All 28 presets under ``numerics`` at ``dt_ms`` (None: each preset's own step)."""
        return self._once(("presets", numerics, dt_ms),
                          lambda: preset_results(None, numerics, dt_ms))

    def convergence(self) -> ConvergenceStudy:
        """The convergence study (`izhi_widgets.convergence.convergence_study`)."""
        return self._once("convergence", convergence_study)

    def fi_curves(self) -> dict[str, FICurve]:
        """Dense F-I curves of G (class 1) and H (class 2)."""
        return self._once("fi", lambda: {key: dense_fi_curve(key) for key in ("G", "H")})

    def network(self, seed: int, scheme: str = "published"):
        """The 2003 network (default `NetworkParams`, seed ``seed``) for 1 s under ``scheme``."""
        from izhi_widgets.network import NetworkParams, simulate_network

        return self._once(("network", seed, scheme), lambda: simulate_network(
            NetworkParams(seed=seed), 1000.0, scheme))

    def onset_run(self, key: str) -> SimulationResult:
        """Preset ``key``'s neuron under a step just above its onset current, from rest."""
        preset = PRESETS[key]
        return self._once(("onset", key), lambda: simulate(
            preset.params, Step(ONSET_CURRENTS[key], start_ms=20.0), duration_ms=ONSET_DURATIONS[key],
            dt_ms=0.25, v0_mV=preset.v0_mV))


def _portraits(runs: ReportRuns) -> Figure:
    found = runs.presets()
    panels = [
        Portrait("(K) resonator: a stable focus", found["K"], 0.0, (-66.0, -53.0),
                 (-17.0, -13.6), "I = 0 between pulses", (0.0, 330.0)),
        Portrait("(L) integrator: a node and a saddle", found["L"], 0.0, (-64.0, -38.0),
                 (4.8, 7.6), "I = 0 between pulses", (0.0, 60.0)),
        Portrait("(P) bistability: rest and a spiking cycle", found["P"], 0.24, (-66.0, -50.0),
                 (-17.0, -12.5), "baseline I = 0.24", (0.0, 300.0)),
        Portrait("(G) class 1: saddle-node on the cycle", runs.onset_run("G"), ONSET_CURRENTS["G"],
                 (-65.0, -40.0), (4.0, 8.0),
                 f"step I = {ONSET_CURRENTS['G']:g} (saddle-node at 2.25)"),
        Portrait("(H) class 2: Andronov-Hopf", runs.onset_run("H"), ONSET_CURRENTS["H"],
                 (-68.0, -50.0), (-17.5, -13.5),
                 f"step I = {ONSET_CURRENTS['H']:g} (Hopf at 0.40)"),
    ]
    return plot_phase_portraits(panels)


def _separatrix_planes(runs: "ReportRuns") -> Figure:
    """K, L and P at rest: the flow, the nullclines, the equilibria by kind and the saddle's
    stable manifold (the threshold), with each preset's published trajectory."""
    from izhi_widgets.plotting.dynamics import plot_phase_instrument

    fig = Figure(figsize=(11.0, 3.9))
    cases = (("K", 0.0, (-80.0, -40.0, -18.0, -12.0)), ("L", 0.0, (-80.0, -35.0, 3.0, 9.0)),
             ("P", 0.24, (-80.0, -40.0, -18.0, -12.0)))
    axes = fig.subplots(1, 3)
    for ax, (key, current, window) in zip(axes, cases):
        plot_phase_instrument(PRESETS[key].params, current, runs.presets()[key], ax,
                              window=window)
        ax.set_title(f"({key}) {PRESETS[key].name}, I = {current:g}", fontsize=10, loc="left")
        ax.tick_params(labelsize=8)
    axes[0].legend(fontsize=7, loc="upper left", framealpha=0.85)
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.14, top=0.9, wspace=0.28)
    return fig


def _bifurcations(runs: "ReportRuns") -> Figure:
    """G and H: where the rest ends (bifurcation diagram) and how firing starts (F-I with
    up and down sweeps), with the class verdict."""
    from izhi_widgets.dynamics import excitability_class, fi_curve
    from izhi_widgets.plotting.dynamics import plot_bifurcation, plot_fi_sweep

    fig = Figure(figsize=(11.0, 7.0))
    axes = fig.subplots(2, 2)
    for row, key in zip(axes, ("G", "H")):
        preset = PRESETS[key]
        fi = fi_curve(preset.params, v0_mV=preset.v0_mV)
        verdict = excitability_class(preset.params, fi)
        plot_bifurcation(preset.params, fi, row[0])
        row[0].set_title(f"({key}) equilibria and the spiking branch", fontsize=10, loc="left")
        row[0].legend(fontsize=7, loc="center right", framealpha=0.85)
        plot_fi_sweep(fi, row[1], fit=verdict.value == 1)
        row[1].set_title(f"({key}) F-I curve: class {verdict.value}", fontsize=10, loc="left")
        row[1].legend(fontsize=7, loc="upper left", framealpha=0.85)
        for ax in row:
            ax.tick_params(labelsize=8)
    fig.subplots_adjust(left=0.07, right=0.99, bottom=0.08, top=0.95, hspace=0.35, wspace=0.22)
    return fig


def _pattern_maps(runs: "ReportRuns") -> Figure:
    """The 2003 paper's two planes, classified cell by cell, with the cell types placed."""
    from matplotlib.patches import Patch

    from izhi_widgets.dynamics import PAPER_MAPS, label_colors, pattern_map
    from izhi_widgets.plotting.dynamics import plot_pattern_map

    fig = Figure(figsize=(11.0, 4.6))
    axes = fig.subplots(1, 2)
    present: set = set()
    for ax, key in zip(axes, ("cd", "ab")):
        spec = PAPER_MAPS[key]
        pm = pattern_map(spec.base, spec.x, spec.y, stimulus=spec.stimulus,
                         duration_ms=spec.duration_ms, dt_ms=spec.dt_ms, v0_mV=spec.v0_mV)
        plot_pattern_map(pm, ax, legend=False)
        present |= {str(label) for label in pm.labels.ravel()}
        ax.set_title(spec.title, fontsize=9, loc="left")
        ax.tick_params(labelsize=8)
    colors = label_colors()
    fig.legend(handles=[Patch(facecolor=colors[lab], label=lab) for lab in sorted(present)],
               loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.27, top=0.92, wspace=0.2)
    return fig


#: The seeds of the network table (the figure shows the first).
NETWORK_SEEDS = (0, 1, 2, 3, 4)


def _network(runs: "ReportRuns") -> Figure:
    """The 2003 network, seed 0: the paper's scheme next to a 1 ms Euler step."""
    from izhi_widgets.plotting import plot_network

    fig = Figure(figsize=(PAGE_WIDTH_IN, 5.8))
    seed = NETWORK_SEEDS[0]
    plot_network([runs.network(seed), runs.network(seed, "euler")],
                 ["published scheme (net.m)", "Euler, one 1 ms step (Brian2's example)"],
                 fig=fig)
    fig.subplots_adjust(left=0.09, right=0.98, top=0.92, bottom=0.08)
    return fig


def network_table(ctx) -> str:
    """Rates and rhythms of the network under both schemes, per seed (Markdown)."""
    lines = ["| seed | published: all / exc / inh (Hz) | alpha, gamma peak (Hz) | "
             "Euler: all (Hz) | Euler / published |",
             "|---:|---:|---:|---:|---:|"]
    ratios = []
    for seed in NETWORK_SEEDS:
        pub, eul = ctx.runs.network(seed), ctx.runs.network(seed, "euler")
        r, e, peaks = pub.rates_hz(), eul.rates_hz(), pub.peaks()
        ratios.append(e["all"] / r["all"])
        lines.append(f"| {seed} | {r['all']:.2f} / {r['exc']:.2f} / {r['inh']:.2f} | "
                     f"{peaks['alpha_hz']:.0f}, {peaks['gamma_hz']:.0f} | {e['all']:.2f} | "
                     f"{ratios[-1]:.3f} |")
    lines.append(f"| mean | | | | {np.mean(ratios):.3f} |")
    return "\n".join(lines)


@dataclass(frozen=True)
class FigureSpec:
    """A report figure: written to ``figures/<name>.svg`` (and .png)."""

    name: str
    caption: str
    make: Callable[[ReportRuns], Figure]


#: The report's figures, in the order they are written (numbered in order of appearance).
FIGURES: list[FigureSpec] = [
    FigureSpec(
        "fig1_2004",
        "Izhikevich (2004), Fig. 1, redrawn from our Brian2 runs (published scheme, each "
        "panel at the paper's step). Every panel has the same voltage scale, -95 to 35 mV "
        "(bar: 50 mV, in A); the time bar is per panel. Inputs as in {{fig:fig2_2003}}: the "
        "inhibition of S and T is a small lowering, from 80 to 75. J and K, whose feature is "
        "subthreshold, have a zoomed inset of v with its own mV bar.",
        lambda runs: plot_gallery_2004(runs.presets())),
    FigureSpec(
        "fig2_2003",
        "The cell types of Izhikevich (2003), Fig. 2, from our Brian2 runs (published scheme, "
        "0.25 ms). All panels share one time axis (0-250 ms, bar 50 ms) and one voltage "
        "scale, -95 to 35 mV (bar: 50 mV, in RS). Under each trace: the parameters, and the "
        "input drawn to its own scale with the true sign; the dotted line is I = 0 (TC burst "
        "and RZ start from a hyperpolarising current, below it), and the grey text gives its "
        "range in the model's units (mV/ms).",
        lambda runs: plot_gallery_2003(runs.presets())),
    FigureSpec(
        "phase_portraits",
        "Phase portraits near rest (published runs). Grey arrows: the direction of the flow "
        "(v', u') at the current named in each panel (constant length: v is 10-100 times "
        "faster than u); orange: v-nullcline; blue: u-nullcline; filled dot: stable "
        "equilibrium; open dot: saddle. The trajectory (black) leaves the window when it "
        "spikes. K circles its focus after each pulse, so a second pulse at the right "
        "phase adds up; L's node attracts monotonically, so only pulses close in time add "
        "up; in P the rest focus coexists with the spiking cycle. G and H at a step just "
        "above onset: G has no equilibrium left and creeps through the ghost of the "
        "saddle-node (low rate); H spirals out of its destabilised focus.",
        _portraits),
    FigureSpec(
        "fi_curves",
        "F-I curves of G (class 1) and H (class 2): 1 s current steps from rest, published "
        "scheme at 0.25 ms; 32 amplitudes over the range and 32 more just above the onset. "
        "Solid: the steady rate (1 / the last interspike interval, 0 if the neuron stopped "
        "firing in the first half); dashed: the initial rate (1 / the first interval). I "
        "is in the model's units, mV/ms (a current per unit capacitance). The insets zoom on the onset: G starts at a few Hz and its "
        "rate grows continuously, H jumps to tens of Hz.",
        lambda runs: plot_fi_examples(("G", "H"), curves=runs.fi_curves())),
    FigureSpec(
        "numerics_comparison",
        "The presets whose behaviour depends on the step, under the published scheme at the "
        "paper's step (left), the same scheme at 0.01 ms (middle) and rk4 at 0.01 ms "
        "(right; the exact solution's and euler's spike counts at 0.01 ms are the same). "
        "The change happens "
        "between the left and middle columns, so it is the step, not the update order. T "
        "at 0.01 ms fires without end: the engine stops a neuron at 1000 spikes/s on "
        "average, and the shaded part after the stop is not drawn as a trace.",
        lambda runs: plot_numerics_comparison(
            COMPARISON_KEYS, COMPARISON_SETTINGS,
            results=[runs.presets(numerics, dt) for numerics, dt in COMPARISON_SETTINGS])),
    FigureSpec(
        "separatrix_planes",
        "The true threshold. K, L and P at their resting current (P's baseline is 0.24): "
        "grey arrows, the direction of the flow; orange and blue, the nullclines; filled "
        "dots, stable equilibria; purple cross, the saddle; dashed purple, the saddle's "
        "stable manifold (computed by integrating backwards from the saddle along its stable "
        "eigenvector). States on one side return to rest, on the other they fire; the "
        "published trajectory (black) crosses it with each successful input. K's rest is a "
        "focus (period 2π/Im λ = 41 ms): the manifold wraps around it, which is why the "
        "40 ms pair fires it and the 20 ms pair does not.",
        _separatrix_planes),
    FigureSpec(
        "bifurcations",
        "Class 1 (G) and class 2 (H). Left: the equilibria against a constant current "
        "(solid stable, dashed unstable), the rest's bifurcation (open circle: a saddle-node "
        "at I = 2.25 for G, where b < a; an Andronov-Hopf at I = 0.40 for H, where b > a) "
        "and the spiking branch's minimum and maximum v. Right: the F-I curve from rest "
        "(60 currents, dense near the bifurcation) with a slow staircase up and down; G "
        "starts at a few Hz and follows k·√(I − I0) (green), H jumps to tens of Hz and keeps "
        "firing on the way down below its Hopf point (hysteresis: bistability).",
        _bifurcations),
    FigureSpec(
        "pattern_maps",
        "Where each firing pattern lives: the classifier's label of every cell of the 2003 "
        "paper's two planes (left: c and d at a = 0.02, b = 0.2 under RS's step of 14; "
        "right: a and b at c = -65, d = 2 under FS's step of 10), one batched Brian2 run per "
        "plane (2 091 and 1 968 cells), with the cell types that live in each plane placed "
        "on it (open circles).",
        _pattern_maps),
    FigureSpec(
        "network",
        "The 2003 network (800 excitatory, 200 inhibitory neurons, all-to-all random "
        "weights, thalamic noise; seed 0), 1 s in the compiled Brian2 engine. Left: the "
        "paper's scheme (net.m: each ms, v by two 0.5 ms half steps, then u with the new v); "
        "right: the same network, the same draws, one 1 ms Euler step of v and u, as in "
        "Brian2's example of this network. Top: the raster (excitatory blue, inhibitory "
        "red); middle: the population rate per 1 ms bin; bottom: the power spectrum of the "
        "population spike count (grey: the periodogram; black: smoothed over 2 Hz; dotted: "
        "the floor, the mean power from 150 Hz up), with the alpha and gamma peaks marked.",
        _network),
    FigureSpec(
        "convergence",
        "How the schemes converge to the exact solution: the largest spike-time error over "
        "presets A, C, F, H, K and five seeded random tonic neurons (stimulus edges between "
        "grid points), against the step. Thin lines: single cases; thick: the largest over "
        "the cases that keep the exact spike count at every step (crosses on the floor: a "
        "step where some case gains or loses a spike); dashed: slopes 1 and 4; dotted red: "
        "1 µs. The published scheme records spikes on the grid and updates u with the "
        "overshooting v; euler locates the crossing linearly (first order); rk4 locates it "
        "on a cubic Hermite interpolant and converges at fourth order.",
        lambda runs: plot_convergence(runs.convergence())),
]


@dataclass(frozen=True)
class Screenshot:
    """A screenshot of the app, written by the browser tests into ``tests/artifacts``.

    The build copies ``artifact`` to ``figures/<file>`` when the tests have made it;
    the committed copy serves a clean clone.
    """

    name: str
    artifact: str
    caption: str

    @property
    def file(self) -> str:
        return f"screenshot-{self.artifact}"


#: The app's views shown in the appendix (files written by ``tests/browser``).
SCREENSHOTS: list[Screenshot] = [
    Screenshot("app", "viewport-1400.png",
               "The explorer served by Voila at 1400 px, preset A: the controls on the left "
               "(preset and its description, a, b, c, d with sliders and boxes, initial state, "
               "stimulus designer, numerics), the run's summary and the classifier's label "
               "above the tabs, and the Traces tab: v, u and I against time, and the (v, u) "
               "phase plane with nullclines, reset and peak lines and equilibria."),
    Screenshot("app-edited", "viewport-1024-K.png",
               "At 1024 px, preset K with its stimulus redesigned as periodic pulses (20 ms "
               "apart): no spike, and the classifier names what it sees (subthreshold "
               "oscillations, with the ringing frequency) and flags that it differs from the "
               "preset's label."),
    Screenshot("app-1920", "viewport-1920.png", "At 1920 px."),
    Screenshot("app-phone", "viewport-phone.png",
               "On a phone-sized screen (420 px): the controls stack above the figure."),
    Screenshot("view-phase", "view-phase-1400.png",
               "The Phase plane tab, preset K: the flow, the nullclines at the cursor's time, "
               "the equilibria with their kinds and eigenvalues (the focus's 41 ms period), "
               "the separatrix, kick buttons; a click on the plane starts the neuron there."),
    Screenshot("view-excitability", "view-excitability-1400.png",
               "The Excitability tab, preset G: the bifurcation diagram and the F-I curve "
               "with up and down sweeps; class 1, with the reason."),
    Screenshot("view-network", "view-network-1400.png",
               "The Network tab after a 500 ms run of the paper's network: sizes, weight "
               "scales, noise, connection probability, seed, scheme and length in boxes; the "
               "raster, the population rate, the spectrum with its rhythms labelled; the "
               "populations' rates below (out of view)."),
    Screenshot("view-map", "view-map-1400.png",
               "The Pattern map tab: the classified (c, d) plane of the panel's neuron and "
               "stimulus; hovering names a cell's pattern, a click loads it into the panel."),
]


@dataclass(frozen=True)
class MarkdownBlock:
    """A generated block: ``render(context)`` returns Markdown; ``caption`` heads a table.

    The context is a `tables.BuildContext` (the shared runs and the numerics table's rows).
    """

    name: str
    render: Callable[[Any], str]
    caption: str = ""


#: The generated blocks of the report.
BLOCKS: list[MarkdownBlock] = [
    MarkdownBlock(
        "presets", tables.preset_table,
        "Every published preset re-run with Brian2 (published scheme, the paper's step). "
        "n: spike count in the paper's script and ours; the published spike times (ms); "
        "the largest difference between a published and our spike time (differences below "
        "1e-9 ms, the floating-point rounding of k·τ, read as 0). Computed at build time from "
        "`PRESETS[key].expected_spikes_ms` and our runs."),
    MarkdownBlock(
        "overshoot", tables.overshoot_table,
        "The spike-step overshoot, measured in the published runs: v reached in the step "
        "that crossed 30 mV (median and largest over the run's spikes, recovered from the "
        "recorded u), and the extra u that the spike step adds on top of d (median)."),
    MarkdownBlock(
        "sensitivity-table", lambda ctx: markdown_table(ctx.rows),
        "Spike count (first spike, ms) of every preset under each numerical setting. Bold: "
        "a count that differs from the published run; italics: the classifier's label where "
        "it differs from the preset's; \"runaway\": the run reached the spike ceiling and "
        "was stopped, so T's 350 is a cap, not a count. Data: `report/sensitivity.csv`."),
    MarkdownBlock(
        "label-changes", lambda ctx: markdown_label_changes(ctx.rows),
        "The presets whose classifier label changes under some setting (\"same\": the label "
        "of the published run)."),
    MarkdownBlock(
        "network-rates", network_table,
        "The 2003 network, 1 s, default parameters, five seeds: the mean rates under the "
        "paper's scheme, the peaks of its population spectrum, and the rate under a 1 ms "
        "Euler step. Computed at build time."),
    MarkdownBlock(
        "convergence-table", lambda ctx: markdown_convergence(ctx.runs.convergence()),
        "Largest spike-time error (ms) against the exact solution over the ten cases of "
        "{{fig:convergence}}, per step; \"miss\": cases whose spike count differs from the "
        "exact one (their error is not counted); the fitted order is the slope of log "
        "error against log dt over the cases that match at every step."),
    MarkdownBlock("brian2-listing", tables.brian2_listing),
    MarkdownBlock("scheme-listing", tables.scheme_listing),
]
