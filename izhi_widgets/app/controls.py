"""The controls, built from the declared fields (`izhi_widgets.app.fields` and the
stimulus registry): every box holds text that the controller parses strictly, so a
letter, NaN, an empty box or a value out of range gets a message instead of being
clipped or ignored by the browser.

* `NumberBox`: a text box showing a value's shortest exact form; it hands back the
  exact value while the text is untouched (``-15.86`` on screen, b·v0 underneath).
* `ParamControl`: a slider with a number box beside it (a, b, c, d); a typed value
  inside the model's limits widens the slider.
* `StimulusDesigner`: the shape menu and one box per declared field of the chosen
  shape, plus a baseline.

Each control fires one callback on a user change; `Controls.draft()` collects the
values for `izhi_widgets.app.controller.PanelController.parse`.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import ipywidgets as W

from ..stimulus import STIMULUS_KINDS
from .designer import BASELINE_LABEL, designer_kinds
from .fields import MAX_TEXT_CHARS, PANEL_FIELDS, PanelField, format_value

__all__ = ["NumberBox", "ParamControl", "ChoiceControl", "StimulusDesigner", "Controls",
           "dom"]

_DESC = {"description_width": "96px"}
_FULL = "100%"


def dom(widget: W.Widget, *classes: str) -> W.Widget:
    """Add DOM classes (the contract with the browser tests) and return the widget."""
    for cls in classes:
        widget.add_class(cls)
    return widget


class NumberBox:
    """A text box for one value: shows its short exact form, returns it exactly."""

    def __init__(self, label: str, tip: str, css: str, *, width: str = _FULL,
                 style: Mapping[str, str] = _DESC, placeholder: str = ""):
        self.widget = dom(W.Text(description=label, tooltip=tip, continuous_update=False,
                                 placeholder=placeholder,
                                 layout=W.Layout(width=width),
                                 style=dict(style)), css)
        self._exact: Any = None
        self._shown = ""

    def set(self, value: Any) -> None:
        """Show ``value`` (None: empty)."""
        self._exact, self._shown = value, format_value(value)
        self.widget.value = self._shown

    def read(self) -> Any:
        """The exact value while the text is as set, else the typed text."""
        text = self.widget.value
        if len(text) > MAX_TEXT_CHARS:
            return text[:MAX_TEXT_CHARS]
        return self._exact if text == self._shown else text

    def observe(self, callback: Callable) -> None:
        self.widget.observe(callback, names="value")


class ParamControl:
    """A slider (no readout) with a `NumberBox` beside it, for one model parameter."""

    def __init__(self, field: PanelField, on_change: Callable[[], None]):
        lo, hi, step = field.slider or (field.lo, field.hi, 0.01)
        self.field = field
        self.slider = dom(W.FloatSlider(min=lo, max=hi, step=step, value=lo,
                                        description=field.label, tooltip=field.tip,
                                        readout=False, continuous_update=False,
                                        layout=W.Layout(width="auto", flex="1 1 auto"),
                                        style={"description_width": "22px"}),
                          f"izhi-{field.key}")
        self.box = NumberBox("", field.tip, f"izhi-{field.key}-box", width="86px", style={})
        self.widget = W.HBox([self.slider, self.box.widget],
                             layout=W.Layout(width=_FULL, align_items="center"))
        self._on_change = on_change
        self._hold = False
        self.slider.observe(self._slid, names="value")
        self.box.observe(self._typed)

    def set(self, value: float) -> None:
        """Show ``value`` (widening the slider if needed) without firing."""
        self._hold = True
        try:
            self._widen(value)
            self.slider.value = value
            self.box.set(value)
        finally:
            self._hold = False

    def read(self) -> Any:
        return self.box.read()

    def _widen(self, value: float) -> None:
        if value < self.slider.min:
            self.slider.min = value
        if value > self.slider.max:
            self.slider.max = value

    def _slid(self, change) -> None:
        if self._hold:
            return
        # the browser's slider arithmetic leaves noise such as 0.022999999999999993
        value = float(f"{float(change['new']):.12g}")
        self._hold = True
        try:
            self.box.set(value)
        finally:
            self._hold = False
        self._on_change()

    def _typed(self, change) -> None:
        if self._hold:
            return
        try:
            value = self.field.parse(self.box.read())
        except ValueError:
            value = None  # the controller names the problem
        if value is not None:
            self.set(value)
        self._on_change()


class ChoiceControl:
    """A dropdown for a choice field."""

    def __init__(self, field: PanelField, on_change: Callable[[], None]):
        self.widget = dom(W.Dropdown(options=list(field.choices), description=field.label,
                                     tooltip=field.tip, layout=W.Layout(width=_FULL),
                                     style=_DESC), f"izhi-{field.key}")
        self._hold = False
        self.widget.observe(lambda change: None if self._hold else on_change(), names="value")

    def set(self, value: Any) -> None:
        self._hold = True
        try:
            self.widget.value = value
        finally:
            self._hold = False

    def read(self) -> Any:
        return self.widget.value


class StimulusDesigner:
    """The stimulus shape menu and the declared fields of the chosen shape."""

    def __init__(self, on_change: Callable[[], None], on_kind: Callable[[str], None]):
        self.kinds = designer_kinds()
        self.shape = dom(W.Dropdown(options=self._options(False), value="preset",
                                    description="shape", layout=W.Layout(width=_FULL),
                                    tooltip="the preset's own protocol, or a shape you edit",
                                    style=_DESC), "izhi-stim-shape")
        self.boxes: dict[str, Any] = {}
        self._kind_of_field: dict[str, str] = {}
        for kind in self.kinds:
            for spec in STIMULUS_KINDS[kind].fields():
                known = self._kind_of_field.setdefault(spec.name, spec.kind)
                if known != spec.kind:
                    raise TypeError(f"stimulus field {spec.name!r} has two kinds")
                if spec.name in self.boxes:
                    continue
                css = f"izhi-stim-{spec.name}"
                if spec.kind == "choice":
                    box = dom(W.Dropdown(options=list(spec.choices), description=spec.title,
                                         tooltip=spec.tip, layout=W.Layout(width=_FULL),
                                         style=_DESC), css)
                else:
                    box = NumberBox(spec.title, spec.tip, css,
                                    placeholder="end of run" if spec.optional else "")
                self.boxes[spec.name] = box
        self.boxes[BASELINE_LABEL] = NumberBox("baseline", "a constant current added to "
                                               "the shape", "izhi-stim-baseline")
        self._hold = False
        for box in self.boxes.values():
            widget = box.widget if isinstance(box, NumberBox) else box
            widget.observe(lambda change: None if self._hold else on_change(), names="value")
        self.shape.observe(lambda change: None if self._hold else on_kind(change["new"]),
                           names="value")
        self.widget = W.VBox([self.shape] + [self._widget(b) for b in self.boxes.values()],
                             layout=W.Layout(width=_FULL))
        self.show_fields("preset")

    def _options(self, custom: bool) -> list[tuple[str, str]]:
        options = [("preset protocol", "preset")]
        options += [(STIMULUS_KINDS[k].title, k) for k in self.kinds]
        if custom:
            options.append(("the link's stimulus", "custom"))
        return options

    @staticmethod
    def _widget(box: Any) -> W.Widget:
        return box.widget if isinstance(box, NumberBox) else box

    def show_fields(self, kind: str) -> None:
        """Show the boxes of ``kind`` (labels and tooltips from its declaration)."""
        specs = {s.name: s for s in STIMULUS_KINDS[kind].fields()} if kind in self.kinds \
            else {}
        for name, box in self.boxes.items():
            widget = self._widget(box)
            used = name in specs or (name == BASELINE_LABEL and kind in self.kinds
                                     and kind != "constant")
            widget.layout.display = "flex" if used else "none"
            if name in specs:
                widget.description = specs[name].title
                widget.tooltip = specs[name].tip

    def set(self, kind: str, texts: Mapping[str, Any]) -> None:
        """Show ``kind`` with its field values (the controller's draft form)."""
        self._hold = True
        try:
            self.shape.options = self._options(kind == "custom")
            self.shape.value = kind
            for name, value in texts.items():
                box = self.boxes.get(name)
                if isinstance(box, NumberBox):
                    box.set(value if not isinstance(value, str) else _number_or_text(value))
                elif box is not None:
                    box.value = value
            self.show_fields(kind)
        finally:
            self._hold = False

    def read(self) -> tuple[str, dict[str, Any]]:
        kind = self.shape.value
        if kind not in self.kinds:
            return kind, {}
        names = [s.name for s in STIMULUS_KINDS[kind].fields()] + [BASELINE_LABEL]
        return kind, {n: (b.read() if isinstance(b, NumberBox) else b.value)
                      for n, b in ((n, self.boxes[n]) for n in names)}


def _number_or_text(text: str) -> Any:
    """Draft texts from the controller are exact short forms: the number they stand for
    (so the box hands back the exact value), or the text itself (lists, blanks)."""
    if "," in text:
        try:
            return tuple(float(x) for x in text.split(","))
        except ValueError:
            return text
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) and format_value(value) == text else text


class Controls:
    """Every control of the panel, built from `PANEL_FIELDS` and the stimulus registry."""

    def __init__(self, on_change: Callable[[], None], on_preset: Callable[[str], None],
                 on_kind: Callable[[str], None]):
        self._hold = 0

        def guard(callback: Callable) -> Callable:
            # no callback fires while `set` shows a whole draft
            return lambda *args: None if self._hold else callback(*args)

        on_change, on_preset, on_kind = guard(on_change), guard(on_preset), guard(on_kind)
        self.params = {k: ParamControl(PANEL_FIELDS[k], on_change) for k in "abcd"}
        self.choices = {k: ChoiceControl(PANEL_FIELDS[k], on_change)
                        for k in ("recovery", "numerics")}
        preset = PANEL_FIELDS["preset"]
        self.preset = ChoiceControl(preset, lambda: on_preset(self.preset.read()))
        self.numbers: dict[str, NumberBox] = {}
        for key in ("v0", "u0", "k1", "k0", "duration", "dt"):
            field = PANEL_FIELDS[key]
            self.numbers[key] = NumberBox(field.label, field.tip, f"izhi-{key}",
                                          placeholder="b·v0" if key == "u0" else "")
            self.numbers[key].observe(lambda change: on_change())
        self.designer = StimulusDesigner(on_change, on_kind)

    def set(self, draft: Mapping[str, Any]) -> None:
        """Show a draft (from `PanelController.draft`) without firing any callback."""
        self._hold += 1
        try:
            self._set(draft)
        finally:
            self._hold -= 1

    def _set(self, draft: Mapping[str, Any]) -> None:
        self.preset.set(draft["preset"])
        for key, control in self.params.items():
            control.set(float(draft[key]))
        for key, control in self.choices.items():
            control.set(draft[key])
        for key, box in self.numbers.items():
            text = draft[key]
            box._exact, box._shown = (_number_or_text(text) if text else None), text
            box.widget.value = text
        self.designer.set(draft["stim_kind"], draft["stim"])

    def mark_invalid(self, field_errors: Mapping[str, str]) -> None:
        """Outline the controls whose value was refused (``"stim"``: the shape's boxes)."""
        widgets = {k: c.box.widget for k, c in self.params.items()}
        widgets.update({k: b.widget for k, b in self.numbers.items()})
        widgets["stim"] = self.designer.widget
        for key, widget in widgets.items():
            if key in field_errors:
                widget.add_class("izhi-invalid")
            else:
                widget.remove_class("izhi-invalid")

    def draft(self) -> dict[str, Any]:
        """What the controls hold now."""
        out: dict[str, Any] = {"preset": self.preset.read()}
        out.update({k: c.read() for k, c in self.params.items()})
        out.update({k: c.read() for k, c in self.choices.items()})
        out.update({k: b.read() for k, b in self.numbers.items()})
        out["stim_kind"], out["stim"] = self.designer.read()
        return out
