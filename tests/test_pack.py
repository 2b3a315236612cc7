"""The model/engine contract: pack RunSpecs into engine inputs, unpack raw arrays."""

from __future__ import annotations

import numpy as np
import pytest

from izhi_widgets import PRESETS, IzhikevichParams, RunSpec, Step
from izhi_widgets import engine as engine_mod
from izhi_widgets.engine import ENGINE_INPUTS, EngineSpec
from izhi_widgets.limits import spike_cap
from izhi_widgets.model import engine_inputs, pack_runs, unpack_results


def test_one_tuple_of_engine_inputs():
    assert engine_mod.PARAM_NAMES is ENGINE_INPUTS
    assert len(set(ENGINE_INPUTS)) == len(ENGINE_INPUTS)
    for preset in PRESETS.values():
        assert tuple(engine_inputs(RunSpec.from_preset(preset))) == ENGINE_INPUTS


def test_engine_inputs_of_one_run():
    run = RunSpec.from_preset(PRESETS["G"])  # 4.1 v + 108, b = -0.1, v0 = -60
    values = engine_inputs(run)
    assert values == {"a": 0.02, "b": -0.1, "c": -55.0, "d": 6.0, "k2": 0.04, "k1": 4.1,
                      "k0": 108.0, "v_shift": 0.0, "u_gain": 1.0, "v_peak": 30.0, "h": 0.25,
                      "t_stop_steps": 1200.5, "spike_cap": 300.0, "v": -60.0, "u": 6.0}


def test_pack_lays_out_runs_and_freezes_the_padding():
    runs = [RunSpec.from_preset(PRESETS[k]) for k in ("A", "K", "Q")]  # 401, 1601, 501 steps
    packed = pack_runs(runs, "published", record=False)
    assert packed.spec == EngineSpec("published", 8, 2048, False)
    assert packed.n_runs == 3 and [len(t) for t in packed.grids] == [401, 1601, 501]
    assert set(packed.values) == set(ENGINE_INPUTS)
    assert all(arr.shape == (8,) for arr in packed.values.values())
    assert packed.stimulus.shape == (2048, 8)
    # the event-located ODE modes carry 3 (euler) or 7 (rk4) samples per neuron and step
    assert pack_runs(runs, "euler", record=False).stimulus.shape == (2048, 3 * 8)
    # each column is that run's stimulus on its own grid, then zeros
    np.testing.assert_array_equal(packed.stimulus[:401, 0],
                                  PRESETS["A"].stimulus.current(packed.grids[0]))
    assert not packed.stimulus[401:, 0].any() and not packed.stimulus[:, 3:].any()
    assert packed.values["h"][:3].tolist() == [0.25, 0.25, 0.1]
    assert packed.values["t_stop_steps"].tolist() == [400.5, 1600.5, 500.5] + [-1.0] * 5
    # padding neurons copy run 0 (finite, valid values) and never take a step
    for name in ENGINE_INPUTS:
        if name != "t_stop_steps":
            assert np.all(packed.values[name][3:] == packed.values[name][0]), name


def test_pack_refuses_a_batch_beyond_the_engine_bound():
    runs = [RunSpec(IzhikevichParams(), Step(1), 5000, 0.02, -65)] * 32  # 32 x 262144
    with pytest.raises(ValueError, match="neuron-steps"):
        pack_runs(runs, "published", record=False)


def _raw(n_steps, n_neurons, spikes, record=True, nspk=None):
    """Hand-made engine output: ``spikes`` is a list of (neuron, step)."""
    raw = {"spike_i": np.array([i for i, _ in spikes], dtype=np.int32),
           "spike_t": np.array([k for _, k in spikes], dtype=np.int64),
           "final_nspk": np.zeros(n_neurons) if nspk is None else np.asarray(nspk, float)}
    if record:
        v = np.full((n_steps, n_neurons), -65.0)
        for i, k in spikes:
            v[k, i] = 35.0  # an overshoot, to be clipped at the peak
        raw.update(trace_v=v, trace_u=np.full((n_steps, n_neurons), -13.0),
                   trace_I=np.ones((n_steps, n_neurons)))
    return raw


def test_unpack_reads_each_runs_spikes_and_traces():
    runs = [RunSpec(IzhikevichParams(), Step(1), 10, 0.5, -65),   # 21 steps
            RunSpec(IzhikevichParams(), Step(1), 5, 0.25, -65)]   # 21 steps
    packed = pack_runs(runs, "published", record=True)
    # unsorted neuron order, as the binary may write; a spike past run 1's grid is dropped
    raw = _raw(1024, 8, [(1, 4), (0, 20), (0, 2), (1, 30), (1, 20)])
    res = unpack_results(raw, packed, runs, elapsed_s=0.5, engine_label="test")
    assert res[0].spike_times_ms.tolist() == [1.0, 10.0]
    assert res[1].spike_times_ms.tolist() == [1.0, 5.0]
    assert res[0].v_mV.shape == (21,) and res[0].v_mV.max() == 30.0
    assert res[0].u.tolist() == [-13.0] * 21 and res[0].I.tolist() == [1.0] * 21
    assert res[1].t_ms[-1] == 5.0 and res[0].elapsed_s == 0.5 and res[0].engine == "test"
    assert not res[0].diverged and res[0].u0 == pytest.approx(-13.0)
    assert not res[0].v_mV.flags.writeable and not res[0].spike_times_ms.flags.writeable


def test_unpack_spikes_only_flags_a_ceiling_reached_in_the_binary():
    runs = [RunSpec(IzhikevichParams(), Step(1), 20, 0.5, -65)] * 2
    packed = pack_runs(runs, "published", record=False)
    cap = spike_cap(20)
    raw = _raw(1024, 8, [(0, 3)], record=False, nspk=[1, cap] + [0] * 6)
    res = unpack_results(raw, packed, runs)
    assert res[0].v_mV.size == 0 and not res[0].diverged
    assert res[1].diverged and res[1].message == "Runaway spiking: the spike ceiling was reached."


def test_engine_refuses_values_that_break_the_contract():
    engine = engine_mod.get_engine(EngineSpec("published", 1, 1024, True))
    values = {name: np.zeros(1) for name in ENGINE_INPUTS if name != "h"}
    with pytest.raises(ValueError, match=r"missing \['h'\]"):
        engine.run(values, np.zeros((1024, 1)))
    with pytest.raises(ValueError, match=r"unknown \['x'\]"):
        engine.run({**values, "h": np.ones(1), "x": np.ones(1)}, np.zeros((1024, 1)))
