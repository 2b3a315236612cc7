"""Browser-test fixtures: one Voila server and one chromium per session, a fresh page per test.

Voila is started here (not by CI) with the venv's ``python3`` on a free loopback port; every
page load gets a fresh kernel that runs ``explorer.ipynb`` (no preheated kernel pool, so the
URL query string reaches the notebook the ordinary way). See ``voila_harness.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from voila_harness import ARTIFACTS, ROOT, App, VoilaServer, launch_chromium, new_context, warm_engines


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser/ is a browser test (``-m browser`` / ``-m 'not browser'``)."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture(scope="session")
def voila_server():
    for stale in ARTIFACTS.glob("FAILED-*.png"):  # screenshots of an earlier run's failures
        stale.unlink()
    server = VoilaServer()
    try:
        if server.notebook.parent == ROOT:  # the app itself (not an IZHI_NOTEBOOK stand-in)
            warm_engines()
        server.start()
    except FileNotFoundError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:120]


def _new_app(browser, server):
    context = new_context(browser)
    context.set_default_timeout(30_000)
    page = context.new_page()
    return context, App(page, server.url)


def _finish(request, context, app, index):
    """Close a test's page; on failure first save a screenshot to tests/artifacts/FAILED-*."""
    failed = any(getattr(request.node, f"rep_{w}", None) is not None
                 and getattr(request.node, f"rep_{w}").failed for w in ("setup", "call"))
    if failed:
        try:
            app.screenshot("FAILED-" + _safe_name(request.node.nodeid)
                           + (f"-{index}" if index else ""))
        except Exception:
            pass
    app.close()
    context.close()


@pytest.fixture
def open_app(browser, voila_server, request):
    """``open_app(query='') -> App``: a fresh page (fresh kernel) at the first render.

    The page's uncaught errors fail the test at teardown; console errors are kept on
    ``app.console_errors`` (known harmless ones on ``app.ignored_errors``).
    """
    contexts = []

    def _open(query: str = "") -> App:
        context, app = _new_app(browser, voila_server)
        contexts.append((context, app))
        try:
            app.open(query)
        except Exception as exc:
            raise AssertionError(
                f"the app did not render (query {query!r}): {exc}\n"
                f"page errors: {app.page_errors}\nconsole errors: {app.console_errors}\n"
                f"--- voila log (tail) ---\n{voila_server.log_tail()}") from exc
        return app

    yield _open
    page_errors = []
    for index, (context, app) in enumerate(contexts):
        page_errors += app.page_errors
        _finish(request, context, app, index)
    assert not page_errors, f"uncaught errors in the page: {page_errors}"


@pytest.fixture(scope="module")
def shared_app(browser, voila_server):
    """One page for a whole module (for sequences of independent interactions)."""
    context, app = _new_app(browser, voila_server)
    app.open()
    yield app
    app.close()
    context.close()
    assert not app.page_errors, f"uncaught errors in the page: {app.page_errors}"
