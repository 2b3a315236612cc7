"""Every threshold of the firing-pattern classifier, in one frozen dataclass.

`ClassifierThresholds` collects the numbers `izhi_widgets.analysis.classify` compares
measurements with; `DEFAULT_THRESHOLDS` holds the values the classifier uses unless given
others. They are round numbers chosen so that the published runs of all 28 presets get
their own label (`tests/test_analysis_classifier.py` checks this); the rules that use them
are tabulated in `izhi_widgets.analysis.classifier`.

Fractions of spike counts are exact `fractions.Fraction` values, so "at least 2/3 of
the spikes" is decided exactly for any count.

Examples
--------
>>> DEFAULT_THRESHOLDS.class2_min_rate_hz
40.0
>>> from dataclasses import replace
>>> replace(DEFAULT_THRESHOLDS, class2_min_rate_hz=30.0).class2_min_rate_hz
30.0
>>> ClassifierThresholds(burst_min_spikes=1)
Traceback (most recent call last):
...
ValueError: burst_min_spikes must be at least 2, got 1
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from fractions import Fraction

from ..validation import check_number
from .protocol import BRIEF_FRACTION, MIN_RAMP_STEPS, STAIRCASE_SAMPLES

__all__ = ["ClassifierThresholds", "DEFAULT_THRESHOLDS"]

#: Fields that must be whole numbers, with their smallest allowed value.
_INTEGER_MIN = {
    "min_ramp_steps": 2, "staircase_samples": 1, "burst_min_spikes": 2, "min_pulse_pairs": 2,
    "excitability_min_spikes": 2, "bistability_min_spikes": 2, "ringing_min_samples": 3,
    "subthreshold_max_spikes": 0, "tonic_burst_min_bursts": 1, "mixed_min_tail_spikes": 1,
    "adaptation_min_spikes": 3, "adaptation_min_run": 1,
}


@dataclass(frozen=True)
class ClassifierThresholds:
    """The numbers the classifier's rules compare measurements with.

    Attributes
    ----------
    min_ramp_steps : int
        Reading the stimulus: fewest equal consecutive current increments that make a ramp.
    staircase_samples : int
        Reading the stimulus: 3 or more consecutive pieces of at most this many samples
        are one varying piece (noise held on a coarse grid).
    brief_fraction : float
        An excursion (pulse, window) is *brief* if it lasts at most this fraction of the run.
    pulse_width_tolerance_steps : float
        *Identical* pulses: widths equal to within this many steps (one step, plus 0.1 %
        for rounding: one onset off the grid changes a width by a step).
    burst_min_spikes : int
        Smallest number of spikes of a *burst* (also: a rebound with this many spikes is
        a rebound burst).
    burst_gap_ratio : float
        Smallest factor between intra- and inter-burst intervals (`detect_bursts`).
    bursting_fraction : Fraction
        Inhibition-induced firing is bursting if bursts hold at least this fraction of
        its spikes.
    inhibition_fraction : Fraction
        Inhibition-induced: at least this fraction of the spikes fall while the current is
        below the baseline.
    response_end_isis, response_end_delays : float
        A rebound response has ended when the silence after it exceeds this many times its
        longest ISI (a single spike: at least this many times its delay from the release).
    accommodation_slope_ratio : float
        Accommodation: the ramp that fires is at least this many times steeper than the
        slow one that does not.
    excitability_min_spikes : int
        Class 1 / 2 excitable: fewest spikes.
    excitability_ramp_fraction : float
        Class 1 / 2 excitable: fraction of the spikes that fall on one rising ramp.
    class2_min_rate_hz : float
        Class 2 when the rate at onset (first interval) is at least this (Izhikevich 2004:
        class 2 cells cannot fire slower than about 40 Hz).
    min_pulse_pairs : int
        Resonator / integrator: fewest pulse pairs.
    pair_spacing_ratio : float
        Resonator / integrator: the widest pair spacing is at least this many times the
        narrowest.
    persistence_isis : float
        Bistability: firing persists if it goes on to within this many median ISIs of the
        next pulse (or the end), and stops if the silence after it is longer.
    bistability_min_spikes : int
        Bistability without a switching-off pulse: fewest spikes after the switching-on pulse.
    dap_min_above_reset_mV, dap_min_rise_mV, dap_min_decay_mV : float
        Depolarizing after-potential: the hump's peak is at least ``dap_min_above_reset_mV``
        above the reset ``c`` and ``dap_min_rise_mV`` above its first value, and ``v``
        decays by at least ``dap_min_decay_mV`` after it.
    latency_min_delay_ms, latency_min_delay_widths : float
        Spike latency: the first spike comes after the pulse ended, later than
        ``latency_min_delay_ms`` and than ``latency_min_delay_widths`` pulse widths.
    ringing_min_samples : int
        Ringing is looked for only in windows of at least this many samples.
    ringing_first_crossing, ringing_second_crossing : float
        Ringing: ``v`` crosses its resting value twice, first by at least
        ``ringing_first_crossing``, then by at least ``ringing_second_crossing`` of its
        largest deviation.
    ringing_min_deviation_mV, ringing_min_crossing_mV : float
        Ringing: the largest deviation must exceed ``ringing_min_deviation_mV`` and every
        crossing must reach at least ``ringing_min_crossing_mV`` (numerical noise floor).
    min_half_period_decay : float
        A stable focus rings visibly if its linear oscillation keeps at least this fraction
        of its amplitude per half period.
    subthreshold_max_spikes : int
        Subthreshold oscillations: at most this many spikes.
    stop_silence_onsets, stop_silence_isis : float
        *Firing stops*: the silence after the last spike exceeds ``stop_silence_onsets``
        times the time from the onset to the last spike and ``stop_silence_isis`` times
        the longest ISI (a single spike: only the former).
    tonic_burst_min_bursts : int
        Tonic bursting: fewest bursts.
    tonic_burst_fraction : Fraction
        Tonic bursting: bursts hold at least this fraction of the spikes.
    mixed_min_tail_spikes : int
        Mixed mode: fewest single spikes after the initial burst.
    mixed_steady_ratio : float
        Mixed mode: the last interval after the burst is at most this many times the first.
    adaptation_min_spikes : int
        Spike frequency adaptation: fewest spikes.
    adaptation_lengthening, adaptation_min_run : float, int
        Spike frequency adaptation: ISIs lengthen by this factor over at least
        ``adaptation_min_run`` consecutive intervals, ...
    adaptation_doublet_ratio : float
        ... or the second ISI is at least this many times the first (a fast onset doublet,
        then slow firing).
    """

    # reading the stimulus
    min_ramp_steps: int = MIN_RAMP_STEPS
    staircase_samples: int = STAIRCASE_SAMPLES
    brief_fraction: float = BRIEF_FRACTION
    pulse_width_tolerance_steps: float = 1.001
    # bursts
    burst_min_spikes: int = 3
    burst_gap_ratio: float = 3.0
    bursting_fraction: Fraction = Fraction(1, 2)
    # protocol rules
    inhibition_fraction: Fraction = Fraction(2, 3)
    response_end_isis: float = 2.0
    response_end_delays: float = 1.0
    accommodation_slope_ratio: float = 2.0
    excitability_min_spikes: int = 3
    excitability_ramp_fraction: float = 0.8
    class2_min_rate_hz: float = 40.0
    min_pulse_pairs: int = 2
    pair_spacing_ratio: float = 1.2
    persistence_isis: float = 1.5
    bistability_min_spikes: int = 3
    dap_min_above_reset_mV: float = 2.0
    dap_min_rise_mV: float = 1.0
    dap_min_decay_mV: float = 2.0
    latency_min_delay_ms: float = 5.0
    latency_min_delay_widths: float = 1.0
    # ringing
    ringing_min_samples: int = 5
    ringing_first_crossing: float = 0.1
    ringing_second_crossing: float = 0.01
    ringing_min_deviation_mV: float = 0.01
    ringing_min_crossing_mV: float = 0.005
    min_half_period_decay: float = 0.05
    subthreshold_max_spikes: int = 2
    # spike-train rules
    stop_silence_onsets: float = 2.0
    stop_silence_isis: float = 3.0
    tonic_burst_min_bursts: int = 2
    tonic_burst_fraction: Fraction = Fraction(2, 3)
    mixed_min_tail_spikes: int = 2
    mixed_steady_ratio: float = 1.1
    adaptation_min_spikes: int = 3
    adaptation_lengthening: float = 1.2
    adaptation_min_run: int = 3
    adaptation_doublet_ratio: float = 4.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _INTEGER_MIN:
                check_number(f.name, value, _INTEGER_MIN[f.name], integer=True)
            else:
                check_number(f.name, value, 0.0)


#: The thresholds `classify` uses by default.
DEFAULT_THRESHOLDS = ClassifierThresholds()
