"""benchmarks/load_test.py keeps working (a small class: 2 students in class mode).

The full measurement (N = 5, 10, 20 over a minute) takes minutes and its figures depend on
the machine's load, so CI only checks that the script runs end to end on a tiny class with
no errors and prints its table; the README's table comes from running it by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_load_test_runs_a_small_class(tmp_path):
    out_json = tmp_path / "load.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load_test.py"), "--ns", "2",
         "--arrival", "4", "--pool", "2", "--moves", "2", "--presets", "B",
         "--budget", "120", "--json", str(out_json)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert "| usable p50 s |" in proc.stdout and "largest N meeting" in proc.stdout
    (result,) = json.loads(out_json.read_text())
    assert result["errors"] == [], result["errors"]
    assert len(result["usable_s"]) == 2 and len(result["moves_ms"]) == 4
    assert all(r > 0 for r in result["kernel_rss_mb"]) and len(result["kernel_rss_mb"]) >= 2
