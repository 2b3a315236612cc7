"""Widget values as they arrive from a browser, fuzzed (issue 11, part 3).

A page's widget updates reach the kernel as ``comm_msg`` ``update`` messages, which
ipywidgets applies with ``Widget.set_state(state)``; a modified page can send any JSON
there. This test calls exactly that entry point on every input widget of the panel with
hostile values (out of range, huge, NaN/inf, very long strings, wrong types, markup, shell
and Python text) and checks: either traitlets refuses the value (``TraitError``, which the
comm handler logs) or the panel takes it and shows a short message; the state on screen
always passes its own checks; no markup reaches the page unescaped, no hostile text reaches
the generated code; and an honest value afterwards still runs the model.

The same kind of values are sent over a real websocket in
``tests/browser/test_lockdown.py`` (end to end, against Voila).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from traitlets import TraitError

from izhi_widgets.app.explorer import Explorer

XSS = "<img src=x onerror=\"window.__izhiPwned=1\">"
SHELL = "$(touch /tmp/izhi-pwned); __import__('os').system('id')"

#: Output-only widgets (the page never sends these) and the figures.
OUTPUTS = ("izhi-status", "izhi-message", "izhi-progress", "izhi-share", "izhi-readout",
           "izhi-label", "izhi-preset-info", "izhi-equation", "izhi-numerics-note",
           "izhi-code-output", "izhi-spike-table", "izhi-phase-info", "izhi-map-status",
           "izhi-map-hover", "izhi-excitability-text", "izhi-map-progress")


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


@pytest.fixture(scope="module")
def ex():
    explorer = Explorer()
    explorer.traces.figure.canvas.syncing_data_url = False
    yield explorer
    explorer.close()


def _inputs(explorer) -> dict[str, object]:
    out = {}
    for w in _walk(explorer.widget):
        classes = [c for c in getattr(w, "_dom_classes", ()) if c.startswith("izhi-")]
        if not classes or classes[0] in OUTPUTS or classes[0].startswith("izhi-js-"):
            continue
        if any(t in w.keys for t in ("value", "index", "selected_index")):
            out[classes[0]] = w
    return out


def _trait(widget) -> str:
    for t in ("index", "selected_index", "value"):
        if t in widget.keys:
            return t
    raise AssertionError(widget)


hostile = st.one_of(
    st.sampled_from([XSS, SHELL, "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e-320",
                     "", " ", "0x10", "1_000", "１", "9" * 100_000, "{" * 20_000,
                     '{"width": 1e308, "href": "javascript:alert(1)"}', None, [], {},
                     [1e308, -1e308], ["nan", "nan"], 10 ** 30, -(10 ** 30), True]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10 ** 20), max_value=10 ** 20),
    st.text(max_size=300),
    st.lists(st.floats(allow_nan=True), max_size=3),
)


def test_every_input_widget_is_covered(ex):
    names = set(_inputs(ex))
    for must in ("izhi-a", "izhi-a-box", "izhi-dt", "izhi-duration", "izhi-preset",
                 "izhi-numerics", "izhi-time-window", "izhi-page-info", "izhi-stim-shape",
                 "izhi-stim-amplitude", "izhi-kick-t", "izhi-map-x-n", "izhi-tabs"):
        assert must in names, must


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), value=hostile)
def test_hostile_values_through_set_state_are_refused_or_named(ex, data, value):
    inputs = _inputs(ex)
    name = data.draw(st.sampled_from(sorted(inputs)))
    widget = inputs[name]
    try:
        widget.set_state({_trait(widget): value})
    except TraitError:
        pass  # traitlets refused the value; ipywidgets' comm handler logs this, no harm
    message = ex.message.value
    assert len(message) < 3000
    assert "<img src=x" not in message and "<img src=x" not in ex.share.value
    for view in ex.views:  # the code tab and every HTML a view shows
        for w in _walk(view.widget) if getattr(view, "widget", None) is not None else ():
            v = getattr(w, "value", None)
            if isinstance(v, str) and type(w).__name__ == "HTML":
                assert "<img src=x" not in v and "__import__('os')" not in v
    ex.controller.state.check()  # what is on screen is always a valid run


def test_an_honest_value_runs_after_the_hostile_ones(ex):
    ex._on_reset()
    before = ex.run_count
    ex.set_value("a", "0.03")
    assert ex.run_count > before and math.isclose(ex.state.a, 0.03)
    assert ex.message_text() == ""
