"""The Pattern map tab: which firing pattern lives where in a parameter plane.

The classifier's label over a grid of any two of a, b, c, d (or the stimulus amplitude)
under the stimulus on screen, in one batched run (`izhi_widgets.dynamics.pattern_map`);
a coloured map with a legend, the presets placed on it, the label and rate of the cell
under the mouse, and a click that loads the cell's parameters into the panel. The 2003
paper's Fig. 2 planes are one choice away. The map runs in a worker thread with a
progress bar and a Cancel button; maps are cached for the same inputs.
"""

from __future__ import annotations

import html

import ipywidgets as W

from ..dynamics.maps import PAPER_MAPS, MapCancelled, pattern_map
from ..plotting.dynamics import plot_pattern_map
from .controller import ViewModel
from .controls import dom
from .fields import format_value
from .views import BaseView, fit_figure
from .worker import WorkerRun

__all__ = ["PatternMapView"]

_AXES = ("a", "b", "c", "d", "amplitude")
_DEFAULT_AXES = {"a": (0.0, 0.12), "b": (0.1, 0.3), "c": (-70.0, -45.0), "d": (0.0, 10.0),
                 "amplitude": (0.0, 20.0)}


class PatternMapView(WorkerRun, BaseView):
    """A classified parameter plane; hover for a cell's label, click to load it."""

    cancelled = MapCancelled
    busy_text = "computing…"
    failure_text = "The map failed"

    title = "Pattern map"
    css = "izhi-map-view"
    SIZE_PX = (760, 520)

    def __init__(self) -> None:
        super().__init__()
        self.vm: ViewModel | None = None
        self.pm = None
        self._hover = None
        self._init_worker()

    # ----- widgets ---------------------------------------------------------------------
    def _axis_controls(self, name: str, default: str, n: int):
        lo, hi = _DEFAULT_AXES[default]
        axis = dom(W.Dropdown(options=_AXES, value=default, description=f"{name} axis",
                              tooltip=f"the parameter along {name}",
                              layout=W.Layout(width="170px"), style={"description_width": "50px"}),
                   f"izhi-map-{name}")
        box = {k: dom(W.Text(value=format_value(v), description=k, continuous_update=False,
                             tooltip=f"{k} of the {name} axis", layout=W.Layout(width="120px"),
                             style={"description_width": "22px"}), f"izhi-map-{name}-{k}")
               for k, v in (("lo", lo), ("hi", hi), ("n", n))}
        axis.observe(lambda change: self._reset_range(box, change["new"]), names="value")
        return axis, box

    @staticmethod
    def _reset_range(box, name: str) -> None:
        lo, hi = _DEFAULT_AXES[name]
        box["lo"].value, box["hi"].value = format_value(lo), format_value(hi)

    def _build(self) -> W.Widget:
        self._make_figure("izhi-map-figure")
        fig = self.fig
        self.ax = fig.add_axes((0.09, 0.11, 0.62, 0.82))
        self.canvas.mpl_connect("motion_notify_event", self._on_move)
        self.canvas.mpl_connect("button_press_event", self._on_click)
        self.paper = dom(W.Dropdown(options=[("the panel's neuron and stimulus", "panel")] + [
            (spec.title, key) for key, spec in PAPER_MAPS.items()], value="panel",
            description="plane", tooltip="the panel's settings, or a plane of the 2003 paper",
            layout=W.Layout(width="95%", max_width="640px"),
            style={"description_width": "50px"}), "izhi-map-plane")
        self.x_axis, self.x_box = self._axis_controls("x", "c", 30)
        self.y_axis, self.y_box = self._axis_controls("y", "d", 25)
        self.run_button = dom(W.Button(description="Run map", icon="play",
                                       tooltip="classify every cell (one batched run)",
                                       layout=W.Layout(width="auto")), "izhi-map-run")
        self.cancel_button = dom(W.Button(description="Cancel", icon="stop", disabled=True,
                                          tooltip="stop the map", layout=W.Layout(width="auto")),
                                 "izhi-map-cancel")
        self.progress = dom(W.FloatProgress(value=0.0, min=0.0, max=1.0,
                                            layout=W.Layout(width="160px")), "izhi-map-progress")
        self.status = dom(W.HTML("<span class='izhi-muted'>Press “Run map”.</span>"),
                          "izhi-map-status")
        self.hover = dom(W.HTML("&nbsp;", layout=W.Layout(width="100%")), "izhi-map-hover")
        self.run_button.on_click(lambda _b: self.start())
        self.cancel_button.on_click(lambda _b: self._cancel.set())
        row = lambda items: W.HBox(items, layout=W.Layout(flex_flow="row wrap",  # noqa: E731
                                                         align_items="center"))
        return W.VBox([self.paper, row([self.x_axis, *self.x_box.values()]),
                       row([self.y_axis, *self.y_box.values()]),
                       row([self.run_button, self.cancel_button, self.progress, self.status]),
                       self.canvas, self.hover], layout=W.Layout(width="100%"))

    def fit(self, width_px: float) -> None:
        if self.widget is not None and fit_figure(self.canvas, self.fig, width_px, 520 / 760):
            self.canvas.draw()

    def render(self, vm: ViewModel) -> None:
        self.vm = vm  # the map itself runs on request (it may take a second or two)

    # ----- running -------------------------------------------------------------------------
    def settings(self) -> dict:
        """The map's inputs from the controls (ValueError with a clear message if bad)."""
        if self.paper.value != "panel":
            spec = PAPER_MAPS[self.paper.value]
            return dict(base=spec.base, x=spec.x, y=spec.y, stimulus=spec.stimulus,
                        duration_ms=spec.duration_ms, dt_ms=spec.dt_ms, v0_mV=spec.v0_mV,
                        numerics="published")
        vm = self.vm
        if vm is None or vm.result is None:
            raise ValueError("no valid run on the panel to map")
        axes = []
        for name, axis, box in (("x", self.x_axis, self.x_box), ("y", self.y_axis, self.y_box)):
            try:
                lo, hi, n = float(box["lo"].value), float(box["hi"].value), float(box["n"].value)
            except ValueError:
                raise ValueError(f"the {name} axis needs numbers for lo, hi and n") from None
            if not n.is_integer():
                raise ValueError(f"the {name} axis: n must be a whole number, got {n:g}")
            axes.append((axis.value, lo, hi, int(n)))
        state = vm.state
        return dict(base=state.params(), x=axes[0], y=axes[1], stimulus=state.stimulus(),
                    duration_ms=state.duration, dt_ms=state.dt, v0_mV=state.v0,
                    numerics=state.numerics)

    def _compute(self, settings: dict):
        return pattern_map(**settings, progress=self._progress, cancel=self._cancel)

    def _finish(self, pm) -> str:
        self.pm = pm
        self._draw()
        return (f"{pm.labels.size} cells, {len(set(pm.labels.ravel()))} patterns. "
                f"Hover for a cell's pattern; click to load it.")

    # ----- drawing ------------------------------------------------------------------------
    def _draw(self) -> None:
        self.ax.clear()
        plot_pattern_map(self.pm, self.ax)
        self.ax.set_title("firing pattern of each cell (classifier)", fontsize=10, loc="left")
        self.canvas.draw()

    def _cell(self, event):
        if self.pm is None or event.inaxes is not self.ax or event.xdata is None:
            return None
        try:
            return self.pm.cell_at(float(event.xdata), float(event.ydata))
        except ValueError:
            return None

    def _on_move(self, event) -> None:
        cell = self._cell(event)
        if cell is None or cell[:2] == self._hover:
            return
        self._hover = cell[:2]
        i, j, _params = cell
        pm = self.pm
        self.hover.value = (f"{pm.x_name} = {pm.x[j]:.4g}, {pm.y_name} = {pm.y[i]:.4g}: "
                            f"<b>{html.escape(str(pm.labels[i, j]))}</b> "
                            f"({pm.rates[i, j]:.3g} Hz, {int(pm.n_spikes[i, j])} spikes)")

    def _on_click(self, event) -> None:
        cell = self._cell(event)
        if cell is None:
            return
        i, j, params = cell
        changes = {k: format_value(getattr(params, k)) for k in "abcd"}
        self.request(**changes)


