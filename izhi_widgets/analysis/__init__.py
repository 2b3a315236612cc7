"""Analysis of simulation results: pure functions of results, parameters and stimuli.

Nothing in this subpackage runs a simulation (it imports numpy and the package's data
types only: `params`, `result`, `stimulus`); runs are made by `izhi_widgets.model` and,
for the multi-run studies (F–I curves, the numerics table), `izhi_widgets.experiments`.

==============  ==========================================================================
module          responsibility
==============  ==========================================================================
`spikes`        `spike_stats` (`SpikeStats`): count, rate, ISIs, CV, adaptation, latency
`bursts`        `detect_bursts` (`Burst`), `burst_isi_threshold`
`protocol`      `describe_stimulus` reads the *sampled* current back into flat pieces, ramps
                and excursions (`StimulusProtocol`), so the classifier never needs to know
                how a stimulus was built
`classifier`    `classify` (`Classification`, one of `LABELS`), `label_matches`; the rules
                are tabulated there
`thresholds`    `ClassifierThresholds`: every number the classifier compares with
`rules`         the classifier's rules (used by `classify`)
`ringing`       damped subthreshold oscillation around the rest (`rings`)
`phase`         `nullclines`, `fixed_points` (`FixedPoint` stability)
`fi`            `FICurve` and `fi_from_results` (the runs: `izhi_widgets.experiments.fi_curve`)
==============  ==========================================================================

Examples
--------
>>> from izhi_widgets import PRESETS, simulate
>>> from izhi_widgets.analysis import classify, spike_stats
>>> classify(simulate(PRESETS["C"])).label
'tonic bursting'
>>> round(spike_stats(simulate(PRESETS["A"])).first_spike_latency_ms, 2)
3.0
"""

from .bursts import Burst, burst_isi_threshold, detect_bursts
from .classifier import LABELS, Classification, classify, label_matches
from .fi import FICurve, fi_from_results
from .phase import FixedPoint, fixed_points, nullclines
from .protocol import Excursion, StimulusPiece, StimulusProtocol, describe_stimulus
from .spikes import SpikeStats, spike_stats
from .thresholds import DEFAULT_THRESHOLDS, ClassifierThresholds

__all__ = [
    "nullclines",
    "FixedPoint",
    "fixed_points",
    "SpikeStats",
    "spike_stats",
    "Burst",
    "burst_isi_threshold",
    "detect_bursts",
    "StimulusPiece",
    "Excursion",
    "StimulusProtocol",
    "describe_stimulus",
    "LABELS",
    "Classification",
    "ClassifierThresholds",
    "DEFAULT_THRESHOLDS",
    "classify",
    "label_matches",
    "FICurve",
    "fi_from_results",
]
