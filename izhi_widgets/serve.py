"""Serve the explorer with Voila, with its kernel websocket made safe for public pages.

``python -m izhi_widgets.serve explorer.ipynb [voila options]`` is ``voila`` with one
change, `harden_voila`, which `make app` (and class mode) always applies.

Why: Voila 0.5.13 (``voila/tornado/kernel_websocket_handler.py``) reads the header of
every binary message it sends to a page as if the page used the
``v1.kernel.websocket.jupyter.org`` protocol: an 8-byte little-endian count, then that
many offsets. A client that opens the kernel websocket *without* that subprotocol (any
visitor can: the kernel id is in the page) gets binary messages in the legacy layout,
which begins with a 4-byte big-endian count. Read as the v1 count, those bytes are a
number near 10**17, and the server's event loop builds a list of that many offsets: it
stops answering every page and grows by gigabytes a minute until the machine runs out of
memory (seen here: 15 GB within 25 minutes, from one ipympl redraw). `read_header`
checks the layout before it trusts a count, and the hardened handler also reads the
header of the legacy protocol's JSON text frames, so Voila's filter of ``execute_input``
messages (which would show the notebook's source) holds for both protocols.

Examples
--------
>>> legacy = (1).to_bytes(4, "big") + (8).to_bytes(4, "big") + b'{"header": {}}'
>>> read_header(legacy) is None      # not a v1 frame: no header, and no runaway count
True
"""

from __future__ import annotations

import json
import sys
from typing import Any

__all__ = ["read_header", "harden_voila", "main"]

#: A v1 frame has a channel, four JSON parts and its buffers; more offsets than this is not
#: a frame the kernel sends (ipympl and widgets send one or two buffers).
MAX_V1_OFFSETS = 4096


def read_header(ws_msg: bytes) -> dict | None:
    """The header of a v1 binary frame, or None when ``ws_msg`` is not a well-formed one.

    The count is trusted only when its offsets fit in the message and increase, so the
    work done is bounded by the message's own length whatever its first bytes say.
    """
    if len(ws_msg) < 8:
        return None
    count = int.from_bytes(ws_msg[:8], "little")
    if not 3 <= count <= MAX_V1_OFFSETS or 8 * (count + 1) > len(ws_msg):
        return None
    offsets = [int.from_bytes(ws_msg[8 * (i + 1): 8 * (i + 2)], "little") for i in range(count)]
    if any(b < a for a, b in zip(offsets, offsets[1:])) or offsets[-1] > len(ws_msg):
        return None
    try:
        header = json.loads(ws_msg[offsets[1]:offsets[2]].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return header if isinstance(header, dict) else None


def _header_of(message: Any) -> dict | None:
    if isinstance(message, bytes):
        return read_header(message)
    if isinstance(message, dict):
        header = message.get("header")
    elif isinstance(message, str):  # the legacy protocol's JSON text frame
        try:
            header = json.loads(message).get("header")
        except (ValueError, AttributeError):
            return None
    else:
        return None
    return header if isinstance(header, dict) else None


def harden_voila() -> type:
    """Make Voila's app serve kernel websockets through the safe handler; return its class.

    Call before ``voila.app.main()`` (Voila looks the handler up when it builds its routes).
    """
    import voila.app
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    base = getattr(voila.app, "_izhi_original_ws_handler", VoilaKernelWebsocketHandler)

    class SafeKernelWebsocketHandler(base):  # type: ignore[misc, valid-type]
        """Voila's handler without its unbounded header reader (see the module docstring)."""

        def write_message(self, message, binary: bool = False):
            header = _header_of(message)
            if header and header.get("msg_type") == "execute_input":
                return None  # as Voila does: a page never sees the notebook's source
            # Skip Voila's own write_message (its reader is the unsafe one).
            return super(base, self).write_message(message, binary)

    voila.app._izhi_original_ws_handler = base
    voila.app.VoilaKernelWebsocketHandler = SafeKernelWebsocketHandler
    return SafeKernelWebsocketHandler


def main(argv: list[str] | None = None) -> int:
    """``voila`` with `harden_voila` applied; ``argv`` are Voila's own arguments."""
    import voila.app

    harden_voila()
    sys.argv = ["voila", *(sys.argv[1:] if argv is None else argv)]
    voila.app.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
