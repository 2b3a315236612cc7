"""The engine side of a pattern map: many cells packed straight into compiled runs.

A map's cells differ only in two of ``a, b, c, d`` and the stimulus amplitude, and share
one grid, so they are packed as arrays rather than one `izhi_widgets.model.RunSpec` at a
time (building, packing and unpacking 3 600 run objects costs more than the simulation).
The arrays are exactly those `izhi_widgets.model.pack_runs` would build for the cells'
runs (the tests compare them), and the spikes are read back as
`izhi_widgets.model.unpack_results` reads them for runs without traces:

* `chunk_size`: the most cells one compiled run takes (``MAX_BATCH`` neurons and at most
  ``MAX_BATCH_SAMPLES`` neuron-steps per run);
* `pack_cells`: one chunk's `EngineSpec`, per-neuron values and stimulus matrix;
* `run_cells`: run a chunk, return each cell's spike steps and whether it ran away.

Examples
--------
>>> chunk_size(601), chunk_size(1201)
(4096, 2048)
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from ..engine import NEURON_BUCKETS, EngineSpec, bucket_neurons, bucket_steps, get_engine
from ..limits import MAX_BATCH, MAX_BATCH_SAMPLES

__all__ = ["chunk_size", "pack_cells", "run_cells"]


def chunk_size(n_steps: int) -> int:
    """The most cells of ``n_steps`` samples that one compiled run takes.

    Raises
    ------
    ValueError
        If not even one neuron of that length fits.
    """
    steps = bucket_steps(n_steps)
    fits = [b for b in NEURON_BUCKETS if b <= MAX_BATCH and b * steps <= MAX_BATCH_SAMPLES]
    if not fits:
        raise ValueError(f"a run of {n_steps} steps is too long for one engine run")
    return max(fits)


def pack_cells(shared: Mapping[str, float], cell_values: Mapping[str, np.ndarray],
               currents: np.ndarray, column: np.ndarray, numerics: str
               ) -> tuple[EngineSpec, dict[str, np.ndarray], np.ndarray]:
    """One chunk of cells laid out for the engine.

    Parameters
    ----------
    shared : mapping
        Every `izhi_widgets.engine.ENGINE_INPUTS` value of one cell
        (`izhi_widgets.model.engine_inputs`), used where ``cell_values`` names nothing.
    cell_values : mapping
        ``name -> (n_cells,)`` values that differ between cells.
    currents : ndarray
        ``(n_samples, n_distinct)`` sampled currents.
    column : ndarray of int
        ``(n_cells,)``: which column of ``currents`` each cell receives.
    numerics : str

    Returns
    -------
    spec, values, stimulus
        As `izhi_widgets.model.pack_runs` lays out the same runs: padding neurons copy
        cell 0 and are frozen from the first step.
    """
    n_cells = len(column)
    n_samples = currents.shape[0]
    n_neurons, n_steps = bucket_neurons(n_cells), bucket_steps(n_samples)
    values = {}
    for name, value in shared.items():
        arr = np.full(n_neurons, float(value))
        if name in cell_values:
            arr[:n_cells] = cell_values[name]
            arr[n_cells:] = arr[0]
        values[name] = arr
    values["t_stop_steps"][n_cells:] = -1.0
    stimulus = np.zeros((n_steps, n_neurons))
    if currents.shape[1] == 1:
        stimulus[:n_samples, :n_cells] = currents
    else:
        stimulus[:n_samples, :n_cells] = currents[:, column]
    return EngineSpec(numerics, n_neurons, n_steps, False), values, stimulus


def run_cells(spec: EngineSpec, values: dict[str, np.ndarray], stimulus: np.ndarray,
              n_cells: int, n_samples: int, cap: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run one packed chunk; the spikes as `izhi_widgets.model.unpack_results` keeps them.

    Returns
    -------
    steps : ndarray of int
        Spike sample indices, cell after cell, each cell's in increasing order (spikes at
        or past a cell's last sample dropped).
    counts : ndarray of int
        Spikes per cell.
    diverged : ndarray of bool
        Cells that reached the spike ceiling ``cap``.
    """
    raw = get_engine(spec).run(values, stimulus)
    cell = np.asarray(raw["spike_i"], dtype=np.int64)
    step = np.asarray(raw["spike_t"], dtype=np.int64)
    keep = (cell < n_cells) & (step < n_samples)
    cell, step = cell[keep], step[keep]
    order = np.lexsort((step, cell))
    counts = np.bincount(cell, minlength=n_cells)
    final = np.asarray(raw["final_nspk"])[:n_cells]
    return step[order], counts, (counts >= cap) | (final >= cap)
