"""Dynamics of the model: the phase plane as an instrument, excitability and bifurcations,
maps of where each firing pattern lives.

* `geometry` (pure): `fixed_points`, `separatrix` (the true, input-dependent threshold),
  `vector_field`, `oscillation_period_ms`.
* `bifurcation` (pure): `bifurcation_current` (saddle-node or Andronov–Hopf, the b < a /
  b > a rule), `equilibrium_branches` (for the bifurcation diagram).
* `excitability` (runs simulations): `fi_curve` (refined near onset, up and down sweeps),
  `excitability_class` (1 or 2, with the reason).
* `maps` (runs simulations): `pattern_map` (classifier labels over a parameter plane).

Examples
--------
>>> from izhi_widgets import PRESETS
>>> from izhi_widgets.dynamics import bifurcation_current, fixed_points
>>> [fp.kind for fp in fixed_points(PRESETS["A"].params, I=0.0)]
['stable node', 'saddle']
>>> bifurcation_current(PRESETS["G"].params).kind
'saddle-node'
"""

from .bifurcation import Bifurcation, EquilibriumBranches, bifurcation_current, equilibrium_branches
from .excitability import Excitability, FISweep, excitability_class, fi_curve
from .geometry import (FixedPoint, fixed_points, jacobian, oscillation_period_ms, separatrix,
                       vector_field)
from .maps import PAPER_MAPS, MapCancelled, PatternMap, label_colors, pattern_map

__all__ = ["fixed_points", "FixedPoint", "separatrix", "vector_field", "jacobian",
           "oscillation_period_ms", "bifurcation_current", "Bifurcation",
           "equilibrium_branches", "EquilibriumBranches", "excitability_class", "Excitability",
           "fi_curve", "FISweep", "pattern_map", "PatternMap", "MapCancelled", "label_colors",
           "PAPER_MAPS"]
