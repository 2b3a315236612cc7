"""A small bridge to the page the app is shown in (Voilà or Jupyter).

The kernel cannot see the browser, and the browser cannot run code in the kernel. This
bridge does three fixed things and nothing else:

* it reports the page's address and the width of the app's main column to the kernel
  (on load and on resize), through a hidden text widget the kernel parses strictly
  (`parse_page_info`), so the figure fits the page;
* it keeps the address bar in step with the state (``history.replaceState``: the URL
  is always a working share link, with no reload);
* it starts file downloads (one click on "Traces CSV" saves the file).

The scripts run as inline event handlers, whose scope puts the element and the document
before ``window``: they name globals as ``window.URL`` (``URL`` alone is ``document.URL``)
and use only ``/* */`` comments (a handler is one line). Only the constant JavaScript in
this module runs in the page; values are embedded with
``json.dumps`` (string literals, then HTML-escaped into the handler), never as code.
"""

from __future__ import annotations

import base64
import html
import json
import re
import uuid
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

import ipywidgets as W

__all__ = ["BrowserBridge", "PageInfo", "parse_page_info", "app_url"]

#: Longest report the page may send (characters).
MAX_REPORT_CHARS = 2000

_REPORT_JS = """
(function (scope) {
  window.__izhiReporters = window.__izhiReporters || {};
  if (window.__izhiReporters[scope]) { return; }
  window.__izhiReporters[scope] = true;
  let last = '';
  const send = function () {
    const input = document.querySelector('.' + scope + ' .izhi-page-info input');
    const main = document.querySelector('.' + scope + ' .izhi-main');
    if (!input || !main) { return false; }
    const report = JSON.stringify({width: Math.round(main.clientWidth),
                                   viewport: Math.round(window.innerWidth),
                                   height: Math.round(window.innerHeight),
                                   top: Math.round(main.getBoundingClientRect().top
                                                   + window.scrollY),
                                   href: String(window.location.href)});
    if (report !== last) {
      last = report;
      input.value = report;
      input.dispatchEvent(new Event('input', {bubbles: true}));
      input.dispatchEvent(new Event('change', {bubbles: true}));
    }
    return true;
  };
  let timer = null;
  const later = function () { clearTimeout(timer); timer = setTimeout(send, 250); };
  /* The widgets may not be on the page yet: look again until they are, then follow resizes. */
  let tries = 0;
  const start = function () {
    if (!send()) { if (++tries < 300) { setTimeout(start, 100); } return; }
    const main = document.querySelector('.' + scope + ' .izhi-main');
    if (window.ResizeObserver) { new ResizeObserver(later).observe(main); }
    window.addEventListener('resize', later);
  };
  start();
})(%s);
"""

_REPLACE_JS = """
(function (query) {
  const url = new window.URL(window.location.href);
  if (!/\\/(lab|notebooks|tree|doc)(\\/|$)/.test(url.pathname)) {
    window.history.replaceState(window.history.state, '', url.pathname + (query ? '?' + query : ''));
  }
})(%s);
"""

_DOWNLOAD_JS = """
(function (token, name, mime, b64) {
  /* a widget rendered again (a reload, another window on the same kernel) must not save
     the file again: remember the token in this window and in the browser's storage */
  window.__izhiDownloads = window.__izhiDownloads || {};
  if (window.__izhiDownloads[token]) { return; }
  window.__izhiDownloads[token] = true;
  try {
    if (window.localStorage.getItem(token)) { return; }
    window.localStorage.setItem(token, '1');
  } catch (e) { /* storage may be disabled: the window's memory still guards */ }
  const bytes = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
  const url = window.URL.createObjectURL(new Blob([bytes], {type: mime}));
  const link = document.createElement('a');
  link.href = url; link.download = name; link.style.display = 'none';
  document.body.appendChild(link); link.click();
  setTimeout(function () { window.URL.revokeObjectURL(url); link.remove(); }, 1000);
})(%s, %s, %s, %s);
"""

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")


@dataclass(frozen=True)
class PageInfo:
    """What the page reported: the main column's width (px) and the page's address."""

    width: int = 0
    viewport: int = 0
    height: int = 0
    top: int = 0
    href: str = ""


def parse_page_info(text: str) -> PageInfo | None:
    """Read the page's report strictly (None for anything malformed or out of range).

    >>> parse_page_info('{"width": 700, "viewport": 1024, "height": 768, '
    ...                 '"href": "http://h:8866/?preset=A"}')
    PageInfo(width=700, viewport=1024, height=768, top=0, href='http://h:8866/?preset=A')
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
    width, viewport = data.get("width"), data.get("viewport")
    height, top, href = data.get("height", 0), data.get("top", 0), data.get("href", "")
    if not all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= 20000
               for x in (width, viewport, height, top)):
        return None
    if not isinstance(href, str) or urlsplit(href).scheme not in ("http", "https"):
        href = ""
    return PageInfo(width, viewport, height, top, href)


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
    """The hidden widgets that talk to the page (see the module docstring).

    A script reaches the page as the ``onerror`` handler of an image that cannot load, in
    a hidden HTML widget (one per job); the widget's new value makes the page run it once,
    and a page that renders the widgets later (or again) runs each job's latest script.
    (Notebook outputs of JavaScript would also run, but Voilà executes the notebook on
    the server, and output captured into widgets there is better avoided.)
    """

    def __init__(self, on_page: Callable[[PageInfo], None]):
        hidden = W.Layout(display="none")
        self.scripts = {job: W.HTML(layout=hidden) for job in ("page", "url", "download")}
        for job, widget in self.scripts.items():
            widget.add_class(f"izhi-js-{job}")
        self.inbox = W.Text(value="", layout=hidden, continuous_update=True)
        self.inbox.add_class("izhi-page-info")
        self.scope = f"izhi-id-{uuid.uuid4().hex[:12]}"
        self.page = PageInfo()
        self.sent: list[str] = []  # the last scripts sent to the page (for tests)
        self._on_page = on_page
        self._count = 0
        self.inbox.observe(self._received, names="value")
        self.widget = W.Box([*self.scripts.values(), self.inbox], layout=hidden)

    def _received(self, change) -> None:
        info = parse_page_info(change["new"])
        if info is not None:
            self.page = info
            self._on_page(info)

    def _run(self, job: str, code: str) -> None:
        self.sent.append(code)
        del self.sent[:-8]
        self._count += 1  # a new value each time, so the page runs it again
        handler = html.escape(" ".join(code.split()), quote=True)
        self.scripts[job].value = (f'<img alt="" data-run="{self._count}" src="data:," '
                                   f'onerror="{handler}">')

    def start(self) -> None:
        """Ask the page to report its size and address (now and on every resize).

        The app's root widget must carry the DOM class `scope`.
        """
        self._run("page", _REPORT_JS % json.dumps(self.scope))

    def replace_query(self, query: str) -> None:
        """Put ``query`` in the address bar (Voilà pages only; no reload)."""
        self._run("url", _REPLACE_JS % json.dumps(query))

    def download(self, filename: str, mime: str, data: bytes) -> None:
        """Save ``data`` as ``filename`` in the browser."""
        if not _SAFE_NAME.match(filename):
            raise ValueError(f"unsafe file name {filename!r}")
        token = f"{self.scope}-{self._count + 1}"
        b64 = base64.b64encode(data).decode("ascii")
        self._run("download", _DOWNLOAD_JS % (json.dumps(token), json.dumps(filename),
                                              json.dumps(mime), json.dumps(b64)))
