"""The two fixed parts of the explorer around its views: the controls column (preset,
model, stimulus, numerics, with their descriptions) and the status area above the tabs
(readout, pattern label, run status, progress, messages). Each shows a `ViewModel`.
"""

from __future__ import annotations

import html

import ipywidgets as W

from ..presets import PRESETS
from .controller import ViewModel
from .controls import Controls, dom
from .layout import WHY_NUMERICS, equation_html, label_html, preset_html, readout_html

__all__ = ["ControlsColumn", "StatusArea"]


def _heading(text: str) -> W.HTML:
    return W.HTML(f"<div class='izhi-h'>{text}</div>")


class ControlsColumn:
    """The left column: the controls in their sections, with the texts that explain them."""

    def __init__(self, controls: Controls):
        c = controls
        self.controls = controls
        self.preset_info = dom(W.HTML(layout=W.Layout(width="100%")), "izhi-preset-info")
        self.equation = dom(W.HTML(layout=W.Layout(width="100%")), "izhi-equation")
        self.variant_toggle = dom(W.Checkbox(description="edit equation variant",
                                             indent=False, layout=W.Layout(width="auto"),
                                             tooltip="k1, k0 and the recovery form"),
                                  "izhi-variant-toggle")
        self.variant_box = W.VBox([c.choices["recovery"].widget, c.numbers["k1"].widget,
                                   c.numbers["k0"].widget],
                                  layout=W.Layout(display="none", width="100%"))
        self.variant_toggle.observe(self._on_toggle, names="value")
        self.numerics_note = dom(W.HTML(layout=W.Layout(width="100%")), "izhi-numerics-note")
        self.exact_button = dom(W.Button(description="Check against the exact solution",
                                         icon="check", layout=W.Layout(width="auto"),
                                         tooltip="solve this run's ODE to 1e-10 (a few "
                                                 "seconds at most) and compare the spikes"),
                                "izhi-exact-check")
        self.exact_result = dom(W.HTML(layout=W.Layout(width="100%")), "izhi-exact-result")
        self.widget = dom(W.VBox([
            c.preset.widget, self.preset_info,
            _heading("Model"), self.equation, *(p.widget for p in c.params.values()),
            c.numbers["v0"].widget, c.numbers["u0"].widget, self.variant_toggle,
            self.variant_box,
            _heading("Stimulus I(t)"), c.designer.widget, c.numbers["duration"].widget,
            _heading("Numerics"), c.choices["numerics"].widget, c.numbers["dt"].widget,
            W.HTML(WHY_NUMERICS), self.numerics_note, self.exact_button, self.exact_result,
        ]), "izhi-controls")

    def _on_toggle(self, change) -> None:
        self.variant_box.layout.display = "flex" if change["new"] else "none"

    def show_exact(self, level: str, text: str) -> None:
        """Show the exact check's answer (`izhi_widgets.app.controller.exact_check`)."""
        self.exact_result.value = (f"<div class='izhi-{level or 'muted'}'>{html.escape(text)}"
                                   f"</div>" if text else "")

    def show(self, vm: ViewModel) -> None:
        state = vm.state
        self.exact_result.value = ""  # a new run: the last check no longer applies
        self.preset_info.value = preset_html(PRESETS[state.preset])
        self.equation.value = equation_html(state)
        self.numerics_note.value = (f"<div class='izhi-{vm.numerics_level or 'muted'}'>"
                                    f"{html.escape(vm.numerics_note)}</div>"
                                    if vm.numerics_note else "")
        self.controls.numbers["u0"].widget.placeholder = (
            f"{state.initial_u:.6g} = b·v0 (at rest)")
        if state.recovery != "standard" or state.k1 != 5.0 or state.k0 != 140.0:
            self.variant_toggle.value = True


class StatusArea:
    """Above the tabs: what the run gave, its pattern, the run status and any message.

    The run counter in the status line changes last, so a page that sees the new number
    sees everything else of that run too.
    """

    def __init__(self) -> None:
        self.readout = dom(W.HTML(), "izhi-readout")
        self.label = dom(W.HTML(), "izhi-label")
        self.status = dom(W.HTML("starting…"), "izhi-status")
        self.progress = dom(W.FloatProgress(value=0.0, min=0.0, max=1.0, bar_style="info",
                                            layout=W.Layout(width="160px",
                                                            visibility="hidden")),
                            "izhi-progress")
        self.message = dom(W.HTML(layout=W.Layout(width="100%")), "izhi-message")
        self.widgets = [self.readout, self.label,
                        W.HBox([self.status, self.progress],
                               layout=W.Layout(align_items="center")),
                        self.message]

    def show_run(self, vm: ViewModel) -> None:
        self.progress.layout.visibility = "hidden"
        self.show_message(vm.message, vm.message_level)
        self.readout.value = readout_html(vm)
        self.label.value = label_html(vm)

    def show_status(self, vm: ViewModel) -> None:
        if vm.stale:
            self.status.value = ("error · the figure shows the last valid run"
                                 if vm.result is not None else "error")
        else:
            self.status.value = f"run #{vm.run_count} · ready"

    def show_message(self, text: str, level: str) -> None:
        cls = {"error": "izhi-error", "warn": "izhi-warn"}.get(level, "izhi-muted")
        self.message.value = f"<div class='{cls}'>{html.escape(text)}</div>" if text else ""

    def show_progress(self, fraction: float, text: str) -> None:
        self.progress.layout.visibility = "visible"
        self.progress.value = fraction
        self.status.value = html.escape(text) + "…"
