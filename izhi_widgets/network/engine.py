"""The compiled network: one Brian2 ``cpp_standalone`` binary per *structure*.

As for the single neuron (`izhi_widgets.engine`), the network is built once per structure
in a child process (Brian2's device is process-global), cached on disk under
``cache_dir()/networks`` with the same ownership checks, and re-run with new *values*.

* structure (a build, cached): the scheme (``published``, ``euler``, ``rk4`` and its
  ``dt``), the neuron-count bucket, the out-degree bucket, the step bucket (ms) and the
  number of OpenMP threads;
* values (no rebuild): every neuron's ``a, b, c, d``, initial ``v, u``, every synapse's
  weight *and target*, the thalamic noise of every ms, the stop time, the per-neuron
  spike ceiling. Seeds and connectivity are values: the random draws are made in this
  process (`izhi_widgets.network.draw_network`) and passed as raw float64/int32 files.

How the targets are values: the synapses are created as ``j = k for k in range(K)``
(neuron ``j``'s synapses are ``j·K … j·K + K − 1``, the spike queue only needs the
sources), and after Brian2 has applied the run's values (`apply_run_args`), one inserted
line copies the synaptic variable ``target`` into Brian2's postsynaptic index array.
Padding neurons (up to the bucket) never fire (``active = 0``) and padding synapses weigh 0.

The order of the arithmetic (for exact agreement with a plain loop): the threshold and
the synaptic propagation run serially in neuron order (Brian2 runs pathways writing to
postsynaptic variables in one thread, and concatenates the per-thread spike queues in
synapse order), so each neuron's synaptic input is summed over the neurons that fired in
increasing index order, starting from 0. The update is compiled with
``-fno-fast-math -ffp-contract=off`` (no reassociation, no fused multiply-add).

Examples
--------
>>> from izhi_widgets.network.engine import NetSpec, bucket_size
>>> bucket_size(1000), bucket_size(10_000), bucket_size(100_000)
(1024, 10240, 106496)
>>> NetSpec("published", 1024, 1024, 1024, dense=True).key().startswith("published-n1024-dense-s1024-t1-")
True
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..engine import _brian2_version, _compile, _file_lock, _run_tmpdir
from ..engine_cache import cache_dir, check_private_dir

__all__ = ["NetSpec", "CompiledNetwork", "get_network_engine", "is_network_built",
           "bucket_size", "SCHEMES", "NEURON_INPUTS", "RunCancelled", "wants_report",
           "REPORT_FROM_SYNAPSES", "REPORT_FROM_NEURON_STEPS"]

SCHEMES = ("published", "euler", "rk4")
#: Per-neuron values the binary takes.
NEURON_INPUTS = ("a", "b", "c", "d", "v", "u", "active")
GROUP, SYN, NOISE, SPIKES = "izhinet", "izhinet_syn", "izhinet_noise", "izhinet_spikes"
V_PEAK = 30.0
_NET_VERSION = "3"  # bump when the generated network changes
#: Runs asked for progress report it when their structure is at least this big (synapses,
#: or neuron-steps). The report reads the process CPU clock (a system call, not vDSO) for
#: every object at every step: ~8000 calls a second of model time, each a chance to be
#: preempted on a busy machine (measured: 0.37-0.50 s wall for 0.07 s CPU on the paper's
#: network), so small, fast structures, and runs nobody watches, go without.
REPORT_FROM_SYNAPSES = 4_000_000
REPORT_FROM_NEURON_STEPS = 50_000_000


def wants_report(n_neurons: int, n_out: int, n_steps: int, dt_ms: float) -> bool:
    """Whether a structure is big enough for its runs to report progress when asked."""
    return (n_neurons * n_out >= REPORT_FROM_SYNAPSES
            or n_neurons * n_steps / dt_ms >= REPORT_FROM_NEURON_STEPS)


class RunCancelled(RuntimeError):
    """The run was cancelled (its process was stopped)."""


def bucket_size(n: int) -> int:
    """Smallest size of the form ``m·2^e`` (m = 8 … 15) that holds ``n`` (at most 12.5 %
    padding), exactly ``n`` below 16."""
    n = int(n)
    if n < 16:
        return max(n, 1)
    e = n.bit_length() - 4
    m = -(-n // (1 << e))
    return m << e if m < 16 else 8 << (e + 1)


@dataclass(frozen=True)
class NetSpec:
    """The structure of one compiled network."""

    scheme: str
    n_neurons: int
    n_out: int
    n_steps: int  # ms
    threads: int = 1
    dt_ms: float = 1.0
    #: All-to-all (``n_out == n_neurons``): the targets are the slots themselves, so the
    #: run passes none (saves a file and a copy of every synapse).
    dense: bool = False
    #: The binary prints its progress (see `REPORT_FROM_SYNAPSES`).
    report: bool = False

    def key(self) -> str:
        text = json.dumps([asdict(self), _brian2_version(), _NET_VERSION, sys.version[:6]])
        digest = hashlib.sha1(text.encode()).hexdigest()[:10]
        dt = "" if self.dt_ms == 1.0 else f"-dt{self.dt_ms:g}"
        kind = "dense" if self.dense else f"k{self.n_out}"
        report = "-report" if self.report else ""
        return (f"{self.scheme}{dt}-n{self.n_neurons}-{kind}-s{self.n_steps}"
                f"-t{self.threads}{report}-{digest}")


# ---------------------------------------------------------------------------------------
# Build (child process)

_PUBLISHED = """
I = noise_in(t, i) + Isyn
v = v + 0.5*(0.04*v*v + 5*v + 140 - u + I)
v = v + 0.5*(0.04*v*v + 5*v + 140 - u + I)
u = u + a*(b*v - u)
Isyn = 0
"""

_EULER = """
I = noise_in(t, i) + Isyn
v_old = v
v = v + (0.04*v*v + 5*v + 140 - u + I)
u = u + a*(b*v_old - u)
Isyn = 0
"""

_COMMON = """
a : 1
b : 1
c : 1
d : 1
I : 1
Isyn : 1
active : 1
nspk : 1
t_stop : second (shared)
spike_cap : 1 (shared)
"""


def _build(spec: NetSpec, directory: str, object_cache: str | None = None) -> dict:
    import brian2 as b2

    b2.BrianLogger.log_level_warn()
    b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = spec.threads if spec.threads > 1 else 0
    b2.prefs.core.default_float_dtype = np.float64
    b2.prefs.codegen.cpp.extra_compile_args_gcc = ["-w", "-O3", "-std=c++11",
                                                   "-fno-fast-math", "-ffp-contract=off"]
    ms = b2.ms
    noise = b2.TimedArray(np.zeros((spec.n_steps, spec.n_neurons)), dt=1 * ms, name=NOISE)
    namespace = {"noise_in": noise, "v_peak": V_PEAK, "ms": ms, "K": spec.n_out}
    threshold = "v >= v_peak and active > 0 and t < t_stop and nspk < spike_cap"
    reset = "v = c\nu = u + d\nnspk = nspk + 1"
    dt = spec.dt_ms * ms
    if spec.scheme == "rk4":
        eqs = ("dv/dt = (0.04*v*v + 5*v + 140 - u + I)/ms : 1\n"
               "du/dt = a*(b*v - u)/ms : 1\n" + _COMMON.replace("I : 1\n", "")
               + "I = noise_in(t, i) + Isyn : 1\n")
        group = b2.NeuronGroup(spec.n_neurons, eqs, threshold=threshold, reset=reset,
                               method="rk4", namespace=namespace, name=GROUP, dt=dt)
        syn = b2.Synapses(group, group, "w : 1" + ("" if spec.dense else "\ntarget : integer"),
                          on_pre={"pre": "Isyn_post += w", "off": "Isyn_post -= w"},
                          delay={"off": 1 * ms}, namespace=namespace, name=SYN, dt=dt)
    else:
        eqs = "v : 1\nu : 1\n" + _COMMON + ("v_old : 1\n" if spec.scheme == "euler" else "")
        group = b2.NeuronGroup(spec.n_neurons, eqs, threshold=threshold, reset=reset,
                               namespace=namespace, name=GROUP, dt=dt)
        # after the threshold, the synapses and the reset: the paper's order
        group.run_regularly(_PUBLISHED if spec.scheme == "published" else _EULER,
                            when="end", name="izhinet_update")
        syn = b2.Synapses(group, group, "w : 1" + ("" if spec.dense else "\ntarget : integer"),
                          on_pre="Isyn_post += w",
                          namespace=namespace, name=SYN, dt=dt)
    syn.connect(j="k for k in range(K)", namespace=namespace)
    b2.device.apply_run_args()
    if not spec.dense:
        post = b2.device.get_array_name(syn.variables["_synaptic_post"], access_data=False)
        target = b2.device.get_array_name(syn.variables["target"], access_data=False)
        b2.device.insert_code("main", f"""
        // izhi_widgets: the synapses' targets are a value of the run
        for (size_t _s = 0; _s < {post}.size(); _s++) {post}[_s] = {target}[_s];
        """)
    spikes = b2.SpikeMonitor(group, name=SPIKES)
    net = b2.Network(group, syn, spikes, name="izhinet_net")
    report = dict(report="stdout", report_period=0.1 * b2.second) if spec.report else {}
    net.run(spec.n_steps * ms, namespace=namespace, **report)
    b2.device.build(directory=directory, compile=False, run=False, with_output=False)
    _compile(Path(directory), None if object_cache is None else Path(object_cache))
    files = {"spike_i": spikes.variables["i"], "spike_t": spikes.variables["t"]}
    return {
        "spec": asdict(spec),
        "binary": "main",
        "files": {key: b2.device.get_array_filename(var) for key, var in files.items()},
        "dtypes": {key: np.dtype(var.dtype).str for key, var in files.items()},
    }


def _build_in_child(spec: NetSpec, target: Path) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    check_private_dir(target.parent)
    with _file_lock(target.parent / (target.name + ".lock")):
        if (target / "manifest.json").exists():
            return
        work = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "izhi_widgets.network.engine", "build",
                 json.dumps(asdict(spec)), str(work), str(target.parent.parent / "objects")],
                capture_output=True, text=True, timeout=1800,
                cwd=str(Path(__file__).resolve().parent.parent.parent))
            if proc.returncode != 0 or not (work / "manifest.json").exists():
                raise RuntimeError(f"building the Brian2 network {spec} failed:\n"
                                   f"{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
            for sub in ("code_objects", "brianlib", "results"):
                shutil.rmtree(work / sub, ignore_errors=True)
            # The noise's initial values (zeros, n_steps x n_neurons float64: 0.9 GB at
            # 100 000 neurons) would be read from disk at every start; every run passes its
            # own noise, so the file is emptied (the binary then reads nothing).
            noise_file = work / "static_arrays" / f"{NOISE}_values"
            if noise_file.exists():
                noise_file.write_bytes(b"")
            if target.exists():
                shutil.rmtree(target)
            os.replace(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------------------
# Run (this process)

_PERCENT = re.compile(rb"\((\d+)%\)")


class CompiledNetwork:
    """A built network binary: `run` re-runs it with new values."""

    def __init__(self, spec: NetSpec, directory: Path):
        self.spec = spec
        self.directory = directory
        self.binary = str(directory / "main")
        self.check()
        self.manifest = json.loads((directory / "manifest.json").read_text())

    def check(self) -> None:
        """Refuse (``PermissionError``) a binary someone else could have written."""
        for path in (self.directory.parent.parent, self.directory.parent, self.directory):
            check_private_dir(path)
        info = os.stat(self.binary)
        if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise PermissionError(f"refusing to run {self.binary}: it is not owned by the "
                                  f"current user or is writable by group or others")

    def run(self, neurons: dict[str, np.ndarray], weights: np.ndarray, targets: np.ndarray,
            noise: np.ndarray, t_stop_ms: float, spike_cap: int, *,
            progress: Callable[[float], None] | None = None,
            cancel: threading.Event | None = None, timeout_s: float = 3600.0
            ) -> tuple[np.ndarray, np.ndarray]:
        """Run once; returns ``(spike_i, spike_step)`` as the binary recorded them.

        ``neurons``: `NEURON_INPUTS` -> (n_neurons,) arrays (the bucket's size);
        ``weights``, ``targets``: (n, k) arrays, row ``j`` neuron ``j``'s synapses, with
        ``n``, ``k`` up to the buckets; ``noise``: (n_ms, n), ``n_ms`` up to the step
        bucket. They are padded on the way to the binary's files (padding synapses weigh
        0 and target the last neuron; padding noise is 0). ``progress(fraction)`` is
        called as the run goes; setting ``cancel`` stops the process (`RunCancelled`).
        """
        spec = self.spec
        nb, kb = spec.n_neurons, spec.n_out
        if set(neurons) != set(NEURON_INPUTS):
            raise ValueError(f"neurons must name exactly {NEURON_INPUTS}")
        n, k = weights.shape
        if targets.shape != (n, k) or n > nb or k > kb:
            raise ValueError(f"weights and targets must have the same shape, at most "
                             f"{(nb, kb)}; got {weights.shape} and {targets.shape}")
        if noise.ndim != 2 or noise.shape[0] > spec.n_steps or noise.shape[1] != n:
            raise ValueError(f"noise shape {noise.shape}: at most {spec.n_steps} ms for {n} "
                             f"neurons")
        if spec.dense:
            if (n, k) != (targets.shape[0], targets.shape[0]) or not np.array_equal(
                    targets[0], np.arange(n)) or not (targets == targets[0]).all():
                raise ValueError("a dense (all-to-all) engine takes targets 0 … n-1 per row")
        elif targets.size and (targets.min() < 0 or targets.max() >= nb):
            raise ValueError("a synapse's target is outside the network")
        self.check()
        size = 8 * (spec.n_steps * nb + nb * kb) + 4 * nb * kb
        with tempfile.TemporaryDirectory(prefix="izhinet-run-", dir=_run_tmpdir(size)) as tmp:
            args = [self.binary, "--results_dir", tmp + os.sep]

            def put(name: str, array: np.ndarray, shape: tuple, dtype, fill) -> str:
                path = os.path.join(tmp, name + ".dat")
                if array.shape == shape:
                    np.ascontiguousarray(array, dtype=dtype).tofile(path)
                    return path
                data = np.memmap(path, dtype=dtype, mode="w+", shape=shape)
                if fill:
                    data[...] = fill
                data[: array.shape[0], : array.shape[1]] = array
                data.flush()
                del data
                return path

            for name in NEURON_INPUTS:
                value = np.asarray(neurons[name], dtype=np.float64).reshape(-1, 1)
                if value.shape[0] != nb:
                    raise ValueError(f"{name}: {value.shape[0]} values for {nb} neurons")
                args.append(f"{GROUP}.{name}={put(name, value, (nb, 1), np.float64, 0)}")
            args.append(f"{SYN}.w={put('w', weights, (nb, kb), np.float64, 0)}")
            if not spec.dense:
                args.append(f"{SYN}.target={put('target', targets, (nb, kb), np.int32, nb - 1)}")
            args += [f"{NOISE}.values={put('noise', noise, (spec.n_steps, nb), np.float64, 0)}",
                     f"{GROUP}.t_stop={float(t_stop_ms) / 1000.0!r}",
                     f"{GROUP}.spike_cap={float(spike_cap)!r}"]
            self._execute(args, progress, cancel, timeout_s)
            out = []
            for key in ("spike_i", "spike_t"):
                path = os.path.join(tmp, self.manifest["files"][key])
                dtype = np.dtype(self.manifest["dtypes"][key])
                out.append(np.fromfile(path, dtype=dtype) if os.path.exists(path)
                           else np.zeros(0, dtype))
        steps = np.rint(out[1] / (spec.dt_ms * 1e-3)).astype(np.int64)
        return out[0].astype(np.int64), steps

    def _execute(self, args, progress, cancel, timeout_s) -> None:
        if cancel is not None and cancel.is_set():
            raise RunCancelled("the network run was cancelled")
        proc = subprocess.Popen(args, cwd=str(self.directory), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        tail: list[bytes] = []

        def read() -> None:
            for line in proc.stdout:  # type: ignore[union-attr]
                tail[:] = tail[-5:] + [line]
                match = _PERCENT.search(line)
                if match and progress is not None:
                    progress(int(match.group(1)) / 100.0)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        done, stopped = threading.Event(), []

        def watch() -> None:  # cancel and timeout, without polling the process itself
            start = time.monotonic()
            while not done.wait(0.02):
                if cancel is not None and cancel.is_set():
                    stopped.append("cancel")
                elif time.monotonic() - start > timeout_s:
                    stopped.append("timeout")
                if stopped:
                    proc.kill()
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            proc.wait()  # a blocking wait: returns as soon as the binary ends
        finally:
            done.set()
            watcher.join(timeout=5)
            reader.join(timeout=5)
        if stopped == ["cancel"]:
            raise RunCancelled("the network run was cancelled")
        if stopped:
            raise RuntimeError(f"the network run took longer than {timeout_s} s")
        err = proc.stderr.read() if proc.stderr else b""  # type: ignore[union-attr]
        if proc.returncode != 0:
            raise RuntimeError(f"the compiled network failed ({proc.returncode}): "
                               f"{b''.join(tail)[-800:]!r} {err[-1500:]!r}")


_ENGINES: dict[NetSpec, CompiledNetwork] = {}
_LOCK = threading.Lock()


def _target(spec: NetSpec) -> Path:
    return cache_dir() / "networks" / spec.key()


def get_network_engine(spec: NetSpec) -> CompiledNetwork:
    """The compiled network for ``spec``: from memory, the disk cache, or a fresh build
    (minutes for the largest sizes; one build per structure, under a file lock)."""
    with _LOCK:
        engine = _ENGINES.get(spec)
    if engine is not None and os.path.exists(engine.binary):
        return engine
    target = _target(spec)
    if not (target / "manifest.json").exists():
        _build_in_child(spec, target)
    engine = CompiledNetwork(spec, target)
    with _LOCK:
        _ENGINES[spec] = engine
    return engine


def is_network_built(spec: NetSpec) -> bool:
    """Whether ``spec`` is compiled already (a run will not pay a build)."""
    return spec in _ENGINES or (_target(spec) / "manifest.json").exists()


def _main(argv: list[str]) -> int:
    if len(argv) in (3, 4) and argv[0] == "build":
        spec = NetSpec(**json.loads(argv[1]))
        manifest = _build(spec, argv[2], argv[3] if len(argv) == 4 else None)
        (Path(argv[2]) / "manifest.json").write_text(json.dumps(manifest, indent=1))
        return 0
    print("usage: python -m izhi_widgets.network.engine build SPEC_JSON DIRECTORY [OBJECTS]",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
