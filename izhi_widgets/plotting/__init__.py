"""Matplotlib figures of simulation results: traces, phase planes, the papers' galleries.

The matplotlib convention holds: with explicit axes (``ax=`` / ``axes=``) a function draws
into them and touches nothing else (the panel passes axes of its own, non-pyplot figure);
without, it draws on the current pyplot axes (``plt.gca()``), or for the three-axes trace
plot and the galleries on a new pyplot figure (``plot_trace`` reuses the current figure if
it is empty), so the figure shows inline in Jupyter and with ``plt.show()`` in a script.
pyplot is imported only then, and ``plt.show()`` is never called here. Every function
returns the artists it made (`TraceArtists`, `PhaseArtists`, lines or the figure); the
panel builds its figure once and calls ``.update(result)`` on the artist holders, which
change the artists' data in place.

============  ================================================================================
module        responsibility
============  ================================================================================
`traces`      `plot_trace` (`TraceArtists`), `plot_stimulus` (the input cartoon)
`phase`       `plot_phase_plane` (`PhaseArtists`)
`galleries`   `plot_gallery_2004`, `plot_gallery_2003`, `plot_phase_plane_examples`
`numerics`    `plot_numerics_comparison` (published scheme vs ODE integrators)
`convergence` `plot_convergence` (spike-time error against the step, per scheme)
`portraits`   `plot_phase_portraits` (`Portrait`), `plot_vector_field`
`fi`          `plot_fi_curve`, `plot_fi_examples`
`network`     `plot_raster`, `plot_population_rate`, `plot_spectrum`,
              `plot_network` (the 2003 network)
`common`      `V_LIMITS_MV`, `PAGE_WIDTH_IN`, `default_current`, axis helpers, lazy
              pyplot access
============  ================================================================================

The report's multi-panel figures are drawn at its page width (`PAGE_WIDTH_IN`), so their
font sizes are the printed sizes. Nothing here writes files: the report's figures are
written by ``report/build.py``.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from izhi_widgets import PRESETS, simulate
>>> from izhi_widgets.plotting import plot_trace
>>> artists = plot_trace(simulate(PRESETS["A"]))   # on a pyplot figure: plt.show() shows it
>>> artists.update(simulate(PRESETS["B"]))
>>> len(artists.v_line.get_ydata()) == len(simulate(PRESETS["B"]).v_mV)
True
>>> plt.close(artists.figure)
"""

from .common import DPI, PAGE_WIDTH_IN, V_LIMITS_MV, default_current
from .fi import plot_fi_curve, plot_fi_examples
from .network import plot_network, plot_population_rate, plot_raster, plot_spectrum
from .galleries import plot_gallery_2003, plot_gallery_2004, plot_phase_plane_examples
from .convergence import plot_convergence
from .numerics import COMPARISON_KEYS, COMPARISON_SETTINGS, plot_numerics_comparison
from .phase import PhaseArtists, plot_phase_plane
from .portraits import Portrait, plot_phase_portraits, plot_vector_field
from .traces import TraceArtists, plot_stimulus, plot_trace

__all__ = [
    "TraceArtists",
    "PhaseArtists",
    "plot_trace",
    "plot_phase_plane",
    "plot_stimulus",
    "plot_gallery_2004",
    "plot_gallery_2003",
    "plot_numerics_comparison",
    "plot_phase_plane_examples",
    "plot_fi_curve",
    "plot_fi_examples",
    "plot_raster",
    "plot_population_rate",
    "plot_spectrum",
    "plot_network",
    "plot_phase_portraits",
    "plot_vector_field",
    "Portrait",
    "PAGE_WIDTH_IN",
    "default_current",
    "V_LIMITS_MV",
    "DPI",
    "COMPARISON_KEYS",
    "COMPARISON_SETTINGS",
    "plot_convergence",
]
