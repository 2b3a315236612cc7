"""The explorer panel: ipywidgets controls around one ipympl figure.

`Explorer` owns its widgets and a single matplotlib figure (v(t) with spike marks,
u(t), I(t) and the v–u phase plane). Every change of a control runs the inner update
`Explorer.update`: read the controls, simulate with the compiled Brian2 engine, move
the artists' data in place and push the new image to the browser.

Fast redraws
------------
The figure is drawn in two layers. A full draw renders the static layer (axes, ticks,
labels, legend) and caches it; the data artists are ``animated`` and drawn on top of
the cached layer ("blitting"). A slider move usually changes only the data, so the
update restores the cached layer, draws ~15 lines and sends the changed pixels — a
few tens of ms instead of a full matplotlib draw. Axis limits are "sticky": they only
change when the data leave them or fill less than half of them, which also keeps the
plot from jumping.

Voilà and share links
---------------------
`Explorer.from_environment` builds the panel, then reads the page's query string
(Voilà passes it to the kernel as ``QUERY_STRING``; with a preheated kernel it first
waits for the request with ``voila.utils.wait_for_request``). `izhi_widgets.state`
encodes and decodes that string strictly.

The DOM classes (``izhi-*``) on the widgets are a contract with the browser tests;
see `DOM_CLASSES`.

Examples
--------
In a notebook (after ``%matplotlib widget``)::

    from izhi_widgets.panel import Explorer
    ex = Explorer("C")    # the last expression of a cell displays the app
    ex.a.value = 0.03     # re-simulates and redraws, like moving the slider
"""

from __future__ import annotations

import base64
import concurrent.futures
import functools
import html
import io
import logging
import math
import os
import time
import traceback
from dataclasses import fields as dc_fields
from dataclasses import replace
from typing import Any, Callable

import ipywidgets as W
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend

from .analysis import classify, spike_stats
from .codegen import brian2_script
from .engine import EngineSpec, bucket_steps, is_built
from .model import simulate
from .params import PARAM_LIMITS
from .presets import PRESET_GROUPS, PRESETS
from .sensitivity import SETTINGS, load_sensitivity, sensitivity_note
from .result import SimulationResult, time_grid
from .state import (DEFAULT_PRESET, FIELD_DEFAULTS, PANEL_MAX_DT_MS, PANEL_MIN_DT_MS,
                    SHAPE_FIELDS, SHAPE_LABELS, SHAPES, PanelState,
                    decode_state, designer_from_stimulus, encode_state, format_points,
                    parse_number)

__all__ = ["Explorer", "DOM_CLASSES"]

_LOG = logging.getLogger(__name__)
_LOG.addHandler(logging.NullHandler())

#: Every DOM class of the contract with the browser tests (stimulus fields: ``izhi-stim-<f>``).
DOM_CLASSES = (
    "izhi-app", "izhi-preset", "izhi-preset-info", "izhi-a", "izhi-b", "izhi-c", "izhi-d",
    "izhi-v0", "izhi-u0", "izhi-stim-shape", "izhi-duration", "izhi-numerics", "izhi-dt",
    "izhi-numerics-note", "izhi-figure", "izhi-readout", "izhi-label", "izhi-status",
    "izhi-message", "izhi-progress", "izhi-reset", "izhi-csv", "izhi-png", "izhi-downloads",
    "izhi-code", "izhi-code-output", "izhi-share", "izhi-ping", "izhi-pong",
)

#: Slider ranges (every preset inside; typed or shared values outside widen the slider).
SLIDER_RANGES = {
    "a": (-0.05, 1.0, 0.001),
    "b": (-1.0, 1.0, 0.005),
    "c": (-80.0, -40.0, 0.5),
    "d": (-22.0, 10.0, 0.05),
}
_READOUT_FORMATS = {"a": ".3f", "b": ".3f", "c": ".1f", "d": ".2f"}

#: Stimulus designer fields: (label, widget kind, tooltip).
_FIELD_SPECS = {
    "amplitude": ("amplitude", "float", "current while on"),
    "start": ("start (ms)", "float", "window opens (open interval: t > start)"),
    "stop": ("stop (ms)", "text", "window closes (t < stop); empty = until the end"),
    "width": ("width (ms)", "float", "each pulse lasts this long"),
    "period": ("period (ms)", "float", "time between pulse onsets"),
    "count": ("count", "int", "number of pulses"),
    "slope": ("slope (/ms)", "float", "current rises by this much per ms"),
    "frequency": ("frequency (Hz)", "float", "sine frequency"),
    "offset": ("offset", "float", "constant added to the current"),
    "mean": ("mean", "float", "mean current"),
    "sigma": ("sigma", "float", "standard deviation of the noise"),
    "tau": ("tau (ms)", "float", "correlation time of the noise"),
    "seed": ("seed", "int", "random seed (same seed, same noise)"),
    "points": ("t:value pairs", "text", "e.g. 0:0, 50:10, 100:0 (held between points)"),
}

#: Most samples drawn per line (longer runs are decimated for display, keeping extremes).
_MAX_DRAWN_POINTS = 6000
#: A run that may take longer than this (s) runs in a worker thread with a progress bar.
_PROGRESS_AFTER_S = 0.3
#: Typical time (s) to compile a new engine structure (for the progress bar).
_COMPILE_S = 10.0

_CSS = """
<style>
.izhi-app { font-size: 13px; }
.izhi-app .izhi-h { font-weight: 600; margin: 6px 0 0 0; border-bottom: 1px solid #ddd; }
.izhi-app .izhi-error { color: #b00020; font-weight: 600; }
.izhi-app .izhi-warn { color: #8a5a00; }
.izhi-app .izhi-ok { color: #1b7f3b; font-weight: 600; }
.izhi-app .izhi-bad { color: #b00020; font-weight: 600; }
.izhi-app .izhi-muted { color: #666; font-size: 12px; }
.izhi-app .widget-html-content { line-height: 1.35; }
.izhi-app .izhi-preset-info .widget-html-content { font-size: 12.5px; }
.izhi-app .izhi-code-output pre { max-height: 420px; overflow: auto; background: #f7f7f7;
  border: 1px solid #ddd; padding: 6px; font-size: 11.5px; line-height: 1.3; }
.izhi-app .izhi-share code { word-break: break-all; font-size: 12px; }
.izhi-app .izhi-diagnostics { opacity: 0.6; font-size: 11px; }
</style>
"""

_WHY_STEP = (
    "Why: in the paper's scheme <i>u</i> is advanced with the <i>new</i>, overshooting "
    "<i>v</i> in the step where <i>v</i> crosses the peak, so the effective reset of "
    "<i>u</i> is d&nbsp;+&nbsp;&tau;&middot;a&middot;(b&middot;V<sub>peak</sub>&nbsp;&minus;&nbsp;u), "
    "not d. A finer step or a true ODE integrator removes that extra kick, and presets "
    "tuned on it change behaviour.")

# ---------------------------------------------------------------------------------------
# helpers


def _fmt(x: float) -> str:
    """Short exact-ish number text for the UI."""
    return f"{x:.6g}"


def _span(text: str, cls: str) -> str:
    return f'<span class="{cls}">{html.escape(text)}</span>'


def _decimate(result: SimulationResult, max_points: int = _MAX_DRAWN_POINTS) -> SimulationResult:
    """A copy of ``result`` with at most ~``max_points`` samples, keeping each bin's extremes
    of v and I (spikes survive), indices shared by all arrays (the phase plane stays paired)."""
    n = len(result.t_ms)
    if n <= max_points or len(result.v_mV) != n:
        return result
    bins = max_points // 4
    edges = np.linspace(0, n, bins + 1).astype(np.int64)
    keep = [np.array([0, n - 1])]
    for arr in (np.asarray(result.v_mV), np.asarray(result.I)):
        if len(arr) != n:
            continue
        for reducer in (np.minimum, np.maximum):
            vals = reducer.reduceat(arr, edges[:-1])
            # index of the (first) extreme inside each bin
            mask = arr == np.repeat(vals, np.diff(edges))
            first = np.flatnonzero(mask)
            bin_of = np.searchsorted(edges, first, side="right") - 1
            _, pos = np.unique(bin_of, return_index=True)
            keep.append(first[pos])
    idx = np.unique(np.concatenate(keep))
    return replace(result, t_ms=result.t_ms[idx], v_mV=result.v_mV[idx], u=result.u[idx],
                   I=result.I[idx])


def _sensitivity_note(key: str, numerics: str, dt_ms: float) -> tuple[str | None, str | None]:
    """``(exact note, nearby note)`` from the packaged sensitivity table."""
    table = load_sensitivity()
    exact = sensitivity_note(key, numerics, dt_ms, table=table)
    nearby = None
    row = table.get(key)
    if exact is None and row is not None:
        notes = [row.get(f"{s.id}_note") for s in SETTINGS
                 if s.numerics == numerics and s.dt_ms is not None]
        notes = [n for n in notes if n]
        nearby = "; ".join(notes) or None
    return exact, nearby


def _guarded(method: Callable) -> Callable:
    """Run a widget callback; any exception becomes a message in the panel, never a traceback."""

    @functools.wraps(method)
    def wrapper(self: "Explorer", *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # the app must keep working
            self.last_exception = traceback.format_exc()
            _LOG.warning("explorer callback %s failed", method.__name__, exc_info=True)
            self._show_error(f"Something went wrong ({type(exc).__name__}: {exc}). "
                             f"Change a value or press “Reset to preset”.")
            return None

    return wrapper


def _dom(widget: W.Widget, *classes: str) -> W.Widget:
    for cls in classes:
        widget.add_class(cls)
    return widget


# ---------------------------------------------------------------------------------------
# the canvas


@functools.lru_cache(maxsize=None)
def _canvas_class():
    """An ipympl canvas that blits animated artists over a cached static layer."""
    from ipympl.backend_nbagg import Canvas
    from PIL import Image

    class ExplorerCanvas(Canvas):
        def __init__(self, figure, *args, **kwargs):
            super().__init__(figure, *args, **kwargs)
            self._izhi_dynamic: list[Artist] = []
            self._izhi_background = None
            self._izhi_max_ratio = 1.0

        def _draw_dynamic(self) -> None:
            for artist in self._izhi_dynamic:
                if artist.get_visible():
                    artist.axes.draw_artist(artist) if artist.axes is not None else \
                        self.figure.draw_artist(artist)

        def draw(self):  # a full draw: static layer, cached, then the data on top
            self._png_is_old = True
            try:
                FigureCanvasAgg.draw(self)
                self._izhi_background = self.copy_from_bbox(self.figure.bbox)
                self._draw_dynamic()
            finally:
                self.manager.refresh_all()

        def blit_dynamic(self) -> None:
            """Redraw only the animated artists over the cached static layer."""
            if self._izhi_background is None:
                self.draw()
                return
            self.restore_region(self._izhi_background)
            self._draw_dynamic()
            self.blit()

        def invalidate(self) -> None:
            self._izhi_background = None

        # HiDPI screens would quadruple the pixels to draw and send: cap the ratio.
        def handle_set_device_pixel_ratio(self, event):
            ratio = min(float(event.get("device_pixel_ratio", 1)), self._izhi_max_ratio)
            if self._set_device_pixel_ratio(ratio):
                self._izhi_background = None
                self._force_full = True
                self.draw_idle()

        handle_set_dpi_ratio = handle_set_device_pixel_ratio

        def send_binary(self, data):
            # ipympl stores the page's initial image (before the browser connects) without the
            # "data:" prefix, so the browser loads a broken image and, depending on message
            # order, never sizes the canvas. Store a proper data URL instead.
            if self.syncing_data_url and self._last_buff.size:
                pixels = self._last_buff.view(dtype=np.uint8).reshape((*self._last_buff.shape, 4))
                with io.BytesIO() as png:
                    Image.fromarray(pixels).save(png, format="png", compress_level=1)
                    self._data_url = ("data:image/png;base64,"
                                      + base64.b64encode(png.getvalue()).decode("ascii"))
            self.send({"data": '{"type": "binary"}'}, buffers=[data])

        def get_diff_image(self):  # as matplotlib's, with fast PNG compression
            if not self._png_is_old:
                return None
            renderer = self.get_renderer()
            pixels = np.asarray(renderer.buffer_rgba())
            buff = pixels.view(np.uint32).squeeze(2)
            if (self._force_full or buff.shape != self._last_buff.shape
                    or (pixels[:, :, 3] != 255).any()):
                self.set_image_mode("full")
                output = buff
            else:
                self.set_image_mode("diff")
                output = np.where(buff != self._last_buff, buff, 0)
            self._last_buff = buff.copy()
            self._force_full = False
            self._png_is_old = False
            data = output.view(dtype=np.uint8).reshape((*output.shape, 4))
            with io.BytesIO() as png:
                Image.fromarray(data).save(png, format="png", compress_level=1)
                return png.getvalue()

    return ExplorerCanvas


# ---------------------------------------------------------------------------------------
# the panel


class Explorer:
    """The interactive explorer: presets, parameters, stimulus designer, numerics, figure.

    Parameters
    ----------
    preset : str
        Preset key to start with (default ``"A"``).
    state : PanelState, optional
        A full state to start with instead (e.g. decoded from a share link).
    dpi : float
        Figure resolution (the figure is ~760 x 500 pixels whatever the dpi).
    hidpi : bool
        Render at the screen's device pixel ratio (sharper on HiDPI screens, ~4x slower).

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole app (``display(explorer)`` shows it too).
    result : SimulationResult or None
        The run on screen.
    timings : dict
        Milliseconds of the last update: ``simulate``, ``draw``, ``total``; and ``mode``
        (``'blit'`` or ``'full'``).
    """

    FIG_PX = (760, 500)

    def __init__(self, preset: str = DEFAULT_PRESET, *, state: PanelState | None = None,
                 dpi: float = 80.0, hidpi: bool = False):
        if state is None:
            state = PanelState.from_preset(preset)
        self.result: SimulationResult | None = None
        self.state: PanelState | None = None
        self.timings: dict[str, Any] = {}
        self.run_count = 0
        self.last_exception: str | None = None
        self._hold = 0
        self._preset_key = state.preset
        self._request_url = ""
        self._build_widgets()
        self._build_figure(dpi, hidpi)
        self._build_layout()
        self._connect()
        self.apply_state(state)

    # ----- construction ----------------------------------------------------------------
    @classmethod
    def from_query(cls, query: str, **kwargs) -> "Explorer":
        """An explorer showing the state of a share query string (``"preset=P&a=0.1"``).

        An invalid string shows the default preset with an error message in the panel.
        """
        explorer = cls(**kwargs)
        explorer.apply_query(query)
        return explorer

    @classmethod
    def from_environment(cls, **kwargs) -> "Explorer":
        """The explorer for the current page: the query string of the Voilà request if any.

        The panel is built and drawn first; then, in a preheated Voilà kernel, this waits
        for the page request (``voila.utils.wait_for_request``) and applies its query string.
        In plain Jupyter (no Voilà) there is no query string and nothing waits.
        """
        explorer = cls(**kwargs)
        query = _request_query_string()
        explorer._request_url = os.environ.get("VOILA_REQUEST_URL", "")
        if query:
            explorer.apply_query(query)
        else:
            explorer._update_share()
        return explorer

    def _build_widgets(self) -> None:
        full = W.Layout(width="100%")
        desc = {"description_width": "92px"}
        options = []
        for group, keys in PRESET_GROUPS.items():
            year = "2004" if "2004" in group else "2003"
            for key in keys:
                options.append((f"{year} {key} · {PRESETS[key].name}", key))
        self.preset = _dom(W.Dropdown(options=options, value=self._preset_key,
                                      description="Preset", layout=full, style=desc),
                           "izhi-preset")
        self.preset_info = _dom(W.HTML(layout=W.Layout(width="100%", min_height="88px")),
                                "izhi-preset-info")
        self.sliders: dict[str, W.FloatSlider] = {}
        for name, (lo, hi, step) in SLIDER_RANGES.items():
            self.sliders[name] = _dom(W.FloatSlider(
                min=lo, max=hi, step=step, value=lo, description=name,
                continuous_update=False, readout=True, readout_format=_READOUT_FORMATS[name],
                layout=full, style={"description_width": "28px"}), f"izhi-{name}")
        self.a, self.b, self.c, self.d = (self.sliders[k] for k in "abcd")
        half = W.Layout(width="48%")
        small = {"description_width": "28px"}
        self.v0 = _dom(W.FloatText(description="v0", layout=half, style=small,
                                   tooltip="initial membrane potential (mV)"), "izhi-v0")
        self.u0 = _dom(W.FloatText(description="u0", layout=half, style=small,
                                   tooltip="initial recovery variable"), "izhi-u0")
        self.variant_toggle = _dom(W.Checkbox(description="edit equation variant", indent=False,
                                              layout=W.Layout(width="auto")),
                                   "izhi-variant-toggle")
        self.recovery = _dom(W.Dropdown(
            options=[("u' = a(bv − u)  (standard)", "standard"),
                     ("u' = ab(v + 65)  (accommodation, R)", "accommodation")],
            description="recovery", layout=full, style=desc), "izhi-recovery")
        self.k1 = _dom(W.FloatText(description="k1", layout=half, style=small), "izhi-k1")
        self.k0 = _dom(W.FloatText(description="k0", layout=half, style=small), "izhi-k0")
        self.equation = _dom(W.HTML(layout=full), "izhi-equation")
        self.variant_box = W.VBox([self.recovery, W.HBox([self.k1, self.k0])],
                                  layout=W.Layout(display="none", width="100%"))

        self.stim_shape = _dom(W.Dropdown(options=[(SHAPE_LABELS[s], s) for s in SHAPES],
                                          value="preset", description="shape", layout=full,
                                          style=desc), "izhi-stim-shape")
        self.stim_fields: dict[str, W.Widget] = {}
        for name, (label, kind, tip) in _FIELD_SPECS.items():
            kwargs = dict(description=label, layout=W.Layout(width="100%"), style=desc,
                          tooltip=tip)
            if kind == "float":
                widget = W.FloatText(value=float(FIELD_DEFAULTS[name]), **kwargs)
            elif kind == "int":
                widget = W.IntText(value=int(FIELD_DEFAULTS[name]), **kwargs)
            else:
                widget = W.Text(value="" if FIELD_DEFAULTS[name] is None else FIELD_DEFAULTS[name],
                                continuous_update=False, **kwargs)
                if name == "stop":
                    widget.placeholder = "end of run"
            self.stim_fields[name] = _dom(widget, f"izhi-stim-{name}")
        self.stim_desc = _dom(W.HTML(), "izhi-stim-desc")
        self.duration = _dom(W.FloatText(description="duration (ms)", layout=full, style=desc),
                             "izhi-duration")
        self.numerics = _dom(W.Dropdown(options=[("published", "published"), ("euler", "euler"),
                                                 ("rk4", "rk4")], value="published",
                                        description="numerics", layout=full, style=desc),
                             "izhi-numerics")
        self.dt = _dom(W.FloatText(description="dt (ms)", layout=full, style=desc,
                                   tooltip=f"integration step, {PANEL_MIN_DT_MS:g} to "
                                           f"{PANEL_MAX_DT_MS:g} ms"), "izhi-dt")
        self.numerics_help = W.HTML(
            '<div class="izhi-muted"><b>published</b>: the paper\'s fixed-step scheme (u updated '
            'with the new v; the preset\'s own step reproduces the figures spike for spike). '
            '<b>euler</b>, <b>rk4</b>: Brian2\'s ODE integrators at dt.</div>')
        self.numerics_note = _dom(W.HTML(layout=W.Layout(width="100%")), "izhi-numerics-note")

        self.readout = _dom(W.HTML(), "izhi-readout")
        self.label = _dom(W.HTML(), "izhi-label")
        self.status = _dom(W.HTML("run #0 · starting…"), "izhi-status")
        self.progress = _dom(W.FloatProgress(value=0.0, min=0.0, max=1.0, bar_style="info",
                                             layout=W.Layout(width="160px",
                                                             visibility="hidden")),
                             "izhi-progress")
        self.message = _dom(W.HTML("", layout=W.Layout(width="100%", min_height="22px")),
                            "izhi-message")
        self.reset_button = _dom(W.Button(description="Reset to preset", icon="undo",
                                          tooltip="restore the preset's values"), "izhi-reset")
        self.csv_button = _dom(W.Button(description="Traces CSV", icon="table",
                                        tooltip="prepare a CSV of t, v, u, I"), "izhi-csv")
        self.png_button = _dom(W.Button(description="Figure PNG", icon="image",
                                        tooltip="prepare a PNG of the figure"), "izhi-png")
        self.code_button = _dom(W.Button(description="Show code", icon="code",
                                         tooltip="a standalone Brian2 script of this run"),
                                "izhi-code")
        for button in (self.reset_button, self.csv_button, self.png_button, self.code_button):
            button.layout = W.Layout(width="auto")
        self.downloads = _dom(W.HTML("", layout=W.Layout(min_height="20px")), "izhi-downloads")
        self.code_output = _dom(W.HTML("", layout=W.Layout(width="100%")), "izhi-code-output")
        self.share = _dom(W.HTML("", layout=W.Layout(width="100%")), "izhi-share")
        self.ping = _dom(W.IntText(value=0, description="ping",
                                   layout=W.Layout(width="160px"),
                                   style={"description_width": "36px"}), "izhi-ping")
        self.pong = _dom(W.HTML("pong 0"), "izhi-pong")
        self._downloads: dict[str, str] = {}
        self._code_visible = False

    def _build_figure(self, dpi: float, hidpi: bool) -> None:
        from ipympl.backend_nbagg import FigureManager

        from .plotting import plot_phase_plane, plot_trace

        width, height = self.FIG_PX
        fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, facecolor="white")
        canvas = _canvas_class()(fig)
        self._manager = FigureManager(canvas, num=id(self) % 100000)
        canvas.header_visible = False
        canvas.footer_visible = False
        canvas.toolbar_visible = False
        canvas.resizable = False
        canvas._size = (float(width), float(height))  # the page lays the canvas out at once
        canvas._izhi_max_ratio = 4.0 if hidpi else 1.0
        canvas.add_class("izhi-figure")
        grid = fig.add_gridspec(3, 2, width_ratios=(1.55, 1.0), height_ratios=(2.3, 1.0, 1.0),
                                left=0.075, right=0.985, top=0.955, bottom=0.09,
                                wspace=0.24, hspace=0.10)
        ax_v = fig.add_subplot(grid[0, 0])
        ax_u = fig.add_subplot(grid[1, 0], sharex=ax_v)
        ax_i = fig.add_subplot(grid[2, 0], sharex=ax_v)
        ax_p = fig.add_subplot(grid[:2, 1])
        for ax in (ax_v, ax_u):
            ax.tick_params(labelbottom=False)
        for ax in (ax_v, ax_u, ax_i, ax_p):
            ax.tick_params(labelsize=8, length=3, pad=2)
            ax.xaxis.label.set_size(9)
            ax.yaxis.label.set_size(9)
        # Fixed label positions: matplotlib otherwise measures every tick label at each draw.
        for ax in (ax_v, ax_u, ax_i):
            ax.yaxis.set_label_coords(-0.075, 0.5)
        ax_i.xaxis.set_label_coords(0.5, -0.32)
        ax_p.yaxis.set_label_coords(-0.13, 0.5)
        ax_p.xaxis.set_label_coords(0.5, -0.075)
        ax_v.set_title("membrane potential v, recovery u, input I", fontsize=9, loc="left")
        ax_p.set_title("phase plane (v, u)", fontsize=9, loc="left")
        self.fig, self.canvas = fig, canvas
        self.axes = {"v": ax_v, "u": ax_u, "I": ax_i, "phase": ax_p}

        # Build the artists on the default preset's run (cheap, cached by the model).
        first = simulate(PRESETS[DEFAULT_PRESET])
        self._trace = plot_trace(first, axes=(ax_v, ax_u, ax_i), show_spikes=True)
        self._phase = plot_phase_plane(first, ax_p, legend=False)
        ax_i.set_xlabel("time (ms)")
        handles = self._phase.handles()
        labels = ["trajectory", "v-nullcline", "u-nullcline", "reset v = c", "peak",
                  "stable eq.", "unstable eq."][:len(handles)]
        self._legend = ax_p.legend(handles, labels, loc="upper left",
                                   bbox_to_anchor=(-0.02, -0.13), ncol=2, fontsize=8,
                                   frameon=False, handlelength=1.6, columnspacing=1.0,
                                   borderaxespad=0.0)
        self._phase_info = ax_p.text(0.98, 0.02, "", transform=ax_p.transAxes, ha="right",
                                     va="bottom", fontsize=8, color="0.3")
        dynamic = _artists_of(self._trace) + _artists_of(self._phase) + [self._phase_info]
        for artist in dynamic:
            artist.set_animated(True)
        canvas._izhi_dynamic = dynamic

    def _build_layout(self) -> None:
        def heading(text: str) -> W.HTML:
            return W.HTML(f'<div class="izhi-h">{text}</div>', layout=W.Layout(width="100%"))

        self.stim_box = W.VBox([self.stim_fields[name] for name in _FIELD_SPECS],
                               layout=W.Layout(width="100%"))
        controls = W.VBox([
            self.preset, self.preset_info,
            heading("Model"), self.equation, self.a, self.b, self.c, self.d,
            W.HBox([self.v0, self.u0], layout=W.Layout(width="100%")),
            self.variant_toggle, self.variant_box,
            heading("Stimulus I(t)"), self.stim_shape, self.stim_box, self.stim_desc,
            self.duration,
            heading("Numerics"), self.numerics, self.dt, self.numerics_help, self.numerics_note,
        ], layout=W.Layout(width="390px", min_width="390px", padding="0 12px 0 0",
                           overflow="visible"))  # 100%-wide children + margins: no scrollbar
        controls.add_class("izhi-controls")
        actions = W.HBox([self.reset_button, self.csv_button, self.png_button, self.code_button],
                         layout=W.Layout(flex_flow="row wrap"))
        status_row = W.HBox([self.status, self.progress],
                            layout=W.Layout(align_items="center"))
        right = W.VBox([
            self.canvas, self.readout, self.label, status_row, self.message, actions,
            self.downloads, heading("Share this view"), self.share, self.code_output,
        ], layout=W.Layout(width="780px", min_width="780px", overflow="visible"))
        right.add_class("izhi-main")
        diagnostics = W.HBox([W.HTML('<span class="izhi-muted">diagnostics</span>'), self.ping,
                              self.pong], layout=W.Layout(align_items="center",
                                                          margin="12px 0 0 0"))
        diagnostics.add_class("izhi-diagnostics")
        self.widget = W.VBox([W.HTML(_CSS),
                              # Wraps the figure below the controls when the page is
                              # narrower than both (a JupyterLab notebook with a sidebar).
                              W.HBox([controls, right],
                                     layout=W.Layout(align_items="flex-start",
                                                     flex_flow="row wrap")),
                              diagnostics], layout=W.Layout(padding="8px"))
        self.widget.add_class("izhi-app")

    def _connect(self) -> None:
        self.preset.observe(self._on_preset, names="value")
        # Registered before _on_change so u0 is already in step when the run starts.
        self.b.observe(self._keep_u0_at_rest, names="value")
        self.v0.observe(self._keep_u0_at_rest, names="value")
        for widget in (*self.sliders.values(), self.v0, self.u0, self.recovery, self.k1, self.k0,
                       self.duration, self.numerics, self.dt, *self.stim_fields.values()):
            widget.observe(self._on_change, names="value")
        self.stim_shape.observe(self._on_shape, names="value")
        self.variant_toggle.observe(self._on_variant_toggle, names="value")
        self.reset_button.on_click(self._on_reset)
        self.csv_button.on_click(self._on_csv)
        self.png_button.on_click(self._on_png)
        self.code_button.on_click(self._on_code)
        self.ping.observe(self._on_ping, names="value")

    # ----- display ---------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close this panel's widgets (frees the kernel-side objects)."""
        stack = [self.widget]
        while stack:
            widget = stack.pop()
            stack.extend(getattr(widget, "children", ()))
            widget.close()

    # ----- callbacks ---------------------------------------------------------------------
    @_guarded
    def _keep_u0_at_rest(self, change) -> None:
        """The papers start from rest, u0 = b*v0: while u0 sits there, it follows b and v0.
        A u0 the user (or a preset, like R's -16) set elsewhere is left alone."""
        if self._hold:
            return
        old_b = change["old"] if change["owner"] is self.b else self.b.value
        old_v0 = change["old"] if change["owner"] is self.v0 else self.v0.value
        try:
            at_rest = math.isclose(self.u0.value, old_b * old_v0, rel_tol=1e-9, abs_tol=1e-9)
        except TypeError:
            return
        if at_rest and math.isfinite(self.b.value * self.v0.value):
            self._hold += 1
            try:  # no run for u0 itself: the b / v0 observer right after runs once
                self.u0.value = round(self.b.value * self.v0.value, 12)
            finally:
                self._hold -= 1

    @_guarded
    def _on_change(self, change=None) -> None:
        if self._hold:
            return
        self.update()

    @_guarded
    def _on_preset(self, change) -> None:
        if self._hold:
            return
        self.apply_state(PanelState.from_preset(change["new"]))

    @_guarded
    def _on_shape(self, change) -> None:
        self._show_shape_fields()
        if self._hold:
            return
        self.update()

    @_guarded
    def _on_variant_toggle(self, change) -> None:
        self.variant_box.layout.display = "flex" if change["new"] else "none"

    @_guarded
    def _on_reset(self, _button=None) -> None:
        self.apply_state(PanelState.from_preset(self._preset_key))

    @_guarded
    def _on_csv(self, _button=None) -> None:
        if self.result is None:
            self._show_error("Nothing to download yet: no successful run.")
            return
        data = self.csv_text().encode()
        self._add_download("izhi_traces.csv", "text/csv", data, "traces CSV")

    @_guarded
    def _on_png(self, _button=None) -> None:
        data = self.png_bytes()
        self._add_download("izhi_figure.png", "image/png", data, "figure PNG")

    @_guarded
    def _on_code(self, _button=None) -> None:
        self._code_visible = not self._code_visible
        self.code_button.description = "Hide code" if self._code_visible else "Show code"
        self._update_code()

    def _on_ping(self, change) -> None:
        self.pong.value = f"pong {change['new']}"

    # ----- state -------------------------------------------------------------------------
    def apply_query(self, query: str) -> bool:
        """Show the state of a share query string; on a bad string, say why (in the panel)."""
        try:
            state = decode_state(query)
        except ValueError as exc:
            self._show_error(f"The link's settings were not applied: {exc}")
            return False
        self.apply_state(state)
        return True

    def apply_state(self, state: PanelState) -> SimulationResult | None:
        """Set every control from ``state`` (one update at the end)."""
        preset = PRESETS[state.preset]
        self._hold += 1
        try:
            self._preset_key = state.preset
            self.preset.value = state.preset
            for name in "abcd":
                self._set_slider(name, getattr(state, name))
            self.v0.value, self.u0.value = state.v0, state.u0
            self.recovery.value = state.recovery
            self.k1.value, self.k0.value = state.k1, state.k0
            self.duration.value, self.dt.value = state.duration, state.dt
            self.numerics.value = state.numerics
            self._fill_designer(preset.stimulus, state.stim)
            self.stim_shape.value = "preset" if state.stim is None else state.stim["shape"]
            needs_variant = (preset.params.recovery != "standard" or preset.params.k1 != 5.0
                             or preset.params.k0 != 140.0 or state.recovery != "standard"
                             or state.k1 != 5.0 or state.k0 != 140.0)
            self.variant_toggle.value = needs_variant
            self.variant_box.layout.display = "flex" if needs_variant else "none"
            self._show_preset_info()
            self._show_shape_fields()
        finally:
            self._hold -= 1
        return self.update()

    def _set_slider(self, name: str, value: float) -> None:
        slider = self.sliders[name]
        lo, hi = PARAM_LIMITS[name]
        value = float(value)
        # Widen the slider for values outside its usual range (share links, typed values).
        if value < slider.min:
            slider.min = max(lo, value)
        if value > slider.max:
            slider.max = min(hi, value)
        slider.value = value

    def _fill_designer(self, protocol, stim: dict | None) -> None:
        """Designer fields: from the shared state, else prefilled from the preset's protocol."""
        values: dict[str, Any] = {}
        designed = designer_from_stimulus(protocol)
        if designed is not None:
            values.update(designed[1])
        if stim is not None:
            values.update({k: v for k, v in stim.items() if k != "shape"})
        for name, widget in self.stim_fields.items():
            value = values.get(name, FIELD_DEFAULTS[name])
            if name == "stop":
                widget.value = "" if value is None else _fmt(float(value))
            elif name == "points":
                widget.value = str(value)
            elif isinstance(widget, W.IntText):
                widget.value = int(value)
            else:
                widget.value = float(value)
        if stim is None and designed is None:
            # Offer the preset's protocol as editable breakpoints when it is piecewise constant.
            points = _protocol_points(protocol, PRESETS[self._preset_key].duration_ms)
            if points:
                self.stim_fields["points"].value = points

    def read_state(self) -> PanelState:
        """The state the controls show (validated; ValueError names the bad field)."""
        shape = self.stim_shape.value
        stim = None
        if shape != "preset":
            stim = {"shape": shape}
            for name in SHAPE_FIELDS[shape]:
                widget = self.stim_fields[name]
                if name == "stop":
                    text = widget.value.strip()
                    stim[name] = None if text.lower() in ("", "end", "none") else \
                        parse_number("stimulus stop", text)
                else:
                    stim[name] = widget.value
        # Round the sliders' values to 12 significant digits: the browser's slider arithmetic
        # leaves noise such as 0.022999999999999993 for 0.023.
        a, b, c, d = (float(f"{float(self.sliders[k].value):.12g}") for k in "abcd")
        state = PanelState(
            preset=self._preset_key, a=a, b=b, c=c, d=d, k1=_num("k1", self.k1.value),
            k0=_num("k0", self.k0.value), recovery=self.recovery.value,
            v0=_num("v0", self.v0.value), u0=_num("u0", self.u0.value),
            duration=_num("duration", self.duration.value), dt=_num("dt", self.dt.value),
            numerics=self.numerics.value, stim=stim)
        return state.check()

    # ----- the inner update ---------------------------------------------------------------
    def update(self) -> SimulationResult | None:
        """Read the controls, simulate and redraw. Returns the result, or None on bad input
        (the reason is shown in the panel). This is what every control change calls."""
        t_start = time.perf_counter()
        self._set_status("running…")
        try:
            state = self.read_state()
            params, stimulus = state.params(), state.stimulus()
            result = self._simulate(state, params, stimulus)
        except ValueError as exc:
            self._fail(str(exc))
            return None
        except Exception as exc:
            self.last_exception = traceback.format_exc()
            _LOG.warning("simulation failed", exc_info=True)
            self._fail(f"The simulation failed ({type(exc).__name__}: {exc}).")
            return None
        finally:
            self._progress_done()
        t_sim = time.perf_counter()
        mode = self._draw(result)
        t_draw = time.perf_counter()
        self.result, self.state = result, state
        self.run_count += 1
        self._show_result(result, state)
        t_end = time.perf_counter()
        self.timings = {"simulate": (t_sim - t_start) * 1e3, "draw": (t_draw - t_sim) * 1e3,
                        "total": (t_end - t_start) * 1e3, "mode": mode}
        self._set_status(f"ready · {self.timings['total']:.0f} ms")
        return result

    def _simulate(self, state: PanelState, params, stimulus) -> SimulationResult:
        kwargs = dict(duration_ms=state.duration, dt_ms=state.dt, numerics=state.numerics,
                      v0_mV=state.v0, u0=state.u0)
        n_steps = len(time_grid(state.duration, state.dt))
        compiled = is_built(EngineSpec(state.numerics, 1, bucket_steps(n_steps), True))
        if compiled and n_steps <= 100_000:
            return simulate(params, stimulus, **kwargs)
        if not compiled:
            self._set_status(f"running… compiling the Brian2 engine for {bucket_steps(n_steps)} "
                             f"steps ({state.numerics}): ~{_COMPILE_S:.0f} s, once")
        expected = _COMPILE_S if not compiled else max(0.5, n_steps * 2e-6)
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(simulate, params, stimulus, **kwargs)
            start = time.perf_counter()
            while True:
                try:
                    return future.result(timeout=0.1)
                except concurrent.futures.TimeoutError:
                    elapsed = time.perf_counter() - start
                    if elapsed > _PROGRESS_AFTER_S or not compiled:
                        self.progress.layout.visibility = "visible"
                        self.progress.value = min(0.95, elapsed / expected)

    def _progress_done(self) -> None:
        if self.progress.layout.visibility != "hidden":
            self.progress.value = 1.0
            self.progress.layout.visibility = "hidden"

    def _draw(self, result: SimulationResult) -> str:
        """Move the artists to ``result``; blit when the static layer is unchanged."""
        shown = _decimate(result)
        axes = list(self.axes.values())
        before = [(ax.get_xlim(), ax.get_ylim()) for ax in axes]
        self._trace.update(shown)
        self._phase.update(shown)
        for ax, (xlim, ylim) in zip(axes, before):
            ax.set_xlim(_sticky(xlim, ax.get_xlim(), exact=ax is not self.axes["phase"]))
            ax.set_ylim(_sticky(ylim, ax.get_ylim(), margin=0.0 if ax is self.axes["v"] else 0.06))
        after = [(ax.get_xlim(), ax.get_ylim()) for ax in axes]
        current = getattr(self._phase, "current", None)
        self._phase_info.set_text("" if current is None else f"nullclines at I = {current:.3g}")
        if after == before and self.canvas._izhi_background is not None:
            self.canvas.blit_dynamic()
            return "blit"
        self.canvas.draw()
        return "full"

    # ----- readouts -------------------------------------------------------------------------
    def _show_result(self, result: SimulationResult, state: PanelState) -> None:
        stats = spike_stats(result)
        count, rate = stats.count, stats.rate_hz
        spikes = "spike" if count == 1 else "spikes"
        self.readout.value = (f"<b>{count} {spikes}</b> · {rate:.1f} Hz mean rate · "
                              f"simulated in {1e3 * result.elapsed_s:.0f} ms "
                              f'<span class="izhi-muted">({len(result.t_ms)} steps, '
                              f"{html.escape(result.numerics)}, dt = {result.dt_ms:g} ms)</span>")
        preset = PRESETS[state.preset]
        try:
            classification = classify(result)
            label, why = str(classification.label), str(classification.explanation)
        except Exception as exc:  # the classifier must not break the panel
            _LOG.warning("classifier failed", exc_info=True)
            label, why = "unclassified", f"classifier error: {exc}"
        match = label == preset.label
        mark = _span("✓", "izhi-ok") if match else _span("✗", "izhi-bad")
        edited = state != PanelState.from_preset(state.preset)
        self.label.value = (
            f"Pattern: <b>{html.escape(label)}</b> {mark} "
            f'<span class="izhi-muted">— preset {html.escape(preset.key)} expects '
            f"“{html.escape(preset.label)}”{' (settings edited)' if edited else ''}. "
            f"{html.escape(why)}</span>")
        if result.diverged:
            self.message.value = _span(result.message or "The run diverged.", "izhi-error")
        else:
            self.message.value = ""
        self._downloads.clear()
        self.downloads.value = ""
        self.stim_desc.value = (f'<span class="izhi-muted">I(t): '
                                f"{html.escape(result.stimulus.describe())}</span>")
        self._show_equation(state)
        self._show_numerics_note(state)
        self._update_share()
        if self._code_visible:
            self._update_code()

    def _show_preset_info(self) -> None:
        p = PRESETS[self._preset_key]
        n = len(p.expected_spikes_ms)
        self.preset_info.value = (
            f"<div><b>{html.escape(p.key)} · {html.escape(p.name)}</b> — "
            f"{html.escape(p.description)}</div>"
            f'<div class="izhi-muted">Expected: “{html.escape(p.label)}”, {n} '
            f"spike{'s' if n != 1 else ''} at the paper's step ({p.dt_ms:g} ms). "
            f"Protocol: {html.escape(p.stimulus.describe())}.<br>{html.escape(p.citation)}</div>")

    def _show_equation(self, state: PanelState) -> None:
        k1 = _fmt(state.k1)
        k0 = f"− {_fmt(-state.k0)}" if state.k0 < 0 else f"+ {_fmt(state.k0)}"
        u_eq = ("u′ = a·b·(v + 65)" if state.recovery == "accommodation" else "u′ = a·(b·v − u)")
        self.equation.value = (
            f'<div style="font-family: serif; font-size: 14px">v′ = 0.04·v² + {k1}·v {k0} − u + I'
            f"&nbsp;&nbsp; {u_eq}</div>"
            '<div class="izhi-muted">if v ≥ 30 mV: v ← c, u ← u + d</div>')

    def _show_numerics_note(self, state: PanelState) -> None:
        preset = PRESETS[state.preset]
        own_step = math.isclose(state.dt, preset.dt_ms, rel_tol=1e-9)
        if state.numerics == "published" and own_step:
            self.numerics_note.value = ""
            return
        exact, nearby = _sensitivity_note(state.preset, state.numerics, state.dt)
        setting = f"{state.numerics} at dt = {state.dt:g} ms"
        if exact:
            text = (f"<b>This changes preset {preset.key}'s behaviour</b> ({html.escape(exact)}). "
                    f"{_WHY_STEP}")
            cls = "izhi-warn"
        elif nearby:
            text = (f"Preset {preset.key} was tuned on the paper's scheme at {preset.dt_ms:g} ms; "
                    f"{html.escape(setting)} was not measured, but nearby settings change it "
                    f"({html.escape(nearby)}). {_WHY_STEP}")
            cls = "izhi-warn"
        else:
            text = (f"Preset {preset.key} keeps its behaviour under the measured ODE settings; "
                    f"small shifts of spike times are expected with {html.escape(setting)}.")
            cls = "izhi-muted"
        self.numerics_note.value = f'<div class="{cls}">{text}</div>'

    def share_query(self) -> str:
        """The query string of the state on screen (without '?')."""
        state = self.state if self.state is not None else PanelState.from_preset(self._preset_key)
        return encode_state(state)

    def _update_share(self) -> None:
        query = self.share_query()
        if not self._request_url:
            # Plain Jupyter: there is no app URL to link to (a bare "?..." would reopen
            # JupyterLab, not this state), so show the query to add to the Voila app's URL.
            self.share.value = (f'<code>?{html.escape(query)}</code> '
                                f'<span class="izhi-muted">add this to the Voilà app\'s URL '
                                f'(…/voila/render/explorer.ipynb) to open this state</span>')
            return
        link = f"{self._request_url.split('?', 1)[0]}?{query}"
        self.share.value = (f'<code>{html.escape(link)}</code> '
                            f'<a href="{html.escape(link, quote=True)}" target="_blank" '
                            f'rel="noopener">open</a>')

    def _update_code(self) -> None:
        if not self._code_visible or self.state is None:
            self.code_output.value = ""
            return
        code = self.script()
        self.code_output.value = (
            '<div class="izhi-muted">A standalone Brian2 script (runtime mode, no izhi_widgets) '
            "that reproduces this run; it prints the spike times.</div>"
            f"<pre>{html.escape(code)}</pre>")
        self._add_download("izhi_brian2.py", "text/x-python", code.encode(), "script")

    # ----- exports ------------------------------------------------------------------------
    def script(self) -> str:
        """The "Show code" script for the run on screen."""
        state = self.state
        if state is None:
            raise ValueError("no successful run to export")
        preset = PRESETS[state.preset]
        return brian2_script(state.params(), state.stimulus(), state.duration, state.dt,
                             state.numerics, state.v0, state.u0,
                             title=f"preset {preset.key} ({preset.name})")

    def csv_text(self) -> str:
        """The run on screen as CSV: ``t_ms, v_mV, u, I`` with a commented header."""
        result, state = self.result, self.state
        if result is None or state is None:
            raise ValueError("no successful run to export")
        p = result.params
        header = [
            "# izhi-explorer traces (Izhikevich model, Brian2)",
            f"# share: ?{encode_state(state)}",
            f"# preset: {state.preset} ({PRESETS[state.preset].name})",
            f"# params: a={p.a!r}, b={p.b!r}, c={p.c!r}, d={p.d!r}, k2={p.k2!r}, k1={p.k1!r}, "
            f"k0={p.k0!r}, recovery={p.recovery}, v_peak_mV={p.v_peak_mV!r}",
            f"# initial: v0_mV={result.v0_mV!r}, u0={result.u0!r}",
            f"# numerics: {result.numerics}, dt_ms={result.dt_ms!r}, "
            f"duration_ms={result.duration_ms!r}",
            f"# stimulus: {result.stimulus.describe()}",
            f"# spikes_ms: {' '.join(repr(float(s)) for s in result.spike_times_ms)}",
        ]
        if result.diverged:
            header.append(f"# note: {result.message}")
        body = np.column_stack([result.t_ms, result.v_mV, result.u, result.I])
        buffer = io.StringIO()
        buffer.write("\n".join(header) + "\nt_ms,v_mV,u,I\n")
        np.savetxt(buffer, body, delimiter=",", fmt="%.17g")
        return buffer.getvalue()

    def png_bytes(self, dpi: float = 144.0) -> bytes:
        """The figure as PNG bytes."""
        buffer = io.BytesIO()
        try:
            self.fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
        finally:
            self.canvas.invalidate()  # savefig re-rendered the canvas at another size
        return buffer.getvalue()

    def _add_download(self, filename: str, mime: str, data: bytes, what: str) -> None:
        href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        size = f"{len(data) / 1024:.0f} kB" if len(data) >= 1024 else f"{len(data)} B"
        self._downloads[filename] = (
            f'<a download="{filename}" href="{href}" target="_blank">⬇ {filename}</a> '
            f'<span class="izhi-muted">({what}, {size})</span>')
        self.downloads.value = " &nbsp; ".join(self._downloads.values())

    # ----- status and messages ---------------------------------------------------------
    def _set_status(self, text: str) -> None:
        self.status.value = f"run #{self.run_count} · {html.escape(text)}"

    def _fail(self, text: str) -> None:
        self._show_error(text)

    def _show_error(self, text: str) -> None:
        self.message.value = _span(text, "izhi-error")
        self._set_status("error")

    def message_text(self) -> str:
        """The message shown (plain text; '' when everything is fine)."""
        return html.unescape(_strip_tags(self.message.value)).strip()

    def _show_shape_fields(self) -> None:
        used = set(SHAPE_FIELDS[self.stim_shape.value])
        for name, widget in self.stim_fields.items():
            widget.layout.display = "flex" if name in used else "none"


# ---------------------------------------------------------------------------------------
# module helpers


def _num(name: str, value: Any) -> float:
    if value is None or isinstance(value, bool):
        raise ValueError(f"{name} must be a number")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite")
    return value


def _artists_of(holder) -> list[Artist]:
    """The data artists held by a plotting artist holder (not its axes or legend)."""
    out = []
    for f in dc_fields(holder):
        value = getattr(holder, f.name)
        if isinstance(value, Artist) and not isinstance(value, (Axes, Legend, Figure)):
            out.append(value)
    return out


def _sticky(old: tuple[float, float], new: tuple[float, float], *, exact: bool = False,
            margin: float = 0.0) -> tuple[float, float]:
    """Limits that do not jump: keep the old ones while the new ones fit inside and fill at
    least half of them; otherwise take the new ones widened by ``margin`` of their span (so
    the next small change fits)."""
    if exact:
        return tuple(new)
    lo0, hi0 = sorted(old)
    lo1, hi1 = sorted(new)
    if not all(map(math.isfinite, (lo0, hi0, lo1, hi1))):
        return tuple(new)
    if lo0 <= lo1 and hi1 <= hi0 and (hi1 - lo1) >= 0.5 * (hi0 - lo0):
        return tuple(old)
    pad = margin * (hi1 - lo1)
    return (lo1 - pad, hi1 + pad)


def _strip_tags(text: str) -> str:
    out, inside = [], False
    for ch in text:
        if ch == "<":
            inside = True
        elif ch == ">":
            inside = False
        elif not inside:
            out.append(ch)
    return "".join(out)


def _protocol_points(protocol, duration_ms: float) -> str:
    """A preset protocol as editable ``t:value`` breakpoints when it is piecewise constant
    with few pieces ('' otherwise). A starting point for the designer: the breakpoints sit
    on a 0.05 ms grid, so a window edge may move by one sample."""
    t = np.round(np.arange(0.0, duration_ms + 1e-9, 0.05), 10)
    values = protocol.current(t)
    change = np.flatnonzero(np.diff(values) != 0) + 1
    if len(change) == 0 or len(change) > 40:
        return ""
    times, levels = [0.0], [float(values[0])]
    for i in change:
        at = float(t[i - 1])  # open window: the new value holds just after this time
        if at <= times[-1]:
            levels[-1] = float(values[i])
        else:
            times.append(at)
            levels.append(float(values[i]))
    return format_points(times, levels)


def _request_query_string() -> str:
    """The page's query string under Voilà ('' in plain Jupyter). Never raises."""
    if os.environ.get("VOILA_PREHEAT", "False") == "True":
        try:
            from voila.utils import wait_for_request

            wait_for_request()
        except Exception:  # not fatal: fall back to whatever the environment holds
            _LOG.warning("waiting for the Voila request failed", exc_info=True)
    return os.environ.get("QUERY_STRING", "") or ""
