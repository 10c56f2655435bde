"""Type text like a user (Qt's key simulation only knows ASCII keys)."""

from __future__ import annotations

from typing import Any


def type_text(qtbot: Any, editor: Any, text: str) -> None:
    """Clear `editor` and type `text`: ASCII by key clicks, other characters inserted."""
    editor.clear()
    for char in text:
        if char.isascii():
            qtbot.keyClicks(editor, char)
        else:
            editor.insert(char)
