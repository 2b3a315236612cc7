"""`NetworkResult`: the spikes of a network run, its rates, rhythm and spectrum.

Examples
--------
>>> import numpy as np
>>> from izhi_widgets.network import NetworkParams, NetworkResult
>>> res = NetworkResult(NetworkParams(n_exc=2, n_inh=1), "published", 1.0, 1000.0,
...                     spike_times_ms=np.array([10.0, 20.0, 30.0]),
...                     spike_indices=np.array([0, 2, 0]))
>>> res.rates_hz()
{'exc': 1.0, 'inh': 1.0, 'all': 1.0}
>>> f, power = res.spectrum()
>>> float(f[1]), len(f)     # 1 ms bins over 1 s: 1 Hz resolution up to 500 Hz
(1.0, 501)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .params import NetworkParams

__all__ = ["NetworkResult", "rhythm_peaks", "smooth_spectrum", "ALPHA_BAND_HZ", "GAMMA_BAND_HZ"]

#: The bands the rhythms are looked for in (Hz): the paper's Fig. 3 shows an alpha-range
#: (~10 Hz) rhythm and gamma-range (~40 Hz) oscillations; the published scheme's peaks
#: fall at 7–8 Hz and 27–39 Hz (seeds 0–19, see tests/test_network.py).
ALPHA_BAND_HZ = (4.0, 15.0)
GAMMA_BAND_HZ = (25.0, 80.0)


@dataclass(frozen=True)
class NetworkResult:
    """One network run (``spike_times_ms`` sorted, ties by neuron index)."""

    params: NetworkParams
    scheme: str
    dt_ms: float
    duration_ms: float
    spike_times_ms: np.ndarray
    spike_indices: np.ndarray
    elapsed_s: float = 0.0
    engine: str = "brian2-cpp_standalone"
    capped: int = 0
    message: str = ""
    is_excitatory: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        is_exc = np.zeros(self.params.n, dtype=bool)
        is_exc[: self.params.n_exc] = True
        object.__setattr__(self, "is_excitatory", is_exc)

    def rates_hz(self) -> dict[str, float]:
        """Mean firing rate (spikes per neuron per second) of the excitatory, inhibitory
        and all neurons (0 for an empty population)."""
        seconds = self.duration_ms / 1000.0
        n_exc_spikes = int(np.count_nonzero(self.spike_indices < self.params.n_exc))
        counts = {"exc": (n_exc_spikes, self.params.n_exc),
                  "inh": (len(self.spike_indices) - n_exc_spikes, self.params.n_inh),
                  "all": (len(self.spike_indices), self.params.n)}
        return {k: (s / (n * seconds) if n else 0.0) for k, (s, n) in counts.items()}

    def spike_counts(self, bin_ms: float = 1.0) -> np.ndarray:
        """The population's spike count in bins of ``bin_ms`` (the last bin may be short)."""
        n_bins = int(np.ceil(self.duration_ms / bin_ms - 1e-9))
        bins = np.minimum((self.spike_times_ms / bin_ms + 1e-9).astype(np.int64), n_bins - 1)
        return np.bincount(bins, minlength=n_bins).astype(float)

    def population_rate_hz(self, bin_ms: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """``(t_ms, rate_hz)``: the bins' start times and the mean rate per neuron in each."""
        counts = self.spike_counts(bin_ms)
        t = np.arange(len(counts)) * bin_ms
        return t, counts / (self.params.n * bin_ms / 1000.0)

    def spectrum(self) -> tuple[np.ndarray, np.ndarray]:
        """``(f_hz, power)``: the periodogram of the population spike count in 1 ms bins
        (mean removed; ``|FFT|² / n_bins``, in spikes² per bin)."""
        counts = self.spike_counts(1.0)
        x = counts - counts.mean()
        power = np.abs(np.fft.rfft(x)) ** 2 / max(len(x), 1)
        return np.fft.rfftfreq(len(x), d=1e-3), power

    def peaks(self) -> dict[str, float]:
        """The rhythms' frequencies (`rhythm_peaks` of `spectrum`)."""
        return rhythm_peaks(*self.spectrum())


def smooth_spectrum(power: np.ndarray, f: np.ndarray, width_hz: float = 2.0) -> np.ndarray:
    """``power`` smoothed with a Gaussian of ``width_hz`` (standard deviation)."""
    step = f[1] - f[0] if len(f) > 1 else 1.0
    half = max(1, int(round(width_hz / step)))
    x = np.arange(-3 * half, 3 * half + 1)
    kernel = np.exp(-0.5 * (x / half) ** 2)
    kernel /= kernel.sum()
    return np.convolve(power, kernel, mode="same")


def rhythm_peaks(f_hz: np.ndarray, power: np.ndarray, width_hz: float = 2.0
                 ) -> dict[str, float]:
    """The rhythms of a population spectrum.

    For the alpha band (`ALPHA_BAND_HZ`) and the gamma band (`GAMMA_BAND_HZ`): the
    frequency of the highest local maximum of the spectrum smoothed with a Gaussian of
    ``width_hz`` inside the band (NaN when the band has none: no peak, only a slope), and
    the band's mean power relative to the spectrum's floor, its mean power from 150 Hz
    up (for a population of independent Poisson neurons the whole spectrum is that floor,
    so 1 means no rhythm).

    Returns ``{"alpha_hz", "gamma_hz", "alpha_power", "gamma_power"}``.

    >>> f = np.arange(0, 501.0)
    >>> p = 1 + 50 * np.exp(-0.5 * ((f - 10) / 2) ** 2) + 5 * np.exp(-0.5 * ((f - 40) / 4) ** 2)
    >>> peaks = rhythm_peaks(f, p)
    >>> peaks["alpha_hz"], peaks["gamma_hz"], round(peaks["gamma_power"], 1)
    (10.0, 40.0, 1.9)
    """
    f_hz, power = np.asarray(f_hz, float), np.asarray(power, float)
    nan = float("nan")
    floor_band = f_hz >= 150.0
    if len(f_hz) < 3 or not np.any(power > 0) or not floor_band.any():
        return {"alpha_hz": nan, "gamma_hz": nan, "alpha_power": nan, "gamma_power": nan}
    floor = power[floor_band].mean()
    smooth = smooth_spectrum(power, f_hz, width_hz)
    local = np.zeros(len(f_hz), dtype=bool)
    local[1:-1] = (smooth[1:-1] > smooth[:-2]) & (smooth[1:-1] >= smooth[2:])
    out = {}
    for name, (lo, hi) in (("alpha", ALPHA_BAND_HZ), ("gamma", GAMMA_BAND_HZ)):
        band = (f_hz >= lo) & (f_hz <= hi)
        peaks = np.flatnonzero(band & local)
        out[f"{name}_hz"] = float(f_hz[peaks[np.argmax(smooth[peaks])]]) if len(peaks) else nan
        out[f"{name}_power"] = float(power[band].mean() / floor) if floor > 0 else nan
    return {k: out[k] for k in ("alpha_hz", "gamma_hz", "alpha_power", "gamma_power")}
