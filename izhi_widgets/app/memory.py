"""A memory limit per kernel (class mode): refuse a run that would not fit, never get killed.

When ``IZHI_KERNEL_MEMORY_MB`` is set (``python -m izhi_widgets.classroom`` sets it for
every kernel), `apply_limit` caps the kernel's address space with ``RLIMIT_AS`` at that
many MB: a backstop, so that a runaway allocation fails with ``MemoryError`` in the kernel
(which the panel turns into a message) rather than pushing the machine into swap or the
OOM killer. Before each run the panel calls `check_run_fits`, which estimates the run's
memory from its step count and refuses it with a message when the estimate plus what the
kernel already holds would pass the limit.

The estimate is deliberately generous: every recorded sample is 4 float64 arrays
(t, v, u, I), copied a few times on the way to the screen (result, analysis, decimated
traces, phase plane): `BYTES_PER_STEP` bytes per step (measured: a 495 050-step run
grew an explorer's address space by 89 MB, 188 bytes per step, and its RSS by 40 MB).

>>> estimate_run_mb(1000) < 1 < estimate_run_mb(500_001)
True
"""

from __future__ import annotations

import os
import resource

__all__ = ["ENV", "BYTES_PER_STEP", "limit_mb", "apply_limit", "rss_mb", "estimate_run_mb",
           "check_run_fits"]

ENV = "IZHI_KERNEL_MEMORY_MB"
#: Memory a run takes per recorded step (bytes): generous, see the module docstring.
BYTES_PER_STEP = 200
_APPLIED: list[int] = []


def limit_mb() -> int | None:
    """The kernel's memory limit (MB) from the environment, or None."""
    text = os.environ.get(ENV, "").strip()
    if not text.isdigit() or int(text) <= 0:
        return None
    return int(text)


def apply_limit() -> int | None:
    """Cap this process's address space at `limit_mb` (once; no-op without a limit).

    Only lowers the soft and hard limits (never raises them); returns the limit in MB.
    """
    mb = limit_mb()
    if mb is None:
        return None
    if not _APPLIED:
        want = mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        new_hard = want if hard == resource.RLIM_INFINITY else min(hard, want)
        resource.setrlimit(resource.RLIMIT_AS, (min(want, new_hard), new_hard))
        _APPLIED.append(mb)
    return mb


def rss_mb() -> float:
    """Resident memory of this process now (MB), from /proc (0 if unavailable)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
    except (OSError, ValueError, IndexError):
        return 0.0


def vm_mb() -> float:
    """Address space of this process now (MB) -- what RLIMIT_AS counts."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
    except (OSError, ValueError, IndexError):
        return 0.0


def estimate_run_mb(n_steps: int) -> float:
    """Estimated extra memory (MB) of a run recording ``n_steps`` steps."""
    return n_steps * BYTES_PER_STEP / 2 ** 20


def check_run_fits(n_steps: int, limit: int | None = None) -> None:
    """Raise ValueError (the panel's message) if a run of ``n_steps`` would pass the limit.

    The address space in use (what ``RLIMIT_AS`` counts) plus the run's estimate must stay
    under the limit; without a limit nothing is checked.
    """
    limit = limit_mb() if limit is None else limit
    if not limit:
        return
    need = estimate_run_mb(n_steps)
    used = vm_mb()
    if used + need > limit:
        raise ValueError(
            f"This run would need about {need:.0f} MB more memory, and this class's "
            f"kernels may use {limit} MB ({used:.0f} MB in use): shorten the duration or "
            f"raise dt.")
