"""The Examples in the package's docstrings run and stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import izhi_widgets

# Every module, in the subpackages too (izhi_widgets.analysis.*, izhi_widgets.plotting.*).
MODULES = sorted(m.name for m in pkgutil.walk_packages(izhi_widgets.__path__, "izhi_widgets.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", ["izhi_widgets", *MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
