"""The Network tab: the 2003 network (Izhikevich 2003, Fig. 3), run on request.

Sizes, weight scales, noise amplitudes, connection probability, scheme, seed and length
in boxes; a Run button that runs the compiled network in a worker thread with a
progress bar and a Cancel button; then the raster (excitatory blue, inhibitory red), the
population rate, the power spectrum with its alpha and gamma peaks labelled, and each
population's rate. The network does not depend on the single neuron on the panel. Bad
values get a message in the tab, naming the field.
"""

from __future__ import annotations

import html

import ipywidgets as W

from ..network import NetworkParams, simulate_network
from ..network.engine import RunCancelled
from ..network.simulate import PANEL_DURATION_MS, PANEL_MAX_DURATION_MS, RK4_DT_MS
from ..plotting.network import plot_population_rate, plot_raster, plot_spectrum
from .controller import ViewModel
from .controls import dom
from .fields import format_value
from .views import BaseView, fit_figure
from .worker import WorkerRun

__all__ = ["NetworkView", "PANEL_MAX_NEURONS", "PANEL_MAX_SYNAPSES"]


#: The tab's largest network (the library runs far larger ones: `simulate_network`).
PANEL_MAX_NEURONS = 20_000
PANEL_MAX_SYNAPSES = 20_000_000

#: (field, label, tooltip); integers are marked by ``int``.
_FIELDS = (
    ("n_exc", "exc.", "number of excitatory neurons (paper: 800)", int),
    ("n_inh", "inh.", "number of inhibitory neurons (paper: 200)", int),
    ("w_exc", "w exc", "weight scale from excitatory neurons: 0.5·U(0,1) in the paper", float),
    ("w_inh", "w inh", "weight scale from inhibitory neurons: −1·U(0,1) in the paper", float),
    ("noise_exc", "noise exc", "thalamic input to excitatory neurons: 5·N(0,1) each ms", float),
    ("noise_inh", "noise inh", "thalamic input to inhibitory neurons: 2·N(0,1) each ms", float),
    ("p", "p", "connection probability: 1 is all-to-all; lower is sparse with the same "
               "mean input (weights divided by p)", float),
    ("seed", "seed", "seed of the weights, the heterogeneity and the noise", int),
)


class NetworkView(WorkerRun, BaseView):
    """Run the 2003 network and show its raster, rate, spectrum and rates."""

    cancelled = RunCancelled
    busy_text = "starting…"
    failure_text = "The run failed"

    title = "Network"
    css = "izhi-network-view"
    SIZE_PX = (900, 560)

    def __init__(self) -> None:
        super().__init__()
        self.result = None
        self._init_worker()

    # ----- widgets ---------------------------------------------------------------------
    def _build(self) -> W.Widget:
        self._make_figure("izhi-net-figure")
        fig = self.fig
        self.ax_raster = fig.add_axes((0.07, 0.40, 0.6, 0.54))
        self.ax_rate = fig.add_axes((0.07, 0.08, 0.6, 0.22), sharex=self.ax_raster)
        self.ax_spec = fig.add_axes((0.75, 0.08, 0.23, 0.86))
        defaults = NetworkParams()
        self.boxes = {}
        for name, label, tip, _kind in _FIELDS:
            self.boxes[name] = dom(W.Text(value=format_value(getattr(defaults, name)),
                                          description=label, tooltip=tip,
                                          continuous_update=False,
                                          layout=W.Layout(width="150px"),
                                          style={"description_width": "62px"}),
                                   f"izhi-net-{name.replace('_', '-')}")
        self.duration = dom(W.Text(value=format_value(PANEL_DURATION_MS),
                                   description="length (ms)",
                                   tooltip=f"length of the run (ms), up to "
                                           f"{PANEL_MAX_DURATION_MS:g}",
                                   continuous_update=False, layout=W.Layout(width="170px"),
                                   style={"description_width": "80px"}), "izhi-net-duration")
        self.scheme = dom(W.Dropdown(options=[
            ("published (net.m: v by 2 × 0.5 ms, then u)", "published"),
            ("Euler, 1 ms (Brian2's example)", "euler"),
            (f"RK4, {RK4_DT_MS:g} ms", "rk4")], value="published", description="scheme",
            tooltip="how each ms is integrated", layout=W.Layout(width="380px"),
            style={"description_width": "62px"}), "izhi-net-scheme")
        self.run_button = dom(W.Button(description="Run network", icon="play",
                                       tooltip="run the network (compiled Brian2)",
                                       layout=W.Layout(width="auto")), "izhi-net-run")
        self.cancel_button = dom(W.Button(description="Cancel", icon="stop", disabled=True,
                                          tooltip="stop the run", layout=W.Layout(width="auto")),
                                 "izhi-net-cancel")
        self.progress = dom(W.FloatProgress(value=0.0, min=0.0, max=1.0,
                                            layout=W.Layout(width="160px")), "izhi-net-progress")
        self.status = dom(W.HTML("<span class='izhi-muted'>Press “Run network”: 800 excitatory "
                                 "and 200 inhibitory neurons, as in the 2003 paper.</span>"),
                          "izhi-net-status")
        self.rates = dom(W.HTML("", layout=W.Layout(width="100%")), "izhi-net-rates")
        self.run_button.on_click(lambda _b: self.start())
        self.cancel_button.on_click(lambda _b: self._cancel.set())

        def row(items):
            return W.HBox(items, layout=W.Layout(flex_flow="row wrap", align_items="center"))

        b = self.boxes
        return W.VBox([row([b["n_exc"], b["n_inh"], b["p"], b["seed"]]),
                       row([b["w_exc"], b["w_inh"], b["noise_exc"], b["noise_inh"]]),
                       row([self.scheme, self.duration]),
                       row([self.run_button, self.cancel_button, self.progress, self.status]),
                       self.canvas, self.rates], layout=W.Layout(width="100%"))

    def fit(self, width_px: float) -> None:
        if self.widget is not None and fit_figure(self.canvas, self.fig, width_px, 560 / 900):
            self.canvas.draw()

    def render(self, vm: ViewModel) -> None:
        """The network does not follow the panel's neuron: nothing to do."""

    # ----- running -------------------------------------------------------------------------
    def settings(self) -> dict:
        """The run's inputs from the boxes (``ValueError`` naming the field if bad)."""
        values = {}
        for name, _label, _tip, kind in _FIELDS:
            text = self.boxes[name].value.strip()
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"{name} must be a number, got {text!r}") from None
            if kind is int:
                if not number.is_integer():
                    raise ValueError(f"{name} must be a whole number, got {text!r}")
                number = int(number)
            values[name] = number
        params = NetworkParams(**values)
        if params.n > PANEL_MAX_NEURONS:
            raise ValueError(f"n_exc + n_inh: the tab runs up to {PANEL_MAX_NEURONS:,} "
                             f"neurons (simulate_network runs larger networks)")
        if params.n_synapses > PANEL_MAX_SYNAPSES:
            raise ValueError(f"p: {params.n_synapses:,} synapses; the tab runs up to "
                             f"{PANEL_MAX_SYNAPSES:,} (lower p or the sizes)")
        text = self.duration.value.strip()
        try:
            duration = float(text)
        except ValueError:
            raise ValueError(f"duration (ms) must be a number, got {text!r}") from None
        if not 100.0 <= duration <= PANEL_MAX_DURATION_MS or not duration.is_integer():
            raise ValueError(f"duration (ms) must be a whole number from 100 to "
                             f"{PANEL_MAX_DURATION_MS:g}, got {text!r}")
        scheme = self.scheme.value
        return dict(params=params, duration_ms=duration, scheme=scheme,
                    dt_ms=RK4_DT_MS if scheme == "rk4" else None)

    def _compute(self, settings: dict):
        return simulate_network(**settings, progress=self._progress, cancel=self._cancel)

    def _finish(self, result) -> str:
        self.result = result
        self._draw()
        n = len(result.spike_times_ms)
        warn = (f" <span class='izhi-warn'>{html.escape(result.message)}</span>"
                if result.message else "")
        return f"run {self.runs}: {n:,} spikes in {result.elapsed_s:.2f} s{warn}"

    # ----- drawing ------------------------------------------------------------------------
    def _draw(self) -> None:
        res = self.result
        for ax in (self.ax_raster, self.ax_rate, self.ax_spec):
            ax.clear()
            ax.tick_params(labelsize=8)
        plot_raster(res, self.ax_raster)
        self.ax_raster.tick_params(labelbottom=False)
        self.ax_raster.set_xlabel("")
        self.ax_raster.legend(loc="upper right", fontsize=7, markerscale=6, framealpha=0.85)
        self.ax_raster.set_title(f"{res.params.n_exc} excitatory (blue), {res.params.n_inh} "
                                 f"inhibitory (red); scheme {res.scheme}", fontsize=10,
                                 loc="left")
        plot_population_rate(res, self.ax_rate)
        plot_spectrum(res, self.ax_spec)
        self.ax_spec.set_title("power spectrum", fontsize=10, loc="left")
        for ax in (self.ax_raster, self.ax_rate, self.ax_spec):
            ax.xaxis.label.set_size(9)
            ax.yaxis.label.set_size(9)
        self.canvas.draw()
        self.rates.value = self.rates_html()

    def rates_html(self) -> str:
        """The populations' rates and the rhythms of the last run, as a small table."""
        res = self.result
        if res is None:
            return ""
        rates, peaks = res.rates_hz(), res.peaks()

        def hz(x: float) -> str:
            return "none" if x != x else f"{x:.0f} Hz"

        return ("<table class='izhi-table izhi-net-table'><thead><tr><th>population</th>"
                "<th>neurons</th><th>rate (Hz)</th></tr></thead><tbody>"
                f"<tr><td>excitatory</td><td>{res.params.n_exc}</td><td>{rates['exc']:.2f}</td></tr>"
                f"<tr><td>inhibitory</td><td>{res.params.n_inh}</td><td>{rates['inh']:.2f}</td></tr>"
                f"<tr><td>all</td><td>{res.params.n}</td><td>{rates['all']:.2f}</td></tr>"
                "</tbody></table>"
                f"<div>Rhythms: alpha peak {hz(peaks['alpha_hz'])} "
                f"({peaks['alpha_power']:.0f} × the floor), gamma peak {hz(peaks['gamma_hz'])} "
                f"({peaks['gamma_power']:.0f} × the floor). The paper (2003, Fig. 3): about "
                f"7.6 Hz with alpha and gamma rhythms.</div>")
