"""The classifier's rules: each reads a run (`RuleContext`) and returns a label or None.

`PROTOCOL_RULES` are tried in order (they need the protocol: ramps, pulses, lowered
windows, traces); `spike_train_rule` labels a run that none of them explains. Every number
compared with comes from the `ClassifierThresholds` of the context. The rules and their
order are tabulated in `izhi_widgets.analysis.classifier`, which is the entry point.

Examples
--------
>>> [rule.__name__ for rule in PROTOCOL_RULES][:2]
['_rule_inhibition_induced', '_rule_rebound']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

import numpy as np

from ..params import IzhikevichParams
from ..result import SimulationResult
from .bursts import Burst, detect_bursts
from .phase import stable_rest
from .protocol import BRIEF_FRACTION, Excursion, StimulusProtocol, true_runs
from .ringing import rings
from .spikes import adaptation_index
from .thresholds import DEFAULT_THRESHOLDS, ClassifierThresholds

__all__ = ["RuleContext", "Rule", "RuleOutcome", "PROTOCOL_RULES", "spike_train_rule"]


@dataclass
class RuleContext:
    """What the rules read: the run, its sorted spikes, its stimulus protocol, the thresholds.

    Attributes
    ----------
    result : SimulationResult
    t : ndarray
        The sample times.
    v : ndarray or None
        The potential trace (None for a run without traces).
    spikes : ndarray
        Sorted spike times.
    proto : StimulusProtocol
        The sampled current read back (`describe_stimulus`).
    params : IzhikevichParams
    th : ClassifierThresholds
    """

    result: SimulationResult
    t: np.ndarray
    v: np.ndarray | None
    spikes: np.ndarray
    proto: StimulusProtocol
    params: IzhikevichParams
    th: ClassifierThresholds = DEFAULT_THRESHOLDS

    def spikes_in(self, start_ms: float, stop_ms: float) -> np.ndarray:
        """Spikes with ``start_ms < t <= stop_ms``."""
        return self.spikes[(self.spikes > start_ms) & (self.spikes <= stop_ms)]

    def count_in(self, start_ms: float, stop_ms: float) -> int:
        """Number of spikes with ``start_ms < t <= stop_ms``."""
        return int(len(self.spikes_in(start_ms, stop_ms)))


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"


def _span(values: Sequence[float], unit: str = "") -> str:
    lo, hi = min(values), max(values)
    return f"{_fmt(lo)}{unit}" if _fmt(lo) == _fmt(hi) else f"{_fmt(lo)}–{_fmt(hi)}{unit}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _window_rings(ctx: RuleContext, first: int, last: int, level: float) -> bool:
    """Whether ``v`` rings around the rest at ``level`` in samples ``first..last``."""
    return ctx.v is not None and rings(ctx.v[first:last + 1], ctx.params, level, ctx.th)


def _response_ends(spikes: np.ndarray, start_ms: float, stop_ms: float,
                   th: ClassifierThresholds = DEFAULT_THRESHOLDS) -> bool:
    """Firing that started after ``start_ms`` has stopped by ``stop_ms``.

    The silence after the last spike must exceed twice the longest ISI (a single spike:
    the delay from ``start_ms`` to it).
    """
    if not len(spikes):
        return False
    silence = stop_ms - spikes[-1]
    if len(spikes) == 1:
        return silence >= th.response_end_delays * (spikes[0] - start_ms)
    return silence > th.response_end_isis * float(np.max(np.diff(spikes)))


def _is_bursting(spikes: np.ndarray, end_ms: float,
                 th: ClassifierThresholds = DEFAULT_THRESHOLDS) -> list[Burst]:
    """Bursts of the train if they hold at least half of its spikes, else []."""
    bursts = detect_bursts(spikes, min_spikes=th.burst_min_spikes, end_ms=end_ms,
                           gap_ratio=th.burst_gap_ratio)
    in_bursts = sum(b.n_spikes for b in bursts)
    return bursts if bursts and in_bursts >= th.bursting_fraction * len(spikes) else []


#: What a rule returns: (label, explanation, features), or None when it does not apply.
RuleOutcome = Optional[Tuple[str, str, Dict[str, Any]]]
#: A rule of the classifier.
Rule = Callable[[RuleContext], RuleOutcome]


def _rule_inhibition_induced(ctx: RuleContext) -> RuleOutcome:
    proto = ctx.proto
    lowered = [p for p in proto.pieces if p.kind == "flat" and p.duration_ms > 0
               and p.level < proto.initial - proto.tol]
    if not lowered or not len(ctx.spikes):
        return None
    inside = np.zeros(len(ctx.spikes), dtype=bool)
    for p in lowered:
        inside |= p.contains(ctx.spikes)
    # Silent at the baseline before the first lowering; a spike trailing a window is allowed.
    if (int(inside.sum()) < ctx.th.inhibition_fraction * len(inside)
            or ctx.count_in(-math.inf, lowered[0].start_ms)):
        return None
    spikes = ctx.spikes[inside]
    window = max(lowered, key=lambda p: int(p.contains(spikes).sum()))
    bursts = _is_bursting(spikes, window.stop_ms, ctx.th)
    where = (f"while the current is lowered from {proto.initial:g} to {window.level:g} "
             f"({window.start_ms:g}–{window.stop_ms:g} ms)")
    features = {"lowered_to": window.level, "baseline": proto.initial,
                "n_bursts": len(bursts)}
    if bursts:
        return ("inhibition-induced bursting",
                f"{_plural(len(bursts), 'burst')} of {_span([b.n_spikes for b in bursts])} spikes "
                f"{where}, none at {proto.initial:g} before it.", features)
    return ("inhibition-induced spiking",
            f"{_plural(len(spikes), 'spike')} {where}, none at {proto.initial:g} before it.",
            features)


def _rule_rebound(ctx: RuleContext) -> RuleOutcome:
    pieces, spikes = ctx.proto.pieces, ctx.spikes
    if not len(spikes):
        return None
    for j in range(1, len(pieces)):
        low, rel = pieces[j - 1], pieces[j]
        if not (low.kind == rel.kind == "flat" and low.level < -ctx.proto.tol
                and rel.level > low.level):
            continue
        before = pieces[j - 2].level if j >= 2 and pieces[j - 2].kind == "flat" else 0.0
        if rel.level > max(0.0, before) + ctx.proto.tol:
            continue
        response = ctx.spikes_in(rel.start_ms, rel.stop_ms)
        if len(response) != len(spikes):  # spikes before, during or after elsewhere
            continue
        if not _response_ends(response, rel.start_ms, rel.stop_ms, ctx.th):
            continue
        features = {"hyperpolarized_to": low.level, "released_to": rel.level,
                    "released_at_ms": rel.start_ms, "n_spikes": len(response)}
        release = (f"after release from {low.level:g} to {rel.level:g} at "
                   f"{rel.start_ms:g} ms")
        if len(response) >= ctx.th.burst_min_spikes:  # a transient group of spikes: a burst
            return ("rebound burst",
                    f"A burst of {len(response)} spikes ({_fmt(response[0])}–"
                    f"{_fmt(response[-1])} ms) {release}, none before.", features)
        when = (f"at {_fmt(response[0])} ms" if len(response) == 1 else
                f"({_fmt(response[0])}–{_fmt(response[-1])} ms)")
        return ("rebound spike",
                f"{_plural(len(response), 'spike')} {when} {release}, none before.", features)
    return None


def _rule_accommodation(ctx: RuleContext) -> RuleOutcome:
    ramps = ctx.proto.ramps
    if len(ramps) < 2:
        return None
    for slow in ramps:
        if ctx.count_in(slow.start_ms, slow.stop_ms):
            continue
        for fast in ramps:
            if fast.slope_per_ms < ctx.th.accommodation_slope_ratio * slow.slope_per_ms:
                continue
            fired = ctx.spikes_in(fast.start_ms, fast.stop_ms)
            if not len(fired):
                continue
            i_fire = fast.current_start + fast.slope_per_ms * (fired[0] - fast.start_ms)
            if i_fire < slow.current_end:
                return ("accommodation",
                        f"A slow ramp ({slow.slope_per_ms:.3g}/ms) reaching {slow.current_end:.3g} "
                        f"evokes no spike, but a ramp {fast.slope_per_ms / slow.slope_per_ms:.3g} "
                        f"times steeper fires at {i_fire:.3g}.",
                        {"slow_slope": slow.slope_per_ms, "fast_slope": fast.slope_per_ms,
                         "slow_peak": slow.current_end, "fire_current": i_fire})
    return None


def _rule_excitability_class(ctx: RuleContext) -> RuleOutcome:
    spikes = ctx.spikes
    if len(spikes) < ctx.th.excitability_min_spikes:
        return None
    best = max(ctx.proto.ramps, key=lambda p: ctx.count_in(p.start_ms, p.stop_ms), default=None)
    if best is None:
        return None
    on_ramp = ctx.spikes_in(best.start_ms, best.stop_ms)
    if (len(on_ramp) < ctx.th.excitability_min_spikes
            or len(on_ramp) < ctx.th.excitability_ramp_fraction * len(spikes)):
        return None
    isis = np.diff(on_ramp)
    rate_first, rate_last = 1000.0 / isis[0], 1000.0 / isis[-1]
    i_first = best.current_start + best.slope_per_ms * (on_ramp[0] - best.start_ms)
    features = {"rate_first_hz": rate_first, "rate_last_hz": rate_last,
                "current_at_first_spike": i_first, "slope_per_ms": best.slope_per_ms}
    if rate_first >= ctx.th.class2_min_rate_hz:
        return ("class 2 excitable",
                f"Under a ramp the cell starts firing abruptly at {rate_first:.0f} Hz "
                f"(current {i_first:.3g}) and only reaches {rate_last:.0f} Hz.", features)
    return ("class 1 excitable",
            f"Under a ramp the cell starts firing at a low {rate_first:.0f} Hz "
            f"(current {i_first:.3g}) and speeds up to {rate_last:.0f} Hz.", features)


def _pulses_only(proto: StimulusProtocol, brief_fraction: float = BRIEF_FRACTION) -> bool:
    """A constant baseline interrupted only by brief excursions from it."""
    if not proto.all_flat or not proto.excursions:
        return False
    base = proto.excursions[0].base
    pulse_pieces = {e.piece for e in proto.excursions}
    return all(proto.is_brief(e, brief_fraction) and proto.same(e.base, base)
               for e in proto.excursions) and all(
        j in pulse_pieces or proto.same(p.level, base) for j, p in enumerate(proto.pieces))


def _positive_pulses(ctx: RuleContext) -> list[Excursion]:
    return [e for e in ctx.proto.excursions
            if e.amplitude > 0 and ctx.proto.is_brief(e, ctx.th.brief_fraction)]


def _identical(ctx: RuleContext, pulses: Sequence[Excursion]) -> bool:
    dt = float(ctx.result.dt_ms)
    # Widths are counted in samples, so one onset off the grid changes them by one step.
    return all(abs(p.amplitude - pulses[0].amplitude) <= ctx.proto.tol
               and abs(p.width_ms - pulses[0].width_ms) <= dt * ctx.th.pulse_width_tolerance_steps
               for p in pulses)


def _rule_pulse_pairs(ctx: RuleContext) -> RuleOutcome:
    proto = ctx.proto
    pulses = _positive_pulses(ctx)
    if (not _pulses_only(proto, ctx.th.brief_fraction)
            or len(pulses) < 2 * ctx.th.min_pulse_pairs or len(pulses) % 2
            or len(pulses) != len(proto.excursions) or not _identical(ctx, pulses)):
        return None
    pairs = [(pulses[i], pulses[i + 1]) for i in range(0, len(pulses), 2)]
    gaps = [b.start_ms - a.start_ms for a, b in pairs]
    between = [pairs[i + 1][0].start_ms - pairs[i][1].start_ms for i in range(len(pairs) - 1)]
    if min(between) <= max(gaps) or max(gaps) < ctx.th.pair_spacing_ratio * min(gaps):
        return None
    fired = []
    for i, (a, _) in enumerate(pairs):
        stop = pairs[i + 1][0].start_ms if i + 1 < len(pairs) else float(ctx.t[-1])
        fired.append(ctx.count_in(a.start_ms, stop) > 0)
    if ctx.count_in(-math.inf, pairs[0][0].start_ms) or all(fired) or not any(fired):
        return None
    yes = [g for g, f in zip(gaps, fired) if f]
    no = [g for g, f in zip(gaps, fired) if not f]
    features = {"pair_gaps_ms": gaps, "pair_fired": fired}
    text = (f"pulse pairs {_span(yes, ' ms')} apart fire, pairs {_span(no, ' ms')} apart "
            f"do not")
    if min(yes) > max(no):
        return ("resonator", f"Of identical pulses, {text}: only the wider spacing (near the "
                             f"subthreshold period) excites the cell.", features)
    if max(yes) < min(no):
        return ("integrator", f"Of identical pulses, {text}: closely spaced inputs sum to "
                              f"threshold.", features)
    return None


def _rule_threshold_variability(ctx: RuleContext) -> RuleOutcome:
    proto = ctx.proto
    if not _pulses_only(proto, ctx.th.brief_fraction):
        return None
    pulses = _positive_pulses(ctx)
    negatives = [e for e in proto.excursions if e.amplitude < 0]
    if len(pulses) < 2 or not negatives or not _identical(ctx, pulses):
        return None
    order = list(proto.excursions)
    fired, primed = [], []
    for p in pulses:
        k = order.index(p)
        stop = order[k + 1].start_ms if k + 1 < len(order) else float(ctx.t[-1])
        fired.append(ctx.count_in(p.start_ms, stop) > 0)
        primed.append(k > 0 and order[k - 1].amplitude < 0)
    if all(fired) or not any(fired) or not (fired == primed or fired == [not x for x in primed]):
        return None
    if ctx.count_in(-math.inf, pulses[0].start_ms):
        return None
    how = "after" if fired == primed else "without"
    return ("threshold variability",
            f"The same {pulses[0].amplitude:g}-amplitude pulse fires only {how} a preceding "
            f"hyperpolarizing pulse ({sum(fired)} of {len(pulses)} pulses fire).",
            {"pulse_fired": fired, "pulse_primed": primed})


def _rule_bistability(ctx: RuleContext) -> RuleOutcome:
    proto, spikes = ctx.proto, ctx.spikes
    pulses = list(proto.excursions)
    if len(spikes) < 2 or not _pulses_only(proto, ctx.th.brief_fraction):
        return None
    end = float(ctx.t[-1])
    for k, p in enumerate(pulses):
        if ctx.count_in(-math.inf, p.start_ms) or stable_rest(ctx.params, p.base) is None:
            continue
        nxt = pulses[k + 1] if k + 1 < len(pulses) else None
        stop = nxt.start_ms if nxt else end
        after = ctx.spikes_in(p.stop_ms, stop)
        if len(after) < 2:
            continue
        isi = float(np.median(np.diff(after)))
        if stop - after[-1] > ctx.th.persistence_isis * isi:  # did not persist to the next pulse
            continue
        features = {"switched_on_ms": p.start_ms, "rate_hz": 1000.0 / isi}
        if nxt is None:
            if len(after) >= ctx.th.bistability_min_spikes:
                return ("bistability",
                        f"Silent at {p.base:g} until a pulse at {p.start_ms:g} ms starts "
                        f"firing at {1000 / isi:.0f} Hz that outlasts it to the end "
                        f"({len(after)} spikes).", features)
            continue
        if ctx.count_in(nxt.start_ms, end) == 0 and end - after[-1] > ctx.th.persistence_isis * isi:
            features["switched_off_ms"] = nxt.start_ms
            return ("bistability",
                    f"Silent at {p.base:g} until a pulse at {p.start_ms:g} ms starts "
                    f"self-sustained firing at {1000 / isi:.0f} Hz ({len(after)} spikes); a "
                    f"pulse at {nxt.start_ms:g} ms stops it.", features)
    return None


def _rule_dap(ctx: RuleContext) -> RuleOutcome:
    if ctx.v is None or not len(ctx.spikes):
        return None
    last = float(ctx.spikes[-1])
    piece = next((p for p in ctx.proto.pieces if p.start_ms < last <= p.stop_ms), None)
    if piece is None or piece.kind != "flat" or piece.level > ctx.proto.initial + ctx.proto.tol:
        return None
    k = int(np.searchsorted(ctx.t, last)) + 1
    v = ctx.v[k:piece.last + 1]
    if len(v) < 3:
        return None
    top = int(np.argmax(v))
    hump = float(v[top] - ctx.params.c)
    th = ctx.th
    if (top == 0 or hump < th.dap_min_above_reset_mV or v[top] - v[0] < th.dap_min_rise_mV
            or v[top] - v[-1] < th.dap_min_decay_mV):
        return None
    return ("depolarizing after-potential",
            f"After the spike at {_fmt(last)} ms the potential climbs {hump:.3g} mV above the "
            f"reset ({ctx.params.c:g} mV) at {_fmt(ctx.t[k + top])} ms before decaying, "
            f"with the input back at {piece.level:g}.",
            {"dap_mV": hump, "dap_peak_ms": float(ctx.t[k + top])})


def _rule_latency(ctx: RuleContext) -> RuleOutcome:
    proto = ctx.proto
    if (not len(ctx.spikes) or not _pulses_only(proto, ctx.th.brief_fraction)
            or len(proto.excursions) != 1):
        return None
    pulse = proto.excursions[0]
    if pulse.amplitude <= 0:
        return None
    delay = float(ctx.spikes[0] - pulse.stop_ms)
    if delay < max(ctx.th.latency_min_delay_ms, ctx.th.latency_min_delay_widths * pulse.width_ms):
        return None
    return ("spike latency",
            f"A {_fmt(pulse.width_ms)} ms pulse evokes a spike "
            f"{_fmt(ctx.spikes[0] - pulse.start_ms)} ms after its onset, {_fmt(delay)} ms "
            f"after it ended.",
            {"latency_ms": float(ctx.spikes[0] - pulse.start_ms), "delay_after_pulse_ms": delay})


def _rule_resonator_ringing(ctx: RuleContext) -> RuleOutcome:
    if ctx.v is None or not len(ctx.spikes):
        return None
    for piece in ctx.proto.pieces[1:]:
        if piece.kind != "flat" or ctx.count_in(piece.start_ms, piece.stop_ms):
            continue
        if not ctx.count_in(piece.stop_ms, math.inf):
            continue
        if _window_rings(ctx, piece.first, piece.last, piece.level):
            return ("resonator",
                    f"An input change at {piece.start_ms:g} ms evokes no spike but damped "
                    f"subthreshold ringing, and a later input fires the cell "
                    f"({_plural(len(ctx.spikes), 'spike')}).",
                    {"ringing_from_ms": piece.start_ms})
    return None


def _rule_subthreshold_oscillations(ctx: RuleContext) -> RuleOutcome:
    if ctx.v is None or len(ctx.spikes) > ctx.th.subthreshold_max_spikes:
        return None
    for piece in ctx.proto.pieces[1:]:
        if piece.kind != "flat":
            continue
        inside = ctx.spikes_in(piece.start_ms, piece.stop_ms)
        first = piece.first
        if len(inside):
            first = int(np.searchsorted(ctx.t, inside[-1])) + 1
        if _window_rings(ctx, first, piece.last, piece.level):
            after = ("after the spike" if len(inside) else
                     f"after the input change at {piece.start_ms:g} ms")
            return ("subthreshold oscillations",
                    f"The potential rings (damped subthreshold oscillation around "
                    f"{stable_rest(ctx.params, piece.level).v_mV:.3g} mV) {after}.",
                    {"ringing_from_ms": float(ctx.t[first])})
    return None


#: The protocol rules, in the order they are tried.
PROTOCOL_RULES: tuple[Rule, ...] = (
    _rule_inhibition_induced,
    _rule_rebound,
    _rule_accommodation,
    _rule_excitability_class,
    _rule_pulse_pairs,
    _rule_threshold_variability,
    _rule_bistability,
    _rule_dap,
    _rule_latency,
    _rule_resonator_ringing,
    _rule_subthreshold_oscillations,
)


def spike_train_rule(ctx: RuleContext) -> tuple[str, str, dict[str, Any]]:
    """The label of a run that no protocol rule explains, from its spike train alone."""
    spikes = ctx.spikes
    end = float(ctx.t[-1])
    onset = ctx.proto.onset_ms if ctx.proto.onset_ms is not None else float(ctx.t[0])
    n = len(spikes)
    if n == 0:
        return ("quiescent", f"No spikes in {_fmt(ctx.result.duration_ms)} ms "
                             f"(input: {ctx.proto.describe()}).", {})
    isis = np.diff(spikes)
    silence = end - spikes[-1]
    th = ctx.th
    stopped = silence > th.stop_silence_onsets * (spikes[-1] - onset) and (
        n == 1 or silence > th.stop_silence_isis * isis.max())
    bursts = detect_bursts(spikes, min_spikes=th.burst_min_spikes, end_ms=end,
                           gap_ratio=th.burst_gap_ratio)
    features: dict[str, Any] = {"n_spikes": n, "n_bursts": len(bursts),
                                "bursts": [(b.start_ms, b.end_ms, b.n_spikes) for b in bursts]}
    if not bursts and stopped:
        return ("phasic spiking",
                f"{_plural(n, 'spike')} {_fmt(spikes[0] - onset)} ms after onset, then silent "
                f"for {_fmt(silence)} ms.", features)
    if len(bursts) == 1 and stopped and bursts[0].start_ms == spikes[0] and bursts[0].n_spikes == n:
        b = bursts[0]
        return ("phasic bursting",
                f"One burst of {b.n_spikes} spikes ({_fmt(b.start_ms)}–{_fmt(b.end_ms)} ms) at "
                f"onset, then silent for {_fmt(silence)} ms.", features)
    in_bursts = sum(b.n_spikes for b in bursts)
    if len(bursts) >= th.tonic_burst_min_bursts and in_bursts >= th.tonic_burst_fraction * n:
        starts = np.array([b.start_ms for b in bursts])
        return ("tonic bursting",
                f"{len(bursts)} bursts of {_span([b.n_spikes for b in bursts])} spikes at "
                f"intervals of {_span(np.diff(starts).tolist(), ' ms')}.", features)
    if bursts and bursts[0].start_ms == spikes[0]:
        tail = spikes[spikes > bursts[0].end_ms]
        later_burst = any(b.start_ms > bursts[0].end_ms for b in bursts)
        if len(tail) >= th.mixed_min_tail_spikes and not later_burst:
            post = np.diff(np.concatenate(([bursts[0].end_ms], tail)))
            if post[-1] <= th.mixed_steady_ratio * post[0]:
                return ("mixed mode",
                        f"An initial burst of {bursts[0].n_spikes} spikes, then "
                        f"{len(tail)} single spikes at intervals of {_span(post.tolist(), ' ms')}.",
                        features)
    if n >= th.adaptation_min_spikes:
        longer = isis[1:] >= th.adaptation_lengthening * isis[:-1]
        longest_run = max((b - a for a, b in true_runs(longer)), default=0)
        features.update(adaptation_index=adaptation_index(isis), lengthening_run=longest_run)
        if longest_run >= th.adaptation_min_run or isis[1] >= th.adaptation_doublet_ratio * isis[0]:
            return ("spike frequency adaptation",
                    f"{n} spikes whose intervals lengthen from {_fmt(isis[0])} to "
                    f"{_fmt(isis[-1])} ms (rate {1000 / isis[0]:.0f} -> {1000 / isis[-1]:.0f} Hz).",
                    features)
    if n == 1:
        return ("phasic spiking", f"A single spike at {_fmt(spikes[0])} ms.", features)
    return ("tonic spiking",
            f"{n} spikes, repeating at a median {1000 / np.median(isis):.0f} Hz without "
            f"lasting slow-down (ISIs {_span(isis.tolist(), ' ms')}).", features)
