"""What the report build generates: the registered list of Markdown blocks.

To add a generated table, add a `MarkdownBlock` to `BLOCKS` and put its markers
``<!-- name:start -->`` / ``<!-- name:end -->`` in ``report.md``. ``build.py`` walks the
list; nothing else needs to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from izhi_widgets.sensitivity import markdown_label_changes, markdown_table

__all__ = ["MarkdownBlock", "BLOCKS"]


@dataclass(frozen=True)
class MarkdownBlock:
    """A generated block of ``report.md``: the text between its two markers."""

    name: str
    render: Callable[[list[dict[str, Any]]], str]


#: The generated blocks of ``report.md``, rendered from the numerics table's rows.
BLOCKS: list[MarkdownBlock] = [
    MarkdownBlock("sensitivity-table", markdown_table),
    MarkdownBlock("label-changes", markdown_label_changes),
]
