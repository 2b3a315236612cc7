"""The explorer's look: its style sheet and the HTML of its text blocks.

Responsive by CSS alone: on a wide page the controls are a column of their own (which
scrolls by itself, so the figure stays in view) beside the main column; on a narrow
page (a phone) everything stacks. All text that comes from data is escaped here.
"""

from __future__ import annotations

import html

from ..presets import Preset
from .controller import ViewModel
from .fields import format_value
from .state import PanelState

__all__ = ["CSS", "WHY_NUMERICS", "readout_html", "label_html", "preset_html",
           "equation_html"]

CSS = """
<style>
.izhi-app.widget-box { display: flex; flex-flow: row wrap; align-items: flex-start; gap: 14px;
  font-size: 13px; padding: 8px; box-sizing: border-box; width: 100%; overflow: visible; }
.izhi-app .izhi-controls { flex: 0 0 336px; width: 336px; max-height: calc(100vh - 16px);
  overflow-y: auto; overflow-x: hidden; position: sticky; top: 8px; padding-right: 8px;
  box-sizing: border-box; }
.izhi-app .izhi-controls .jupyter-widgets { flex-shrink: 0; }  /* scroll, never squash */
.izhi-app .izhi-invalid input, .izhi-app .izhi-invalid select { border-color: #b00020;
  background: #fff3f3; }
.izhi-app .izhi-main { flex: 1 1 520px; min-width: 0; max-width: 1520px; overflow: visible; }
@media (max-width: 720px) {
  .izhi-app .izhi-controls { flex: 1 1 100%; width: 100%; max-height: none; position: static;
    padding-right: 0; }
  .izhi-app .izhi-main { flex: 1 1 100%; }
}
.izhi-app .izhi-controls > .jupyter-widgets, .izhi-app .izhi-controls .widget-vbox > .jupyter-widgets {
  max-width: calc(100% - 4px); box-sizing: border-box; }
.izhi-app .izhi-h { font-weight: 600; margin: 8px 0 2px 0; border-bottom: 1px solid #ddd; }
.izhi-app .izhi-error { color: #b00020; font-weight: 600; }
.izhi-app .izhi-warn { color: #8a5a00; }
.izhi-app .izhi-info, .izhi-app .izhi-muted { color: #555; font-size: 12px; }
.izhi-app .izhi-ok { color: #1b7f3b; font-weight: 600; }
.izhi-app .izhi-bad { color: #b00020; font-weight: 600; }
.izhi-app .widget-html-content { line-height: 1.35; }
.izhi-app .izhi-stale .izhi-figure, .izhi-app .izhi-stale .izhi-readout,
.izhi-app .izhi-stale .izhi-label, .izhi-app .izhi-stale .izhi-tabs {
  opacity: 0.4; filter: grayscale(0.7); }
.izhi-app .izhi-copybox { display: flex; gap: 6px; align-items: flex-start; width: 100%; }
.izhi-app .izhi-copybox textarea { flex: 1 1 auto; min-width: 0; font-family: ui-monospace,
  SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px;
  line-height: 1.35; resize: vertical; background: #f7f7f7; border: 1px solid #ccc;
  padding: 4px 6px; white-space: pre; overflow: auto; }
.izhi-app .izhi-share-url textarea { white-space: nowrap; height: 2.1em; }
.izhi-app .izhi-copy { flex: 0 0 auto; padding: 3px 10px; cursor: pointer; }
.izhi-app .izhi-scroll { max-height: 460px; overflow-y: auto; }
.izhi-app .izhi-table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.izhi-app .izhi-table th, .izhi-app .izhi-table td { padding: 2px 10px; text-align: right;
  border-bottom: 1px solid #eee; }
.izhi-app .jupyter-matplotlib-figure { max-width: 100%; }
/* ipympl draws a resize grip whenever the kernel is connected (it sets "resizable" from
   the connection), on its top canvas (which also draws zoom boxes, unused here): that
   canvas is transparent but still takes the clicks, and a blank corner (figure margin)
   catches the grip's drag */
.izhi-app .jupyter-matplotlib-canvas-div canvas + canvas { opacity: 0; }
.izhi-app .jupyter-matplotlib-canvas-div::after { content: ""; position: absolute; right: 0;
  bottom: 0; width: 24px; height: 24px; background: white; z-index: 3; cursor: default; }
</style>
"""

WHY_NUMERICS = (
    "<div class='izhi-muted'><b>published</b>: the paper's fixed-step scheme (u updated "
    "with the new v; the preset's own step reproduces the figures spike for spike). "
    "<b>euler</b>, <b>rk4</b>: Brian2's ODE integrators at dt.</div>")


def _span(text: str, cls: str) -> str:
    return f"<span class='{cls}'>{html.escape(text)}</span>"


def readout_html(vm: ViewModel) -> str:
    r = vm.readout
    if r is None:
        return ""
    spikes = "spike" if r.n_spikes == 1 else "spikes"
    how = "from the cache" if r.cached else f"simulated in {r.elapsed_ms:.0f} ms"
    return (f"<b>{r.n_spikes} {spikes}</b> · {r.rate_hz:.1f} Hz mean rate · {how} "
            f"<span class='izhi-muted'>({r.n_steps} steps, {html.escape(r.numerics)}, "
            f"dt = {format_value(r.dt_ms)} ms)</span>")


def label_html(vm: ViewModel) -> str:
    if not vm.label:
        return ""
    mark = _span("✓", "izhi-ok") if vm.label_ok else _span("✗", "izhi-bad")
    edited = " (settings edited)" if vm.edited else ""
    return (f"Pattern: <b>{html.escape(vm.label)}</b> {mark} <span class='izhi-muted'>— "
            f"preset {html.escape(vm.state.preset)} expects “{html.escape(vm.expected_label)}”"
            f"{edited}. {html.escape(vm.explanation)}</span>")


def preset_html(p: Preset) -> str:
    n = len(p.expected_spikes_ms)
    return (f"<div><b>{html.escape(p.key)} · {html.escape(p.name)}</b> — "
            f"{html.escape(p.description)}</div>"
            f"<div class='izhi-muted'>Expected: “{html.escape(p.label)}”, {n} "
            f"spike{'s' if n != 1 else ''} at the paper's step ({format_value(p.dt_ms)} ms). "
            f"Protocol: {html.escape(p.stimulus.describe())}.<br>{html.escape(p.citation)}</div>")


def equation_html(state: PanelState) -> str:
    k1 = format_value(state.k1)
    k0 = f"− {format_value(-state.k0)}" if state.k0 < 0 else f"+ {format_value(state.k0)}"
    u_eq = "u′ = a·b·(v + 65)" if state.recovery == "accommodation" else "u′ = a·(b·v − u)"
    return (f"<div style='font-family: serif; font-size: 14px'>v′ = 0.04·v² + {k1}·v {k0} "
            f"− u + I&nbsp;&nbsp; {u_eq}</div>"
            "<div class='izhi-muted'>if v ≥ 30 mV: v ← c, u ← u + d</div>")
