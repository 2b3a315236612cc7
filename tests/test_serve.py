"""The hardened Voila websocket handler (izhi_widgets.serve): bounded header reading."""

from __future__ import annotations

import json
import random
import time

from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import (serialize_binary_message,
                                                             serialize_msg_to_ws_v1)

from izhi_widgets.serve import _header_of, harden_voila, read_header


def _message(msg_type: str, buffers: list[bytes]) -> dict:
    session = Session()
    msg = session.msg(msg_type, content={"data": {"method": "update"}})
    msg["channel"] = "iopub"
    msg["buffers"] = buffers
    return msg


def test_a_legacy_binary_frame_has_no_header_and_costs_nothing():
    frame = serialize_binary_message(_message("comm_msg", [b"\x89PNG" + b"\0" * 5000]))
    # Voila 0.5.13 reads these first 8 bytes as the v1 offset count: ~1e17 offsets
    assert int.from_bytes(frame[:8], "little") > 10 ** 15
    start = time.perf_counter()
    assert read_header(frame) is None
    assert time.perf_counter() - start < 0.05


def test_a_v1_frame_gives_its_header():
    msg = _message("execute_input", [b"buffer"])
    session = Session()
    parts = session.serialize(msg)[1:]  # drop the delimiter: [hmac, header, parent, meta, content]
    frame = serialize_msg_to_ws_v1(parts[1:] + msg["buffers"], "iopub")
    header = read_header(frame)
    assert header is not None and header["msg_type"] == "execute_input"
    assert header["msg_id"] == msg["header"]["msg_id"]


def test_random_bytes_never_raise_and_stay_bounded():
    rng = random.Random(0)
    for _ in range(2000):
        n = rng.choice([0, 3, 8, 16, 40, 200])
        blob = bytes(rng.getrandbits(8) for _ in range(n))
        if n >= 8 and rng.random() < 0.5:  # a plausible small count with garbage offsets
            blob = rng.randint(0, 10).to_bytes(8, "little") + blob[8:]
        assert read_header(blob) is None or isinstance(read_header(blob), dict)


def test_legacy_text_frames_are_read_so_execute_input_is_dropped_for_both_protocols():
    text = json.dumps({"header": {"msg_type": "execute_input"}, "content": {"code": "x"}})
    assert _header_of(text) == {"msg_type": "execute_input"}
    assert _header_of("not json") is None
    assert _header_of({"header": "odd"}) is None


def test_harden_installs_the_safe_handler_once():
    import voila.app

    first = harden_voila()
    assert voila.app.VoilaKernelWebsocketHandler is first
    second = harden_voila()  # idempotent: wraps Voila's original, not the previous wrapper
    assert second.__mro__[1] is first.__mro__[1]
