"""Command line: ``python -m izhi_widgets warm``.

``warm`` builds the compiled engines the app, the tests and the report use, so no page
load or test pays a compile (run it with the interpreter the kernel uses). The report
and its figures are built by ``python report/build.py`` (library code never writes
into ``report/``).
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from .engine import EngineSpec, get_engine

__all__ = ["WARM_SPECS", "warm", "main"]

#: Structures used by the app's defaults, the gallery, the tests and the sensitivity table.
WARM_SPECS = (
    [EngineSpec("published", 1, 2**k) for k in range(10, 15)]
    + [EngineSpec(m, 1, 2**k) for m in ("euler", "rk4") for k in range(10, 17)]
    + [EngineSpec("published", 32, 2048), EngineSpec("published", 32, 65536)]
    + [EngineSpec(m, 32, s) for m in ("euler", "rk4") for s in (4096, 65536)]
)


def warm(jobs: int = 2) -> None:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for spec, _ in zip(WARM_SPECS, pool.map(get_engine, WARM_SPECS)):
            print(f"  ready: {spec.key()}", flush=True)
    print(f"warm: {len(WARM_SPECS)} engines ready in {time.perf_counter() - start:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m izhi_widgets")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("warm", help="prebuild the compiled Brian2 engines")
    args = parser.parse_args(argv)
    if args.command == "warm":
        warm()
    return 0


if __name__ == "__main__":
    sys.exit(main())
