"""Run Izhikevich's figure1.m loop (generalised, ``tests/octave/izhi_cases.m``) under GNU
Octave on many cases, and compare it with the engine and the plain-Python reference.

Every number crosses the language boundary as a 16-digit hex double (``num2hex`` form),
never as decimal text, so the comparison is bit for bit.

    python tests/octave_harness.py [N_RANDOM]     # prints how many cases agree

Cases: the 28 presets (their stimulus passed as samples) and ``N_RANDOM`` seeded random
cases (a, b, c, d, v0, u0, dt, the three forms of the model, steps, pulse trains and ramps
computed inside the Octave loop as figure1.m does, runs of 1000-4000 steps).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from izhi_widgets import PRESETS, IzhikevichParams  # noqa: E402
from izhi_widgets.model import RunSpec, simulate_batch  # noqa: E402
from izhi_widgets.reference import simulate_reference  # noqa: E402
from izhi_widgets.result import time_grid  # noqa: E402
from izhi_widgets.stimulus import Constant, PulseTrain, Ramp, Step, Stimulus  # noqa: E402

OCTAVE_DIR = Path(__file__).resolve().parent / "octave"
SAMPLE_EVERY = 50
_FORMS = {1: {}, 2: {"k1": 4.1, "k0": 108.0}, 3: {"recovery": "accommodation"}}


def to_hex(x: float) -> str:
    return struct.pack(">d", float(x)).hex()


def from_hex(text: str) -> float:
    return struct.unpack(">d", bytes.fromhex(text))[0]


def octave_binary() -> str | None:
    return shutil.which("octave-cli") or shutil.which("octave")


@dataclass(frozen=True)
class Case:
    name: str
    run: RunSpec
    variant: int
    kind: int
    extra: tuple[float, ...]

    def line(self) -> str:
        r, p = self.run, self.run.params
        numbers = [self.variant, self.kind, r.dt_ms, r.duration_ms, p.a, p.b, p.c, p.d,
                   r.v0_mV, r.u0, len(self.extra), *self.extra]
        return " ".join(to_hex(x) for x in numbers)


def preset_cases() -> list[Case]:
    """The 28 presets, their stimulus sampled here and passed as values."""
    cases = []
    for key, preset in PRESETS.items():
        run = RunSpec.from_preset(preset)
        p = run.params
        variant = 3 if p.recovery == "accommodation" else 2 if p.k1 == 4.1 else 1
        samples = run.stimulus.current(time_grid(run.duration_ms, run.dt_ms))
        cases.append(Case(key, run, variant, 4, tuple(samples)))
    return cases


def random_cases(n: int, seed: int = 20041063) -> list[Case]:
    """``n`` seeded random cases of tonic/bursting neurons driven long enough to fire often."""
    rng = np.random.default_rng(seed)
    cases = []
    for k in range(n):
        variant = int(rng.choice([1, 1, 1, 2, 3]))
        dt = float(rng.choice([0.05, 0.1, 0.125, 0.2, 0.25, 0.5, round(rng.uniform(0.05, 0.5), 4)]))
        duration = float(int(rng.integers(1000, 4000)) * dt)
        v0 = float(np.round(rng.uniform(-75, -60), 3))
        if variant == 3:  # panel R's family: accommodation to slow ramps
            params = IzhikevichParams(a=float(rng.uniform(0.01, 0.05)), b=float(rng.uniform(0.5, 1.2)),
                                      c=float(rng.uniform(-65, -50)), d=float(rng.uniform(1, 8)),
                                      recovery="accommodation")
            u0 = float(rng.uniform(-20, -10))
        else:
            params = IzhikevichParams(a=float(rng.uniform(0.01, 0.1)), b=float(rng.uniform(0.15, 0.27)),
                                      c=float(rng.uniform(-70, -45)), d=float(rng.uniform(0.05, 8)),
                                      **_FORMS[variant])
            u0 = None
        base = float(rng.choice([0.0, 0.0, float(np.round(rng.uniform(-1, 1), 2))]))
        t_on = float(np.round(rng.uniform(0, duration / 4), 2))
        kind = int(rng.choice([1, 2, 3])) if variant != 3 else 3
        stim: Stimulus
        if kind == 1:
            amp = float(rng.uniform(4, 25))
            extra = (base, amp, t_on)
            stim = Step(amp, t_on)
        elif kind == 2:
            amp, width = float(rng.uniform(6, 30)), float(np.round(rng.uniform(1, 20), 2))
            count = int(rng.integers(3, 12))
            gap = (duration - t_on) / count
            onsets = tuple(float(np.round(t_on + j * gap, 3)) for j in range(count))
            width = min(width, 0.9 * gap)
            extra = (base, amp, width, *onsets)
            stim = PulseTrain(amp, onsets, width)
        else:
            slope = float(rng.uniform(0.02, 0.3)) * (2.0 if variant == 3 else 1.0)
            extra = (base, slope, t_on)
            stim = Ramp(slope, t_on)
        if base != 0.0:
            stim = Constant(base) + stim
        run = RunSpec(params, stim, duration, dt, v0, u0)
        cases.append(Case(f"random-{k}", run, variant, kind, extra))
    return cases


@dataclass(frozen=True)
class OctaveRun:
    n_steps: int
    spike_times_ms: np.ndarray
    samples: np.ndarray  # V and u (after the update, before the reset) every 50th step + last


def run_octave(cases: list[Case], timeout_s: float = 600) -> list[OctaveRun]:
    """One Octave process runs every case (Octave starts in about a second)."""
    binary = octave_binary()
    if binary is None:
        raise RuntimeError("GNU Octave is not installed (Debian: apt-get install -y "
                           "--no-install-recommends octave)")
    with tempfile.TemporaryDirectory() as tmp:
        infile, outfile = Path(tmp) / "cases.txt", Path(tmp) / "out.txt"
        infile.write_text("".join(case.line() + "\n" for case in cases))
        subprocess.run([binary, "--no-gui", "--quiet", "--norc", "--path", str(OCTAVE_DIR),
                        "--eval", f"izhi_cases('{infile}', '{outfile}')"],
                       check=True, capture_output=True, timeout=timeout_s, cwd=tmp)
        lines = outfile.read_text().splitlines()
    if len(lines) != len(cases):
        raise RuntimeError(f"Octave answered {len(lines)} of {len(cases)} cases")
    out = []
    for line in lines:
        fields = line.split()
        n_steps, n_spikes = int(fields[0]), int(fields[1])
        values = np.array([from_hex(h) for h in fields[2:]])
        out.append(OctaveRun(n_steps, values[:n_spikes], values[n_spikes:]))
    return out


def engine_samples(v_mV: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A trace at Octave's sample steps, interleaved V, u."""
    n = len(v_mV)
    idx = sorted(set(range(0, n, SAMPLE_EVERY)) | {n - 1})
    return np.ravel(np.column_stack([v_mV[idx], u[idx]]))


def clipped(samples: np.ndarray, v_peak: float) -> np.ndarray:
    """Octave's samples with V clipped at the peak, as a `SimulationResult` records it."""
    out = samples.copy()
    out[0::2] = np.minimum(out[0::2], v_peak)
    return out


def compare(cases: list[Case], octave: list[OctaveRun]) -> list[dict]:
    """Per case: do the engine's and the reference loop's spike times and sampled state equal
    Octave's bit for bit?"""
    engine = simulate_batch([c.run for c in cases], "published")
    rows = []
    for case, oct_run, res in zip(cases, octave, engine):
        ref = simulate_reference(case.run.params, case.run.stimulus,
                                 duration_ms=case.run.duration_ms, dt_ms=case.run.dt_ms,
                                 v0_mV=case.run.v0_mV, u0=case.run.u0)
        rows.append({
            "case": case.name, "n_steps_equal": oct_run.n_steps == len(res.t_ms),
            "n_spikes": len(oct_run.spike_times_ms), "diverged": res.diverged,
            "engine_spikes": np.array_equal(res.spike_times_ms, oct_run.spike_times_ms),
            "engine_state": np.array_equal(engine_samples(res.v_mV, res.u),
                                           clipped(oct_run.samples, case.run.params.v_peak_mV)),
            "reference_spikes": np.array_equal(ref.spike_times_ms, oct_run.spike_times_ms),
        })
    return rows


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 200
    cases = preset_cases() + random_cases(n)
    rows = compare(cases, run_octave(cases))
    for group, sel in (("presets", rows[:len(PRESETS)]), ("random", rows[len(PRESETS):])):
        print(f"{group}: {len(sel)} cases, {sum(r['n_spikes'] for r in sel)} Octave spikes; "
              f"engine spike times identical in {sum(r['engine_spikes'] for r in sel)}, "
              f"engine state identical in {sum(r['engine_state'] for r in sel)}, "
              f"reference loop spike times identical in {sum(r['reference_spikes'] for r in sel)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
