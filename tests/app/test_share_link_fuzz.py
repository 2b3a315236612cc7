"""The share-link decoder, fuzzed (issue 11, part 3): a link is text from anyone.

Whatever the query string, `read_query` returns a valid state and short problem texts,
never raises, never evaluates anything (``eval``/``exec``/``compile``, ``os.system`` and
``subprocess`` are made to fail while it runs), and no text from the link reaches the
script the Code tab generates: only numbers and the fixed vocabulary (presets, numerics,
stimulus kinds) get through.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import os
import subprocess
from urllib.parse import quote, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from izhi_widgets.app.exports import script_text
from izhi_widgets.app.state import (MAX_QUERY_CHARS, QUERY_KEYS, decode_state, encode_state,
                                    read_query)

MARK = "ZqXpwn"  # a token that must never reach the generated script
HOSTILE = [f"__import__('os').system('{MARK}')", f"$({MARK})", f"`{MARK}`",
           f"<img src=x onerror={MARK}>", f"1;{MARK}", f"{MARK}\n", "nan", "inf", "-1e309",
           "1e-400", "0x1p3", "1_0", "１", "", " ", "\x00", "%00", "%", "&&", "==",
           '{"kind": "' + MARK + '"}', '{"kind": "constant", "amplitude": "' + MARK + '"}',
           '{"kind": "constant", "amplitude": 1e999}', '{"shape": "' + MARK + '"}',
           "[" * 5000, '{"a":' * 3000, "1:" + MARK, "50:5," * 100]

keys = st.one_of(st.sampled_from(QUERY_KEYS), st.text(max_size=20), st.just(MARK))
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200),
                   st.floats(allow_nan=True, allow_infinity=True).map(repr),
                   st.sampled_from(["A", "B", "C", "P", "RS", "FS", "published", "rk4",
                                    "euler", "standard", "accommodation", "rest"]))


@contextlib.contextmanager
def nothing_is_evaluated_or_spawned():
    """eval/exec/compile, os.system and subprocess fail while the decoder runs."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"called with {str(args)[:80]}")
    saved = [(builtins, n, getattr(builtins, n)) for n in ("eval", "exec", "compile")]
    saved += [(os, "system", os.system), (subprocess, "Popen", subprocess.Popen),
              (subprocess, "run", subprocess.run)]
    for mod, name, _ in saved:
        setattr(mod, name, refuse)
    try:
        yield
    finally:
        for mod, name, orig in saved:
            setattr(mod, name, orig)


def _check(query: str) -> None:
    with nothing_is_evaluated_or_spawned():
        state, problems = read_query(query)
        again = encode_state(state)
        decoded = decode_state(again)
    state.check()
    assert all(isinstance(p, str) and len(p) <= 300 for p in problems), problems
    assert len(problems) <= len(QUERY_KEYS) + 2
    assert decoded == state  # what the panel then shows links back exactly


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=MAX_QUERY_CHARS + 200))
def test_any_text_gives_a_valid_state(text):
    _check(text)


@settings(max_examples=400, deadline=None)
@given(pairs=st.lists(st.tuples(keys, values), max_size=len(QUERY_KEYS) + 3))
def test_any_set_of_fields_gives_a_valid_state(pairs):
    _check(urlencode(pairs))
    _check("&".join(f"{k}={v}" for k, v in pairs))  # not encoded, as typed in a bar


@settings(max_examples=60, deadline=None)
@given(pairs=st.lists(st.tuples(st.sampled_from(QUERY_KEYS), st.sampled_from(HOSTILE)),
                      min_size=1, max_size=6))
def test_no_link_text_reaches_the_generated_script(pairs):
    with nothing_is_evaluated_or_spawned():
        state, _ = read_query(urlencode(pairs))
    script = script_text(state)
    assert MARK not in script
    tree = ast.parse(script)  # well-formed Python (ast.parse only parses)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert MARK not in node.value


def test_a_huge_or_binary_query_is_refused_quickly():
    for query in ("a=" + "1" * 10 ** 6, "\x00" * 10 ** 5, "&" * 10 ** 5, quote("é" * 10 ** 5)):
        with nothing_is_evaluated_or_spawned():
            state, problems = read_query(query)
        assert problems and len(problems[0]) <= 300
        state.check()
