"""The compiled Brian2 engine: one C++ standalone binary per network *structure*.

Why this design
---------------
Brian2's runtime mode drives every time step from Python (tens of microseconds a
step), far too slow for slider-rate interaction at 10 000 steps. Brian2's
``cpp_standalone`` device compiles the whole simulation, and since Brian2 2.6 the
compiled binary can be re-run with new *values* (``run_args``) without
recompiling. So the model is built once per structure and every simulation
after that is one short process run.

What is structure and what is a value:

* structure (a new build, 5–10 s, cached on disk): numerics (``published``,
  ``euler``, ``rk4``: the ODE modes locate the threshold inside the step, see
  `izhi_widgets.engine_ode`), the neuron count and step count *buckets*, whether
  traces are recorded;
* values (no rebuild): every parameter (``a, b, c, d``, the quadratic, the
  recovery form, the peak), each neuron's step ``h`` (ms), initial state, the
  sampled stimulus, the stop time and the spike ceiling.

Model time is rescaled so that one Brian2 step of 1 ms is one model step of
``h`` ms: the equations carry ``h`` as a per-neuron parameter, so one build
serves any dt and any duration up to its step bucket (a neuron is frozen after
its own last step).

Brian2's device is global to a process, so builds run in a child process
(``python -m izhi_widgets.engine build SPEC_JSON DIR``) that writes a manifest
of the binary's variable names and result files; this process only runs the
binary and reads the files. User input reaches the binary only as numbers
(command-line values or raw float64 files), never as code.

The contract with the model
---------------------------
`ENGINE_INPUTS` names the per-neuron values the binary takes, once for both sides:
the build declares them as the group's parameters, `izhi_widgets.model.engine_inputs`
fills them, and `CompiledEngine.run` refuses values that name anything else.

The cache, and who may write it
-------------------------------
Engines live under `cache_dir()` (``$IZHI_CACHE_DIR``, else ``~/.cache/izhi_widgets``,
see `izhi_widgets.engine_cache`), created with mode 0700. A binary is run only when the cache root, its ``engines``
folder and the engine's own directory are owned by the current user and not writable
by group or others, and the binary itself is the user's and not group/other-writable
(`check_private_dir`, checked when an engine is loaded and before every run); otherwise
``PermissionError`` names the directory and the reason. With a read-only home the cache
falls back to ``<tmp>/izhi_widgets-<uid>``, and when that shared path is not private
(someone may have created it first) to a fresh ``tempfile.mkdtemp()`` directory.

Prebuilding the structures the app, the report and the tests use: `izhi_widgets.warm`.

Examples
--------
>>> from izhi_widgets.engine import EngineSpec, bucket_neurons, bucket_steps, is_built
>>> bucket_steps(401), bucket_steps(10_001), bucket_neurons(28)
(1024, 16384, 32)
>>> spec = EngineSpec("published", 1, bucket_steps(401), True)   # what the panel asks
>>> spec.key().startswith("published-n1-s1024-rec-")
True
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import importlib.metadata
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .engine_cache import cache_dir, check_private_dir
from .engine_ode import COLUMNS, ode_functions, ode_update
from .engine_published import PUBLISHED_UPDATE, pow2_function

__all__ = [
    "EngineSpec",
    "CompiledEngine",
    "get_engine",
    "cache_dir",
    "check_private_dir",
    "bucket_neurons",
    "bucket_steps",
    "compiled_engine_count",
    "is_built",
    "ENGINE_INPUTS",
    "PARAM_NAMES",
]

#: The model/engine contract: the per-neuron values the binary takes on its command line,
#: in this order. `izhi_widgets.model.engine_inputs` fills exactly these names.
ENGINE_INPUTS = ("a", "b", "c", "d", "k2", "k1", "k0", "v_shift", "u_gain", "v_peak", "h",
                 "t_stop_steps", "spike_cap", "v", "u")
#: Former name of `ENGINE_INPUTS`.
PARAM_NAMES = ENGINE_INPUTS

NEURON_BUCKETS = (1, 8, 32, 128, 512, 2048, 4096)
MIN_STEP_BUCKET = 1024
GROUP = "izhi"
STIM = "izhi_stim"
_ENGINE_VERSION = "8"  # bump when the generated model changes


def bucket_neurons(n: int) -> int:
    """Smallest neuron-count bucket that holds ``n`` neurons."""
    for size in NEURON_BUCKETS:
        if n <= size:
            return size
    raise ValueError(f"batch size must be at most {NEURON_BUCKETS[-1]}, got {n}")


def bucket_steps(n: int) -> int:
    """Smallest power-of-two step bucket (>= 1024) that holds ``n`` steps."""
    size = MIN_STEP_BUCKET
    while size < n:
        size *= 2
    return size


@functools.lru_cache(maxsize=1)
def _brian2_version() -> str:
    return importlib.metadata.version("brian2")


def _run_tmpdir(n_bytes: int) -> str | None:
    """Where a run's files go: RAM-backed ``/dev/shm`` when it has room to spare (each run
    writes ~40 files; containers often give /dev/shm only 64 MB), else the system default."""
    shm = "/dev/shm"
    try:
        stats = os.statvfs(shm)
    except OSError:
        return None
    free = stats.f_bavail * stats.f_frsize
    return shm if os.access(shm, os.W_OK) and free > 2 * n_bytes + (64 << 20) else None


@dataclass(frozen=True)
class EngineSpec:
    """The structure of one compiled network."""

    numerics: str
    n_neurons: int
    n_steps: int
    record: bool = True

    def key(self) -> str:
        # A new Brian2 (or engine template) means a new build; importing brian2 is not needed.
        text = json.dumps([asdict(self), _brian2_version(), _ENGINE_VERSION, sys.version[:6]])
        digest = hashlib.sha1(text.encode()).hexdigest()[:10]
        rec = "rec" if self.record else "spk"
        return f"{self.numerics}-n{self.n_neurons}-s{self.n_steps}-{rec}-{digest}"


# ---------------------------------------------------------------------------------------
# Build (runs in a child process: Brian2's standalone device is process-global)

_ALIVE = ("alive = int(nspk < spike_cap and abs(v) < state_cap and abs(u) < state_cap"
          " and t < t_stop_steps*ms)")


def _object_keys(directory: Path) -> dict[str, str]:
    """Object file (relative path) -> a digest of everything that goes into compiling it:
    its source and every project header it includes (from ``g++ -MM``, Brian2's
    ``make.deps``), the compiler flags and the compiler's identity."""
    subprocess.run(["make", "make.deps"], cwd=directory, check=True, capture_output=True,
                   timeout=300)
    makefile = (directory / "makefile").read_text()
    flags = [line for line in makefile.splitlines() if line.startswith(("OPTIMISATIONS", "CXXFLAGS"))]
    cxx = os.environ.get("CXX", "g++")
    version = subprocess.run([cxx, "--version"], capture_output=True, text=True, timeout=60).stdout
    base = hashlib.sha256("\n".join([*flags, cxx, version, _brian2_version()]).encode())
    keys = {}
    for rule in (directory / "make.deps").read_text().replace("\\\n", " ").splitlines():
        if ":" not in rule:
            continue
        deps = rule.split(":", 1)[1].split()
        digest = base.copy()
        for dep in deps:
            digest.update(dep.encode() + b"\0" + (directory / dep).read_bytes() + b"\0")
        keys[str(Path(deps[0]).with_suffix(".o"))] = digest.hexdigest()[:40]
    return keys


def _compile(directory: Path, objects: Path | None) -> None:
    """Compile the generated project, reusing object files already compiled from identical
    inputs (``objects``: a private folder of ``<digest>.o``). Structures of one family
    (numerics, neurons, recording) differ in 3 of ~12 files, so a new step bucket
    compiles only those; the binary is the same as from a clean build."""
    import brian2 as b2
    from brian2.codegen.cpp_prefs import get_compiler_and_args

    keys: dict[str, str] = {}
    if objects is not None:
        objects.mkdir(mode=0o700, parents=True, exist_ok=True)
        check_private_dir(objects)
        try:
            keys = _object_keys(directory)
        except (OSError, subprocess.SubprocessError):
            keys = {}  # no reuse: a plain build
        for obj, key in keys.items():
            if (objects / f"{key}.o").is_file():  # copied after the sources: make skips it
                shutil.copyfile(objects / f"{key}.o", directory / obj)
    b2.device.compile_source(str(directory), get_compiler_and_args()[0], False, False)
    for obj, key in keys.items():
        cached = objects / f"{key}.o"  # type: ignore[operator]
        if not cached.exists() and (directory / obj).is_file():
            partial = cached.with_name(f".{key}.{os.getpid()}.tmp")
            shutil.copyfile(directory / obj, partial)
            os.replace(partial, cached)


def _build(spec: EngineSpec, directory: str, object_cache: str | None = None) -> dict:
    """Build the standalone project for ``spec`` in ``directory`` (reusing compiled object
    files from ``object_cache`` when given); return the manifest."""
    import brian2 as b2

    from .limits import STATE_CAP

    b2.BrianLogger.log_level_warn()
    b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    b2.prefs.core.default_float_dtype = np.float64
    # Plain IEEE arithmetic: Brian2's default -ffast-math/-march=native lets the compiler
    # reassociate and fuse (FMA) operations, so results would depend on the CPU and drift
    # from the published scheme in the last bits. -march=native would also tie the cached
    # binary to this CPU.
    b2.prefs.codegen.cpp.extra_compile_args_gcc = ["-w", "-O3", "-std=c++11",
                                                   "-fno-fast-math", "-ffp-contract=off"]
    params = "\n".join(f"{name} : 1" for name in ENGINE_INPUTS if name not in ("v", "u"))
    common = params + "\nnspk : 1\nalive : 1\n"
    ode = spec.numerics != "published"
    if ode:  # the event-located ODE step (izhi_widgets.engine_ode): spikes come at t_spike
        eqs = "v : 1\nu : 1\nI : 1\nspiked : 1\nt_spike : 1\n" + common
        columns = COLUMNS[spec.numerics]
        update = ode_update(spec.numerics, spec.n_neurons, STIM)
        threshold, reset = "spiked > 0.5", "nspk = nspk + 1"
    else:
        eqs = "v : 1\nu : 1\nI : 1\n" + common
        columns = 1
        update = PUBLISHED_UPDATE
        threshold, reset = "v > v_peak", "v = c\nu = u + d\nnspk = nspk + 1"
    stim = b2.TimedArray(np.zeros((spec.n_steps, spec.n_neurons * columns)), dt=1 * b2.ms,
                         name=STIM)
    namespace = {STIM: stim, "state_cap": STATE_CAP, "ms": b2.ms, "izhi_pow2": pow2_function()}
    if ode:
        namespace.update(ode_functions(spec.numerics, spec.n_neurons))
    group = b2.NeuronGroup(spec.n_neurons, eqs, threshold=threshold, reset=reset,
                           namespace=namespace, name=GROUP, dt=1 * b2.ms)
    objects = [group]
    group.run_regularly(_ALIVE, when="before_groups", name="izhi_alive")
    # published: the paper's order (v with the old u, then u with the NEW v), then the
    # threshold and reset; ODE modes: a whole step, crossing and reset included.
    group.run_regularly(update, when="groups", name="izhi_update")
    spikes = b2.SpikeMonitor(group, variables=["t_spike"] if ode else [], name="izhi_spikes")
    objects.append(spikes)
    files = {"spike_i": spikes.variables["i"], "spike_t": spikes.variables["t"],
             "final_nspk": group.variables["nspk"]}
    if ode:
        files["spike_time"] = spikes.variables["t_spike"]
    if spec.record:
        # published: after the threshold, before the reset (a spike's sample shows the
        # crossing); ODE modes: at the step's start, the state at the grid time itself.
        trace = b2.StateMonitor(group, ["v", "u", "I"], record=True,
                                when="start" if ode else "after_thresholds", name="izhi_trace")
        objects.append(trace)
        files.update({f"trace_{var}": trace.variables[var] for var in ("v", "u", "I")})
    net = b2.Network(*objects, name="izhi_net")
    net.run(spec.n_steps * b2.ms, namespace=namespace)
    b2.device.build(directory=directory, compile=False, run=False, with_output=False)
    _compile(Path(directory), None if object_cache is None else Path(object_cache))
    return {
        "spec": asdict(spec),
        "binary": "main",
        "files": {key: b2.device.get_array_filename(var) for key, var in files.items()},
        "dtypes": {key: np.dtype(var.dtype).str for key, var in files.items()},
        "group": GROUP,
        "stim": STIM,
    }


def _build_in_child(spec: EngineSpec, target: Path) -> None:
    """Build ``spec`` into ``target`` atomically, in a child Python process."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    check_private_dir(target.parent)
    with _file_lock(target.parent / (target.name + ".lock")):
        if (target / "manifest.json").exists():
            return
        work = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "izhi_widgets.engine", "build",
                 json.dumps(asdict(spec)), str(work), str(target.parent.parent / "objects")],
                capture_output=True, text=True, timeout=900,
                cwd=str(Path(__file__).resolve().parent.parent))
            if proc.returncode != 0 or not (work / "manifest.json").exists():
                raise RuntimeError(f"building the Brian2 engine {spec} failed:\n"
                                   f"{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
            # Drop the bulky build intermediates; keep the binary and its static data.
            for sub in ("code_objects", "brianlib", "results"):
                shutil.rmtree(work / sub, ignore_errors=True)
            if target.exists():
                shutil.rmtree(target)
            os.replace(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def _file_lock(path: Path):
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---------------------------------------------------------------------------------------
# Run (this process)


class CompiledEngine:
    """A built binary: ``run(values, stimulus)`` re-runs it with new values."""

    def __init__(self, spec: EngineSpec, directory: Path):
        self.spec = spec
        self.directory = directory
        self.binary = str(directory / "main")
        self.check()
        self.manifest = json.loads((directory / "manifest.json").read_text())
        if self.manifest["binary"] != "main":
            raise RuntimeError(f"unexpected binary name in {directory / 'manifest.json'}")
        #: stimulus values per neuron and step (the ODE modes' sub-step samples)
        self.columns = COLUMNS.get(spec.numerics, 1)
        # stimulus in, and (when recorded) three traces out, as float64
        n_values = (self.spec.n_neurons * self.spec.n_steps
                    * (self.columns + (3 if self.spec.record else 0)))
        self.tmpdir = _run_tmpdir(8 * n_values)

    def check(self) -> None:
        """Refuse (``PermissionError``) to run a binary someone else could have written:
        the engine's directory, its parent and the cache root must pass
        `check_private_dir`, and the binary must be ours and not group/other-writable."""
        for path in (self.directory.parent.parent, self.directory.parent, self.directory):
            check_private_dir(path)
        info = os.stat(self.binary)
        if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise PermissionError(f"refusing to run {self.binary}: it is not owned by the "
                                  f"current user or is writable by group or others")

    def run(self, values: dict[str, np.ndarray], stimulus: np.ndarray,
            timeout_s: float = 120.0) -> dict[str, np.ndarray]:
        """Run once. ``values``: name -> (n_neurons,) array; ``stimulus``: (n_steps,
        n_neurons * columns) (one column per neuron for ``published``; the ODE modes' layout
        is `izhi_widgets.engine_ode.stimulus_columns`, column ``j`` of neuron ``i`` at
        ``i + j * n_neurons``).

        Returns the raw result arrays: ``spike_i``, ``spike_t`` (in steps),
        ``final_nspk``, for the ODE modes ``spike_time`` (the located crossing, model ms)
        and, when recorded, ``trace_v/u/I`` of shape (n_steps, n_neurons).
        """
        n, steps = self.spec.n_neurons, self.spec.n_steps
        stimulus = np.ascontiguousarray(stimulus, dtype=np.float64)
        if stimulus.shape != (steps, n * self.columns):
            raise ValueError(f"stimulus shape {stimulus.shape} != {(steps, n * self.columns)}")
        if set(values) != set(ENGINE_INPUTS):
            raise ValueError(f"values must name exactly ENGINE_INPUTS; missing "
                             f"{sorted(set(ENGINE_INPUTS) - set(values))}, unknown "
                             f"{sorted(set(values) - set(ENGINE_INPUTS))}")
        self.check()
        with tempfile.TemporaryDirectory(prefix="izhi-run-", dir=self.tmpdir) as tmp:
            args = [self.binary, "--results_dir", tmp + os.sep]
            for name in ENGINE_INPUTS:
                value = np.asarray(values[name], dtype=np.float64).reshape(-1)
                if value.size == 1 or np.all(value == value[0]):
                    args.append(f"{GROUP}.{name}={float(value[0])!r}")
                else:
                    if value.size != n:
                        raise ValueError(f"{name}: {value.size} values for {n} neurons")
                    path = os.path.join(tmp, f"{name}.dat")
                    value.tofile(path)
                    args.append(f"{GROUP}.{name}={path}")
            stim_path = os.path.join(tmp, "stim.dat")
            stimulus.tofile(stim_path)
            args.append(f"{STIM}.values={stim_path}")
            proc = subprocess.run(args, cwd=str(self.directory), capture_output=True,
                                  timeout=timeout_s)
            if proc.returncode != 0:
                raise RuntimeError(f"the compiled engine failed ({proc.returncode}): "
                                   f"{proc.stdout[-1000:]!r} {proc.stderr[-1000:]!r}")
            out = {}
            for key, fname in self.manifest["files"].items():
                path = os.path.join(tmp, fname)
                dtype = np.dtype(self.manifest["dtypes"][key])
                data = np.fromfile(path, dtype=dtype) if os.path.exists(path) else np.zeros(0, dtype)
                if key.startswith("trace_"):
                    data = data.reshape(-1, n)
                out[key] = data
        out["spike_t"] = np.rint(out["spike_t"] / 1e-3).astype(np.int64)  # seconds -> steps
        return out


_ENGINES: dict[EngineSpec, CompiledEngine] = {}


def get_engine(spec: EngineSpec) -> CompiledEngine:
    """The compiled engine for ``spec``, from memory, the disk cache, or a fresh build.

    Concurrent callers (threads or processes, e.g. several Voilà kernels) wait on a
    file lock per structure, so each structure is built once.
    """
    engine = _ENGINES.get(spec)
    if engine is not None and not os.path.exists(engine.binary):
        engine = None  # the cache was cleared under us: build again
    if engine is None:
        target = cache_dir() / "engines" / spec.key()
        if not (target / "manifest.json").exists():
            _build_in_child(spec, target)
        engine = _ENGINES[spec] = CompiledEngine(spec, target)
    return engine


def is_built(spec: EngineSpec) -> bool:
    """Whether ``spec`` is compiled already (a run will not pay a build)."""
    return spec in _ENGINES or (cache_dir() / "engines" / spec.key() / "manifest.json").exists()


def compiled_engine_count() -> int:
    """How many compiled engines the disk cache holds (to check nothing recompiles)."""
    root = cache_dir() / "engines"
    return sum(1 for p in root.glob("*/manifest.json")) if root.exists() else 0


def _main(argv: list[str]) -> int:
    if len(argv) in (3, 4) and argv[0] == "build":
        spec = EngineSpec(**json.loads(argv[1]))
        manifest = _build(spec, argv[2], argv[3] if len(argv) == 4 else None)
        (Path(argv[2]) / "manifest.json").write_text(json.dumps(manifest, indent=1))
        return 0
    print("usage: python -m izhi_widgets.engine build SPEC_JSON DIRECTORY [OBJECT_CACHE]",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
