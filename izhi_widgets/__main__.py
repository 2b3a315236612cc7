"""Command line: ``python -m izhi_widgets warm``.

* ``warm [--essential] [--jobs N] [--list]``: build the compiled engines the app, the
  tests and the report use (`izhi_widgets.warm`: derived from the presets, the panel's
  run bounds, the sensitivity table and the test batches), ``N`` at a time (default: all
  cores), the first page's first. ``--essential``: only what the first page and the
  presets at their own settings need. ``--list``: print the plan, build nothing. Run it
  with the interpreter the kernel uses.

The report and its figures are built by ``python report/build.py`` (library code never
writes into ``report/``).
"""

from __future__ import annotations

import argparse
import sys

from .warm import is_built, warm, warm_plan

__all__ = ["warm", "main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m izhi_widgets")
    sub = parser.add_subparsers(dest="command", required=True)
    warm_cmd = sub.add_parser("warm", help="prebuild the compiled Brian2 engines")
    warm_cmd.add_argument("--essential", action="store_true",
                          help="only the first page and the presets at their own settings")
    warm_cmd.add_argument("--jobs", type=int, default=None,
                          help="builds at once (default: the number of cores)")
    warm_cmd.add_argument("--list", action="store_true", help="print the plan, build nothing")
    args = parser.parse_args(argv)
    if args.command == "warm":
        tier = "essential" if args.essential else "full"
        if args.list:
            for item in warm_plan(tier):
                state = "built" if is_built(item.spec) else "to build"
                print(f"{item.tier:9s} {item.spec.key():40s} {state:8s}  {item.why}")
        else:
            warm(tier, jobs=args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
