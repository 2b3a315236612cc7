""""Show code": the generated standalone Brian2 script reproduces the app's spike times.

Each script runs in a fresh interpreter (``python -I``: no izhi_widgets on the path) with
Brian2's numpy runtime, and must print exactly the spike times of `simulate` (1e-9).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from izhi_widgets import (PRESETS, Constant, IzhikevichParams, OUNoise, Piecewise, Pulse,
                          PulseTrain, Ramp, Sine, Step, simulate)
from izhi_widgets import codegen
from izhi_widgets.brian2_model import model_code
from izhi_widgets.codegen import brian2_script


def _preset_case(key, **changes):
    p = PRESETS[key]
    case = dict(params=p.params, stimulus=p.stimulus, duration_ms=p.duration_ms,
                dt_ms=p.dt_ms, numerics="published", v0_mV=p.v0_mV, u0=p.initial_u)
    case.update(changes)
    return case


_A = PRESETS["A"].params
CASES = {
    # the published presets (several protocol kinds: steps, ramps, pulse trains, sums,
    # closed windows, the accommodation and 4.1/108 variants)
    **{key: _preset_case(key) for key in ("A", "C", "K", "P", "R", "G", "T", "TC_burst", "RZ")},
    # edited parameters and designed stimuli
    "A_edited": _preset_case("A", params=_A.with_values(a=0.1 + 0.2, b=0.25, d=2.5),
                             v0_mV=-62.5, u0=-11.0),
    "ramp_rk4": dict(params=_A.with_values(d=4.0), stimulus=Constant(-0.5) + Ramp(0.2, 10.0),
                     duration_ms=150.0, dt_ms=0.1, numerics="rk4", v0_mV=-65.0, u0=-13.0),
    "A_euler": _preset_case("A", numerics="euler"),
    "G_euler_fine": _preset_case("G", numerics="euler", dt_ms=0.1),
    "T_euler_runaway": _preset_case("T", numerics="euler"),
    "pulses_sine_piecewise": dict(
        params=IzhikevichParams(a=0.02, b=0.2, c=-55.0, d=4.0),
        stimulus=(PulseTrain.regular(12.0, 5.0, 2.0, 15.0, 6) + Sine(4.0, 20.0, 3.0, 0.5, 10.0)
                  + Piecewise((0.0, 60.0, 90.0), (0.0, 2.5, -1.0))
                  + Pulse(20.0, 120.0, 1.0, closed="both")),
        duration_ms=160.0, dt_ms=0.2, numerics="published", v0_mV=-70.0, u0=None),
    "noise_linear": dict(
        params=_A, stimulus=OUNoise(6.0, 3.0, 5.0, 7, 10.0, 140.0)
        + Piecewise((0.0, 100.0), (0.0, 3.0), "linear"),
        duration_ms=150.0, dt_ms=0.25, numerics="published", v0_mV=-70.0, u0=-14.0),
    "nested_sum": dict(
        params=_A, stimulus=Step(5.0, 10.0) + (Constant(2.0) + Step(4.0, 40.0, 60.0, "left")),
        duration_ms=120.0, dt_ms=0.25, numerics="euler", v0_mV=-70.0, u0=None),
}


def _run_script(code: str, tmp_dir) -> list[float]:
    path = tmp_dir / "script.py"
    path.write_text(code)
    proc = subprocess.run([sys.executable, "-I", str(path)], cwd=str(tmp_dir),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    start = lines.index("spike times (ms):")
    return [float(line) for line in lines[start + 1:]]


@pytest.fixture(scope="module")
def script_outputs(tmp_path_factory):
    """Run every case's script (two at a time); name -> (printed, expected, code)."""
    jobs = {}
    for name, case in CASES.items():
        code = brian2_script(**case)
        expected = simulate(case["params"], case["stimulus"], duration_ms=case["duration_ms"],
                            dt_ms=case["dt_ms"], numerics=case["numerics"],
                            v0_mV=case["v0_mV"], u0=case["u0"]).spike_times_ms.tolist()
        jobs[name] = (code, expected, tmp_path_factory.mktemp(name))
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(_run_script, code, tmp) for name, (code, _, tmp) in jobs.items()}
        return {name: (futures[name].result(), jobs[name][1], jobs[name][0]) for name in jobs}


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c["numerics"] == "published"])
def test_script_reproduces_the_spike_times(script_outputs, name):
    printed, expected, _ = script_outputs[name]
    assert len(printed) == len(expected), (printed[:10], expected[:10])
    np.testing.assert_allclose(printed, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c["numerics"] != "published"])
def test_script_of_an_ode_mode_is_brian2s_method_close_to_the_app(script_outputs, name):
    """For euler and rk4 the script runs Brian2's own state updater (threshold and reset
    on the grid), the app's engine locates each crossing inside the step: the spike
    times are grid times, near the app's."""
    printed, expected, _ = script_outputs[name]
    printed, expected = np.asarray(printed, float), np.asarray(expected, float)
    dt = CASES[name]["dt_ms"]
    np.testing.assert_allclose(printed / dt, np.round(printed / dt), atol=1e-6)
    n = min(len(printed), len(expected))
    assert n > 0 and abs(len(printed) - len(expected)) <= max(1, len(expected) // 10)
    assert np.abs(printed[:3] - expected[:3]).max() < 20 * dt


def test_published_presets_match_the_papers_spike_times(script_outputs):
    for key in ("A", "C", "K", "P", "R", "G", "T", "TC_burst", "RZ"):
        printed, _, _ = script_outputs[key]
        np.testing.assert_allclose(printed, PRESETS[key].expected_spikes_ms, rtol=0, atol=1e-9)


def test_runaway_case_is_capped_like_the_app(script_outputs):
    printed, expected, _ = script_outputs["T_euler_runaway"]
    assert simulate(PRESETS["T"], numerics="euler").diverged
    assert len(printed) == len(expected) >= 300


@pytest.mark.parametrize("name", ["A", "ramp_rk4", "noise_linear"])
def test_script_is_standalone_brian2_runtime(name):
    code = brian2_script(**CASES[name])
    ast.parse(code)
    assert "izhi_widgets" not in code.replace("izhi-explorer", "")
    assert 'prefs.codegen.target = "numpy"' in code
    assert "b2.Network(" in code and "namespace=namespace" in code
    assert 'when="after_thresholds"' in code
    assert "TimedArray" in code
    assert "eval(" not in code and "exec(" not in code
    if CASES[name]["numerics"] == "published":
        assert "run_regularly" in code and 'when="groups"' in code
        assert code.index("\nv = v + dt*(") < code.index("\nu = u + dt*")
    else:
        assert f'method="{CASES[name]["numerics"]}"' in code


@pytest.mark.parametrize("name", ["A", "G", "R", "ramp_rk4", "A_euler"])
def test_script_runs_the_model_lines_of_brian2_model_verbatim(name):
    """One model: the script's equations, update, threshold and reset are the lines of
    `izhi_widgets.brian2_model.model_code`, the code `izhikevich_group` runs."""
    case = CASES[name]
    p = case["params"]
    lines = model_code(case["numerics"], k2=p.k2, k1=p.k1, k0=p.k0, recovery=p.recovery,
                       v_peak=p.v_peak_mV)
    code = brian2_script(**case)
    body = code.split('eqs = """', 1)[1]  # the script's code, past its docstring
    assert f'eqs = """\n{lines.equations}\nI = stimulus(t) : volt/second\n"""' in code
    assert f'threshold="{lines.threshold}", reset="{lines.reset}"' in body
    for line in lines.lines:
        assert line in body
    if lines.update:
        assert f'neuron.run_regularly("""\n{lines.update}\n""", when="groups"' in body
    else:
        assert f'method="{lines.method}"' in body and "run_regularly" not in body
    if p.k1 == 4.1:
        assert "4.1/ms*v + 108*mV/ms" in body
    if p.recovery == "accommodation":
        assert "a*b*(v + 65*mV)" in body


def test_numbers_are_written_with_repr():
    case = CASES["A_edited"]
    code = brian2_script(**case)
    assert "0.30000000000000004" in code  # a = 0.1 + 0.2, not rounded
    assert "9.090909090909092" in brian2_script(**_preset_case("L"))  # L's 100/11 onset


def test_falls_back_to_embedded_samples_when_helpers_disagree(monkeypatch, tmp_path):
    """If a helper stopped matching the library's stimulus, the script embeds the samples."""
    from izhi_widgets.stimulus.shapes import step_current

    def step_current_off(t, *args):  # a script function that no longer matches the app's
        return step_current(t, *args) + 1e-12

    real_call = codegen._call
    monkeypatch.setattr(codegen, "_call", lambda stim: (
        (step_current_off, stim.field_values()) if stim.kind == "step" else real_call(stim)))
    case = _preset_case("A")
    code = brian2_script(**case)
    assert "I_levels = np.array(" in code
    assert "step_current" not in code.split("I_values =")[1]
    assert _run_script(code, tmp_path) == list(PRESETS["A"].expected_spikes_ms)


@pytest.mark.parametrize("changes, field", [
    ({"numerics": "midpoint"}, "numerics"),
    ({"dt_ms": float("nan")}, "dt_ms"),
    ({"dt_ms": 0.0}, "dt_ms"),
    ({"duration_ms": -1.0}, "duration_ms"),
    ({"v0_mV": float("inf")}, "v0_mV"),
])
def test_invalid_settings_raise_value_error(changes, field):
    case = _preset_case("A", **changes)
    with pytest.raises(ValueError, match=field):
        brian2_script(**case)


def test_title_cannot_break_the_docstring():
    code = brian2_script(**_preset_case("A"), title='x"""; import os; """')
    ast.parse(code)
    assert '"""; import os' not in code


def test_printed_spike_times_carry_no_float_noise(tmp_path):
    """Defect 8: spike times print as the grid means them (25.9), not 25.900000000000002."""
    case = _preset_case("A", dt_ms=0.1)
    code = brian2_script(**case)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, timeout=300).stdout
    times = out.split("spike times (ms):")[1].split()
    assert times and all("0000000" not in t and "9999999" not in t for t in times)
