"""The explorer's views: each a tab showing one aspect of the same view model.

A view implements the `View` protocol: ``build()`` makes its widget once,
``update(view_model)`` shows a new state, and ``shown`` says whether its tab is
visible. `BaseView` does the bookkeeping: a hidden view only remembers the latest view
model and renders it when it is shown, so hidden views never recompute. To add a view:
subclass `BaseView`, implement ``_build`` and ``render``, and pass it to `Explorer`
(``Explorer(views=[...])``).
"""

from __future__ import annotations

import html
import math
from typing import Callable, Protocol, runtime_checkable

import ipywidgets as W
import numpy as np

from ..analysis import spike_stats
from ..result import SimulationResult
from .canvas import TracesFigure, _canvas_class
from .controls import dom
from .controller import ViewModel
from .exports import SCRIPT_NAME, grid_time_text, script_text

__all__ = ["View", "BaseView", "TracesView", "SpikesView", "CodeView", "fit_figure"]


@runtime_checkable
class View(Protocol):
    """What the explorer needs from a view (tab)."""

    title: str
    shown: bool

    def build(self) -> W.Widget: ...

    def update(self, vm: ViewModel) -> None: ...

    def set_shown(self, shown: bool) -> None: ...


class BaseView:
    """A view that renders only while shown (see the module docstring)."""

    title = "view"
    css = "izhi-view"

    def __init__(self) -> None:
        self.shown = False
        self.widget: W.Widget | None = None
        self.renders = 0
        self._pending: ViewModel | None = None
        self._request: Callable[..., object] | None = None

    def attach(self, request: Callable[..., object]) -> None:
        """Give the view a way to change the panel's state (``request(v0=..., u0=...)``)."""
        self._request = request

    def request(self, **changes) -> None:
        if self._request is not None:
            self._request(**changes)

    def build(self) -> W.Widget:
        if self.widget is None:
            self.widget = dom(self._build(), self.css)
        return self.widget

    def update(self, vm: ViewModel) -> None:
        if self.shown:
            self._pending = None
            self.render(vm)
            self.renders += 1
        else:
            self._pending = vm

    def set_shown(self, shown: bool) -> None:
        self.shown = shown
        if shown and self._pending is not None:
            vm, self._pending = self._pending, None
            self.render(vm)
            self.renders += 1

    def fit(self, width_px: float) -> None:
        """Size the view to a main column of ``width_px`` (views with a figure override)."""

    def _make_figure(self, css: str) -> None:
        """This view's own ipympl figure (``self.fig``, ``self.canvas``), ``SIZE_PX`` big."""
        from ipympl.backend_nbagg import FigureManager
        from matplotlib.figure import Figure

        w, h = self.SIZE_PX  # type: ignore[attr-defined]
        self.fig = Figure(figsize=(w / 80, h / 80), dpi=80, facecolor="white")
        self.canvas = _canvas_class()(self.fig)
        self._manager = FigureManager(self.canvas, num=id(self) % 100000)
        self.canvas._size = (float(w), float(h))
        self.canvas.add_class(css)

    def _build(self) -> W.Widget:  # pragma: no cover - abstract
        raise NotImplementedError

    def render(self, vm: ViewModel) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


def _runaway_line(vm: ViewModel) -> str:
    """The short line drawn in the plot when a run was stopped (the panel says more)."""
    result = vm.result
    if result is None or not result.diverged:
        return ""
    text = result.message.split(";")[0].split(":")[0]
    return f"{text}: stopped early (see the message above)"


class TracesView(BaseView):
    """v, u and I against time and the phase plane, in one live figure; a time window."""

    title = "Traces"
    css = "izhi-traces-view"

    def __init__(self, first: SimulationResult, *, hidpi: bool = False):
        super().__init__()
        self.figure = TracesFigure(first, hidpi=hidpi)
        self.mode = ""
        self._duration = first.duration_ms
        self._hold = False

    def _build(self) -> W.Widget:
        self.window = dom(W.FloatRangeSlider(
            value=(0.0, self._duration), min=0.0, max=self._duration,
            step=max(self._duration / 1000, 0.001), description="time window",
            tooltip="zoom the traces to this time window (ms)", continuous_update=False,
            readout_format=".1f", layout=W.Layout(width="92%", max_width="640px"),
            style={"description_width": "88px"}), "izhi-time-window")
        self.window.observe(self._on_window, names="value")
        return W.VBox([self.figure.canvas, self.window], layout=W.Layout(width="100%"))

    def _on_window(self, change) -> None:
        if self._hold:
            return
        lo, hi = change["new"]
        if not (math.isfinite(lo) and math.isfinite(hi)):
            # only a hostile client sends these (a slider cannot): put the whole run back
            self._hold = True
            try:
                self.window.value = (0.0, self._duration)
            finally:
                self._hold = False
            lo, hi = 0.0, self._duration
        whole = lo <= 0.0 and hi >= self._duration
        self.figure.time_window = None if whole else (float(lo), float(hi))
        self.figure.apply_time_window(self._duration)
        self.figure.redraw()

    def render(self, vm: ViewModel) -> None:
        if vm.result is None:
            return
        duration = vm.result.duration_ms
        if duration != self._duration:  # a new run length: show all of it
            self._duration = duration
            self.figure.time_window = None
            self._hold = True
            try:
                self.window.max = max(duration, self.window.min)
                self.window.value = (0.0, duration)
                self.window.step = max(duration / 1000, 0.001)
            finally:
                self._hold = False
        self.mode = self.figure.show(vm.result, _runaway_line(vm))


class SpikesView(BaseView):
    """The spike times and inter-spike intervals of the run, as a table."""

    title = "Spikes"
    css = "izhi-spikes-view"
    MAX_ROWS = 2000

    def _build(self) -> W.Widget:
        self.table = dom(W.HTML(), "izhi-spike-table")
        return W.VBox([self.table], layout=W.Layout(width="100%"))

    def render(self, vm: ViewModel) -> None:
        result = vm.result
        if result is None:
            self.table.value = ""
            return
        times = np.asarray(result.spike_times_ms, dtype=float)
        stats = spike_stats(result)
        summary = (f"<p><b>{len(times)} spike{'s' if len(times) != 1 else ''}</b>, "
                   f"mean rate {stats.rate_hz:.3g} Hz")
        if len(times) > 1:
            isi = np.diff(times)
            summary += (f"; ISI from {grid_time_text(isi.min())} to "
                        f"{grid_time_text(isi.max())} ms (mean {isi.mean():.4g} ms)")
        summary += "</p>"
        rows = []
        for k, t in enumerate(times[: self.MAX_ROWS]):
            isi = "" if k == 0 else grid_time_text(t - times[k - 1])
            rate = "" if k == 0 else f"{1000.0 / (t - times[k - 1]):.4g}"
            rows.append(f"<tr><td>{k + 1}</td><td>{grid_time_text(t)}</td><td>{isi}</td>"
                        f"<td>{rate}</td></tr>")
        more = ("" if len(times) <= self.MAX_ROWS else
                f"<p class='izhi-muted'>… {len(times) - self.MAX_ROWS} more (see the CSV)</p>")
        self.table.value = (
            summary + "<div class='izhi-scroll'><table class='izhi-table'><thead><tr>"
            "<th>#</th><th>time (ms)</th><th>ISI (ms)</th><th>instant. rate (Hz)</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>" + more)


_COPY_BUTTON = ("<button class='izhi-copy' type='button' title='copy to the clipboard' "
                "onclick=\"const t=this.parentElement.querySelector('textarea');"
                "t.select();(navigator.clipboard?navigator.clipboard.writeText(t.value)"
                ":Promise.reject()).catch(function(){document.execCommand('copy');});"
                "this.textContent='Copied';\">Copy</button>")


def copyable(text: str, css: str, rows: int = 1) -> str:
    """HTML of a read-only monospace box holding ``text`` with a copy button."""
    return (f"<div class='izhi-copybox {css}'>{_COPY_BUTTON}"
            f"<textarea readonly rows='{rows}' spellcheck='false'>{html.escape(text)}"
            f"</textarea></div>")


class CodeView(BaseView):
    """A standalone Brian2 script of the run on screen: monospace, copy, download."""

    title = "Code"
    css = "izhi-code-view"

    def __init__(self, download: Callable[[str, str, bytes], None]):
        super().__init__()
        self._download = download
        self.code = ""

    def _build(self) -> W.Widget:
        self.intro = W.HTML("<div class='izhi-muted'>A standalone Brian2 script (runtime mode, "
                            "no izhi_widgets) that reproduces this run; it prints the spike "
                            "times. Run it with <code>python izhi_brian2.py</code>.</div>")
        self.box = dom(W.HTML(), "izhi-code-output")
        self.button = dom(W.Button(description="Download script", icon="download",
                                   tooltip=f"save the script as {SCRIPT_NAME}",
                                   layout=W.Layout(width="auto")), "izhi-code-download")
        self.button.on_click(lambda _b: self._download(SCRIPT_NAME, "text/x-python",
                                                       self.code.encode()))
        return W.VBox([self.intro, self.button, self.box], layout=W.Layout(width="100%"))

    def render(self, vm: ViewModel) -> None:
        if vm.result is None:
            return
        self.code = script_text(vm.state)
        self.box.value = copyable(self.code, "izhi-code-text", rows=28)


def fit_figure(canvas, fig, width_px: float, aspect: float, *, lo: int = 360,
               hi: int = 1100) -> bool:
    """Resize a view's figure to ``width_px`` (clipped to ``[lo, hi]``) at ``aspect``
    (height / width), keeping its resolution; True when the size changed."""
    width = int(min(hi, max(lo, width_px)))
    height = int(round(width * aspect))
    if tuple(canvas._size) == (float(width), float(height)):
        return False
    fig.set_size_inches(width / fig.dpi, height / fig.dpi, forward=False)
    canvas._size = (float(width), float(height))
    canvas.manager.resize(width, height, forward=False)
    return True
