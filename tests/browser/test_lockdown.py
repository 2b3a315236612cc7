"""A public page lets a visitor do only what the panel offers (issue 11, part 3).

Against the running app (the session's Voila server, configured by ``voila.json``):

* the file and API URLs a visitor could guess (the notebook, the package's ``.py`` files,
  the engine cache, the contents/kernels/sessions APIs, templates, path traversal in several
  encodings) answer with an error and leak no source;
* a client that opens the kernel's websocket itself and sends ``execute_request`` (or any
  other message the page never sends: debug, inspect, complete, history, stdin) gets nothing
  run, over both wire protocols; the page's own messages (kernel_info, comm_*) still work;
* widget values as they arrive from a client (set over the comm, bypassing the page's
  JavaScript): out of range, huge, NaN, very long strings, wrong types, markup: the panel
  names the problem, the kernel stays alive, the app keeps working, nothing is executed and
  no markup is injected into the page.
"""

from __future__ import annotations

import http.client
import os
import time
from urllib.parse import quote, urlparse

import pytest
import requests

from kernel_ws import KernelClient, by_dom_class, kernel_id_from_html
from voila_harness import ROOT

from izhi_widgets.engine import cache_dir

#: Text that appears in the notebook's code cell, the package source or the engine cache and
#: must never be sent to a visitor.
SECRETS = ("Explorer.from_environment", "from izhi_widgets", "%matplotlib widget",
           "def check_private_dir", "def read_query", '"cell_type"', "import brian2",
           "Traceback", '"binary":', str(ROOT))


def _cache_paths() -> list[str]:
    cache = cache_dir()
    engines = sorted((cache / "engines").glob("*/manifest.json"))[:1]
    out = [str(cache), str(cache / "engines")]
    out += [str(p) for p in engines]
    return out


GUESSES = [
    "/explorer.ipynb", "/tutorial.ipynb", "/pyproject.toml", "/voila.json",
    "/files/explorer.ipynb", "/files/izhi_widgets/app/state.py",
    "/api/contents", "/api/contents/explorer.ipynb", "/api/kernels", "/api/sessions",
    "/api/kernelspecs", "/api/terminals", "/api/config", "/tree", "/lab", "/notebooks/explorer.ipynb",
    "/voila/render/explorer.ipynb", "/voila/tree", "/voila/api/contents",
    "/voila/api/contents/explorer.ipynb",
    "/voila/files/explorer.ipynb", "/voila/files/tutorial.ipynb",
    "/voila/files/izhi_widgets/__init__.py", "/voila/files/izhi_widgets/app/state.py",
    "/voila/files/izhi_widgets/data/presets.json", "/voila/files/pyproject.toml",
    "/voila/files/voila.json", "/voila/files/.git/config", "/voila/files/report/figures/app.png",
    "/voila/files/../explorer.ipynb", "/voila/files/%2e%2e/explorer.ipynb",
    "/voila/files/..%2fexplorer.ipynb", "/voila/files/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/voila/files//etc/passwd", "/voila/files/%2fetc%2fpasswd",
    "/static/../explorer.ipynb", "/voila/static/../../explorer.ipynb",
    "/voila/static/%2e%2e/%2e%2e/explorer.ipynb", "/voila/static/..%2f..%2fexplorer.ipynb",
    "/voila/templates/../explorer.ipynb", "/voila/templates/lab/../../../explorer.ipynb",
    "/voila/templates/lab/index.html.j2", "/voila/templates/lab/static/..%2f..%2fconf.json",
    "/voila/templates/lab/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fexplorer.ipynb",
    "/voila/labextensions/../../explorer.ipynb",
    "/voila/labextensions/%2e%2e/%2e%2e/%2e%2e/explorer.ipynb",
    "/api/kernels/00000000-0000-0000-0000-000000000000",
    "/api/kernels/00000000-0000-0000-0000-000000000000/channels",
    "/voila/api/shutdown/00000000-0000-0000-0000-000000000000",
]
GUESSES += ["/voila/files" + quote(p) for p in _cache_paths()]
GUESSES += ["/voila/files/" + quote(p, safe="") for p in _cache_paths()[:1]]


def _get_raw(base: str, path: str, hops: int = 5) -> tuple[int, str, list[str]]:
    """GET ``path`` exactly as written (no client-side normalisation of ``..`` or ``%2e``),
    following redirects by hand; returns (final status, body, the chain of locations)."""
    u = urlparse(base)
    chain = [path]
    for _ in range(hops):
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        conn.close()
        location = resp.getheader("Location")
        if resp.status in (301, 302, 303, 307, 308) and location:
            path = urlparse(location).path or "/"
            chain.append(path)
            continue
        return resp.status, body, chain
    raise AssertionError(f"redirect loop: {chain}")


@pytest.mark.parametrize("path", GUESSES)
def test_a_guessed_url_gets_an_error_and_no_source(voila_server, path):
    status, body, chain = _get_raw(voila_server.url, path)
    assert status in (400, 403, 404, 405, 500), (status, chain)
    leaked = [s for s in SECRETS if s in body]
    assert not leaked, f"{chain} leaked {leaked}"


def test_the_static_files_the_page_needs_are_still_served(voila_server):
    """The lock-down must not break the page itself (a control for the test above)."""
    status, body, _ = _get_raw(voila_server.url, "/voila/templates/lab/static/voila.js")
    assert status == 200 and "_JUPYTERLAB" in body


@pytest.fixture(scope="module")
def page_kernel(voila_server):
    """One app page fetched over plain HTTP (the notebook runs, the kernel stays) and its id."""
    r = requests.get(voila_server.url, timeout=120)
    assert r.status_code == 200
    return r.text, kernel_id_from_html(r.text)


def test_the_app_page_carries_no_source(page_kernel):
    html, _ = page_kernel
    leaked = [s for s in SECRETS if s in html]
    assert not leaked, f"the page leaked {leaked}"


# Messages a page never sends; each one could run or reveal code if the kernel got it.
def _hostile_messages(marker: str) -> list[tuple[str, str, dict]]:
    code = f"open({marker!r}, 'w').write('ran')"
    return [
        ("shell", "execute_request", {"code": code, "silent": False, "store_history": True,
                                      "user_expressions": {"x": code}, "allow_stdin": False,
                                      "stop_on_error": True}),
        ("shell", "execute_request", {"code": code, "silent": True, "store_history": False,
                                      "user_expressions": {}, "allow_stdin": False}),
        ("shell", "inspect_request", {"code": "Explorer", "cursor_pos": 3, "detail_level": 1}),
        ("shell", "complete_request", {"code": "import o", "cursor_pos": 8}),
        ("shell", "history_request", {"output": True, "raw": True, "hist_access_type": "tail",
                                      "n": 10}),
        ("shell", "is_complete_request", {"code": code}),
        ("control", "debug_request", {"command": "evaluate", "seq": 1, "type": "request",
                                      "arguments": {"expression": code}}),
        ("control", "execute_request", {"code": code, "silent": False}),
        ("control", "interrupt_request", {}),
        ("stdin", "input_reply", {"value": code}),
    ]


@pytest.mark.parametrize("v1", [False, True], ids=["json-protocol", "v1-binary-protocol"])
def test_a_websocket_client_cannot_run_code(voila_server, page_kernel, tmp_path, v1):
    _, kernel_id = page_kernel
    marker = tmp_path / "executed"
    client = KernelClient(voila_server.url, kernel_id, v1=v1)
    try:
        assert client.alive(), "control: the kernel must answer kernel_info_request"
        sent = [client.send(t, c, channel=ch) for ch, t, c in _hostile_messages(str(marker))]
        got = client.recv_for(6.0)
        answered = [m["msg_type"] for m in got
                    if m.get("parent_header", {}).get("msg_id") in sent]
        # a "busy/idle" status pair would mean the kernel handled the message
        assert answered == [], f"the kernel handled hostile messages: {answered}"
        assert not marker.exists(), "code sent over the websocket was executed"
        assert client.alive(), "the kernel must still answer afterwards"
    finally:
        client.close()
    assert not marker.exists()


def test_an_unknown_kernel_id_has_no_websocket(voila_server):
    with pytest.raises(Exception):
        KernelClient(voila_server.url, "00000000-0000-0000-0000-000000000000").close()


# ------------------------------------------------------------------------------------------
# Widget values as a hostile client sends them (bypassing the page's JavaScript)
# ------------------------------------------------------------------------------------------

XSS = "<img src=x onerror=\"window.__izhiPwned=1\">"
SHELL = "$(touch /tmp/izhi-pwned); __import__('os').system('touch /tmp/izhi-pwned')"
LONG = "9" * 200_000

#: (dom class, state to set) — values no honest page sends, each one refused (by traitlets
#: or by the panel's parsing). Accepted values are fuzzed in-process
#: (tests/app/test_hostile_widget_values.py) and typed in a real page below; a redraw caused
#: over a bare websocket is the stall test at the end (it once hung Voila's server).
HOSTILE_VALUES = [
    ("izhi-a-box", {"value": "nan"}), ("izhi-a-box", {"value": "1e308"}),
    ("izhi-b-box", {"value": "-inf"}), ("izhi-c-box", {"value": LONG}),
    ("izhi-d-box", {"value": XSS}), ("izhi-a-box", {"value": SHELL}),
    ("izhi-duration", {"value": "1e9"}), ("izhi-dt", {"value": "0"}),
    ("izhi-dt", {"value": "1e-300"}), ("izhi-v0", {"value": "x" * 100_000}),
    ("izhi-u0", {"value": ["list"]}), ("izhi-k1", {"value": {"dict": 1}}),
    ("izhi-k0", {"value": None}), ("izhi-stim-amplitude", {"value": SHELL}),
    ("izhi-c", {"value": LONG}), ("izhi-d", {"value": [1, 2]}), ("izhi-b", {"value": {}}),
    ("izhi-preset", {"index": 10 ** 9}), ("izhi-preset", {"index": -3}),
    ("izhi-preset", {"index": "A; rm -rf /"}), ("izhi-numerics", {"index": 99}),
    ("izhi-recovery", {"index": -1}), ("izhi-stim-shape", {"index": 10 ** 6}),
    ("izhi-tabs", {"selected_index": 10 ** 6}),
    ("izhi-page-info", {"value": LONG}), ("izhi-page-info", {"value": "{" * 50_000}),
    ("izhi-page-info", {"value": "{\"width\": \"__import__('os')\"}"}),
    ("izhi-kick-dv", {"value": "1e308"}), ("izhi-map-x-n", {"value": "100000000"}),
    ("izhi-map-y-n", {"value": "-5"}), ("izhi-map-x-lo", {"value": XSS}),
    ("izhi-dt", {"value": "0.25"}),  # honest, and unchanged: no run, but the message clears
]


def _run_number(client: KernelClient, status_id: str) -> int:
    import re
    m = re.search(r"run\s*#\s*(\d+)", client.states[status_id].get("value", ""))
    return int(m.group(1)) if m else -1


def test_hostile_widget_values_are_refused_and_the_app_keeps_working(voila_server):
    """Over the page's own kernel websocket (a fresh page's kernel), as a modified page
    would: every hostile value leaves the kernel alive, the panel names a problem briefly
    and escaped, nothing runs, and an honest value afterwards reruns the model."""
    html = requests.get(voila_server.url, timeout=120).text
    client = KernelClient(voila_server.url, kernel_id_from_html(html))
    try:
        models = client.widget_models()
        assert len(models) > 50
        status, message = by_dom_class(models, "izhi-status"), by_dom_class(models, "izhi-message")
        assert _run_number(client, status) >= 1
        shown = []
        for cls, state in HOSTILE_VALUES:
            client.set_state(by_dom_class(models, cls), state, wait=30)
            assert client.alive(), f"the kernel died after {cls} = {str(state)[:60]}"
            shown.append(client.states[message].get("value", ""))
        named = [m for m in shown if m]
        assert len(named) >= len(HOSTILE_VALUES) // 3, "the panel must name the problems"
        assert "izhi-error" in shown[0] and "nan" in shown[0]
        for text in shown:
            assert len(text) < 2000, text[:300]  # no huge echo of what was sent
        # markup arrives escaped in every HTML the kernel sends back, hostile text never
        # reaches the generated code, and nothing was executed
        for cid, st in client.states.items():
            value = st.get("value")
            if isinstance(value, str) and st.get("_model_name", models.get(cid, {}).get(
                    "_model_name")) == "HTMLModel":
                assert "<img src=x" not in value, value[:300]
        code = client.states[by_dom_class(models, "izhi-code-output")].get("value", "")
        for bad in (SHELL, "izhi-pwned", "rm -rf", "__import__"):
            assert bad not in code
        assert not os.path.exists("/tmp/izhi-pwned")
        assert client.alive()
    finally:
        client.close()


def test_hostile_text_typed_in_the_page_is_named_and_escaped(open_app):
    app = open_app()
    for cls, text in (("izhi-a-box", XSS), ("izhi-dt", SHELL), ("izhi-v0", "1" * 5000)):
        app.set_field(cls, text)
        app.wait_error()
        assert len(app.message()) < 1000
    assert app.page.evaluate("() => window.__izhiPwned === undefined"), "markup was injected"
    assert not os.path.exists("/tmp/izhi-pwned")
    before = app.snapshot()
    for cls, text in (("izhi-dt", "0.25"), ("izhi-v0", "-70"), ("izhi-a-box", "0.03")):
        app.set_field(cls, text)
    app.wait_update(before, what="honest values after hostile ones")


def test_a_share_link_with_markup_and_shell_text_is_named_not_run(open_app):
    query = "preset=C&a=" + quote(XSS) + "&d=" + quote(SHELL) + "&stim=" + quote(
        '{"kind": "' + XSS + '"}') + "&numerics=" + quote("$(reboot)")
    app = open_app(query)
    message = app.message()
    assert message, "the invalid fields must be named"
    assert app.page.evaluate("() => window.__izhiPwned === undefined"), "markup was injected"
    assert not os.path.exists("/tmp/izhi-pwned")
    assert app.selected_preset_key() == "C"


def test_an_oversized_query_string_is_refused_with_a_message(open_app):
    app = open_app("preset=B&a=" + "1" * 6000)
    assert "longer than" in app.message()
    assert app.selected_preset_key() == "A"


@pytest.mark.parametrize("v1", [False, True], ids=["legacy", "v1"])
def test_a_websocket_client_that_makes_the_figure_redraw_cannot_stall_the_server(
        voila_server, v1):
    """An honest value over a bare websocket makes the kernel rerun and ipympl send its image
    as a binary buffer. Voila 0.5.13's own handler read a legacy frame's first bytes as a
    count of ~1e17 offsets and stalled the server, growing without bound (izhi_widgets.serve):
    the server must keep answering, the kernel must answer, and the server must stay small."""
    html = requests.get(voila_server.url, timeout=120).text
    client = KernelClient(voila_server.url, kernel_id_from_html(html), v1=v1)
    try:
        models = client.widget_models()
        status = by_dom_class(models, "izhi-status")
        before = _run_number(client, status)
        client.set_state(by_dom_class(models, "izhi-a-box"), {"value": "0.03"}, wait=60)
        assert client.alive(30), "the kernel (or the server relaying it) stopped answering"
        assert _run_number(client, status) > before
        assert requests.get(voila_server.url + "voila/templates/lab/static/voila.js", timeout=30).ok
        rss_kb = int(open(f"/proc/{voila_server.proc.pid}/status").read()
                     .split("VmRSS:")[1].split()[0])
        assert rss_kb < 1_000_000, f"the Voila server holds {rss_kb // 1024} MB"
    finally:
        client.close()
