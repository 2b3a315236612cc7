"""Prebuild the compiled engines, derived from the code rather than from a hand-kept list.

Every engine structure (`izhi_widgets.engine.EngineSpec`: numerics, neuron bucket, step
bucket, recording) costs a 5–10 s build on first use. `warm` builds them ahead of time,
several at once (each build is already its own child process), the ones the first page
needs first, then one structure per family so that the rest reuse its compiled object
files (`build_order`). Anything not prebuilt is still built on first use.

The plan (`warm_plan`) is computed from what the code runs:

``essential`` tier
    The app's first page (preset A at its own settings) and switching presets at their
    own settings: the published numerics, one neuron, each preset's step bucket.
``full`` tier (everything, essential first)
    * the presets spikes-only (``record=False``: the gallery and the classifier tests);
    * what a panel run can need: every step bucket from 1 step up to the panel's longest
      run (`izhi_widgets.limits.PANEL_MAX_DURATION_MS` / `PANEL_MIN_DT_MS`, capped at
      `MAX_SAMPLES`) for each numerics, one neuron, recorded;
    * the all-presets batch under each setting of the sensitivity table
      (`izhi_widgets.sensitivity.SETTINGS`; its first setting is the figures' gallery);
    * the F–I curves at `izhi_widgets.experiments.fi_curve`'s defaults, batched as
      `izhi_widgets.plotting.plot_fi_examples` runs them;
    * `TEST_BATCHES`: the few batch shapes only the test suite runs;
    * the dynamics tabs: F–I runs and sweeps, the pattern maps' chunks;
    * the 2003 network (`izhi_widgets.network`): the paper's network in each scheme at the
      Network tab's default length and its longest run, and `TEST_NETWORKS`.

Command line::

    python -m izhi_widgets warm [--essential] [--jobs N] [--list]

Examples
--------
>>> from izhi_widgets.warm import warm_plan
>>> [item.spec for item in warm_plan("essential")]  # doctest: +NORMALIZE_WHITESPACE
[EngineSpec(numerics='published', n_neurons=1, n_steps=1024, record=True),
 EngineSpec(numerics='published', n_neurons=1, n_steps=2048, record=True)]
>>> plan = warm_plan("full")
>>> len(plan), plan[0].tier, plan[-1].tier
(73, 'essential', 'full')
"""

from __future__ import annotations

import inspect
import math
import os
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Callable

from .engine import MIN_STEP_BUCKET, EngineSpec, bucket_neurons, bucket_steps
from .engine import get_engine as _get_neuron_engine
from .engine import is_built as _is_neuron_built
from .network.engine import NetSpec, get_network_engine, is_network_built
from .limits import MAX_SAMPLES, PANEL_MAX_DURATION_MS, PANEL_MIN_DT_MS
from .result import NUMERICS

__all__ = ["WarmItem", "TIERS", "TEST_BATCHES", "TEST_NETWORKS", "warm_plan",
           "panel_step_buckets", "build_order", "warm", "get_engine", "is_built"]

#: The tiers, smallest first.
TIERS = ("essential", "full")

#: Batch shapes only the test suite runs (random-case batches of 40 and 100 neurons, the
#: ``fi_curve`` docstring example): ``(numerics, n_runs, n_steps, record, why)``.
TEST_BATCHES = (
    ("published", 40, 4001, True, "tests: 40 random cases, up to 400 ms at 0.1 ms"),
    ("published", 100, 401, False, "tests: a batch larger than the result cache"),
    ("published", 3, 2001, False, "fi_curve example: 3 currents, 500 ms"),
    ("rk4", 1, 42501, False, "tests: the exact solution against rk4 at 0.002 ms (F)"),
)


#: Networks only the test suite runs: ``(NetworkParams keywords, duration_ms, scheme, why)``.
TEST_NETWORKS = (
    (dict(p=0.2, seed=5), 600.0, "published", "tests: a sparse network (200 synapses each)"),
)


def get_engine(spec: EngineSpec | NetSpec):
    """The compiled engine of a single-neuron or a network structure (built if needed)."""
    return get_network_engine(spec) if isinstance(spec, NetSpec) else _get_neuron_engine(spec)


def is_built(spec: EngineSpec | NetSpec) -> bool:
    """Whether a single-neuron or a network structure is compiled already."""
    return is_network_built(spec) if isinstance(spec, NetSpec) else _is_neuron_built(spec)


@dataclass(frozen=True)
class WarmItem:
    """One structure to prebuild, its tier and why it is needed."""

    spec: EngineSpec | NetSpec
    tier: str
    why: str


def panel_step_buckets() -> list[int]:
    """Every step bucket a panel run can need: 1 sample up to the panel's longest run
    (`PANEL_MAX_DURATION_MS` at `PANEL_MIN_DT_MS`, capped at `MAX_SAMPLES`).

    >>> panel_step_buckets()[0], panel_step_buckets()[-1], len(panel_step_buckets())
    (1024, 524288, 10)
    """
    longest = min(MAX_SAMPLES, math.floor(PANEL_MAX_DURATION_MS / PANEL_MIN_DT_MS + 1e-9) + 1)
    buckets, size = [], MIN_STEP_BUCKET
    while size < bucket_steps(longest):
        buckets.append(size)
        size *= 2
    return buckets + [bucket_steps(longest)]


def _preset_buckets() -> list[int]:
    from .model import RunSpec
    from .presets import PRESETS

    return sorted({bucket_steps(RunSpec.from_preset(p).n_steps) for p in PRESETS.values()})


def _full_items() -> list[WarmItem]:
    from .experiments import fi_curve
    from .model import RunSpec
    from .plotting import plot_fi_examples
    from .presets import PRESETS
    from .sensitivity import SETTINGS

    items = [WarmItem(EngineSpec("published", 1, n, False), "full", "presets, spikes only")
             for n in _preset_buckets()]
    items += [WarmItem(EngineSpec(numerics, 1, n, True), "full", "panel runs")
              for numerics in NUMERICS for n in panel_step_buckets()]
    for setting in SETTINGS:
        if setting.numerics not in NUMERICS:  # the exact solution is not an engine
            continue
        steps = max(RunSpec.from_preset(p, dt_ms=setting.dt_ms).n_steps for p in PRESETS.values())
        spec = EngineSpec(setting.numerics, bucket_neurons(len(PRESETS)), bucket_steps(steps))
        items.append(WarmItem(spec, "full", f"all presets, sensitivity table: {setting.title}"))
    fi = inspect.signature(fi_curve).parameters
    fi_steps = math.floor(fi["duration_ms"].default / fi["dt_ms"].default + 1e-9) + 1
    fi_runs = inspect.signature(plot_fi_examples).parameters["n_currents"].default
    items.append(WarmItem(EngineSpec(fi["numerics"].default, bucket_neurons(fi_runs),
                                     bucket_steps(fi_steps), False), "full", "F-I curves"))
    items += [WarmItem(EngineSpec(numerics, bucket_neurons(runs), bucket_steps(steps), record),
                       "full", why) for numerics, runs, steps, record, why in TEST_BATCHES]
    items += _dynamics_items()
    items += _network_items()
    items += _convergence_items()
    return items


def _network_items() -> list[WarmItem]:
    """The Network tab (the paper's network in each scheme at its default length, and its
    longest run), the report's figure and the tutorial (the same structures), the tests."""
    from .network import NetworkParams, network_spec
    from .network.engine import SCHEMES
    from .network.simulate import PANEL_DURATION_MS, PANEL_MAX_DURATION_MS, RK4_DT_MS

    paper = NetworkParams()
    items = [WarmItem(network_spec(paper, PANEL_DURATION_MS, scheme,
                                   RK4_DT_MS if scheme == "rk4" else None), "full",
                      f"network tab, report, tutorial: the paper's network ({scheme})")
             for scheme in SCHEMES]
    items.append(WarmItem(network_spec(paper, PANEL_MAX_DURATION_MS), "full",
                          "network tab: its longest run"))
    items += [WarmItem(network_spec(NetworkParams(**kw), duration, scheme), "full", why)
              for kw, duration, scheme, why in TEST_NETWORKS]
    return items


def _convergence_items() -> list[WarmItem]:
    """The convergence study of the report (every scheme and step on its ten cases) and
    its fast version in the tests (euler and rk4, five cases, 0.1 to 0.02 ms; four random
    cases at 0.01 ms)."""
    from .convergence import CONVERGENCE_DTS, CONVERGENCE_METHODS, convergence_cases
    from .result import time_grid

    cases = [run for _, run in convergence_cases()]

    def spec(numerics: str, runs: list, dt: float) -> EngineSpec:
        steps = max(len(time_grid(r.duration_ms, dt)) for r in runs)
        return EngineSpec(numerics, bucket_neurons(len(runs)), bucket_steps(steps), False)

    items = [WarmItem(spec(m, cases, dt), "full", f"convergence study: {m} at {dt:g} ms")
             for m in CONVERGENCE_METHODS for dt in CONVERGENCE_DTS]
    fast = cases[:3] + cases[4:7]  # A, C, F, K and two random cases: the same buckets
    items += [WarmItem(spec(m, fast, dt), "full", f"tests: convergence order, {m} at {dt:g} ms")
              for m in ("euler", "rk4") for dt in (0.1, 0.05, 0.02)]
    items += [WarmItem(spec(m, cases[5:9], 0.01), "full", f"tests: random ODE cases, {m}")
              for m in ("euler", "rk4")]
    return items


def _dynamics_items() -> list[WarmItem]:
    """The dynamics tabs: the F–I curve of a panel run (recorded; its staircases, spikes
    only) and the pattern maps' chunks for runs of up to 2048 steps."""
    from .dynamics.excitability import MAX_CURRENTS, default_currents, fi_curve
    from .dynamics.maps_run import chunk_size
    from .params import IzhikevichParams

    fi = inspect.signature(fi_curve).parameters
    steps = math.floor(fi["duration_ms"].default / fi["dt_ms"].default + 1e-9) + 1
    runs = min(MAX_CURRENTS, len(default_currents(IzhikevichParams())))
    sweep = math.floor(20_000.0 / fi["dt_ms"].default) + 1
    items = [WarmItem(EngineSpec("published", bucket_neurons(runs), bucket_steps(steps), True),
                      "full", "excitability tab: F-I runs"),
             WarmItem(EngineSpec("published", bucket_neurons(2), bucket_steps(sweep), False),
                      "full", "excitability tab: up and down sweeps")]
    items += [WarmItem(EngineSpec("published", chunk_size(n), bucket_steps(n), False), "full",
                       "pattern maps") for n in (1024, 2048)]
    return items


def warm_plan(tier: str = "full") -> list[WarmItem]:
    """The structures to prebuild for ``tier`` ('essential' or 'full'), without duplicates,
    essential ones first."""
    if tier not in TIERS:
        raise ValueError(f"tier must be one of {TIERS}, got {tier!r}")
    items = [WarmItem(EngineSpec("published", 1, n, True), "essential",
                      "first page and presets at their own settings")
             for n in _preset_buckets()]
    if tier == "full":
        items += _full_items()
    plan: dict[EngineSpec, WarmItem] = {}
    for item in items:
        plan.setdefault(item.spec, item)
    return list(plan.values())


def _family(spec: EngineSpec | NetSpec) -> tuple:
    if isinstance(spec, NetSpec):
        return ("network", spec.scheme, spec.n_neurons, spec.n_out, spec.dt_ms)
    return (spec.numerics, spec.n_neurons, spec.record)


def build_order(items: list[WarmItem]) -> list[WarmItem]:
    """``items`` by priority: essential first, then one structure of each other family
    (numerics, neurons, recording), then the rest. Structures of a family share most
    compiled object files (`izhi_widgets.engine` reuses them), so `warm` starts a
    family's other members only once its first build is done: they then compile only
    3 of ~12 files."""
    essential = [item for item in items if item.tier == "essential"]
    seen = {_family(item.spec) for item in essential}
    seeds, rest = [], []
    for item in items:
        if item.tier != "essential":
            (rest if _family(item.spec) in seen else seeds).append(item)
            seen.add(_family(item.spec))
    return essential + seeds + rest


def warm(tier: str = "full", jobs: int | None = None,
         echo: Callable[[str], None] = print) -> float:
    """Build every structure of ``warm_plan(tier)`` that is not built yet, ``jobs`` at a
    time (default: ``os.cpu_count()``), in `build_order`. Reports each ready
    structure through ``echo``; returns the wall time (s).

    Raises
    ------
    RuntimeError
        When a build fails (the others still finish first).
    """
    jobs = max(1, jobs or os.cpu_count() or 1)
    plan = warm_plan(tier)
    start = time.perf_counter()
    todo = build_order([item for item in plan if not is_built(item.spec)])
    echo(f"warm ({tier}): {len(plan)} structures, {len(plan) - len(todo)} already built, "
         f"building {len(todo)} with {jobs} job(s)")
    n_essential = sum(item.tier == "essential" for item in todo)
    # A family's first build seeds the object cache; its other members wait for it.
    seeded = {_family(item.spec) for item in plan if item not in todo}
    seeding = set()
    failures = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        running: dict = {}
        while todo or running:
            for item in list(todo):  # start what may start, by priority
                family = _family(item.spec)
                if len(running) >= jobs:
                    break
                if family in seeded or family not in seeding:
                    seeding.add(family)
                    todo.remove(item)
                    running[pool.submit(get_engine, item.spec)] = item
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                item = running.pop(future)
                seeded.add(_family(item.spec))
                try:
                    future.result()
                except Exception as err:  # noqa: BLE001 - report every failure at the end
                    failures.append(f"{item.spec}: {err}")
                    echo(f"  FAILED {item.spec.key()} ({item.why})")
                    continue
                echo(f"  ready {time.perf_counter() - start:6.1f} s  {item.spec.key()}  "
                     f"[{item.tier}: {item.why}]")
                if item.tier == "essential":
                    n_essential -= 1
                    if n_essential == 0:
                        echo(f"essential structures ready in {time.perf_counter() - start:.1f} s")
    elapsed = time.perf_counter() - start
    if failures:
        raise RuntimeError("warm: some builds failed:\n" + "\n".join(failures))
    echo(f"warm ({tier}): {len(plan)} structures ready in {elapsed:.1f} s")
    return elapsed
