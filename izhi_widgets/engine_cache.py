"""Where compiled engines live, and the check that no one else can have written them.

`cache_dir` is ``$IZHI_CACHE_DIR``, else ``$XDG_CACHE_HOME/izhi_widgets`` (by default
``~/.cache/izhi_widgets``), created with mode 0700. A compiled engine is a program this
package executes, so `check_private_dir` refuses (``PermissionError``, naming the
directory and why) a directory that is not owned by the current user or is writable by
group or others; `izhi_widgets.engine` applies it to the cache root, its ``engines``
folder, each engine's directory and the object-file cache before building or running.

With a read-only home the cache falls back to ``<tmp>/izhi_widgets-<uid>``. That path is
in a shared directory where anyone could have created it first, so when it is not
private a fresh ``tempfile.mkdtemp()`` directory (0700 by construction) is used instead,
for this process only (its engines are then rebuilt per process), with a warning.

Examples
--------
>>> import os, stat, tempfile
>>> from pathlib import Path
>>> from izhi_widgets.engine_cache import check_private_dir
>>> shared = Path(tempfile.mkdtemp())
>>> shared.chmod(0o777)
>>> check_private_dir(shared)
Traceback (most recent call last):
...
PermissionError: refusing to run compiled engines from ...: it is writable by group or others (mode 0777); fix it with: chmod go-w ...
>>> shared.chmod(0o700); check_private_dir(shared); shared.rmdir()
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile
import warnings
from pathlib import Path

__all__ = ["cache_dir", "check_private_dir"]


def check_private_dir(path: Path) -> None:
    """Refuse a directory a binary may not be run from.

    ``path`` must be a directory owned by the current user and not writable by group or
    others (otherwise someone else could have put, or could swap in, a binary of their
    own). Symbolic links are followed: the directory they lead to is checked.

    Raises
    ------
    PermissionError
        Naming the directory and why it is refused.
    """
    try:
        info = os.stat(path)
    except OSError as err:
        raise PermissionError(f"engine cache directory {path} cannot be checked: {err}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise PermissionError(f"engine cache directory {path} is not a directory")
    if info.st_uid != os.getuid():
        raise PermissionError(f"refusing to run compiled engines from {path}: it is owned by "
                              f"uid {info.st_uid}, not by the current user (uid {os.getuid()})")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise PermissionError(f"refusing to run compiled engines from {path}: it is writable "
                              f"by group or others (mode {stat.S_IMODE(info.st_mode):04o}); "
                              f"fix it with: chmod go-w {path}")


def _private_dir(path: Path) -> Path:
    """``path`` created with mode 0700 if missing (parents too), checked, resolved."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    real = path.resolve()
    check_private_dir(real)
    return real


_SESSION_DIR: list[Path] = []


def _session_dir() -> Path:
    """A fresh private directory for this process (``mkdtemp`` makes it 0700), removed at exit."""
    if not _SESSION_DIR:
        path = Path(tempfile.mkdtemp(prefix="izhi_widgets-"))
        atexit.register(shutil.rmtree, path, ignore_errors=True)
        _SESSION_DIR.append(path)
    return _SESSION_DIR[0]


def cache_dir() -> Path:
    """Where compiled engines live (created with mode 0700, checked by `check_private_dir`).

    1. ``$IZHI_CACHE_DIR`` when set; an unsafe one raises ``PermissionError``.
    2. Else ``$XDG_CACHE_HOME/izhi_widgets`` (default ``~/.cache/izhi_widgets``); an unsafe
       one raises ``PermissionError`` (fix its owner or mode: the message says how).
    3. Else (a read-only home, as on some hosts) ``<tmp>/izhi_widgets-<uid>``. That path is
       in a shared directory, so anyone could create it first: when it is not ours and
       private, a fresh ``tempfile.mkdtemp()`` directory is used instead (private by
       construction, kept for this process only, so engines are rebuilt per process).
    """
    explicit = os.environ.get("IZHI_CACHE_DIR")
    if explicit:
        return _private_dir(Path(explicit))
    home_cache = Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"))
    root = home_cache / "izhi_widgets"
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        usable = os.access(root, os.W_OK)
    except OSError:
        usable = False
    if usable:
        return _private_dir(root)
    shared = Path(tempfile.gettempdir()) / f"izhi_widgets-{os.getuid()}"
    try:
        return _private_dir(shared)
    except OSError as err:  # PermissionError included: someone else's, or not private
        warnings.warn(f"not using {shared} for compiled engines ({err}); using a private "
                      f"directory for this process instead", RuntimeWarning, stacklevel=2)
        return _session_dir()
