"""Class mode: serve the explorer to a class from one machine (``make app CLASS=1``).

``python -m izhi_widgets.classroom [--students N] [--pool P] [--memory-mb M]
[--host H] [--port N]`` runs Voila on ``explorer.ipynb`` (with ``voila.json``) plus:

* a **pool of P preheated kernels** (Voila's ``--preheat_kernel --pool_size``): each has
  already run the notebook up to the point where it waits for its page's address, so an
  arriving student does not wait for a kernel start; a used kernel is replaced
  ``--refill-delay`` seconds later (60), so that replacements do not compete with a burst
  of arriving pages for the cores;
* a **cap of N students** (kernels handed to pages; the pool comes on top): the N+1st
  visitor gets a short "the class is full, retry in a minute" page (HTTP 503, which
  reloads itself after a minute) instead of a kernel that would push the machine into
  swap or the OOM killer;
* **seats freed**: a closed tab's kernel is shut down once its page's websocket has been
  gone for ``--grace`` seconds (30; a reload or a closed tab never returns to a Voila
  kernel, a network blip does) -- Voila 0.5.13's own shutdown beacon is refused by its
  XSRF check (no ``_xsrf`` cookie is set on the page); plus **idle culling** from
  ``voila.json`` (kernels idle for 5 minutes without a page, checked every minute) and
  kernels stuck busy that long (``cull_busy``: no panel run takes minutes);
* a **memory limit per kernel** of M MB: the kernel's address space is capped with
  ``RLIMIT_AS`` (a backstop) and the panel refuses, with a message, a run whose
  estimated memory would not fit (see `izhi_widgets.app.memory`).

The cap is a subclass of the kernel manager Voila builds (so it also covers kernels
started when the pool is empty); the full page is a ``503.html`` template found through
``JUPYTER_PATH`` (``izhi_widgets/data/templates``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

__all__ = ["FULL_REASON", "main", "capped_factory"]

#: The reason phrase of the 503 answer (ASCII: it goes into the HTTP status line).
FULL_REASON = "The class is full - please retry in a minute"
#: Where the full page template lives (a directory of the Jupyter data path).
TEMPLATES = Path(__file__).resolve().parent / "data" / "jupyter"


def capped_factory(original):
    """Wrap Voila's ``voila_kernel_manager_factory`` so its class refuses the N+1st student."""

    def factory(base_class, preheat_kernel, default_pool_size, page_config_hook=None):
        import asyncio

        from tornado.web import HTTPError
        from traitlets import Float, Int

        manager_class = original(base_class, preheat_kernel, default_pool_size,
                                 page_config_hook=page_config_hook)

        class ClassroomKernelManager(manager_class):
            """Voila's kernel manager with a cap on the kernels handed to pages."""

            max_students = Int(0, config=True,
                               help="Most kernels in use by pages at once (0: no cap); "
                                    "the preheated pool comes on top.")

            disconnect_grace = Float(30.0, config=True,
                                     help="Seconds a page's kernel is kept after its last "
                                          "websocket closed (a reload or a closed tab never "
                                          "comes back to it; a network blip does).")

            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self._students: set[str] = set()
                self._leaving: dict[str, asyncio.TimerHandle] = {}

            # A closed tab: Voila 0.5.13's shutdown beacon is refused by its own XSRF
            # check, so free the seat when the page's last websocket has been gone for
            # `disconnect_grace` seconds (jupyter_server starts buffering at that moment).
            def start_buffering(self, kernel_id, session_key, channels):
                super().start_buffering(kernel_id, session_key, channels)
                if kernel_id in self._students and self.disconnect_grace >= 0:
                    self._cancel_leave(kernel_id)
                    loop = asyncio.get_event_loop()
                    self._leaving[kernel_id] = loop.call_later(
                        self.disconnect_grace,
                        lambda: asyncio.ensure_future(self._leave(kernel_id)))

            def stop_buffering(self, kernel_id):
                self._cancel_leave(kernel_id)
                super().stop_buffering(kernel_id)

            async def shutdown_kernel(self, kernel_id, *args, **kwargs):
                self._students.discard(kernel_id)  # the seat is free from now on
                self._cancel_leave(kernel_id)
                return await super().shutdown_kernel(kernel_id, *args, **kwargs)

            def _cancel_leave(self, kernel_id):
                handle = self._leaving.pop(kernel_id, None)
                if handle is not None:
                    handle.cancel()

            async def _leave(self, kernel_id):
                self._leaving.pop(kernel_id, None)
                kernel = self._kernels.get(kernel_id)
                if kernel_id not in self._students or kernel is None:
                    return
                if self._kernel_connections.get(kernel_id, 0) > 0:
                    return  # a page came back
                self.log.info("page gone for %.0f s: shutting down kernel %s",
                              self.disconnect_grace, kernel_id)
                self._students.discard(kernel_id)
                await self.shutdown_kernel(kernel_id)

            def students(self) -> int:
                live = set(self.list_kernel_ids())
                self._students &= live
                return len(self._students)

            def _refuse_if_full(self) -> None:
                if self.max_students and self.students() >= self.max_students:
                    self.log.warning("class full: %d kernels in use, refusing a page",
                                     self.students())
                    raise HTTPError(503, reason=FULL_REASON)

            async def get_rendered_notebook(self, *args, **kwargs):
                self._refuse_if_full()
                result = await super().get_rendered_notebook(*args, **kwargs)
                self._students.add(result[2])
                return result

            async def start_kernel(self, *args, **kwargs):
                env = kwargs.get("env") or {}
                for_a_page = env.get("VOILA_PREHEAT", "False") != "True"
                if for_a_page:
                    self._refuse_if_full()
                kernel_id = await super().start_kernel(*args, **kwargs)
                if for_a_page:
                    self._students.add(kernel_id)
                return kernel_id

        return ClassroomKernelManager

    return factory


def build_argv(args: argparse.Namespace) -> list[str]:
    argv = [args.notebook, "--no-browser", f"--Voila.ip={args.host}", f"--port={args.port}",
            "--Voila.port_retries=0",
            f"--ClassroomKernelManager.max_students={args.students}",
            f"--ClassroomKernelManager.disconnect_grace={args.grace}",
            # refill the pool only once a burst of arrivals is served: a kernel starting
            # takes a core for seconds, which the arriving pages need
            f"--ClassroomKernelManager.fill_delay={args.refill_delay}",
            # connected or not, idle kernels go after cull_idle_timeout (voila.json); a
            # kernel busy that long is stuck (no panel run takes minutes) and goes too
            "--MappingKernelManager.cull_busy=True"]
    if args.pool > 0:
        argv += ["--preheat_kernel=True", f"--pool_size={args.pool}"]
    return argv


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m izhi_widgets.classroom",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("notebook", nargs="?", default="explorer.ipynb")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8866)
    ap.add_argument("--students", type=int, default=40,
                    help="most pages served at once; the next one gets 'the class is full'")
    ap.add_argument("--pool", type=int, default=8, help="preheated kernels kept ready")
    ap.add_argument("--refill-delay", type=float, default=60.0,
                    help="seconds before a used pool kernel is replaced")
    ap.add_argument("--grace", type=float, default=30.0,
                    help="seconds a closed page's kernel is kept before its seat is freed")
    ap.add_argument("--memory-mb", type=int, default=1024,
                    help="memory limit per kernel (MB); 0 for none")
    args = ap.parse_args(argv)
    if args.students < 0 or args.pool < 0 or args.memory_mb < 0:
        ap.error("--students, --pool and --memory-mb must be >= 0")

    # Kernels inherit the environment (both the pool and kernels started for a page).
    if args.memory_mb:
        os.environ["IZHI_KERNEL_MEMORY_MB"] = str(args.memory_mb)
        # glibc reserves 64 MB of address space per thread arena: keep RLIMIT_AS for data
        os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(TEMPLATES)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p])

    import voila.app

    from .serve import harden_voila

    harden_voila()
    voila.app.voila_kernel_manager_factory = capped_factory(
        voila.app.voila_kernel_manager_factory)
    sys.argv = ["voila"] + build_argv(args)
    voila.app.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
