"""Print the report's HTML to PDF with Debian's chromium, driven by Playwright.

Playwright only drives the system browser (``/usr/bin/chromium``, installed by the
Makefile's ``sysdeps-browser`` step); it never downloads one. `print_pdf` prints A4 with
the report's title in the header and "page N of M" in the footer; `page_count` reads the
number of pages back from the file (for the tests, without a PDF library).
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "print_pdf", "page_count"]

CHROMIUM = os.environ.get("IZHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

_HEADER = ('<div style="font-size:7pt; color:#777; width:100%; margin:0 18mm; '
           'font-family:sans-serif; text-align:right;">{title}</div>')
_FOOTER = ('<div style="font-size:7.5pt; color:#555; width:100%; text-align:center; '
           'font-family:sans-serif;">page <span class="pageNumber"></span> of '
           '<span class="totalPages"></span></div>')


def print_pdf(html_path: str | Path, pdf_path: str | Path, *, title: str = "",
              timeout_s: float = 120.0) -> Path:
    """Print ``html_path`` (its images relative to it) to ``pdf_path``; returns the path.

    Runs Playwright's sync API in a worker thread, which has no asyncio loop of its own:
    the sync API refuses to start inside a running loop (as in a notebook, or a test
    session whose earlier tests left one running).

    Raises
    ------
    FileNotFoundError
        When the chromium executable is missing (``make report`` installs it).
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print_pdf, html_path, pdf_path, title, timeout_s).result()


def _print_pdf(html_path: str | Path, pdf_path: str | Path, title: str,
               timeout_s: float) -> Path:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} not found: install Debian's chromium "
                                "(make sysdeps-browser)")
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                    headless=True)
        try:
            page = browser.new_page()
            page.goto(html_path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
            page.emulate_media(media="print")
            page.pdf(path=str(pdf_path), format="A4", print_background=True,
                     prefer_css_page_size=True, display_header_footer=True,
                     header_template=_HEADER.format(title=html.escape(title)),
                     footer_template=_FOOTER,
                     margin={"top": "18mm", "bottom": "20mm", "left": "18mm",
                             "right": "18mm"})
        finally:
            browser.close()
    return pdf_path


def page_count(pdf_path: str | Path) -> int:
    """The number of pages of a PDF written by chromium (its page objects, counted)."""
    data = Path(pdf_path).read_bytes()
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
