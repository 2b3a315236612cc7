"""The Phase plane tab: the (v, u) plane as an instrument.

Both nullclines for the input at a chosen time (a time cursor moves along the
trajectory and the nullclines follow I(t)), the flow's direction, the equilibria with
their kind from the Jacobian, the saddle's stable manifold (the true threshold), a focus's
damped oscillation period, a subthreshold zoom and the full view. Kicks add an
instantaneous Δv at a chosen time; a click on the plane sets the start (v0, u0) and
reruns — so a student can test the threshold, bistability (P), rebound (M, N) and
resonance (K) by hand.
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from ..dynamics.geometry import fixed_points, oscillation_period_ms, separatrix, vector_field
from ..result import SimulationResult
from .controller import ViewModel
from .controls import dom
from .fields import format_value
from .state import MAX_KICKS
from .views import BaseView, fit_figure

__all__ = ["PhasePlaneView"]

_KIND_STYLE = {"stable node": ("o", "k", "k"), "stable focus": ("o", "k", "k"),
               "unstable node": ("o", "white", "k"), "unstable focus": ("o", "white", "k"),
               "saddle": ("X", "tab:purple", "tab:purple")}


class PhasePlaneView(BaseView):
    """The phase plane with cursor, separatrix, flow, equilibria, kicks and click-to-start."""

    title = "Phase plane"
    css = "izhi-phase-view"
    SIZE_PX = (760, 480)

    def __init__(self) -> None:
        super().__init__()
        self.vm: ViewModel | None = None
        self.cursor_ms = 0.0
        self.zoom = "full"
        self._hold = False

    # ----- widgets ---------------------------------------------------------------------
    def _build(self) -> W.Widget:
        self._make_figure("izhi-phase-figure")
        fig = self.fig
        self.ax = fig.add_axes((0.1, 0.1, 0.62, 0.84))
        ax = self.ax
        self.quiver = None
        (self.trajectory,) = ax.plot([], [], color="k", lw=0.8, label="trajectory", zorder=3)
        (self.v_null,) = ax.plot([], [], color="tab:orange", lw=1.6, label="v-nullcline")
        (self.u_null,) = ax.plot([], [], color="tab:blue", lw=1.6, label="u-nullcline")
        (self.sep,) = ax.plot([], [], color="tab:purple", lw=1.4, ls="--",
                              label="separatrix (threshold)")
        (self.cursor,) = ax.plot([], [], "o", ms=9, mfc="gold", mec="k", zorder=6,
                                 label="state at the cursor")
        self.points = [ax.plot([], [], _KIND_STYLE[k][0], ms=9, mfc=_KIND_STYLE[k][1],
                               mec=_KIND_STYLE[k][2], mew=1.4, zorder=5, label=k)[0]
                       for k in _KIND_STYLE]
        ax.set_xlabel("v (mV)")
        ax.set_ylabel("u")
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False,
                  borderaxespad=0.0)
        self.canvas.mpl_connect("button_press_event", self._on_click)

        self.time = dom(W.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.25,
                                      description="time cursor", continuous_update=False,
                                      tooltip="the nullclines follow I at this time (ms)",
                                      readout_format=".2f",
                                      layout=W.Layout(width="95%", max_width="640px"),
                                      style={"description_width": "88px"}), "izhi-phase-time")
        self.time.observe(self._on_time, names="value")
        self.zoom_toggle = dom(W.ToggleButtons(options=[("full view", "full"),
                                                        ("subthreshold zoom", "zoom")],
                                               value="full", tooltip="",
                                               style={"button_width": "140px"}),
                               "izhi-phase-zoom")
        self.zoom_toggle.observe(self._on_zoom, names="value")
        self.kick_dv = dom(W.Text(value="5", description="Δv (mV)", continuous_update=False,
                                  tooltip="the size of a kick", layout=W.Layout(width="150px"),
                                  style={"description_width": "60px"}), "izhi-kick-dv")
        self.kick_t = dom(W.Text(value="", description="at t (ms)", continuous_update=False,
                                 placeholder="the cursor", tooltip="when to kick",
                                 layout=W.Layout(width="170px"),
                                 style={"description_width": "70px"}), "izhi-kick-t")
        buttons = []
        for text, css, sign in (("kick +", "izhi-kick-plus", 1.0),
                                ("kick −", "izhi-kick-minus", -1.0),
                                ("clear kicks", "izhi-kick-clear", 0.0)):
            button = dom(W.Button(description=text, tooltip="add an instantaneous Δv" if sign
                                  else "remove all kicks", layout=W.Layout(width="auto")), css)
            button.on_click(lambda _b, s=sign: self._on_kick(s))
            buttons.append(button)
        self.info = dom(W.HTML(layout=W.Layout(width="100%")), "izhi-phase-info")
        hint = W.HTML("<div class='izhi-muted'>Click on the plane to start the neuron there "
                      "(sets v0, u0 and reruns).</div>")
        return W.VBox([self.canvas, self.time,
                       W.HBox([self.zoom_toggle], layout=W.Layout(flex_flow="row wrap")),
                       W.HBox([self.kick_dv, self.kick_t, *buttons],
                              layout=W.Layout(flex_flow="row wrap", align_items="center")),
                       hint, self.info], layout=W.Layout(width="100%"))

    # ----- events ------------------------------------------------------------------------
    def _on_time(self, change) -> None:
        if self._hold:
            return
        self.cursor_ms = float(change["new"])
        self._draw()

    def _on_zoom(self, change) -> None:
        self.zoom = change["new"]
        self._draw()

    def _on_click(self, event) -> None:
        if event.inaxes is not self.ax or event.xdata is None or self.vm is None:
            return
        self.request(v0=format_value(round(float(event.xdata), 2)),
                     u0=format_value(round(float(event.ydata), 3)))

    def _on_kick(self, sign: float) -> None:
        if self.vm is None:
            return
        state = self.vm.state
        if sign == 0.0:
            self.request(kicks=())
            return
        try:
            dv = float(self.kick_dv.value)
            t = float(self.kick_t.value) if self.kick_t.value.strip() else self.cursor_ms
        except ValueError:
            self.info.value = ("<div class='izhi-error'>Δv and t must be numbers.</div>")
            return
        kicks = tuple(sorted(state.kicks + ((t, sign * abs(dv)),)))[-MAX_KICKS:]
        self.request(kicks=kicks)

    # ----- drawing ----------------------------------------------------------------------
    def fit(self, width_px: float) -> None:
        if self.widget is not None and fit_figure(self.canvas, self.fig, width_px, 480 / 760):
            self.canvas.draw()

    def render(self, vm: ViewModel) -> None:
        if vm.result is None:
            return
        self.vm = vm
        duration = vm.result.duration_ms
        self._hold = True
        try:
            self.time.max = max(duration, self.time.min)
            self.time.step = vm.result.dt_ms
            if self.cursor_ms > duration:
                self.cursor_ms = 0.0
            self.time.value = self.cursor_ms
        finally:
            self._hold = False
        self._draw()

    def _current_at_cursor(self, result: SimulationResult) -> float:
        k = int(np.clip(np.searchsorted(result.t_ms, self.cursor_ms), 0, len(result.t_ms) - 1))
        return float(result.I[k]) if len(result.I) else 0.0

    def _draw(self) -> None:
        vm = self.vm
        if vm is None or vm.result is None:
            return
        result, params = vm.result, vm.result.params
        current = self._current_at_cursor(result)
        v, u = np.asarray(result.v_mV), np.asarray(result.u)
        broken = v >= params.v_peak_mV
        tv = np.where(broken, np.nan, v)
        self.trajectory.set_data(tv, u)
        k = int(np.clip(np.searchsorted(result.t_ms, self.cursor_ms), 0, len(v) - 1))
        self.cursor.set_data([v[k]], [u[k]])
        points = fixed_points(params, current)
        for line, kind in zip(self.points, _KIND_STYLE):
            chosen = [p for p in points if p.kind == kind]
            line.set_data([p.v_mV for p in chosen], [p.u for p in chosen])
        v_lo, v_hi, u_lo, u_hi = self._window(v, u, points, params)
        grid = np.linspace(v_lo, v_hi, 400)
        v_shift, u_gain = params.recovery_terms()
        self.v_null.set_data(grid, params.k2 * grid ** 2 + params.k1 * grid + params.k0 + current)
        if u_gain == 0:
            self.u_null.set_data([-v_shift, -v_shift], [u_lo, u_hi])
        else:
            self.u_null.set_data(grid, params.b * (grid + v_shift) / u_gain)
        sep = separatrix(params, current)
        self.sep.set_data(*(sep if sep is not None else ([], [])))
        if self.quiver is not None:
            self.quiver.remove()
        V, U, dV, dU = vector_field(params, current, np.linspace(v_lo, v_hi, 17),
                                    np.linspace(u_lo, u_hi, 13))
        self.quiver = self.ax.quiver(V, U, dV, dU, color="0.6", angles="xy", scale_units="xy",
                                     scale=12.0 / 1.0, width=0.003, zorder=1)
        self.ax.set_xlim(v_lo, v_hi)
        self.ax.set_ylim(u_lo, u_hi)
        self.ax.set_title(f"phase plane at t = {self.cursor_ms:g} ms (I = {current:.4g})",
                          fontsize=10, loc="left")
        self.canvas.draw()
        self.info.value = self._info_html(points, sep, current, vm)

    def _window(self, v, u, points, params):
        if self.zoom == "zoom" and points:
            vs = [p.v_mV for p in points]
            us = [p.u for p in points]
            v_lo, v_hi = min(vs) - 8.0, max(vs) + 8.0
            u_mid, u_half = np.mean(us), max(2.0, 0.6 * (max(us) - min(us)) + 1.5)
            return v_lo, v_hi, u_mid - u_half, u_mid + u_half
        finite = np.isfinite(u)
        v_lo = min(-90.0, params.c - 5.0, float(np.nanmin(v)) - 5.0 if len(v) else -90.0)
        v_hi = params.v_peak_mV + 10.0
        u_vals = np.concatenate([u[finite], [p.u for p in points]]) if finite.any() else \
            np.array([p.u for p in points] or [-20.0, 20.0])
        u_lo, u_hi = float(np.min(u_vals)), float(np.max(u_vals))
        pad = max(2.0, 0.1 * (u_hi - u_lo))
        return v_lo, v_hi, u_lo - pad, u_hi + pad

    def _info_html(self, points, sep, current, vm) -> str:
        params = vm.result.params
        rows = []
        for p in points:
            eig = ", ".join(f"{z.real:.3g}{z.imag:+.3g}i" if abs(z.imag) > 1e-12 else
                            f"{z.real:.3g}" for z in p.eigenvalues)
            period = oscillation_period_ms(params, p)
            extra = f"; damped oscillation period {period:.1f} ms" if period else ""
            rows.append(f"<li><b>{html.escape(p.kind)}</b> at v = {p.v_mV:.2f} mV, "
                        f"u = {p.u:.3g} (eigenvalues {eig}{extra})</li>")
        if not rows:
            rows.append("<li>no equilibrium at this current: the neuron must fire "
                        "(or the state runs away)</li>")
        threshold = ("The dashed curve is the saddle's stable manifold: states on one side "
                     "return to rest, on the other they fire — the true threshold at this "
                     "current (30 mV is only where a spike is cut off)." if sep is not None
                     else "No saddle at this current, so no threshold curve.")
        kicks = vm.state.kicks
        kick_text = ("Kicks: " + ", ".join(f"{format_value(dv)} mV at {format_value(t)} ms"
                                           for t, dv in kicks) + "." if kicks else "")
        return (f"<div>Equilibria at I = {current:.4g}:</div><ul>{''.join(rows)}</ul>"
                f"<div class='izhi-muted'>{threshold} {kick_text}</div>")
