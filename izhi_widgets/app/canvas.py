"""The explorer's live figure: one ipympl canvas, redrawn in place by blitting.

`TracesFigure` owns one matplotlib figure — v(t) with spike marks, u(t), I(t) and the
v–u phase plane — inside an ipympl canvas. `TracesFigure.show(result)` moves the
artists' data (`izhi_widgets.plotting` artist holders) and pushes the new image.

Fast redraws: a full draw renders the static layer (axes, ticks, labels, legend) and
caches it; the data artists are ``animated`` and drawn on top of the cached layer. A
slider move usually changes only the data, so an update restores the cached layer,
draws ~15 lines and sends the changed pixels. Axis limits are "sticky": they only
change when the data leave them or fill less than half of them.

Size: `TracesFigure.fit(width_px)` resizes the figure to the page (a two-column layout
from `WIDE_MIN_PX`, stacked below it) and scales the resolution with the width, so the
fonts stay legible on a projector. The canvas is driven through ipympl's public traits
(``header_visible``, ``toolbar_visible``, ``resizable``...) plus two overrides kept
here: the blit cache and a faster PNG encoder.
"""

from __future__ import annotations

import base64
import functools
import io
import math
from dataclasses import fields as dc_fields
from dataclasses import replace

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend

from ..result import SimulationResult

__all__ = ["TracesFigure", "decimate", "sticky_limits", "WIDE_MIN_PX"]

#: Most samples drawn per line (longer runs are decimated for display, keeping extremes).
MAX_DRAWN_POINTS = 6000
#: Below this width (px) the phase plane goes under the traces.
WIDE_MIN_PX = 600
#: The figure's width range (px) and the resolution at the reference width.
MIN_PX, MAX_PX, REF_PX, REF_DPI = 320, 1500, 760, 80.0


def decimate(result: SimulationResult, max_points: int = MAX_DRAWN_POINTS) -> SimulationResult:
    """A copy of ``result`` with at most ~``max_points`` samples, keeping each bin's
    extremes of v and I (spikes survive), indices shared by all arrays (the phase plane
    stays paired)."""
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
            mask = arr == np.repeat(vals, np.diff(edges))  # the extreme of each bin
            first = np.flatnonzero(mask)
            bin_of = np.searchsorted(edges, first, side="right") - 1
            _, pos = np.unique(bin_of, return_index=True)
            keep.append(first[pos])
    idx = np.unique(np.concatenate(keep))
    return replace(result, t_ms=result.t_ms[idx], v_mV=result.v_mV[idx], u=result.u[idx],
                   I=result.I[idx])


def sticky_limits(old: tuple[float, float], new: tuple[float, float], *, exact: bool = False,
                  margin: float = 0.0) -> tuple[float, float]:
    """Limits that do not jump: keep the old ones while the new ones fit inside and fill
    at least half of them; otherwise take the new ones widened by ``margin`` of their
    span (so the next small change fits)."""
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


@functools.lru_cache(maxsize=None)
def _canvas_class():
    """An ipympl canvas that blits animated artists over a cached static layer."""
    from ipympl.backend_nbagg import Canvas
    from PIL import Image
    from traitlets import Bool, Enum

    class BlitCanvas(Canvas):
        # ipympl's public traits, with this app's defaults: in the widget's first state,
        # so the page never draws the default header, toolbar or resize grip.
        header_visible = Bool(False).tag(sync=True)
        footer_visible = Bool(False).tag(sync=True)
        toolbar_visible = Enum(["visible", "hidden", "fade-in-fade-out", True, False],
                               default_value=False).tag(sync=True)
        resizable = Bool(False).tag(sync=True)
        capture_scroll = Bool(False).tag(sync=True)

        def __init__(self, figure, *args, **kwargs):
            super().__init__(figure, *args, **kwargs)
            self.dynamic: list[Artist] = []
            self._background = None
            self.max_ratio = 1.0

        def _draw_dynamic(self) -> None:
            for artist in self.dynamic:
                if artist.get_visible():
                    artist.axes.draw_artist(artist) if artist.axes is not None else \
                        self.figure.draw_artist(artist)

        def draw(self):  # a full draw: static layer, cached, then the data on top
            self._png_is_old = True
            try:
                FigureCanvasAgg.draw(self)
                self._background = self.copy_from_bbox(self.figure.bbox)
                self._draw_dynamic()
            finally:
                self.manager.refresh_all()

        def blit_dynamic(self) -> None:
            """Redraw only the animated artists over the cached static layer."""
            if self._background is None:
                self.draw()
                return
            self.restore_region(self._background)
            self._draw_dynamic()
            self.blit()

        def invalidate(self) -> None:
            self._background = None

        @property
        def has_background(self) -> bool:
            return self._background is not None

        # HiDPI screens would quadruple the pixels to draw and send: cap the ratio.
        def handle_set_device_pixel_ratio(self, event):
            ratio = min(float(event.get("device_pixel_ratio", 1)), self.max_ratio)
            if self._set_device_pixel_ratio(ratio):
                self._background = None
                self._force_full = True
                self.draw_idle()

        handle_set_dpi_ratio = handle_set_device_pixel_ratio

        def send_binary(self, data):
            # ipympl stores the page's first image (before the browser connects) without the
            # "data:" prefix; store a proper data URL so the page shows it at once.
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

    return BlitCanvas


def _artists_of(holder) -> list[Artist]:
    """The data artists held by a plotting artist holder (not its axes or legend)."""
    out = []
    for f in dc_fields(holder):
        value = getattr(holder, f.name)
        if isinstance(value, Artist) and not isinstance(value, (Axes, Legend, Figure)):
            out.append(value)
    return out


_LEGEND_LABELS = ["trajectory", "v-nullcline", "u-nullcline", "reset v = c", "peak",
                  "stable eq.", "unstable eq."]


class TracesFigure:
    """The live figure: traces and phase plane of one result, updated in place.

    Parameters
    ----------
    first : SimulationResult
        A run to build the artists on.
    hidpi : bool
        Render at the screen's device pixel ratio (sharper on HiDPI screens, ~4x slower).
    """

    def __init__(self, first: SimulationResult, *, hidpi: bool = False):
        from ipympl.backend_nbagg import FigureManager

        from ..plotting import plot_phase_plane, plot_trace

        self.width_px = REF_PX
        fig = Figure(figsize=(REF_PX / REF_DPI, 500 / REF_DPI), dpi=REF_DPI, facecolor="white")
        # Traits given at construction are in the widget's first state (set later, the page
        # could draw the default resize grip first).
        canvas = _canvas_class()(fig)
        self._manager = FigureManager(canvas, num=id(self) % 100000)
        canvas.max_ratio = 4.0 if hidpi else 1.0
        canvas.add_class("izhi-figure")
        self.fig, self.canvas = fig, canvas
        ax_v = fig.add_subplot(3, 2, 1)
        ax_u = fig.add_subplot(3, 2, 3, sharex=ax_v)
        ax_i = fig.add_subplot(3, 2, 5, sharex=ax_v)
        ax_p = fig.add_subplot(3, 2, 2)
        self.axes = {"v": ax_v, "u": ax_u, "I": ax_i, "phase": ax_p}
        for ax in (ax_v, ax_u):
            ax.tick_params(labelbottom=False)
        ax_v.set_title("membrane potential v, recovery u, input I", fontsize=9, loc="left")
        ax_p.set_title("phase plane (v, u)", fontsize=9, loc="left")
        self.trace = plot_trace(first, axes=(ax_v, ax_u, ax_i), show_spikes=True)
        self.phase = plot_phase_plane(first, ax_p, legend=False)
        ax_i.set_xlabel("time (ms)")
        self.trace.status.set_visible(False)  # the figure has its own, wrapped status line
        self.status = ax_v.text(0.5, 0.97, "", transform=ax_v.transAxes, ha="center",
                                va="top", fontsize=8, color="#b00020", zorder=6,
                                bbox=dict(facecolor="white", edgecolor="#b00020", pad=2,
                                          alpha=0.9))
        self.phase_info = ax_p.text(0.98, 0.02, "", transform=ax_p.transAxes, ha="right",
                                    va="bottom", fontsize=8, color="0.3")
        self.legend = fig.legend(self.phase.handles(), _LEGEND_LABELS, fontsize=8,
                                 frameon=False, ncol=2, handlelength=1.6, columnspacing=1.0)
        dynamic = (_artists_of(self.trace) + _artists_of(self.phase)
                   + [self.status, self.phase_info])
        for artist in dynamic:
            artist.set_animated(True)
        canvas.dynamic = dynamic
        self.time_window: tuple[float, float] | None = None
        self.fit(REF_PX)

    # ----- size ------------------------------------------------------------------------
    def fit(self, width_px: float, height_px: float = 0.0) -> bool:
        """Resize to ``width_px`` (clipped to the figure's range; a two-column figure also
        no taller than ``height_px`` when given); True when it changed.

        Wide pages get traces and phase plane side by side, narrow ones stacked; the
        resolution grows with the width above the reference, so fonts scale with it.
        """
        width = int(min(MAX_PX, max(MIN_PX, width_px)))
        if width >= WIDE_MIN_PX and height_px > 0:
            width = int(max(WIDE_MIN_PX, min(width, height_px * REF_PX / 500)))
        wide = width >= WIDE_MIN_PX
        dpi = REF_DPI * max(1.0, width / REF_PX)
        height = int(round(width * (500 / REF_PX if wide else 1.45)))
        if getattr(self, "_fitted", None) == (width, height):
            return False
        self._fitted = (width, height)
        self.width_px = width
        fig = self.fig
        fig.set_dpi(dpi)
        fig.set_size_inches(width / dpi, height / dpi, forward=False)
        self._layout(wide, width / dpi, height / dpi)
        self.canvas._size = (float(width), float(height))
        self.canvas.invalidate()
        self.canvas.manager.resize(width, height, forward=False)
        return True

    def _layout(self, wide: bool, w_in: float, h_in: float) -> None:
        ax = self.axes
        # margins in inches, so they stay the same whatever the size
        left, right, top = 0.72 / w_in, 1 - 0.25 / w_in, 1 - 0.28 / h_in
        if wide:
            bottom = 0.5 / h_in
            grid = self.fig.add_gridspec(3, 2, width_ratios=(1.55, 1.0),
                                         height_ratios=(2.3, 1.0, 1.0), left=left,
                                         right=right, top=top, bottom=bottom, wspace=0.26,
                                         hspace=0.10)
            spots = {"v": grid[0, 0], "u": grid[1, 0], "I": grid[2, 0], "phase": grid[:2, 1]}
            self.legend.set_bbox_to_anchor((grid[2, 1].get_position(self.fig).x0 - 0.02,
                                            grid[2, 1].get_position(self.fig).y1 - 0.05),
                                           transform=self.fig.transFigure)
        else:
            bottom = 0.9 / h_in
            grid = self.fig.add_gridspec(5, 1, height_ratios=(2.3, 1.0, 1.0, 0.55, 2.6),
                                         left=left, right=right, top=top, bottom=bottom,
                                         hspace=0.12)
            spots = {"v": grid[0], "u": grid[1], "I": grid[2], "phase": grid[4]}
            self.legend.set_bbox_to_anchor((left - 0.02, 0.0, right - left, bottom - 0.01),
                                           transform=self.fig.transFigure)
        self.legend.set_loc("upper left" if wide else "lower center")
        for name, spot in spots.items():
            ax[name].set_position(spot.get_position(self.fig))
        # Label positions fixed in inches (matplotlib would otherwise measure every tick label
        # at each draw): the same distance from the axes at every size.
        for name in ("v", "u", "I", "phase"):
            box = ax[name].get_position()
            ax[name].yaxis.set_label_coords(-0.52 / (box.width * w_in), 0.5)
        for name in ("I", "phase"):
            box = ax[name].get_position()
            ax[name].xaxis.set_label_coords(0.5, -0.33 / (box.height * h_in))
        for axis in ax.values():
            axis.tick_params(labelsize=8, length=3, pad=2)
            axis.xaxis.label.set_size(9)
            axis.yaxis.label.set_size(9)

    # ----- data ------------------------------------------------------------------------
    def show(self, result: SimulationResult, status: str = "") -> str:
        """Move the artists to ``result``; blit when the static layer is unchanged.
        Returns ``'blit'`` or ``'full'``."""
        shown = decimate(result)
        axes = list(self.axes.values())
        before = [(a.get_xlim(), a.get_ylim()) for a in axes]
        self.trace.update(shown)
        self.phase.update(shown)
        for a, (xlim, ylim) in zip(axes, before):
            a.set_xlim(sticky_limits(xlim, a.get_xlim(), exact=a is not self.axes["phase"]))
            a.set_ylim(sticky_limits(ylim, a.get_ylim(),
                                     margin=0.0 if a is self.axes["v"] else 0.06))
        self.apply_time_window(result.duration_ms)
        after = [(a.get_xlim(), a.get_ylim()) for a in axes]
        current = self.phase.current
        self.phase_info.set_text(f"nullclines at I = {current:.3g}")
        self.status.set_text(status)
        if after == before and self.canvas.has_background:
            self.canvas.blit_dynamic()
            return "blit"
        self.canvas.draw()
        return "full"

    def apply_time_window(self, duration_ms: float) -> None:
        """Show only ``time_window`` (ms) of the traces (the whole run when None)."""
        lo, hi = (0.0, float(duration_ms)) if self.time_window is None else self.time_window
        hi = min(hi, float(duration_ms))
        if hi <= lo:
            lo, hi = 0.0, float(duration_ms)
        self.axes["v"].set_xlim(lo, hi)

    def redraw(self) -> None:
        """A full redraw (after a size or window change)."""
        self.canvas.draw()

    def png_bytes(self, dpi: float = 144.0) -> bytes:
        """The figure as PNG bytes (all layers)."""
        buffer = io.BytesIO()
        animated = [a for a in self.canvas.dynamic]
        try:
            for artist in animated:
                artist.set_animated(False)
            self.fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
        finally:
            for artist in animated:
                artist.set_animated(True)
            self.canvas.invalidate()  # savefig re-rendered the canvas at another size
        return buffer.getvalue()
