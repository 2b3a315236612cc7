"""Shared helpers for the browser tests and ``benchmarks/bench_latency.py``.

* `VoilaServer`: runs ``python3 -m izhi_widgets.serve explorer.ipynb`` (Voila, hardened) on
  a free loopback port in its own process group and stops it by that group's id.
* `launch_chromium`: Debian's chromium through sync Playwright (never ``playwright install``).
* `App`: one loaded page of the explorer, with the DOM-class contract's selectors and the
  waits the tests need (run counter, figure canvas, dropdown option by preset key, ...).

Settings (environment variables, all optional):

* ``IZHI_NOTEBOOK``: the notebook to serve (default: ``explorer.ipynb`` at the repository root).
* ``IZHI_PREHEAT=1``: start Voila with ``--preheat_kernel=True --pool_size=1``.
* ``IZHI_APP_URL``: use an already running server at this loopback URL instead of starting one.
* ``IZHI_CHROMIUM``: the chromium binary (default ``/usr/bin/chromium``).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("IZHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

#: First page load = a fresh kernel that imports Brian2 and runs the whole notebook.
FIRST_RENDER_TIMEOUT_MS = 90_000
#: One interaction (kernel round trip + simulation + redraw).
UPDATE_TIMEOUT_MS = 30_000

#: Console messages that are known and harmless (offline icon font, favicon).
IGNORED_CONSOLE = (
    re.compile(r"fontawesome|font-awesome|\.woff2?|\.ttf|\.eot|fonts?\b", re.I),
    re.compile(r"favicon", re.I),
)

#: Every class of the panel's DOM contract (always present; stimulus fields vary by shape).
from izhi_widgets.app.explorer import DOM_CLASSES as CONTRACT_CLASSES  # noqa: E402


# --------------------------------------------------------------------------------------------
# Voila
# --------------------------------------------------------------------------------------------

def venv_python3() -> str:
    """The interpreter the kernel uses (``.../python3``: Brian2's cache is keyed on it)."""
    cand = Path(sys.executable).with_name("python3")
    return str(cand) if cand.exists() else sys.executable


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notebook_path() -> Path:
    return Path(os.environ.get("IZHI_NOTEBOOK", ROOT / "explorer.ipynb")).resolve()


def warm_engines(timeout: float = 1800) -> None:
    """Prebuild the compiled Brian2 engines with the kernel's interpreter (instant when warm),
    so no page load in a test or benchmark pays a cold compile."""
    proc = subprocess.run([venv_python3(), "-m", "izhi_widgets", "warm"], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"python3 -m izhi_widgets warm failed:\n{proc.stdout[-2000:]}"
                           f"\n{proc.stderr[-4000:]}")


class VoilaServer:
    """``voila NOTEBOOK`` on 127.0.0.1:<free port>, in its own session; `stop()` kills the group."""

    def __init__(self, notebook: Path | None = None, preheat: bool | None = None,
                 log_path: Path | None = None, classroom: dict | None = None):
        """``classroom={"students": N, "pool": P, "memory_mb": M}`` runs class mode
        (``python -m izhi_widgets.classroom``) instead of plain Voila."""
        self.classroom = classroom
        self.notebook = Path(notebook) if notebook else notebook_path()
        if preheat is None:
            preheat = os.environ.get("IZHI_PREHEAT", "0") == "1"
        self.preheat = preheat
        self.log_path = log_path or ARTIFACTS / "voila.log"
        self.port = None
        self.proc = None
        self._log = None
        self.url = None

    def start(self, timeout: float = 60.0) -> "VoilaServer":
        external = os.environ.get("IZHI_APP_URL")
        if external:
            host = urlparse(external).hostname
            if host not in ("127.0.0.1", "localhost"):
                raise RuntimeError(f"IZHI_APP_URL must be on the loopback: {external}")
            self.url = external.rstrip("/") + "/"
            return self
        if not self.notebook.exists():
            raise FileNotFoundError(f"notebook not found: {self.notebook}")
        self.port = free_port()
        cmd = [venv_python3(), "-m", "izhi_widgets.serve", self.notebook.name, "--no-browser",
               "--Voila.ip=127.0.0.1", f"--port={self.port}", "--Voila.port_retries=0"]
        if self.classroom is not None:
            c = self.classroom
            cmd = [venv_python3(), "-m", "izhi_widgets.classroom", self.notebook.name,
                   "--host=127.0.0.1", f"--port={self.port}",
                   f"--students={c.get('students', 40)}", f"--pool={c.get('pool', 8)}",
                   f"--memory-mb={c.get('memory_mb', 1024)}", f"--grace={c.get('grace', 30)}",
                   f"--refill-delay={c.get('refill_delay', 20)}"]
        elif self.preheat:
            cmd += ["--preheat_kernel=True", "--pool_size=1"]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        # kernels import this checkout's package (cwd is the notebook's directory)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get(
            "PYTHONPATH", "").split(os.pathsep) if p])
        self.proc = subprocess.Popen(cmd, cwd=self.notebook.parent, stdout=self._log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"voila exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError(f"voila did not answer on port {self.port} in {timeout} s:\n"
                               f"{self.log_tail()}")
        self.url = f"http://127.0.0.1:{self.port}/"
        return self

    def kernel_pids(self) -> list[int]:
        """The kernel processes this server started (its children running ipykernel)."""
        out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,args="], capture_output=True,
                             text=True).stdout
        pids = []
        for line in out.splitlines():
            parts = line.split(None, 2)
            if (len(parts) == 3 and self.proc is not None and int(parts[1]) == self.proc.pid
                    and "ipykernel" in parts[2]):
                pids.append(int(parts[0]))
        return pids

    def wait_kernels_quiet(self, count: int, timeout: float = 600.0,
                           quiet_s: float = 3.0) -> float:
        """Wait until ``count`` kernels exist and together used under 10 % of a core for
        ``quiet_s`` seconds: a preheated pool has then run the notebook (Voila reports the
        pool "filled" as soon as the kernels are started). Returns the seconds waited."""
        t0 = time.monotonic()
        tick = os.sysconf("SC_CLK_TCK")

        def cpu() -> float:
            total = 0.0
            for pid in self.kernel_pids():
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    total += (int(fields[11]) + int(fields[12])) / tick
                except (OSError, IndexError, ValueError):
                    pass
            return total

        while time.monotonic() - t0 < timeout:
            if len(self.kernel_pids()) >= count:
                c0 = cpu()
                time.sleep(quiet_s)
                if len(self.kernel_pids()) >= count and cpu() - c0 < 0.1 * quiet_s:
                    return time.monotonic() - t0
            else:
                time.sleep(0.5)
        raise RuntimeError(f"{count} quiet kernels not reached in {timeout:.0f} s:\n"
                           + self.log_tail())

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            pgid = self.proc.pid  # start_new_session: the group id is the leader's pid
            try:
                os.killpg(pgid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
            # Kernels started by voila are in the same group; reap any straggler.
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


#: Requests the page makes to anything but the loopback (the template's CDN icon font) are
#: aborted in the browser: the tests talk to 127.0.0.1 only.
NON_LOOPBACK = re.compile(r"^(?!(?:https?|wss?)://(?:127\.0\.0\.1|localhost)(?::\d+)?/)[a-z]+://")


def new_context(browser, **kwargs):
    """A browser context that can only reach the loopback and accepts downloads."""
    kwargs.setdefault("viewport", {"width": 1400, "height": 1000})
    kwargs.setdefault("accept_downloads", True)
    context = browser.new_context(**kwargs)
    context.route(NON_LOOPBACK, lambda route: route.abort())
    return context


def launch_chromium(playwright, headless: bool = True):
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} not found (Debian package 'chromium')")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=headless)


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------

# JavaScript helpers installed in every page (before its own scripts run).
INIT_SCRIPT = r"""
(() => {
  // Record the time of the last draw onto a canvas inside the figure widget, so that
  // "the plot was redrawn" can be detected without encoding the canvas every frame.
  const proto = CanvasRenderingContext2D.prototype;
  const orig = proto.drawImage;
  window.__izhiDraws = 0;
  window.__izhiLastDraw = 0;
  proto.drawImage = function (...args) {
    const r = orig.apply(this, args);
    const c = this.canvas;
    if (c && c.isConnected && c.closest && c.closest('.izhi-figure')) {
      window.__izhiDraws += 1;
      window.__izhiLastDraw = performance.now();
    }
    return r;
  };
  window.__izhiRun = () => {
    const el = document.querySelector('.izhi-status');
    if (!el) return -1;
    const m = /run\s*#\s*(\d+)/i.exec(el.textContent || '');
    return m ? parseInt(m[1], 10) : -1;
  };
  window.__izhiCanvas = () => {
    const cs = document.querySelectorAll('.izhi-figure canvas');
    let s = '';
    for (const c of cs) { try { s += c.toDataURL() + '|'; } catch (e) { s += 'x|'; } }
    return s;
  };
})();
"""


def parse_number(text: str) -> float:
    """A widget readout as a float (d3-format writes U+2212 for minus, may add separators)."""
    t = text.strip().replace("\u2212", "-").replace("\xa0", "").replace(",", "")
    return float(t)


def _ignored(text: str) -> bool:
    return any(p.search(text) for p in IGNORED_CONSOLE)


class App:
    """One loaded explorer page and the actions/waits of the DOM contract."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.ignored_errors: list[str] = []
        page.add_init_script(INIT_SCRIPT)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

    def _on_console(self, msg):
        if msg.type != "error":
            return
        loc = msg.location or {}
        text = f"{msg.text} @ {loc.get('url', '')}"
        (self.ignored_errors if _ignored(text) else self.console_errors).append(text)

    # ---- loading -------------------------------------------------------------------------
    def open(self, query: str = "", timeout: float = FIRST_RENDER_TIMEOUT_MS) -> "App":
        if query and not query.startswith("?"):
            query = "?" + query
        self.page.goto(self.base_url + query, wait_until="commit", timeout=timeout)
        self.page.wait_for_selector(".izhi-figure canvas", state="attached", timeout=timeout)
        self.page.wait_for_function("() => window.__izhiRun() >= 1 && window.__izhiDraws > 0",
                                    timeout=timeout)
        # The page reports its width to the kernel, which refits the figure once: wait for it.
        self.page.wait_for_function(
            "() => { const i = document.querySelector('.izhi-page-info input');"
            " return i && i.value; }", timeout=timeout)
        self.settle(quiet_ms=400)
        return self

    # ---- reading -------------------------------------------------------------------------
    def run_number(self) -> int:
        return self.page.evaluate("() => window.__izhiRun()")

    def canvas(self) -> str:
        return self.page.evaluate("() => window.__izhiCanvas()")

    def text(self, cls: str) -> str:
        return self.page.locator(f".{cls}").first.inner_text()

    def snapshot(self) -> tuple[int, str]:
        return self.run_number(), self.canvas()

    def wait_update(self, before: tuple[int, str], timeout: float = UPDATE_TIMEOUT_MS,
                    what: str = "update") -> tuple[int, str]:
        """Wait until the run counter passed ``before`` and the figure canvas differs."""
        run0, canvas0 = before
        try:
            self.page.wait_for_function(
                "([r, c]) => window.__izhiRun() > r && window.__izhiCanvas() !== c",
                arg=[run0, canvas0], timeout=timeout, polling=100)
        except Exception as exc:  # re-raise with the state that was seen
            raise AssertionError(
                f"{what}: no redraw within {timeout / 1000:.0f} s (run # {run0} -> "
                f"{self.run_number()}, canvas changed: {self.canvas() != canvas0}, "
                f"message: {self.message()!r})") from exc
        return self.snapshot()

    def wait_run_after(self, run0: int, timeout: float = UPDATE_TIMEOUT_MS) -> int:
        self.page.wait_for_function("(r) => window.__izhiRun() > r", arg=run0,
                                    timeout=timeout, polling=100)
        return self.run_number()

    def settle(self, quiet_ms: int = 300, timeout_ms: int = 10_000) -> None:
        """Wait until no figure draw and no run-counter change happened for ``quiet_ms``."""
        self.page.evaluate(
            """([quiet, limit]) => new Promise((resolve) => {
                 const start = performance.now();
                 let run = window.__izhiRun(), draws = window.__izhiDraws;
                 let last = performance.now();
                 const tick = () => {
                   const r = window.__izhiRun(), d = window.__izhiDraws, now = performance.now();
                   if (r !== run || d !== draws) { run = r; draws = d; last = now; }
                   if (now - last >= quiet || now - start > limit) resolve();
                   else setTimeout(tick, 10);
                 };
                 tick();
               })""", [quiet_ms, timeout_ms])

    def message(self) -> str:
        loc = self.page.locator(".izhi-message")
        return loc.first.inner_text().strip() if loc.count() else "<no .izhi-message>"

    def wait_error(self, timeout: float = UPDATE_TIMEOUT_MS) -> str:
        loc = self.page.locator(".izhi-message .izhi-error").first
        loc.wait_for(state="visible", timeout=timeout)
        return loc.inner_text().strip()

    # ---- dropdowns ----------------------------------------------------------------------
    def options(self, cls: str) -> list[dict]:
        return self.page.eval_on_selector_all(
            f".{cls} select option",
            "os => os.map(o => ({value: o.value, label: o.textContent.trim(), "
            "selected: o.selected}))")

    def selected_label(self, cls: str) -> str:
        return self.page.eval_on_selector(
            f".{cls} select", "s => s.options[s.selectedIndex] ? "
            "s.options[s.selectedIndex].textContent.trim() : ''")

    def preset_option(self, key: str) -> dict:
        """The preset `<option>` for a preset key (option values may be labels: ipywidgets 8)."""
        opts = self.options("izhi-preset")
        for o in opts:
            if o["value"] == key:
                return o
        for o in opts:  # "2004 A · tonic spiking" / "2003 RS · regular spiking"
            head = re.split(r"\s*[·:\-–]\s*", o["label"], maxsplit=1)[0].split()
            if head and head[-1] == key:
                return o
        raise AssertionError(f"no preset option for key {key!r} in {[o['label'] for o in opts]}")

    def selected_preset_key(self) -> str | None:
        label = self.selected_label("izhi-preset")
        for o in self.options("izhi-preset"):
            if o["label"] == label:
                head = re.split(r"\s*[·:\-–]\s*", label, maxsplit=1)[0].split()
                return head[-1] if head else None
        return None

    def select_preset(self, key: str) -> None:
        opt = self.preset_option(key)
        self.page.select_option(".izhi-preset select", value=opt["value"])

    def select_by_label(self, cls: str, label: str) -> None:
        self.page.select_option(f".{cls} select", label=label)

    # ---- sliders and text fields --------------------------------------------------------
    def slider_value(self, name: str) -> float:
        """The value in the number box beside parameter ``name``'s slider."""
        return parse_number(self.page.locator(f".izhi-{name}-box input").first.input_value())

    def press_slider(self, name: str, key: str = "ArrowRight") -> None:
        handle = self.page.locator(f".izhi-{name} .noUi-handle").first
        handle.focus()
        handle.press(key)

    def type_readout(self, name: str, value) -> None:
        """Type ``value`` into the number box of parameter ``name`` and press Enter."""
        box = self.page.locator(f".izhi-{name}-box input").first
        box.click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Backspace")
        self.page.keyboard.type(str(value))
        self.page.keyboard.press("Enter")

    def field(self, cls: str):
        return self.page.locator(f".{cls} input").first

    def field_value(self, cls: str) -> float:
        return parse_number(self.field(cls).input_value())

    def set_field(self, cls: str, value) -> None:
        inp = self.field(cls)
        inp.fill(str(value))
        inp.press("Enter")

    # ---- errors & artefacts -------------------------------------------------------------
    def errors(self) -> list[str]:
        return self.page_errors + self.console_errors

    def screenshot(self, name: str) -> Path:
        """Full-page screenshot to ``tests/artifacts/<name>.png``.

        Voila's lab template scrolls inside ``#rendered_cells`` (the document itself is one
        viewport high), so the viewport is grown to the content's height for the shot.
        """
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page = self.page
        size = page.viewport_size
        extra = page.evaluate(
            "() => { let m = 0; for (const e of document.querySelectorAll('*')) {"
            "  const o = getComputedStyle(e).overflowY;"
            "  if ((o === 'auto' || o === 'scroll') && e.scrollHeight > e.clientHeight)"
            "    m = Math.max(m, e.scrollHeight - e.clientHeight); } return m; }")
        try:
            if size and extra > 0:
                page.set_viewport_size({"width": size["width"],
                                        "height": min(size["height"] + extra + 20, 8000)})
                page.wait_for_timeout(300)
            page.screenshot(path=str(path), full_page=True)
        finally:
            if size and extra > 0:
                page.set_viewport_size(size)
        return path

    def close(self) -> None:
        """Leave the page (its beforeunload beacon makes Voila shut the kernel down), close it."""
        try:
            if not self.page.is_closed():
                # Voila 0.5.13 standalone sets no _xsrf cookie, so its shutdown beacon is
                # refused (403) and the kernel lingers until culled: give the page a
                # matching cookie/form token first (client side only).
                self.page.evaluate("() => { if (!/\\b_xsrf=/.test(document.cookie))"
                                   " document.cookie = '_xsrf=izhi-tests; path=/'; }")
                self.page.goto("about:blank", timeout=10_000)
                self.page.wait_for_timeout(100)  # let the beacon go out
                self.page.close()
        except Exception:
            pass
