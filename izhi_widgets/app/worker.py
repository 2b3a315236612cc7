"""A view's long computation in a worker thread: Run and Cancel, progress, a status line.

The Network and Pattern map tabs share this lifecycle. A view that mixes `WorkerRun` in
builds ``run_button``, ``cancel_button``, ``progress`` and ``status`` widgets and gives:

* ``settings()``: what to compute, from its controls (a `ValueError` names the field);
* ``_compute(settings)``: the work, calling ``self._progress`` and watching ``self._cancel``;
* ``_finish(result)``: keep and draw the result, return the status line (HTML).
"""

from __future__ import annotations

import html
import logging
import threading

__all__ = ["WorkerRun"]

_LOG = logging.getLogger(__name__)


class WorkerRun:
    """Mixin: run ``_compute`` off the kernel's main thread so the page stays responsive."""

    #: the exception ``_compute`` raises when Cancel was pressed
    cancelled: type[Exception] = Exception
    busy_text = "computing…"
    failure_text = "The run failed"

    def _init_worker(self) -> None:
        self.runs = 0
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()

    def settings(self) -> dict:
        raise NotImplementedError

    def _compute(self, settings: dict):
        raise NotImplementedError

    def _finish(self, result) -> str:
        raise NotImplementedError

    def start(self, wait: bool = False) -> None:
        """Start the work in a worker thread (``wait``: join it, for tests and scripts)."""
        if self._thread is not None and self._thread.is_alive():
            return
        try:
            settings = self.settings()
        except ValueError as exc:
            self.status.value = f"<span class='izhi-error'>{html.escape(str(exc))}</span>"
            return
        self._cancel.clear()
        self.run_button.disabled, self.cancel_button.disabled = True, False
        self.progress.value = 0.0
        self.status.value = self.busy_text
        self._thread = threading.Thread(target=self._work, args=(settings,), daemon=True)
        self._thread.start()
        if wait:
            self._thread.join()

    def _work(self, settings: dict) -> None:
        try:
            result = self._compute(settings)
        except self.cancelled:
            self.status.value = "<span class='izhi-warn'>Cancelled.</span>"
        except ValueError as exc:
            self.status.value = f"<span class='izhi-error'>{html.escape(str(exc))}</span>"
        except Exception as exc:  # a worker must report, never die silently
            _LOG.warning("%s: %s", type(self).__name__, self.failure_text, exc_info=True)
            self.status.value = (f"<span class='izhi-error'>{self.failure_text} "
                                 f"({html.escape(type(exc).__name__)}: "
                                 f"{html.escape(str(exc)[:400])})</span>")
        else:
            self.runs += 1
            self.status.value = self._finish(result)
        finally:
            self.progress.value = 1.0
            self.run_button.disabled, self.cancel_button.disabled = False, True

    def _progress(self, fraction: float, text: str) -> None:
        self.progress.value = float(fraction)
        self.status.value = html.escape(text)
