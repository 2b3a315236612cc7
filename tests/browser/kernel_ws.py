"""A bare Jupyter kernel websocket client (what any visitor of a public page can run).

Used by ``test_lockdown.py`` to talk to the kernel behind a Voila page directly, without the
page's JavaScript: send ``execute_request`` and friends, read the widget models, and set
widget values to whatever a hostile client likes. Both wire formats are supported: the
legacy JSON frames and the binary ``v1.kernel.websocket.jupyter.org`` subprotocol.
"""

from __future__ import annotations

import json
import re
import time
import uuid

import websocket  # websocket-client (a jupyter_server dependency)

V1 = "v1.kernel.websocket.jupyter.org"
KERNEL_ID_RE = re.compile(r'"kernelId":\s*"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                          r'[0-9a-f]{12})"')


def kernel_id_from_html(html: str) -> str:
    m = KERNEL_ID_RE.search(html)
    if m is None:
        raise AssertionError("no kernelId in the page")
    return m.group(1)


def _serialize_v1(msg: dict, channel: str) -> bytes:
    parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata",
                                                     "content")]
    chan = channel.encode()
    offsets = []
    n = 5  # channel + 4 parts (no buffers)
    pos = 8 * (n + 2)
    for blob in [chan] + parts:
        offsets.append(pos)
        pos += len(blob)
    offsets.append(pos)
    head = (len(offsets)).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little")
                                                           for o in offsets)
    return head + chan + b"".join(parts)


def _deserialize_v1(data: bytes) -> dict:
    count = int.from_bytes(data[:8], "little")
    offs = [int.from_bytes(data[8 * (i + 1): 8 * (i + 2)], "little") for i in range(count)]
    chunks = [data[offs[i]:offs[i + 1]] for i in range(len(offs) - 1)]
    channel = chunks[0].decode()
    header, parent, meta, content = (json.loads(c) for c in chunks[1:5])
    return {"channel": channel, "header": header, "parent_header": parent, "metadata": meta,
            "content": content, "msg_type": header.get("msg_type")}


def _deserialize_legacy(data: bytes) -> dict:
    """A legacy-protocol binary frame: a 4-byte big-endian count, the offsets, the JSON
    message, then its buffers (jupyter_server's ``serialize_binary_message``)."""
    count = int.from_bytes(data[:4], "big")
    if not 1 <= count <= 4096 or 4 * (count + 1) > len(data):
        raise ValueError(f"not a legacy binary frame (count {count})")
    offsets = [int.from_bytes(data[4 * (i + 1): 4 * (i + 2)], "big") for i in range(count)]
    msg = json.loads(data[offsets[0]: offsets[1] if count > 1 else None])
    msg["msg_type"] = msg.get("header", {}).get("msg_type")
    return msg


class KernelClient:
    """One websocket to ``/api/kernels/<id>/channels``; `recv_for` collects what comes back."""

    def __init__(self, base_url: str, kernel_id: str, v1: bool = False, timeout: float = 10):
        url = base_url.replace("http://", "ws://").rstrip("/")
        self.session = uuid.uuid4().hex
        self.v1 = v1
        self.ws = websocket.create_connection(
            f"{url}/api/kernels/{kernel_id}/channels?session_id={self.session}",
            timeout=timeout, subprotocols=[V1] if v1 else None)
        self.seen: list[dict] = []
        #: widget states as last reported by the kernel, ``{comm_id: state}``
        self.states: dict[str, dict] = {}

    def send(self, msg_type: str, content: dict, channel: str = "shell") -> str:
        msg_id = uuid.uuid4().hex
        msg = {"header": {"msg_id": msg_id, "msg_type": msg_type, "username": "visitor",
                          "session": self.session, "date": "", "version": "5.3"},
               "parent_header": {}, "metadata": {}, "content": content}
        if self.v1:
            self.ws.send_binary(_serialize_v1(msg, channel))
        else:
            self.ws.send(json.dumps({**msg, "channel": channel, "buffers": []}))
        return msg_id

    def recv_for(self, seconds: float, until=None) -> list[dict]:
        """Messages received within ``seconds`` (stop early once ``until(msg)`` is true)."""
        out = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.ws.settimeout(max(0.05, end - time.monotonic()))
            try:
                frame = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                break
            if isinstance(frame, bytes):
                msg = _deserialize_v1(frame) if self.v1 else _deserialize_legacy(frame)
            else:
                msg = json.loads(frame)
            msg.setdefault("msg_type", msg.get("header", {}).get("msg_type"))
            out.append(msg)
            self.seen.append(msg)
            data = msg.get("content", {}).get("data") or {}
            if msg["msg_type"] == "comm_msg" and data.get("method") in ("update", "echo_update"):
                self.states.setdefault(msg["content"]["comm_id"], {}).update(data["state"])
            if until is not None and until(msg):
                break
        return out

    def replies_to(self, msg_id: str, seconds: float) -> list[dict]:
        msgs = self.recv_for(seconds, until=lambda m: (
            m.get("parent_header", {}).get("msg_id") == msg_id
            and m["msg_type"].endswith("_reply")))
        return [m for m in msgs if m.get("parent_header", {}).get("msg_id") == msg_id]

    def alive(self, seconds: float = 20) -> bool:
        """The kernel answers a kernel_info_request."""
        mid = self.send("kernel_info_request", {})
        return any(m["msg_type"] == "kernel_info_reply" for m in self.replies_to(mid, seconds))

    def widget_models(self, seconds: float = 20) -> dict[str, dict]:
        """``{comm_id: state}`` of every widget model in the kernel (as a page would load them)."""
        mid = self.send("comm_info_request", {"target_name": "jupyter.widget"})
        reply = [m for m in self.replies_to(mid, seconds) if m["msg_type"] == "comm_info_reply"]
        assert reply, "no comm_info_reply"
        comms = list(reply[0]["content"]["comms"])
        for cid in comms:
            self.send("comm_msg", {"comm_id": cid, "data": {"method": "request_state"}})
        end = time.monotonic() + seconds
        while not set(comms) <= set(self.states) and time.monotonic() < end:
            self.recv_for(min(2.0, end - time.monotonic()))
        return {cid: self.states[cid] for cid in comms if cid in self.states}

    def set_state(self, comm_id: str, state: dict, wait: float = 0.0) -> str:
        """Set widget state as a page would; with ``wait``, until the kernel is idle again."""
        mid = self.send("comm_msg", {"comm_id": comm_id,
                                      "data": {"method": "update", "state": state,
                                               "buffer_paths": []}})
        if wait:
            self.recv_for(wait, until=lambda m: (
                m["msg_type"] == "status" and m["content"].get("execution_state") == "idle"
                and m.get("parent_header", {}).get("msg_id") == mid))
        return mid

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass


def by_dom_class(models: dict[str, dict], cls: str) -> str:
    """The comm id of the one model whose ``_dom_classes`` hold ``cls``."""
    hits = [cid for cid, st in models.items() if cls in (st.get("_dom_classes") or ())]
    assert len(hits) == 1, f"{len(hits)} models with class {cls!r}"
    return hits[0]
