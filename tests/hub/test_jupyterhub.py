"""deploy/jupyterhub_config.py on a real JupyterHub (issue 11, part 2).

Starts JupyterHub on the loopback with the deploy configuration plus, for the test only,
the dummy authenticator and the simple local spawner (servers as this user, homes in a
temporary directory); configurable-http-proxy comes from npm (installed once into
``tests/artifacts/chp`` when it is not on PATH). Three students log in, each in their own
browser context; each lands on their own server's Voila app, which renders and reruns on a
slider move. Skipped when jupyterhub is not installed (``pip install -e '.[hub]'``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("jupyterhub")
pytest.importorskip("jupyterhub_idle_culler")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from voila_harness import (ARTIFACTS, App, free_port, launch_chromium, new_context,  # noqa: E402
                           warm_engines)

CHP_VERSION = "4.6.3"
pytestmark = [pytest.mark.browser, pytest.mark.hub]


def _proxy_bin() -> str:
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    prefix = ARTIFACTS / "chp"
    path = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if not path.exists():
        if not shutil.which("npm"):
            pytest.fail("npm is needed to install configurable-http-proxy")
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                        str(prefix), f"configurable-http-proxy@{CHP_VERSION}"],
                       check=True, timeout=600)
    return str(path)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    warm_engines()
    work = tmp_path_factory.mktemp("hub")
    port, hub_port, api_port = free_port(), free_port(), free_port()
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, IZHI_APP_DIR=str(ROOT), IZHI_HUB_IP="127.0.0.1",
               IZHI_HUB_PORT=str(port), PYTHONUNBUFFERED="1",
               IZHI_HUB_ALLOW_ROOT="1" if os.getuid() == 0 else "0",
               PATH=os.pathsep.join([str(bin_dir), str(Path(_proxy_bin()).parent),
                                     os.environ.get("PATH", "")]))
    homes = work / "homes"
    cmd = [str(bin_dir / "jupyterhub"), "-f", str(ROOT / "deploy" / "jupyterhub_config.py"),
           # test only: anyone logs in, servers run as this user with homes under tmp
           "--JupyterHub.authenticator_class=dummy",
           "--JupyterHub.spawner_class=simple",
           f"--SimpleLocalProcessSpawner.home_dir_template={homes}/{{username}}",
           f"--JupyterHub.hub_port={hub_port}",
           f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{api_port}",
           "--JupyterHub.cleanup_servers=True"]
    log_path = ARTIFACTS / "jupyterhub.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            pytest.fail("jupyterhub exited:\n" + log_path.read_text(errors="replace")[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail("jupyterhub did not answer:\n" + log_path.read_text()[-3000:])
            time.sleep(0.5)
    yield f"http://127.0.0.1:{port}", homes, log_path
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    log.close()


def test_three_students_each_get_their_own_working_app(hub):
    # In the full suite the browser tests' session-wide sync Playwright is still running on
    # this thread, and a second one refuses to start there: drive this hub from its own thread.
    import threading

    failures: list[BaseException] = []

    def students() -> None:
        try:
            _three_students(hub)
        except BaseException as exc:  # re-raised on the test's thread
            failures.append(exc)

    worker = threading.Thread(target=students, name="hub-students")
    worker.start()
    worker.join()
    if failures:
        raise failures[0]


def _three_students(hub) -> None:
    from playwright.sync_api import sync_playwright

    url, homes, log_path = hub
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            for name in ("ada", "bob", "cyd"):
                context = new_context(browser)
                context.set_default_timeout(60_000)
                page = context.new_page()
                page.goto(f"{url}/hub/login", wait_until="load")
                page.fill("input[name=username]", name)
                page.fill("input[name=password]", "any")
                page.click("input[type=submit], button[type=submit]")
                # the hub spawns the server, then lands on the default URL: the app
                page.wait_for_url(f"**/user/{name}/voila/render/explorer.ipynb*",
                                  timeout=180_000)
                app = App(page, f"{url}/user/{name}/voila/render/explorer.ipynb")
                try:
                    app.open(timeout=180_000)
                except Exception as exc:
                    raise AssertionError(
                        f"{name}: the app did not render: {exc}\n"
                        + log_path.read_text(errors="replace")[-3000:]) from exc
                before = app.snapshot()
                app.press_slider("a", "ArrowRight")
                app.wait_update(before, what=f"{name}: slider move")
                assert (homes / name / "explorer.ipynb").exists()  # their own copy
                assert not app.page_errors, app.page_errors
                app.close()
                context.close()
        finally:
            browser.close()
    log = log_path.read_text(errors="replace")
    assert "idle-culler" in log  # the culler service was started
