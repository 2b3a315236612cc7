"""The per-kernel memory limit of class mode: a run that would not fit is refused with a
message (the kernel is not killed), and RLIMIT_AS is a backstop that Brian2 runs under."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from izhi_widgets.app import memory
from izhi_widgets.app.explorer import Explorer


def test_a_run_that_would_pass_the_limit_is_refused_with_a_message(monkeypatch):
    ex = Explorer()
    try:
        used = memory.vm_mb()
        # room for a short run, not for a 495 000-step one (about 95 MB by the estimate)
        monkeypatch.setenv(memory.ENV, str(int(used + 40)))
        ex.set_value("duration", "5000")  # 20 001 steps at dt 0.25: fits
        assert ex.message_text() == ""
        before = ex.run_count
        ex.set_value("dt", "0.0101")
        assert ex.run_count == before
        text = ex.message_text()
        assert "memory" in text and "shorten the duration or raise dt" in text
        ex.set_value("duration", "200")  # a short run at that dt fits
        assert ex.run_count == before + 1 and ex.message_text() == ""
    finally:
        ex.close()


def test_no_limit_no_check(monkeypatch):
    monkeypatch.delenv(memory.ENV, raising=False)
    memory.check_run_fits(10 ** 9)


def test_the_kernel_runs_brian2_under_the_address_space_limit():
    """A fresh interpreter as a class-mode kernel: limit applied, the explorer builds and
    runs (warm engines), and a huge allocation fails with MemoryError instead of the OOM
    killer."""
    code = textwrap.dedent("""
        import os, resource
        os.environ["IZHI_KERNEL_MEMORY_MB"] = "1024"
        from izhi_widgets.app.memory import apply_limit, vm_mb
        assert apply_limit() == 1024
        assert resource.getrlimit(resource.RLIMIT_AS)[0] == 1024 * 2 ** 20
        from izhi_widgets.app import Explorer
        ex = Explorer()
        ex.set_value("a", "0.03")
        assert ex.message_text() == "", ex.message_text()
        try:
            bytearray(2 * 2 ** 30)
        except MemoryError:
            print("refused", round(vm_mb()))
    """)
    env = dict(os.environ, MALLOC_ARENA_MAX="2")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "refused" in out.stdout
