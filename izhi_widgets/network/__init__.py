"""The 2003 network (Izhikevich 2003, Fig. 3): 1 000 spiking neurons with alpha and
gamma rhythms, compiled with Brian2, and far larger sparse networks.

============  ===========================================================================
module        responsibility
============  ===========================================================================
`params`      `NetworkParams`: sizes, heterogeneity, weights, noise, connectivity, seed;
              validation and the memory bound
`draws`       `draw_network`: every random value, drawn with NumPy from the seed
`engine`      the compiled Brian2 ``cpp_standalone`` network, built once per structure
`simulate`    `simulate_network`: draw, run, collect
`result`      `NetworkResult`: spikes, rates, population rate, spectrum, rhythm peaks
============  ===========================================================================

Examples
--------
>>> from izhi_widgets.network import NetworkParams, simulate_network
>>> net = simulate_network(NetworkParams(n_exc=800, n_inh=200, seed=1), duration_ms=1000)
>>> rates = net.rates_hz()
>>> 5 < rates["all"] < 11
True
"""

from .draws import NetworkDraws, draw_network
from .params import NetworkParams, memory_limit_bytes
from .result import ALPHA_BAND_HZ, GAMMA_BAND_HZ, NetworkResult, rhythm_peaks
from .simulate import RATE_CAP_HZ, network_spec, simulate_network

__all__ = ["NetworkParams", "NetworkDraws", "NetworkResult", "draw_network",
           "simulate_network", "network_spec", "rhythm_peaks", "memory_limit_bytes",
           "ALPHA_BAND_HZ", "GAMMA_BAND_HZ", "RATE_CAP_HZ"]
