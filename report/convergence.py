"""The convergence study on its own: spike-time errors against the exact solution.

    python report/convergence.py [--random N]

Prints, per step, each scheme's largest spike-time error over presets A, C, F, H, K and
N seeded random tonic neurons (default 5), the number of cases that miss or add a spike,
the fitted orders and each case's errors. The report's figure and table are drawn from
the same `izhi_widgets.convergence.convergence_study` (``python report/build.py``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from izhi_widgets.convergence import convergence_cases, markdown_convergence  # noqa: E402
from izhi_widgets.experiments import convergence_study  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--random", type=int, default=5)
    args = parser.parse_args(argv)
    study = convergence_study(cases=convergence_cases(args.random))
    print(markdown_convergence(study))
    for method in study.methods:
        print(f"\n{method}: fitted order {study.order(method):.3f} over "
              f"{int(study.matched(method).sum())} of {len(study.cases)} cases; errors (ms):")
        print("case".ljust(10) + "".join(f"{dt:>11g}" for dt in study.dts))
        for c, name in enumerate(study.cases):
            row = study.errors[study.methods.index(method)][:, c]
            print(name.ljust(10) + "".join(f"{e:11.2e}" if np.isfinite(e) else "       miss"
                                           for e in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
