"""Class mode (``make app CLASS=1`` = ``python -m izhi_widgets.classroom``), in a real browser.

One class-mode server with a cap of 2 students and a pool of 1 preheated kernel:

* the first page comes from the preheated pool and is usable quickly; its kernel runs under
  the per-kernel memory limit (RLIMIT_AS) and a slider move reruns it;
* with 2 pages open the third visitor gets the "class is full" page (HTTP 503, reloads
  itself), not a kernel;
* once a student leaves (closes the tab), the seat is free again after the grace time.
"""

from __future__ import annotations

import time

import pytest
import requests

from voila_harness import App, VoilaServer, new_context, warm_engines, ARTIFACTS, ROOT


@pytest.fixture(scope="module")
def class_server():
    warm_engines()
    server = VoilaServer(classroom={"students": 2, "pool": 1, "memory_mb": 1024,
                                                    "grace": 2},
                         log_path=ARTIFACTS / "voila-class.log")
    server.start()
    time.sleep(1.0)
    yield server
    server.stop()


def _open(browser, server) -> tuple[object, App, float]:
    context = new_context(browser)
    context.set_default_timeout(30_000)
    app = App(context.new_page(), server.url)
    t0 = time.perf_counter()
    app.open()
    return context, app, time.perf_counter() - t0


def _wait_pool_ready(server, timeout=300):
    server.wait_kernels_quiet(1, timeout=timeout)


def test_class_mode_pool_cap_and_a_freed_seat(browser, class_server):
    _wait_pool_ready(class_server)
    ctx1, app1, first = _open(browser, class_server)
    opened = [(ctx1, app1)]
    try:
        assert "Using pre-heated kernel" in class_server.log_tail(200)
        before = app1.snapshot()
        app1.press_slider("a", "ArrowRight")
        app1.wait_update(before, what="slider move in a memory-limited kernel")
        ctx2, app2, _ = _open(browser, class_server)
        opened.append((ctx2, app2))
        # the third student: the class is full
        r = requests.get(class_server.url, timeout=60)
        assert r.status_code == 503
        assert "The class is full" in r.text and "retry in a minute" in r.text
        assert 'http-equiv="refresh"' in r.text
        ctx3 = new_context(browser)
        page = ctx3.new_page()
        page.goto(class_server.url, wait_until="load")
        assert "The class is full" in page.inner_text("body")
        ctx3.close()
        # a student leaves: the seat is free again
        app2.close()
        ctx2.close()
        opened.pop()
        deadline = time.monotonic() + 30
        while "Kernel shutdown" not in class_server.log_tail(400):
            assert time.monotonic() < deadline, class_server.log_tail()
            time.sleep(0.5)
        ctx4, app4, _ = _open(browser, class_server)
        opened.append((ctx4, app4))
        assert app4.run_number() >= 1
        print(f"first page usable after {first:.1f} s")
        assert first < 15, f"a page from the pool took {first:.1f} s"
    finally:
        for ctx, app in opened:
            app.close()
            ctx.close()
