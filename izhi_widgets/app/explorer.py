"""`Explorer`: the app's thin shell — controls on the left, views as tabs on the right.

Every user change goes the same way: the controls' draft → `PanelController.submit`
→ a `ViewModel` → the header (readout, label, messages, share link) and the views
(`izhi_widgets.app.views`; hidden tabs render when shown). The shell holds no model
logic.

Voilà and share links: `Explorer.from_environment` reads the page's query string
(Voilà passes it to the kernel as ``QUERY_STRING``; in a preheated kernel it first
waits for the request). The address bar then follows the state.

The DOM classes (``izhi-*``) are a contract with the browser tests (`DOM_CLASSES`).

Examples
--------
In a notebook (after ``%matplotlib widget``)::

    from izhi_widgets.app import Explorer
    ex = Explorer("C")    # the last expression of a cell displays the app
    ex.set_value("a", 0.03)   # as if typed: re-simulates and redraws
"""

from __future__ import annotations

import functools
import logging
import os
import time
import traceback
from typing import Any, Callable, Sequence

import ipywidgets as W

from ..model import simulate
from ..presets import PRESETS
from ..result import SimulationResult
from .browser import BrowserBridge, PageInfo, app_url
from .controller import PanelController, ViewModel
from .memory import apply_limit
from .controls import Controls, dom
from .designer import design_texts, seed_design
from .exports import CSV_NAME, PNG_NAME, csv_text
from .layout import CSS
from .panels import ControlsColumn, StatusArea
from .state import DEFAULT_PRESET, PanelState
from .excitability_view import ExcitabilityView
from .map_view import PatternMapView
from .network_view import NetworkView
from .phase_view import PhasePlaneView
from .views import BaseView, CodeView, SpikesView, TracesView, copyable

__all__ = ["Explorer", "DOM_CLASSES"]

_LOG = logging.getLogger(__name__)

#: DOM classes of the contract with the browser tests (stimulus boxes: ``izhi-stim-<field>``).
DOM_CLASSES = (
    "izhi-app", "izhi-controls", "izhi-main", "izhi-preset", "izhi-preset-info", "izhi-a",
    "izhi-b", "izhi-c", "izhi-d", "izhi-a-box", "izhi-b-box", "izhi-c-box", "izhi-d-box",
    "izhi-v0", "izhi-u0", "izhi-stim-shape", "izhi-duration", "izhi-numerics", "izhi-dt",
    "izhi-numerics-note", "izhi-figure", "izhi-readout", "izhi-label", "izhi-status",
    "izhi-message", "izhi-progress", "izhi-reset", "izhi-csv", "izhi-png", "izhi-share",
    "izhi-tabs", "izhi-time-window", "izhi-page-info", "izhi-exact-check", "izhi-exact-result",
)


def _guarded(method: Callable) -> Callable:
    """Run a widget callback; any exception becomes a message in the panel, never a traceback."""

    @functools.wraps(method)
    def wrapper(self: "Explorer", *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # the app must keep working
            self.last_exception = traceback.format_exc()
            _LOG.warning("explorer callback %s failed", method.__name__, exc_info=True)
            self._message(f"Something went wrong ({type(exc).__name__}: {exc}). Change a "
                          f"value or press “Reset to preset”.", "error")
            return None

    return wrapper


class Explorer:
    """The interactive explorer: presets, parameters, stimulus designer, numerics, views.

    Parameters
    ----------
    preset : str
        Preset key to start with (default ``"A"``).
    state : PanelState, optional
        A full state to start with instead.
    hidpi : bool
        Render the figure at the screen's device pixel ratio (sharper, ~4x slower).
    views : sequence of views, optional
        Extra views (`izhi_widgets.app.views.BaseView`) shown as tabs after the built-in
        Traces, Spikes and Code tabs.
    simulate_fn : callable
        The model (tests may inject a stand-in).

    Attributes
    ----------
    widget : ipywidgets.Box
        The whole app (``display(explorer)`` shows it too).
    result, state : the run on screen and its settings.
    timings : dict
        Milliseconds of the last update: ``simulate``, ``draw``, ``total``; ``mode``.
    """

    def __init__(self, preset: str = DEFAULT_PRESET, *, state: PanelState | None = None,
                 hidpi: bool = False, views: Sequence[BaseView] = (),
                 simulate_fn: Callable[..., SimulationResult] = simulate):
        state = PanelState.from_preset(preset) if state is None else state
        self.controller = PanelController(state, simulate_fn=simulate_fn)
        self.timings: dict[str, Any] = {}
        self.last_exception: str | None = None
        self._request_url = ""
        self.controls = Controls(self._on_change, self._on_preset, self._on_kind)
        self.bridge = BrowserBridge(self._on_page)
        self.traces = TracesView(simulate(PRESETS[DEFAULT_PRESET]), hidpi=hidpi)
        self.views: list[BaseView] = [self.traces, PhasePlaneView(), ExcitabilityView(),
                                      PatternMapView(), NetworkView(), SpikesView(),
                                      CodeView(self.bridge.download), *views]
        for view in self.views:
            view.attach(self.request)
        self._build()
        self.views[0].set_shown(True)
        self._show(self.controller.run(state))
        self.controls.set(self.controller.draft())

    # ----- construction ----------------------------------------------------------------
    def _build(self) -> None:
        self.column = ControlsColumn(self.controls)
        self.area = StatusArea()
        # the parts tests and notebooks reach for
        for name in ("preset_info", "equation", "variant_toggle", "variant_box",
                     "numerics_note", "exact_button", "exact_result"):
            setattr(self, name, getattr(self.column, name))
        self.exact_button.on_click(self._on_exact)
        for name in ("readout", "label", "status", "progress", "message"):
            setattr(self, name, getattr(self.area, name))
        self.tabs = dom(W.Tab(children=[v.build() for v in self.views],
                              titles=[v.title for v in self.views],
                              layout=W.Layout(width="100%")), "izhi-tabs")
        self.tabs.observe(self._on_tab, names="selected_index")
        buttons = []
        for css, text, icon, tip, handler in (
                ("izhi-reset", "Reset to preset", "undo", "restore the preset's values",
                 self._on_reset),
                ("izhi-csv", "Traces CSV", "download", "save t, v, u, I as CSV", self._on_csv),
                ("izhi-png", "Figure PNG", "download", "save the figure as PNG", self._on_png)):
            button = dom(W.Button(description=text, icon=icon, tooltip=tip,
                                  layout=W.Layout(width="auto")), css)
            button.on_click(handler)
            buttons.append(button)
        self.reset_button, self.csv_button, self.png_button = buttons
        self.share = dom(W.HTML(layout=W.Layout(width="100%")), "izhi-share")
        self.main = dom(W.VBox([
            *self.area.widgets, self.tabs,
            W.HBox(buttons, layout=W.Layout(flex_flow="row wrap")),
            W.HTML("<div class='izhi-h'>Share this view</div>"), self.share,
        ]), "izhi-main")
        self.widget = dom(W.Box([W.HTML(CSS), self.column.widget, self.main,
                                 self.bridge.widget]),
                          "izhi-app", self.bridge.scope)
        _no_null_tooltips(self.widget)
        self.bridge.start()

    # ----- display ---------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict):  # what a static render (GitHub, nbviewer) shows instead
            bundle["text/plain"] = (f"Explorer({self.state.preset!r}): the interactive panel; "
                                    f"it renders with a live kernel (JupyterLab, Voila, Binder)")
        return bundle

    def close(self) -> None:
        """Close this panel's widgets (frees the kernel-side objects)."""
        stack = [self.widget]
        while stack:
            widget = stack.pop()
            stack.extend(getattr(widget, "children", ()))
            widget.close()

    @property
    def result(self) -> SimulationResult | None:
        last = self.controller.last
        return None if last is None else last.result

    @property
    def state(self) -> PanelState:
        return self.controller.state

    @property
    def run_count(self) -> int:
        return self.controller.run_count

    # ----- entry points ----------------------------------------------------------------
    @classmethod
    def from_query(cls, query: str, **kwargs) -> "Explorer":
        """An explorer showing a share query string (``"preset=P&a=0.1"``): valid fields
        are applied, invalid ones named in the panel."""
        explorer = cls(**kwargs)
        explorer.apply_query(query)
        return explorer

    @classmethod
    def from_environment(cls, **kwargs) -> "Explorer":
        """The explorer for the current page: the Voilà request's query string if any
        (in a preheated kernel, after waiting for the request). In class mode
        (``IZHI_KERNEL_MEMORY_MB`` set) the kernel's memory limit is applied first."""
        apply_limit()
        explorer = cls(**kwargs)
        query = _request_query_string()
        explorer._request_url = os.environ.get("VOILA_REQUEST_URL", "")
        if query:
            explorer.apply_query(query)
        else:
            explorer._show_share(explorer.controller.last)
        return explorer

    def apply_query(self, query: str) -> ViewModel:
        vm = self.controller.load_query(query, self._progress)
        self.controls.set(self.controller.draft())
        self._show(vm)
        return vm

    def set_value(self, key: str, value: Any) -> ViewModel:
        """Type ``value`` into the control ``key`` (a, b, c, d, v0, u0, k1, k0, duration,
        dt; recovery, numerics) and update, as a user would."""
        c = self.controls
        if key in c.params:
            c.params[key].box.widget.value = str(value)
        elif key in c.numbers:
            c.numbers[key].widget.value = str(value)
        else:
            c.choices[key].widget.value = value
        return self.controller.last

    def view(self, title: str) -> BaseView:
        """The view whose tab is called ``title``."""
        return next(v for v in self.views if v.title == title)

    def show_view(self, title: str) -> BaseView:
        """Select the tab ``title`` (its view renders now) and return the view."""
        self.tabs.selected_index = [v.title for v in self.views].index(title)
        return self.view(title)

    @_guarded
    def request(self, **changes: Any) -> ViewModel:
        """Apply changes asked for by a view, as if typed (``v0=-60, u0=-12`` from a click
        on the phase plane; ``a=..., b=...`` from a map cell; ``kicks=((t, dv), ...)``)."""
        draft = self.controls.draft()
        for key, value in changes.items():
            draft[key] = value
        vm = self.controller.submit(draft, self._progress)
        if not vm.stale:
            self.controls.set(self.controller.draft())
        self._show(vm)
        return vm

    def update(self) -> ViewModel:
        """Read the controls, simulate and redraw (what every control change calls)."""
        start = time.perf_counter()
        self.status.value = "running…"
        vm = self.controller.submit(self.controls.draft(), self._progress)
        simulated = time.perf_counter()
        self._show(vm)
        end = time.perf_counter()
        self.timings = {"simulate": 1e3 * (simulated - start), "draw": 1e3 * (end - simulated),
                        "total": 1e3 * (end - start), "mode": self.traces.mode}
        if not vm.stale:
            self.status.value = (f"run #{vm.run_count} · ready · "
                                 f"{self.timings['total']:.0f} ms")
        return vm

    # ----- callbacks -------------------------------------------------------------------
    @_guarded
    def _on_change(self) -> None:
        self.update()

    @_guarded
    def _on_preset(self, key: str) -> None:
        self._show(self.controller.load_preset(key, self._progress))
        self.controls.set(self.controller.draft())

    @_guarded
    def _on_kind(self, kind: str) -> None:
        """A new stimulus shape starts from the stimulus on screen (amplitude, window,
        baseline), then runs."""
        state = self.controller.state
        if kind not in ("preset", "custom"):
            design = seed_design(state.stimulus(), kind, state.duration)
            self.controls.designer.set(kind, design_texts(design))
        else:
            self.controls.designer.show_fields(kind)
        self.update()

    @_guarded
    @_guarded
    def _on_exact(self, _button=None) -> None:
        self.column.show_exact("muted", "Solving the exact solution ...")
        self.column.show_exact(*self.controller.check_exact())

    def _on_reset(self, _button=None) -> None:
        self._show(self.controller.reset(self._progress))
        self.controls.set(self.controller.draft())

    @_guarded
    def _on_csv(self, _button=None) -> None:
        vm = self.controller.last
        if vm is None or vm.result is None:
            self._message("Nothing to download yet: no successful run.", "error")
            return
        self.bridge.download(CSV_NAME, "text/csv", csv_text(vm.result, vm.state).encode())

    @_guarded
    def _on_png(self, _button=None) -> None:
        self.bridge.download(PNG_NAME, "image/png", self.traces.figure.png_bytes())

    @_guarded
    def _on_tab(self, change) -> None:
        for k, view in enumerate(self.views):
            view.set_shown(k == change["new"])

    @_guarded
    def _on_page(self, info: PageInfo) -> None:
        # On a tall enough page keep the whole figure on screen: below the main column's
        # top, the readouts and the tab bar (~110 px) come first.
        budget = info.height - min(info.top, 400) - 120 if info.height >= 600 else 0
        for view in self.views[1:]:
            view.fit(info.width - 40)
        if info.width and self.traces.figure.fit(info.width - 8, budget):
            vm = self.controller.last
            if vm is not None and vm.result is not None:
                self.traces.figure.show(vm.result)
        self._show_share(self.controller.last)

    def _progress(self, fraction: float, text: str) -> None:
        self.area.show_progress(fraction, text)

    # ----- showing a view model -----------------------------------------------------------
    def _show(self, vm: ViewModel) -> None:
        if vm.stale:
            self.main.add_class("izhi-stale")
        else:
            self.main.remove_class("izhi-stale")
            for view in self.views:
                view.update(vm)
        self.area.show_run(vm)
        self.column.show(vm)
        self.controls.mark_invalid(vm.field_errors)
        if not vm.stale:
            self._show_share(vm)
        self.area.show_status(vm)  # last: see StatusArea

    def _show_share(self, vm: ViewModel | None) -> None:
        if vm is None:
            return
        page = self.bridge.page.href or self._request_url
        url = app_url(page, vm.share_query) if page else ""
        if url:
            self.share.value = copyable(url, "izhi-share-url")
            self.bridge.replace_query(vm.share_query)
        else:
            self.share.value = copyable(f"?{vm.share_query}", "izhi-share-url") + (
                "<div class='izhi-muted'>Add this to the app's address (the page opened by "
                "<code>make app</code>, or …/voila/render/explorer.ipynb on a Jupyter "
                "server) to open this view.</div>")

    def _message(self, text: str, level: str) -> None:
        self.area.show_message(text, level)

    def message_text(self) -> str:
        """The message shown (plain text; '' when everything is fine)."""
        vm = self.controller.last
        return "" if vm is None else vm.message


def _no_null_tooltips(root: W.Widget) -> None:
    """ipywidgets writes a missing tooltip as title="null" on labels: use '' instead."""
    stack = [root]
    while stack:
        widget = stack.pop()
        stack.extend(getattr(widget, "children", ()))
        if "tooltip" in widget.traits() and widget.tooltip is None:
            widget.tooltip = ""


def _request_query_string() -> str:
    """The page's query string under Voilà ('' in plain Jupyter). Never raises."""
    if os.environ.get("VOILA_PREHEAT", "False") == "True":
        try:
            from voila.utils import wait_for_request

            wait_for_request()
        except Exception:  # not fatal: fall back to whatever the environment holds
            _LOG.warning("waiting for the Voila request failed", exc_info=True)
    return os.environ.get("QUERY_STRING", "") or ""
