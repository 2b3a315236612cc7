"""Figures of the model's dynamics: the phase plane as an instrument, the bifurcation
diagram with the F–I curve, and pattern maps.

Each function takes ``ax=None`` (then pyplot's current axes) and returns what it drew;
the explorer's Excitability and Pattern map tabs and the report use the same functions.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from izhi_widgets import PRESETS
>>> from izhi_widgets.plotting.dynamics import plot_bifurcation
>>> lines = plot_bifurcation(PRESETS["G"].params, currents=[0.0, 2.0, 2.2, 3.0])
>>> len(lines) > 0
True
>>> plt.close("all")
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.axes import Axes

from ..dynamics.bifurcation import bifurcation_current, equilibrium_branches
from ..dynamics.geometry import fixed_points, separatrix, vector_field
from ..params import IzhikevichParams
from ..presets import PRESETS
from ..result import SimulationResult
from .common import current_axes

__all__ = ["plot_phase_instrument", "plot_bifurcation", "plot_fi_sweep", "plot_pattern_map",
           "KIND_STYLE"]

#: Marker, face and edge colour of each kind of equilibrium.
KIND_STYLE = {"stable node": ("o", "k", "k"), "stable focus": ("o", "k", "k"),
              "unstable node": ("o", "white", "k"), "unstable focus": ("o", "white", "k"),
              "saddle": ("X", "tab:purple", "tab:purple")}


def plot_phase_instrument(params: IzhikevichParams, I: float = 0.0,
                          result: SimulationResult | None = None, ax: Axes | None = None, *,
                          window: tuple[float, float, float, float] | None = None,
                          arrows: tuple[int, int] = (17, 13)) -> dict:
    """The phase plane at current ``I``: nullclines, flow arrows, equilibria by kind, the
    separatrix and (optionally) a run's trajectory.

    ``window``: ``(v_lo, v_hi, u_lo, u_hi)`` (default: around the equilibria and the
    trajectory). Returns the artists by name.
    """
    ax = current_axes() if ax is None else ax
    points = fixed_points(params, I)
    if window is None:
        vs = [p.v_mV for p in points] or [-65.0]
        us = [p.u for p in points] or [params.b * -65.0]
        if result is not None and len(result.u):
            us += [float(np.nanmin(result.u)), float(np.nanmax(result.u))]
        v_lo, v_hi = min(min(vs) - 25.0, -90.0), params.v_peak_mV + 5.0
        pad = max(2.0, 0.15 * (max(us) - min(us)))
        window = (v_lo, v_hi, min(us) - pad, max(us) + pad)
    v_lo, v_hi, u_lo, u_hi = window
    out: dict = {}
    V, U, dV, dU = vector_field(params, I, np.linspace(v_lo, v_hi, arrows[0]),
                                np.linspace(u_lo, u_hi, arrows[1]))
    out["flow"] = ax.quiver(V, U, dV, dU, color="0.65", angles="xy", scale_units="xy",
                            scale=12.0, width=0.003, zorder=1)
    grid = np.linspace(v_lo, v_hi, 400)
    v_shift, u_gain = params.recovery_terms()
    (out["v_nullcline"],) = ax.plot(grid, params.k2 * grid ** 2 + params.k1 * grid + params.k0
                                    + I, color="tab:orange", lw=1.6, label="v-nullcline")
    if u_gain == 0:
        out["u_nullcline"] = ax.axvline(-v_shift, color="tab:blue", lw=1.6, label="u-nullcline")
    else:
        (out["u_nullcline"],) = ax.plot(grid, params.b * (grid + v_shift) / u_gain,
                                        color="tab:blue", lw=1.6, label="u-nullcline")
    sep = separatrix(params, I)
    if sep is not None:
        (out["separatrix"],) = ax.plot(*sep, color="tab:purple", lw=1.4, ls="--",
                                       label="separatrix (threshold)")
    if result is not None and len(result.v_mV):
        v = np.where(np.asarray(result.v_mV) >= params.v_peak_mV, np.nan, result.v_mV)
        (out["trajectory"],) = ax.plot(v, result.u, color="k", lw=0.8, label="trajectory",
                                       zorder=3)
    for kind, (marker, face, edge) in KIND_STYLE.items():
        chosen = [p for p in points if p.kind == kind]
        if chosen:
            (out[kind],) = ax.plot([p.v_mV for p in chosen], [p.u for p in chosen], marker,
                                   ms=8, mfc=face, mec=edge, mew=1.4, ls="none", label=kind,
                                   zorder=5)
    ax.set_xlim(v_lo, v_hi)
    ax.set_ylim(u_lo, u_hi)
    ax.set_xlabel("v (mV)")
    ax.set_ylabel("u")
    ax.spines[["top", "right"]].set_visible(False)
    return out


def plot_bifurcation(params: IzhikevichParams, fi=None, ax: Axes | None = None, *,
                     currents: Sequence[float] | None = None) -> list:
    """Equilibria v* against a constant current (stable solid, unstable dashed), the rest's
    bifurcation marked and, from an F–I sweep ``fi``, the spiking branch's min and max v."""
    ax = current_axes() if ax is None else ax
    if currents is None:
        lo, hi = (fi.currents[0], fi.currents[-1]) if fi is not None else (0.0, 20.0)
        currents = np.linspace(lo, hi, 400)
    currents = np.asarray(currents, dtype=float)
    br = equilibrium_branches(params, currents)
    drawn = []
    for v, stable in ((br.v_low, br.stable_low), (br.v_high, br.stable_high)):
        drawn += ax.plot(currents, np.where(stable, v, np.nan), "k-", lw=1.8)
        drawn += ax.plot(currents, np.where(~stable, v, np.nan), "k--", lw=1.0)
    if fi is not None:
        firing = np.nan_to_num(fi.rates_hz) > 0
        drawn += ax.plot(fi.currents[firing], fi.v_min_mV[firing], ".", color="tab:red", ms=4,
                         label="spiking: min v")
        drawn += ax.plot(fi.currents[firing], fi.v_max_mV[firing], ".", color="tab:orange",
                         ms=4, label="spiking: max v (the peak)")
    bif = bifurcation_current(params)
    if bif is not None:
        drawn += ax.plot([bif.I], [bif.v_mV], "o", mfc="white", mec="tab:purple", mew=2, ms=9,
                         label=f"{bif.kind} at I = {bif.I:.4g}")
    drawn += ax.plot([], [], "k-", label="stable equilibrium")
    drawn += ax.plot([], [], "k--", label="unstable equilibrium")
    ax.set_xlabel("constant current I")
    ax.set_ylabel("v (mV)")
    ax.spines[["top", "right"]].set_visible(False)
    return drawn


def plot_fi_sweep(fi, ax: Axes | None = None, *, fit: bool = True) -> list:
    """An F–I sweep: steady-state and first-interval rates, the up and down staircases, the
    bifurcation current and (``fit``, class 1) the √(I − I0) fit."""
    ax = current_axes() if ax is None else ax
    drawn = []
    if fi.bifurcation is not None:
        drawn.append(ax.axvline(fi.bifurcation.I, color="tab:purple", lw=1, ls=":",
                                label="bifurcation"))
    drawn += ax.plot(fi.currents, fi.rates_hz, "o", ms=3, color="k", label="steady state")
    drawn += ax.plot(fi.currents, fi.first_rates_hz, ".", ms=3, color="0.6",
                     label="first interval")
    if fi.up_rates_hz is not None:
        drawn += ax.step(fi.up_currents, fi.up_rates_hz, where="mid", color="tab:blue", lw=1,
                         label="sweep up")
        drawn += ax.step(fi.up_currents, fi.down_rates_hz, where="mid", color="tab:red", lw=1,
                         ls="--", label="sweep down")
    if fit and fi.sqrt_fit is not None:
        k, i0 = fi.sqrt_fit
        xs = np.linspace(i0, fi.currents[-1], 200)
        drawn += ax.plot(xs, k * np.sqrt(np.clip(xs - i0, 0, None)), color="tab:green", lw=1,
                         label=f"{k:.3g}·√(I − {i0:.3g})")
    ax.set_xlabel("step current I")
    ax.set_ylabel("rate (Hz)")
    ax.spines[["top", "right"]].set_visible(False)
    return drawn


def plot_pattern_map(pm, ax: Axes | None = None, *, presets: bool = True,
                     legend: bool = True):
    """A pattern map: each cell coloured by its label (`label_colors`), the presets that
    live in the plane placed on it, a legend of the labels present. Returns the image."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from ..dynamics.maps import label_colors

    ax = current_axes() if ax is None else ax
    colors = label_colors()
    present = sorted(set(pm.labels.ravel()))
    index = {label: k for k, label in enumerate(present)}
    codes = np.vectorize(index.get)(pm.labels)
    cmap = ListedColormap([colors.get(label, "#cccccc") for label in present])
    image = ax.imshow(codes, origin="lower", aspect="auto", interpolation="nearest", cmap=cmap,
                      vmin=-0.5, vmax=len(present) - 0.5, extent=pm.extent)
    if presets and pm.x_name in "abcd" and pm.y_name in "abcd":
        left, right, bottom, top = pm.extent
        off_axes = [k for k in "abcd" if k not in (pm.x_name, pm.y_name)]
        spots: dict = {}
        for key, preset in PRESETS.items():
            if any(abs(getattr(preset.params, k) - getattr(pm.base, k)) > 1e-9
                   for k in off_axes):
                continue  # only presets that live in this plane
            px, py = getattr(preset.params, pm.x_name), getattr(preset.params, pm.y_name)
            if left <= px <= right and bottom <= py <= top:
                spots.setdefault((px, py), []).append(key)
        for (px, py), keys in spots.items():  # presets on one spot share a label: "A/I"
            ax.plot([px], [py], "o", ms=5, mfc="white", mec="k", zorder=4)
            ax.annotate("/".join(keys), (px, py), xytext=(4, 3), textcoords="offset points",
                        fontsize=8, zorder=5)
    ax.set_xlabel(pm.x_name)
    ax.set_ylabel(pm.y_name)
    if legend:
        ax.legend(handles=[Patch(facecolor=colors.get(lab, "#cccccc"), label=lab)
                           for lab in present], loc="upper left", bbox_to_anchor=(1.02, 1.0),
                  fontsize=8, frameon=False, borderaxespad=0.0)
    return image
