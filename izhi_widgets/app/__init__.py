"""The explorer app: a thin shell of views on one state.

Data flows one way. `fields` declares the panel's settings; `state` holds them
(`PanelState`) and reads/writes share links; `designer` builds stimuli from the
stimulus registry; `controller` (no widgets) turns the controls' draft into a run and a
`ViewModel`; `controls`, `canvas`, `browser` and `views` are the widgets; `explorer`
lays the views out as tabs and wires them to the controller.

``from izhi_widgets.app import Explorer`` imports the widgets; the logic modules do not.
"""

from __future__ import annotations

__all__ = ["Explorer", "PanelController", "PanelState"]


def __getattr__(name: str):
    # Lazy: importing the package (e.g. for the controller) must not build any widget.
    if name == "Explorer":
        from .explorer import Explorer

        return Explorer
    if name == "PanelController":
        from .controller import PanelController

        return PanelController
    if name == "PanelState":
        from .state import PanelState

        return PanelState
    raise AttributeError(name)
