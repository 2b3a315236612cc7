"""`NetworkParams`: the 2003 network's sizes, weights, noise, connectivity and seed.

The defaults are the network of Izhikevich (2003), Fig. 3 (``net.m``): 800 excitatory
and 200 inhibitory neurons, all-to-all weights ``0.5·U(0,1)`` from excitatory and
``−U(0,1)`` from inhibitory neurons, thalamic input ``5·N(0,1)`` / ``2·N(0,1)`` each ms.

Connectivity: ``p = 1`` is the paper's all-to-all (self-connections included, as in
``net.m``). With ``p < 1`` every neuron projects to exactly ``K = round(p·N)`` distinct
targets drawn uniformly (a fixed out-degree), and every weight is divided by ``p``, so a
neuron's mean input is the same as all-to-all at the same weight scales. The 10 000-neuron
network "with 1 000 synapses each" and the paper's per-synapse weights is
``NetworkParams(n_exc=8000, n_inh=2000, p=0.1, w_exc=0.05, w_inh=0.1)``.

Memory: a run holds each synapse's weight and target twice (here and in the compiled
engine) plus the engine's own tables, about `BYTES_PER_SYNAPSE` bytes a synapse; sizes
whose synapses would need more than `memory_limit_bytes` (75 % of the machine's memory)
are refused with a ``ValueError`` that says how much they need. On a 24 GiB machine that
is about 237 000 neurons with 1 000 synapses each.

Examples
--------
>>> from izhi_widgets.network import NetworkParams
>>> p = NetworkParams()
>>> p.n, p.n_out, p.n_synapses
(1000, 1000, 1000000)
>>> NetworkParams(n_exc=8000, n_inh=2000, p=0.1).n_out
1000
>>> NetworkParams(n_exc=-1)
Traceback (most recent call last):
...
ValueError: n_exc must be a whole number >= 0, got -1
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, fields

__all__ = ["NetworkParams", "BYTES_PER_SYNAPSE", "memory_limit_bytes", "synapse_bytes",
           "MAX_NEURONS"]

#: Bytes a synapse costs during a run: its weight and target here and in the engine's
#: input file, the engine's weight, target, source and post arrays and its spike-queue
#: tables. Measured (benchmarks/bench_network.py, 100 000 neurons x 1 000 synapses, 1.09e8
#: synapses after padding): 9.5 GiB at the peak, of which ~2.6 GiB is the 1 s of noise
#: (`simulate_network` counts 24 B per neuron-ms for it) -> ~68 B a synapse; rounded up.
BYTES_PER_SYNAPSE = 80
#: The largest network accepted at all (neurons), whatever the memory.
MAX_NEURONS = 2_000_000


def memory_limit_bytes() -> int:
    """The memory a network's synapses may use: 75 % of this machine's physical memory."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        total = 8 << 30
    return int(0.75 * total)


def synapse_bytes(n_synapses: int) -> int:
    """Bytes ``n_synapses`` synapses need during a run (`BYTES_PER_SYNAPSE` each)."""
    return int(n_synapses) * BYTES_PER_SYNAPSE


def _gib(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.1f} GiB"


@dataclass(frozen=True)
class NetworkParams:
    """The network's structure and values (see the module docstring).

    Parameters
    ----------
    n_exc, n_inh : int
        Excitatory and inhibitory neuron counts (at least one neuron in all).
    r_exc, r_inh : float
        The heterogeneity draws' spread, in [0, 1]: ``r = r_spread·U(0,1)`` per neuron
        (1.0 is the paper: excitatory ``c = −65 + 15r², d = 8 − 6r²``; inhibitory
        ``a = 0.02 + 0.08r, b = 0.25 − 0.05r``; 0 makes every neuron of a kind the same).
    w_exc, w_inh : float
        Weight scales (>= 0): a synapse from an excitatory neuron weighs ``w_exc·U(0,1)/p``,
        from an inhibitory one ``−w_inh·U(0,1)/p`` (paper: 0.5 and 1.0).
    noise_exc, noise_inh : float
        Thalamic input amplitudes (>= 0): ``noise·N(0,1)`` each ms (paper: 5 and 2).
    p : float
        Connection probability in (0, 1]: 1 is all-to-all; lower is sparse (a fixed
        out-degree ``round(p·N)``, weights divided by ``p``).
    seed : int
        Seed of every random draw (`izhi_widgets.network.draw_network`), >= 0.
    """

    n_exc: int = 800
    n_inh: int = 200
    r_exc: float = 1.0
    r_inh: float = 1.0
    w_exc: float = 0.5
    w_inh: float = 1.0
    noise_exc: float = 5.0
    noise_inh: float = 2.0
    p: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("n_exc", "n_inh", "seed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                    not float(value).is_integer() or value < 0 or not math.isfinite(value):
                raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
            object.__setattr__(self, name, int(value))
        if self.seed >= 2**63:
            raise ValueError(f"seed must be below 2**63, got {self.seed}")
        for name in ("r_exc", "r_inh", "w_exc", "w_inh", "noise_exc", "noise_inh", "p"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
            object.__setattr__(self, name, float(value))
        for name in ("r_exc", "r_inh"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {getattr(self, name)!r}")
        for name in ("w_exc", "w_inh", "noise_exc", "noise_inh"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")
            if getattr(self, name) > 1e6:
                raise ValueError(f"{name} must be at most 1e6, got {getattr(self, name)!r}")
        if not 0.0 < self.p <= 1.0:
            raise ValueError(f"p (connection probability) must be in (0, 1], got {self.p!r}")
        if self.n < 1:
            raise ValueError("n_exc + n_inh must be at least 1 neuron")
        if self.n > MAX_NEURONS:
            raise ValueError(f"n_exc + n_inh must be at most {MAX_NEURONS}, got {self.n}")
        if self.n_out < 1:
            raise ValueError(f"p (connection probability) {self.p!r} gives no synapse for "
                             f"{self.n} neurons: each neuron needs at least one target")
        need, limit = synapse_bytes(self.n_synapses), memory_limit_bytes()
        if need > limit:
            raise ValueError(
                f"n_exc + n_inh = {self.n} neurons with p = {self.p:g} makes "
                f"{self.n_synapses:,} synapses, which need about {_gib(need)} of memory; "
                f"this machine allows {_gib(limit)} (75 % of its memory): use fewer neurons "
                f"or a lower p")

    @property
    def n(self) -> int:
        """The number of neurons."""
        return self.n_exc + self.n_inh

    @property
    def n_out(self) -> int:
        """Synapses per neuron (its out-degree): ``N`` all-to-all, else ``round(p·N)``."""
        return self.n if self.p == 1.0 else int(round(self.p * self.n))

    @property
    def n_synapses(self) -> int:
        """The number of synapses."""
        return self.n * self.n_out

    def replace(self, **changes) -> "NetworkParams":
        """A copy with ``changes`` (validated again)."""
        values = asdict(self)
        unknown = set(changes) - set(values)
        if unknown:
            raise ValueError(f"unknown network parameter(s): {sorted(unknown)}")
        values.update(changes)
        return NetworkParams(**values)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The parameters' names, in order."""
        return tuple(f.name for f in fields(cls))
