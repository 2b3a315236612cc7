"""The Brian2 model builder: published spike times, agreement with a plain-Python loop,
batching, ODE numerics, divergence and input validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from izhi_widgets import (PRESETS, IzhikevichParams, OUNoise, Pulse, PulseTrain, Ramp, RunSpec,
                          Sine, Step, simulate, simulate_batch)
from izhi_widgets.engine import compiled_engine_count
from izhi_widgets.limits import (MAX_DURATION_MS, MAX_DT_MS, MAX_SAMPLES, MIN_DT_MS,
                                 spike_cap)
from izhi_widgets.params import PARAM_LIMITS
from izhi_widgets.stimulus import MAX_ABS_CURRENT, MAX_ABS_TIME_MS
from izhi_widgets.model import clear_cache
from izhi_widgets.reference import simulate_reference
from izhi_widgets.stimulus import Constant


@pytest.fixture(autouse=True)
def _fresh_results():
    clear_cache()  # every test really runs the engine
    yield


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_reproduces_the_published_spike_times(key):
    preset = PRESETS[key]
    res = simulate(preset)
    assert res.numerics == "published" and res.dt_ms == preset.dt_ms
    assert len(res.spike_times_ms) == len(preset.expected_spikes_ms)
    np.testing.assert_allclose(res.spike_times_ms, preset.expected_spikes_ms, rtol=0, atol=1e-9)
    assert not res.diverged


def test_result_arrays_follow_the_papers_grid_and_conventions():
    res = simulate(PRESETS["A"])
    np.testing.assert_allclose(res.t_ms, np.arange(401) * 0.25)
    # v is clipped at the peak: each spike's sample shows exactly 30 mV.
    spike_idx = np.rint(res.spike_times_ms / 0.25).astype(int)
    assert np.all(res.v_mV[spike_idx] == 30.0) and res.v_mV.max() == 30.0
    np.testing.assert_array_equal(res.I, PRESETS["A"].stimulus.current(res.t_ms))
    assert res.u0 == pytest.approx(0.2 * -70)
    assert len(res.v_mV) == len(res.u) == len(res.I) == len(res.t_ms)


def test_accommodation_preset_keeps_its_own_initial_u():
    res = simulate(PRESETS["R"])
    assert res.u0 == -16.0 and res.params.recovery == "accommodation"


def test_batched_run_equals_one_by_one():
    specs = [RunSpec.from_preset(p) for p in PRESETS.values()]
    batch = simulate_batch(specs)
    clear_cache()
    for spec, together in zip(specs, batch):
        alone = simulate_batch([spec])[0]
        np.testing.assert_array_equal(together.spike_times_ms, alone.spike_times_ms)
        np.testing.assert_array_equal(together.v_mV, alone.v_mV)
        np.testing.assert_array_equal(together.u, alone.u)


def _random_stimulus(rng: np.random.Generator, duration: float):
    kinds = rng.choice(["step", "pulse", "train", "ramp", "sine", "noise", "const"],
                       size=rng.integers(1, 4))
    stim = None
    for kind in kinds:
        start = float(rng.uniform(0, duration / 2))
        amp = float(rng.uniform(-5, 25))
        term = {
            "step": lambda: Step(amp, start),
            "pulse": lambda: Pulse(amp, start, float(rng.uniform(0.5, 20))),
            "train": lambda: PulseTrain(amp, tuple(start + 10 * k for k in range(3)), 2.0),
            "ramp": lambda: Ramp(float(rng.uniform(0, 0.2)), start),
            "sine": lambda: Sine(amp / 2, float(rng.uniform(1, 50)), amp / 2),
            "noise": lambda: OUNoise(amp / 2, 3.0, 4.0, int(rng.integers(0, 1000))),
            "const": lambda: Constant(float(rng.uniform(-2, 5))),
        }[kind]()
        stim = term if stim is None else stim + term
    return stim


def _random_specs(rng: np.random.Generator, n: int) -> list[RunSpec]:
    specs = []
    for _ in range(n):
        params = IzhikevichParams(a=float(rng.uniform(0.005, 0.2)), b=float(rng.uniform(-0.1, 0.3)),
                                  c=float(rng.uniform(-70, -45)), d=float(rng.uniform(-2, 10)),
                                  recovery=str(rng.choice(["standard", "standard", "accommodation"])))
        duration = float(rng.uniform(30, 400))
        dt = float(rng.choice([0.1, 0.2, 0.25, 0.5]))
        specs.append(RunSpec(params, _random_stimulus(rng, duration), duration, dt,
                             float(rng.uniform(-75, -55))))
    return specs


def test_random_cases_match_the_plain_python_scheme_exactly(rng):
    specs = _random_specs(rng, 40)
    results = simulate_batch(specs, "published")
    assert sum(r.n_spikes for r in results) > 100  # the cases really fire
    for spec, res in zip(specs, results):
        ref = simulate_reference(spec.params, spec.stimulus, duration_ms=spec.duration_ms,
                                 dt_ms=spec.dt_ms, v0_mV=spec.v0_mV, u0=spec.u0)
        np.testing.assert_allclose(res.spike_times_ms, ref.spike_times_ms, rtol=0, atol=1e-9)
        np.testing.assert_allclose(res.v_mV, ref.v_mV, rtol=1e-9, atol=1e-9)
        assert res.diverged == ref.diverged


def test_random_cases_of_the_ode_modes_approach_the_exact_solution(rng):
    """Euler within a few dt and rk4 within 1e-3 ms of the exact spike times at 0.01 ms, on
    random tonic cases whose stimulus edges fall between grid points."""
    from izhi_widgets.convergence import convergence_cases

    cases = [run for _, run in convergence_cases(4, seed=int(rng.integers(1 << 30)))][5:]
    exact = simulate_batch(cases, "exact", record=False)
    assert all(r.n_spikes >= 3 for r in exact)
    for numerics, tol in (("euler", 1.0), ("rk4", 1e-3)):
        runs = [RunSpec(r.params, r.stimulus, r.duration_ms, 0.01, r.v0_mV, r.u0) for r in cases]
        for res, ex in zip(simulate_batch(runs, numerics, record=False), exact):
            assert res.n_spikes == ex.n_spikes
            np.testing.assert_allclose(res.spike_times_ms, ex.spike_times_ms, atol=tol, rtol=0)


def test_published_and_euler_differ_where_the_paper_says():
    # Panel I: with u updated from the old v (Euler), the latency shrinks a lot.
    pub = simulate(PRESETS["I"])
    ode = simulate(PRESETS["I"], numerics="euler", dt_ms=0.01)
    assert pub.spike_times_ms.tolist() == [26.6]
    assert ode.n_spikes >= 1 and ode.spike_times_ms[0] < 22


def test_rk4_converges_with_the_step():
    coarse = simulate(PRESETS["A"], numerics="rk4", dt_ms=0.1)
    fine = simulate(PRESETS["A"], numerics="rk4", dt_ms=0.01)
    finer = simulate(PRESETS["A"], numerics="rk4", dt_ms=0.005)
    assert coarse.n_spikes == fine.n_spikes == finer.n_spikes == 5
    gap_coarse = np.abs(coarse.spike_times_ms - finer.spike_times_ms).max()
    gap_fine = np.abs(fine.spike_times_ms - finer.spike_times_ms).max()
    assert gap_fine < 0.1 and gap_fine < gap_coarse / 5


@pytest.mark.parametrize("numerics", ["published", "euler", "rk4"])
def test_rest_is_a_fixed_point_in_every_scheme(numerics):
    # RS parameters, no input: v = -70, u = b v is an equilibrium.
    res = simulate(IzhikevichParams(a=0.02, b=0.2, c=-65, d=8), Constant(0.0), duration_ms=100,
                   dt_ms=0.1, numerics=numerics, v0_mV=-70)
    assert res.n_spikes == 0
    np.testing.assert_allclose(res.v_mV, -70, atol=1e-9)
    np.testing.assert_allclose(res.u, -14, atol=1e-9)


def test_spikes_only_mode_gives_the_same_spikes():
    full = simulate(PRESETS["C"])
    clear_cache()
    spikes = simulate(PRESETS["C"], record=False)
    np.testing.assert_array_equal(full.spike_times_ms, spikes.spike_times_ms)
    assert spikes.v_mV.size == 0


def test_runaway_spiking_stops_at_the_ceiling_with_a_message():
    # Panel T at a finer step runs away into thousands of spikes (reference notes).
    res = simulate(PRESETS["T"], numerics="euler", dt_ms=0.01)
    assert res.diverged
    assert res.n_spikes == spike_cap(PRESETS["T"].duration_ms)
    assert "Runaway" in res.message
    # After the stop the neuron is frozen: the rest of the trace is flat.
    stop = int(np.rint(res.spike_times_ms[-1] / 0.01)) + 2
    assert np.ptp(res.v_mV[stop:]) == 0


def test_exploding_state_is_stopped_not_propagated_as_nan():
    # Strongly unstable recovery (a < 0, b > 0) with a huge step blows the state up.
    res = simulate(IzhikevichParams(a=-1, b=2, c=-65, d=50), Step(-1000, 0), duration_ms=2000,
                   dt_ms=2.0, v0_mV=-65)
    assert res.diverged and res.message
    assert np.all(np.isfinite(res.v_mV))


def test_matches_the_reference_loop_on_a_runaway():
    spec = RunSpec.from_preset(PRESETS["T"], dt_ms=0.05)
    res = simulate_batch([spec])[0]
    ref = simulate_reference(PRESETS["T"], dt_ms=0.05)
    assert res.diverged == ref.diverged
    np.testing.assert_allclose(res.spike_times_ms, ref.spike_times_ms, atol=1e-9)
    assert res.message == ref.message


@pytest.mark.parametrize("kwargs, field", [
    (dict(dt_ms=0), "dt_ms"),
    (dict(dt_ms=-0.1), "dt_ms"),
    (dict(dt_ms=float("nan")), "dt_ms"),
    (dict(duration_ms=0), "duration_ms"),
    (dict(duration_ms=float("inf")), "duration_ms"),
    (dict(duration_ms=10_000, dt_ms=0.01),
     r"^duration_ms / dt_ms = 1000001 steps, more than the 500000 allowed: raise dt_ms"),
    (dict(v0_mV=float("nan")), "v0_mV"),
    (dict(u0=1e9), "u0"),
    (dict(numerics="midpoint"), "numerics"),
])
def test_bad_run_settings_raise_value_errors_naming_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        simulate(PRESETS["A"], **kwargs)


@pytest.mark.parametrize("changes, field", [
    (dict(a=float("nan")), "a"), (dict(b=math.inf), "b"), (dict(c=40), "c"),
    (dict(d=1e6), "d"), (dict(recovery="quadratic"), "recovery"), (dict(a="0.1"), "a"),
])
def test_bad_parameters_raise_value_errors_naming_the_field(changes, field):
    with pytest.raises(ValueError, match=rf"^{field} "):
        IzhikevichParams(**changes)


def test_plain_parameters_need_a_stimulus_and_duration():
    with pytest.raises(ValueError, match="stimulus"):
        simulate(IzhikevichParams())
    with pytest.raises(ValueError, match="duration_ms"):
        simulate(IzhikevichParams(), Step(10))


finite_or_bad = st.one_of(
    st.floats(min_value=-200, max_value=200),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e12, -1e12, 0.0]),
)


def _first_bad_field(a, b, c, d, amp, start, duration, dt, v0) -> str | None:
    """The error a simulate() call with these inputs must raise (a regex naming the field,
    in validation order: parameters, stimulus, run settings), or None when it must run."""
    for name, value in zip("abcd", (a, b, c, d)):
        lo, hi = PARAM_LIMITS[name]
        if not (math.isfinite(value) and lo <= value <= hi):
            return rf"^{name} must be "
    if not (math.isfinite(amp) and abs(amp) <= MAX_ABS_CURRENT):
        return r"^Step\.amplitude must be "
    if not (math.isfinite(start) and abs(start) <= MAX_ABS_TIME_MS):
        return r"^Step\.start_ms must be "
    if not (math.isfinite(duration) and 0 < duration <= MAX_DURATION_MS):
        return r"^duration_ms must be "
    if not (math.isfinite(dt) and MIN_DT_MS <= dt <= MAX_DT_MS):
        return r"^dt_ms must be "
    if not (math.isfinite(v0) and -200 <= v0 <= 100):
        return r"^v0_mV must be "
    if math.floor(duration / dt + 1e-9) + 1 > MAX_SAMPLES:
        return r"^duration_ms / dt_ms = \d+ steps, more than the "
    return None  # u0 = b*v0 is always within +-400: inside its bound


_FIELDS = ("a", "b", "c", "d", "amp", "start", "duration", "dt", "v0")
_VALID = {"a": st.floats(-1, 2), "b": st.floats(-2, 2), "c": st.floats(-120, 29),
          "d": st.floats(-50, 50), "amp": st.floats(-30, 30), "start": st.floats(-50, 400),
          "duration": st.floats(min_value=1, max_value=400),
          "dt": st.one_of(st.sampled_from([0.1, 0.25, 0.5, 1.0]), st.floats(MIN_DT_MS, MAX_DT_MS)),
          "v0": st.floats(-90, -40)}


@st.composite
def run_inputs(draw) -> dict:
    """Valid inputs with any number of fields (possibly none) replaced by finite_or_bad."""
    values = {name: draw(_VALID[name]) for name in _FIELDS}
    for name in draw(st.lists(st.sampled_from(_FIELDS), max_size=len(_FIELDS), unique=True)):
        values[name] = draw(finite_or_bad)
    values["numerics"] = draw(st.sampled_from(["published", "euler", "rk4"]))
    return values


_GOOD = dict(a=0.02, b=0.2, c=-65, d=8, amp=10, start=10, duration=100, dt=0.25, v0=-70,
             numerics="published")


@given(inputs=run_inputs())
@example(inputs=_GOOD)  # valid: runs
@example(inputs={**_GOOD, "duration": 200, "dt": 0.001, "numerics": "rk4"})  # accepted, not run
@example(inputs={**_GOOD, "dt": 0.0, "numerics": "euler"})  # bad dt
@example(inputs={**_GOOD, "amp": math.inf})  # bad stimulus
@example(inputs={**_GOOD, "a": math.nan, "dt": math.nan})  # the first bad field is named
def test_any_input_gives_a_result_or_a_value_error(inputs):
    a, b, c, d, amp, start, duration, dt, v0 = (inputs[name] for name in _FIELDS)
    numerics = inputs["numerics"]
    expected = _first_bad_field(a, b, c, d, amp, start, duration, dt, v0)
    if expected is not None:  # must raise, naming the field
        event(f"raises {expected.split(' ')[0]}")
        with pytest.raises(ValueError, match=expected):
            simulate(IzhikevichParams(a=a, b=b, c=c, d=d), Step(amp, start),
                     duration_ms=duration, dt_ms=dt, numerics=numerics, v0_mV=v0)
        return
    # must succeed
    params, stim = IzhikevichParams(a=a, b=b, c=c, d=d), Step(amp, start)
    n_steps = math.floor(duration / dt + 1e-9) + 1
    run = RunSpec(params, stim, duration, dt, v0)
    assert run.n_steps == n_steps and run.u0 == pytest.approx(params.b * v0)
    if n_steps > 4096:  # accepted; not run (a new step bucket would compile, ~7 s)
        event("accepted, not run")
        return
    event("runs")
    res = simulate(params, stim, duration_ms=duration, dt_ms=dt, numerics=numerics, v0_mV=v0)
    assert len(res.t_ms) == n_steps and res.t_ms[-1] <= duration + 1e-9
    assert np.all(np.isfinite(res.v_mV)) or res.diverged
    assert res.n_spikes <= spike_cap(duration)
    assert res.diverged == bool(res.message)


def test_changing_values_never_recompiles():
    simulate(PRESETS["A"])
    simulate_batch([RunSpec.from_preset(p) for p in PRESETS.values()])
    clear_cache()
    before = compiled_engine_count()
    for k in range(5):
        simulate(PRESETS["A"].params.with_values(a=0.02 + 0.01 * k, d=2 + k),
                 Step(5 + k, 3 * k), duration_ms=90 + k, dt_ms=0.2 + 0.01 * k, v0_mV=-70 + k)
    simulate_batch([RunSpec.from_preset(p) for p in PRESETS.values()])
    assert compiled_engine_count() == before


any_number = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6),
                       st.text(max_size=5), st.none())
stimulus_dicts = st.one_of(
    st.fixed_dictionaries({"kind": st.just("step"), "amplitude": any_number, "start_ms": any_number}),
    st.fixed_dictionaries({"kind": st.just("pulse"), "amplitude": any_number,
                           "start_ms": any_number, "width_ms": any_number}),
    st.fixed_dictionaries({"kind": st.just("ramp"), "slope_per_ms": any_number,
                           "start_ms": any_number, "stop_ms": any_number}),
    st.fixed_dictionaries({"kind": st.just("sine"), "amplitude": any_number,
                           "frequency_hz": any_number, "offset": any_number}),
    st.fixed_dictionaries({"kind": st.just("ou_noise"), "mean": any_number, "sigma": any_number,
                           "tau_ms": any_number, "seed": any_number}),
    st.fixed_dictionaries({"kind": st.just("pulse_train"), "amplitude": any_number,
                           "onsets_ms": st.lists(any_number, max_size=4), "width_ms": any_number}),
    st.fixed_dictionaries({"kind": st.just("piecewise"),
                           "times_ms": st.lists(any_number, max_size=4),
                           "values": st.lists(any_number, max_size=4)}),
    st.fixed_dictionaries({"kind": st.text(max_size=8)}),
)


@given(data=stimulus_dicts, duration=st.floats(min_value=1, max_value=300),
       numerics=st.sampled_from(["published", "euler", "rk4"]))
def test_any_stimulus_gives_a_result_or_a_value_error(data, duration, numerics):
    from izhi_widgets import stimulus_from_dict

    try:
        stim = stimulus_from_dict(data)
        res = simulate(PRESETS["RS"].params, stim, duration_ms=duration, dt_ms=0.25,
                       numerics=numerics, v0_mV=-65)
    except ValueError as err:
        assert str(err)
        return
    assert np.all(np.isfinite(res.I))
    assert res.n_spikes <= spike_cap(duration)
    assert res.diverged == bool(res.message)


def test_batches_larger_than_the_result_cache():
    specs = [RunSpec(IzhikevichParams(), Step(0.1 * k, 10), 100, 0.25, -65) for k in range(100)]
    results = simulate_batch(specs, record=False)
    assert len(results) == 100
    counts = [r.n_spikes for r in results]
    assert counts[0] == 0 and counts[-1] > 0 and counts == sorted(counts)


def test_a_cache_hit_reports_its_own_time_and_says_it_was_cached():
    first = simulate(PRESETS["A"])
    assert not first.cached and first.elapsed_s > 0
    again = simulate(PRESETS["A"])
    assert again.cached and again is not first
    assert again.elapsed_s < first.elapsed_s and again.elapsed_s < 0.01
    np.testing.assert_array_equal(again.spike_times_ms, first.spike_times_ms)
    assert again.v_mV is first.v_mV  # the arrays are shared (read-only), not copied
    assert again.extra is not first.extra
    # the cache keeps the original: a later hit is again a fresh copy
    third = simulate(PRESETS["A"])
    assert third.cached and third is not again and not first.cached
    # a mixed batch: the hit is flagged, the new run is not
    mixed = simulate_batch([RunSpec.from_preset(PRESETS["A"]),
                            RunSpec.from_preset(PRESETS["A"], dt_ms=0.2)])
    assert [r.cached for r in mixed] == [True, False]
    assert mixed[0].elapsed_s >= mixed[1].elapsed_s  # the hit's time is the whole call
