"""The Excitability tab: where the rest ends, and how firing starts.

Left, the bifurcation diagram: the equilibria v* against a constant current I (stable
solid, unstable dashed), the bifurcation of the rest marked, and the range of v on the
spiking branch (its minimum; the peak) from the F–I runs. Right, the F–I curve: the
steady-state and first-interval rates of independent runs, dense near onset, an up and a
down staircase (hysteresis shows as a gap), and for class 1 the √(I − I0) fit. The class
verdict and its reason are written below. Depends on the parameters and numerics only
(not on the stimulus), so it recomputes only when those change — and only while shown.
"""

from __future__ import annotations

import html

import ipywidgets as W

from ..dynamics.excitability import excitability_class, fi_curve
from ..plotting.dynamics import plot_bifurcation, plot_fi_sweep
from .controller import ViewModel
from .controls import dom
from .views import BaseView, fit_figure

__all__ = ["ExcitabilityView"]


class ExcitabilityView(BaseView):
    """Bifurcation diagram and F–I curve of the parameters on screen."""

    title = "Excitability"
    css = "izhi-excitability-view"
    SIZE_PX = (900, 420)

    def __init__(self) -> None:
        super().__init__()
        self._key: tuple | None = None
        self.fi = None
        self.verdict = None

    def _build(self) -> W.Widget:
        self._make_figure("izhi-excitability-figure")
        fig = self.fig
        self.ax_bif = fig.add_axes((0.07, 0.13, 0.4, 0.77))
        self.ax_fi = fig.add_axes((0.57, 0.13, 0.4, 0.77))
        self.text = dom(W.HTML(layout=W.Layout(width="100%")), "izhi-excitability-text")
        return W.VBox([self.canvas, self.text], layout=W.Layout(width="100%"))

    def fit(self, width_px: float) -> None:
        if self.widget is not None and fit_figure(self.canvas, self.fig, width_px, 420 / 900):
            self.canvas.draw()

    def render(self, vm: ViewModel) -> None:
        if vm.result is None:
            return
        state = vm.state
        key = (state.params(), state.numerics, state.dt, state.v0)
        if key == self._key:
            return
        self._key = key
        params = state.params()
        self.text.value = "<div class='izhi-muted'>computing the F–I curve…</div>"
        self.fi = fi_curve(params, dt_ms=state.dt, numerics=state.numerics, v0_mV=state.v0,
                           duration_ms=1000.0)
        self.verdict = excitability_class(params, self.fi)
        self._draw(params)
        self.text.value = self._text()

    def _draw(self, params) -> None:
        for ax in (self.ax_bif, self.ax_fi):
            ax.clear()
            ax.tick_params(labelsize=8)
        plot_bifurcation(params, self.fi, self.ax_bif)
        self.ax_bif.set_title("equilibria and the spiking branch", fontsize=10, loc="left")
        self.ax_bif.legend(fontsize=7, loc="center right", framealpha=0.85)
        plot_fi_sweep(self.fi, self.ax_fi, fit=self.verdict.value == 1)
        self.ax_fi.set_title(f"F–I curve: class {self.verdict.value}", fontsize=10, loc="left")
        self.ax_fi.legend(fontsize=7, loc="upper left", framealpha=0.85)
        self.canvas.draw()

    def _text(self) -> str:
        fi, verdict = self.fi, self.verdict
        hyst = (" The down sweep keeps firing below where the rest is lost: bistability "
                "(hysteresis)." if fi.hysteresis else "")
        return (f"<div><b>Class {verdict.value} excitable.</b> {html.escape(verdict.reason)}"
                f"{html.escape(hyst)}</div>")
