"""The firing-pattern classifier: `classify` names a run's pattern and says why.

`classify` returns a `Classification` (one of `LABELS`, a one-sentence explanation and the
measured features); `label_matches` compares it with an expected label. Every number the
rules compare with is a field of `ClassifierThresholds`; `classify` takes an optional
``thresholds`` argument (default `DEFAULT_THRESHOLDS`). The rules themselves live in
`izhi_widgets.analysis.rules`.

The classifier
--------------
`classify` is a fixed, ordered list of rules: the first that applies gives the label.
Rules that need the protocol (ramps, pulses, lowered windows, traces) come first; a run
that none of them explains is labelled from its spike train alone. The stimulus is read
from the sampled current ``result.I`` (`describe_stimulus`). Terms:

* *baseline*: the initial current;
* *piece*: a stretch of constant current (flat) or constant slope (ramp) between jumps;
* *excursion*: a flat piece whose two neighbours sit at one common level, the run's first
  or last current (a pulse, or a window that returns); *brief*: at most 20 % of the run;
* *pulses-only protocol*: a baseline interrupted only by brief excursions;
* *identical pulses*: equal amplitude and, to one step, equal width;
* *burst*: a `detect_bursts` group (adaptive threshold) of at least 3 spikes;
* *ringing*: in a stretch of constant current, the rest state at that current is a stable
  focus whose linear oscillation keeps at least 5 % of its amplitude per half period,
  and ``v`` crosses that resting value twice, first by at least 10 % of its largest
  deviation, then by at least 1 %;
* *firing stops*: the silence after the last spike exceeds 3 times the longest ISI and
  twice the time from the onset to the last spike (a single spike: only the latter).

==============================  ==============================================================
label                           rule (checked in this order)
==============================  ==============================================================
divergent                       ``result.diverged`` (spike ceiling or state runaway).
inhibition-induced spiking /    At least 2/3 of the spikes fall while the current is below the
inhibition-induced bursting     baseline, none before the first lowering; bursting if bursts
                                hold at least half of those spikes.
rebound spike / rebound burst   All spikes follow the release from a negative current to a
                                level no higher than 0 (or than the level before it), none
                                before or during the negative current, and the firing ends
                                (the silence after it exceeds twice its longest ISI, or for a
                                single spike its delay from the release); a rebound burst
                                with at least 3 spikes, else a rebound spike.
accommodation                   Two rising ramps: a slow one reaches a current without firing
                                that is higher than where a ramp at least twice as steep fires.
class 1 / class 2 excitable     At least 3 spikes, 80 % of them on one rising ramp. Class 2
                                when the rate at onset (first interval) is at least 40 Hz
                                (Izhikevich 2004: class 2 cells cannot fire slower than about
                                40 Hz), class 1 otherwise. Steep ramps raise the onset rate of
                                any cell; `izhi_widgets.experiments.fi_curve`
                                gives the steady-state answer.
resonator / integrator          Pulses-only, identical depolarizing pulses in at least 2 pairs
                                of different spacings: resonator when only the more widely
                                spaced pairs fire, integrator when only the closer ones fire.
threshold variability           Pulses-only, identical depolarizing pulses of which some fire
                                and some do not, and firing goes with whether a
                                hyperpolarizing pulse came just before.
bistability                     Pulses-only, the cell is silent at the baseline (which has a
                                stable rest), a pulse starts firing that persists after it,
                                and either a later pulse stops it for good, or it lasts (at
                                least 3 spikes) to the end of the run.
depolarizing after-potential    After the last spike, with the current constant and not above
                                the baseline, ``v`` rises (at least 1 mV above its first value
                                and 2 mV above the reset ``c``) and decays again by at least
                                2 mV, without firing.
spike latency                   Pulses-only with one depolarizing pulse, and the first spike
                                comes after it ended, later than 5 ms and than one pulse
                                width.
resonator                       An input change that evokes no spike is followed by ringing,
                                and a later input fires the cell.
subthreshold oscillations       At most 2 spikes, and ``v`` rings in some stretch of constant
                                current after an input change (after the last spike in it).
quiescent                       No spikes.
phasic spiking                  No burst and firing stops, or a single spike.
phasic bursting                 One burst holding every spike, then firing stops.
tonic bursting                  At least 2 bursts holding at least 2/3 of the spikes.
mixed mode                      A burst first, then at least 2 single spikes at a steady rate
                                (the last interval at most 1.1 times the first one after the
                                burst: a pause, then regular firing), no later burst.
spike frequency adaptation      At least 3 spikes whose ISIs lengthen by at least 20 % over at
                                least 3 consecutive intervals, or whose second ISI is at least
                                4 times the first (a fast onset doublet, then slow firing).
tonic spiking                   Anything else.
==============================  ==============================================================

The thresholds are round numbers chosen so that the published runs of all 28 presets get
their own label; the rules name protocol shapes, never presets, so any other run is
labelled by the same logic. Borderline cases exist (Fig. 1A "tonic spiking" and the
2003 RS cell differ mainly in the size of their onset doublet); the explanation and
``features`` say what was measured. A run without traces (``record=False``) skips the
rules that read ``v`` (after-potential, ringing). The numbers above are the defaults;
each is a field of `ClassifierThresholds`.

Examples
--------
>>> from izhi_widgets import PRESETS, simulate
>>> classify(simulate(PRESETS["C"])).label
'tonic bursting'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..result import SimulationResult
from .protocol import describe_stimulus, sampled_current
from .rules import PROTOCOL_RULES, RuleContext, spike_train_rule
from .thresholds import DEFAULT_THRESHOLDS, ClassifierThresholds

__all__ = [
    "LABELS",
    "Classification",
    "ClassifierThresholds",
    "DEFAULT_THRESHOLDS",
    "classify",
    "label_matches",
]

#: Every label `classify` can return.
LABELS: tuple[str, ...] = (
    "quiescent", "divergent", "tonic spiking", "phasic spiking", "tonic bursting",
    "phasic bursting", "mixed mode", "spike frequency adaptation", "class 1 excitable",
    "class 2 excitable", "spike latency", "subthreshold oscillations", "resonator",
    "integrator", "rebound spike", "rebound burst", "threshold variability", "bistability",
    "depolarizing after-potential", "accommodation", "inhibition-induced spiking",
    "inhibition-induced bursting",
)


@dataclass(frozen=True)
class Classification:
    """A firing-pattern label, why it was given, and the measured features.

    Attributes
    ----------
    label : str
        One of `LABELS`.
    explanation : str
        One sentence with the measured numbers.
    features : dict
        What the deciding rule measured, and ``'rule'``: its name (``'spike train'`` for
        the spike-train rules). Not compared by ``==``.

    Examples
    --------
    >>> Classification("quiescent", "No spikes.") == Classification("quiescent", "No spikes.", {"n": 0})
    True
    """

    label: str
    explanation: str
    features: dict[str, Any] = field(default_factory=dict, compare=False)


def _has_traces(result: SimulationResult) -> bool:
    return np.shape(result.v_mV) == np.shape(result.t_ms) and len(result.t_ms) > 0


def classify(result: SimulationResult,
             thresholds: ClassifierThresholds = DEFAULT_THRESHOLDS) -> Classification:
    """Name the firing pattern of a run, from its spikes, its stimulus and its traces.

    The rules, in order, are tabulated in the module docstring; the first that applies
    gives the label. Protocol-defined features (ramps, pulse pairs, lowered or
    hyperpolarizing windows, after-potentials, ringing) are read from the sampled current
    ``result.I`` and the trace ``result.v_mV``; a run without traces (``record=False``)
    is judged on its spikes and the stimulus alone (the trace rules are skipped).

    Parameters
    ----------
    result : SimulationResult
    thresholds : ClassifierThresholds, optional
        The numbers the rules compare with (default `DEFAULT_THRESHOLDS`).

    Returns
    -------
    Classification
        ``label`` (one of `LABELS`), ``explanation`` (one sentence) and ``features``.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from izhi_widgets import PRESETS, IzhikevichParams, Step, simulate
    >>> classify(simulate(PRESETS["K"])).label
    'resonator'
    >>> res = simulate(IzhikevichParams(a=0.1, b=0.2, c=-65, d=2), Step(14, 10),
    ...                duration_ms=200, v0_mV=-70)
    >>> c = classify(res)
    >>> c.label
    'tonic spiking'
    >>> g = simulate(PRESETS["G"])
    >>> classify(g).label, classify(g, replace(DEFAULT_THRESHOLDS, class2_min_rate_hz=5.0)).label
    ('class 1 excitable', 'class 2 excitable')
    """
    th = thresholds
    t = np.asarray(result.t_ms, dtype=float)
    if result.diverged:
        return Classification("divergent", f"The run diverged: {result.message}",
                              {"n_spikes": result.n_spikes})
    spikes = np.sort(np.asarray(result.spike_times_ms, dtype=float))
    proto = describe_stimulus(t, sampled_current(result), min_ramp_steps=th.min_ramp_steps,
                              staircase_samples=th.staircase_samples)
    ctx = RuleContext(result=result, t=t,
                      v=np.asarray(result.v_mV, dtype=float) if _has_traces(result) else None,
                      spikes=spikes, proto=proto, params=result.params, th=th)
    for rule in PROTOCOL_RULES:
        found = rule(ctx)
        if found is not None:
            label, text, features = found
            features.setdefault("n_spikes", int(len(spikes)))
            features["rule"] = rule.__name__.removeprefix("_rule_")
            return Classification(label, text, features)
    label, text, features = spike_train_rule(ctx)
    features["rule"] = "spike train"
    return Classification(label, text, features)


def label_matches(result: SimulationResult, expected_label: str,
                  thresholds: ClassifierThresholds = DEFAULT_THRESHOLDS) -> bool:
    """Whether `classify` gives ``expected_label`` (which must be one of `LABELS`).

    Parameters
    ----------
    result : SimulationResult
    expected_label : str
    thresholds : ClassifierThresholds, optional
        Passed to `classify`.

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        If ``expected_label`` is not one of `LABELS`.

    Examples
    --------
    >>> from izhi_widgets import PRESETS, simulate
    >>> label_matches(simulate(PRESETS["M"]), PRESETS["M"].label)
    True
    """
    if expected_label not in LABELS:
        raise ValueError(f"unknown label {expected_label!r}; expected one of {LABELS}")
    return classify(result, thresholds).label == expected_label
