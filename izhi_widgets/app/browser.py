"""A small bridge to the page the app is shown in (Voilà or Jupyter).

The kernel cannot see the browser, and the browser cannot run code in the kernel. This
bridge does three fixed things and nothing else:

* it reports the page's address and the width of the app's main column to the kernel
  (on load and on resize), through a hidden text widget the kernel parses strictly
  (`parse_page_info`), so the figure fits the page;
* it keeps the address bar in step with the state (``history.replaceState``: the URL
  is always a working share link, with no reload);
* it starts file downloads (one click on "Traces CSV" saves the file).

Only the constant JavaScript in this module runs in the page; values are embedded with
``json.dumps`` (string literals), never as code.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

import ipywidgets as W

__all__ = ["BrowserBridge", "PageInfo", "parse_page_info", "app_url"]

#: Longest report the page may send (characters).
MAX_REPORT_CHARS = 2000

_REPORT_JS = """
(function () {
  const send = function () {
    const input = document.querySelector('.izhi-page-info input');
    const main = document.querySelector('.izhi-main');
    if (!input || !main) { return; }
    input.value = JSON.stringify({width: Math.round(main.clientWidth),
                                  viewport: Math.round(window.innerWidth),
                                  href: String(window.location.href)});
    input.dispatchEvent(new Event('input', {bubbles: true}));
    input.dispatchEvent(new Event('change', {bubbles: true}));
  };
  if (window.__izhiResize) { window.removeEventListener('resize', window.__izhiResize); }
  let timer = null;
  window.__izhiResize = function () { clearTimeout(timer); timer = setTimeout(send, 250); };
  window.addEventListener('resize', window.__izhiResize);
  setTimeout(send, 50);
})();
"""

_REPLACE_JS = """
(function (query) {
  const url = new URL(window.location.href);
  if (!/\\/(lab|notebooks|tree|doc)(\\/|$)/.test(url.pathname)) {
    window.history.replaceState(window.history.state, '', url.pathname + (query ? '?' + query : ''));
  }
})(%s);
"""

_DOWNLOAD_JS = """
(function (name, mime, b64) {
  const bytes = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
  const url = URL.createObjectURL(new Blob([bytes], {type: mime}));
  const link = document.createElement('a');
  link.href = url; link.download = name; link.style.display = 'none';
  document.body.appendChild(link); link.click();
  setTimeout(function () { URL.revokeObjectURL(url); link.remove(); }, 1000);
})(%s, %s, %s);
"""

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")


@dataclass(frozen=True)
class PageInfo:
    """What the page reported: the main column's width (px) and the page's address."""

    width: int = 0
    viewport: int = 0
    href: str = ""


def parse_page_info(text: str) -> PageInfo | None:
    """Read the page's report strictly (None for anything malformed or out of range).

    >>> parse_page_info('{"width": 700, "viewport": 1024, "href": "http://h:8866/?preset=A"}')
    PageInfo(width=700, viewport=1024, href='http://h:8866/?preset=A')
    >>> parse_page_info('{"width": "__import__"}') is None
    True
    """
    if not isinstance(text, str) or not text or len(text) > MAX_REPORT_CHARS:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    width, viewport, href = data.get("width"), data.get("viewport"), data.get("href", "")
    if not all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= 20000
               for x in (width, viewport)):
        return None
    if not isinstance(href, str) or urlsplit(href).scheme not in ("http", "https"):
        href = ""
    return PageInfo(width, viewport, href)


def app_url(page_href: str, query: str) -> str:
    """The share link of the app for ``query``, from the page's address.

    Under Voilà the app's own address is the page's; in JupyterLab or Notebook the
    notebook's Voilà address on the same server (``.../voila/render/<path>``).

    >>> app_url("http://127.0.0.1:8866/?preset=A", "preset=C")
    'http://127.0.0.1:8866/?preset=C'
    >>> app_url("http://localhost:8888/lab/tree/explorer.ipynb", "preset=C")
    'http://localhost:8888/voila/render/explorer.ipynb?preset=C'
    """
    parts = urlsplit(page_href)
    if parts.scheme not in ("http", "https"):
        return ""
    path = parts.path
    match = re.search(r"/(?:lab/tree|lab/workspaces/[^/]+/tree|notebooks|tree|doc/tree)/(.+)$",
                      path)
    if match is not None:
        path = path[:match.start()] + "/voila/render/" + match.group(1)
    return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{query}" if query else "")


class BrowserBridge:
    """The hidden widgets that talk to the page (see the module docstring)."""

    def __init__(self, on_page: Callable[[PageInfo], None]):
        hidden = W.Layout(display="none")
        self.output = W.Output(layout=hidden)
        self.output.add_class("izhi-js")
        self.inbox = W.Text(value="", layout=hidden, continuous_update=True)
        self.inbox.add_class("izhi-page-info")
        self.page = PageInfo()
        self.sent: list[str] = []  # the last scripts sent to the page (for tests)
        self._on_page = on_page
        self.inbox.observe(self._received, names="value")
        self.widget = W.Box([self.output, self.inbox], layout=hidden)

    def _received(self, change) -> None:
        info = parse_page_info(change["new"])
        if info is not None:
            self.page = info
            self._on_page(info)

    def _run(self, code: str) -> None:
        from IPython import get_ipython
        from IPython.display import Javascript, display

        self.sent.append(code)
        del self.sent[:-8]
        if get_ipython() is None:  # no kernel (a plain script or test): no page to talk to
            return
        self.output.clear_output()
        with self.output:
            display(Javascript(code))

    def start(self) -> None:
        """Ask the page to report its size and address (now and on every resize)."""
        self._run(_REPORT_JS)

    def replace_query(self, query: str) -> None:
        """Put ``query`` in the address bar (Voilà pages only; no reload)."""
        self._run(_REPLACE_JS % json.dumps(query))

    def download(self, filename: str, mime: str, data: bytes) -> None:
        """Save ``data`` as ``filename`` in the browser."""
        if not _SAFE_NAME.match(filename):
            raise ValueError(f"unsafe file name {filename!r}")
        b64 = base64.b64encode(data).decode("ascii")
        self._run(_DOWNLOAD_JS % (json.dumps(filename), json.dumps(mime), json.dumps(b64)))
