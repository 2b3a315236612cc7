"""JupyterHub for a class: every student gets a single-user server that opens on the app.

Run from the repository (or set IZHI_APP_DIR to where explorer.ipynb lives)::

    jupyterhub -f deploy/jupyterhub_config.py

* default URL: the Voila app, ``/user/<name>/voila/render/explorer.ipynb``; JupyterLab is
  a click away at ``/user/<name>/lab/tree/tutorial.ipynb`` (needs the ``lab`` extra);
* each student's server starts in their own directory, holding their own copy of
  ``explorer.ipynb``, ``tutorial.ipynb`` and ``voila.json`` (copied at spawn if missing);
* idle servers are stopped by ``jupyterhub-idle-culler`` (a hub service), idle kernels
  inside a server by the server's own kernel culling;
* the authenticator is JupyterHub's default (PAM: the machine's users) and the spawner
  ``LocalProcessSpawner``: set your own (an OAuth/LTI authenticator, KubeSpawner on
  Kubernetes, see deploy/README.md). The test (tests/hub/test_jupyterhub.py) runs this
  file with a dummy authenticator and the simple local spawner, on the loopback only.

Settings from the environment: IZHI_APP_DIR, IZHI_HUB_IP (127.0.0.1), IZHI_HUB_PORT
(8000), IZHI_HUB_IDLE (idle timeout of a student's server, s; 1800), IZHI_KERNEL_IDLE
(idle timeout of a kernel, s; 600).
"""

import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

APP_DIR = Path(os.environ.get("IZHI_APP_DIR", Path(__file__).resolve().parents[1]))
APP_FILES = ("explorer.ipynb", "tutorial.ipynb", "voila.json")
BIN = Path(sys.executable).parent
HUB_IDLE = int(os.environ.get("IZHI_HUB_IDLE", "1800"))
KERNEL_IDLE = int(os.environ.get("IZHI_KERNEL_IDLE", "600"))

c.JupyterHub.ip = os.environ.get("IZHI_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("IZHI_HUB_PORT", "8000"))

# ---- each student's server ------------------------------------------------------------
c.Spawner.default_url = "/voila/render/explorer.ipynb"
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.args = [
    # kernels of closed or idle pages go after KERNEL_IDLE seconds (checked every minute)
    f"--MappingKernelManager.cull_idle_timeout={KERNEL_IDLE}",
    "--MappingKernelManager.cull_interval=60",
    "--MappingKernelManager.cull_connected=False",
]
if os.environ.get("IZHI_HUB_ALLOW_ROOT") == "1":
    # only for the test on a machine where everything runs as root (never in a class)
    c.Spawner.args.append("--allow-root")
c.Spawner.environment = {
    # the app's package from this checkout when it is not installed
    "PYTHONPATH": str(APP_DIR),
    "MPLBACKEND": "module://ipympl.backend_nbagg",
}
c.Spawner.mem_limit = os.environ.get("IZHI_HUB_MEM", "1G")  # enforced by container spawners
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def copy_app(spawner):
    """Give the student their own copy of the notebooks (never overwrites their edits)."""
    home = getattr(spawner, "home_dir", None) or os.path.expanduser(f"~{spawner.user.name}")
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    for name in APP_FILES:
        if not (home / name).exists() and (APP_DIR / name).exists():
            shutil.copy(APP_DIR / name, home / name)


c.Spawner.pre_spawn_hook = copy_app

# ---- idle culling of whole servers ----------------------------------------------------
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={HUB_IDLE}",
                "--cull-every=60"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
