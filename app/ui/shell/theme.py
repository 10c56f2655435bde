"""Colours that follow the system palette, so that dark mode stays readable.

Widgets ask for a meaning (error, warning, success, a row tint) instead of a fixed colour:
in a dark palette the text colours get lighter and the row tints darker.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

_TEXT = {  # meaning: (light palette, dark palette)
    "error": ("#b00020", "#ff7a8a"),
    "warning": ("#8a5a00", "#ffc56b"),
    "success": ("#1b5e20", "#8fd694"),
}


def is_dark() -> bool:
    """True when the window background is dark (system dark mode)."""
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def text_colour(meaning: str) -> str:
    """The colour of an error, warning or success message for the current palette."""
    light, dark = _TEXT[meaning]
    return dark if is_dark() else light


def text_style(meaning: str) -> str:
    """A style sheet giving a label the colour of `meaning`."""
    return f"color: {text_colour(meaning)}"


def tint(colour: str, *, strength: float = 0.35) -> QColor:
    """`colour` blended into the palette's base colour (pastel when light, deep when dark)."""
    base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    accent = QColor(colour)
    weight = strength if not is_dark() else strength * 0.8
    return QColor(
        round(base.red() + (accent.red() - base.red()) * weight),
        round(base.green() + (accent.green() - base.green()) * weight),
        round(base.blue() + (accent.blue() - base.blue()) * weight),
    )


def box_style(colour: str) -> str:
    """A tinted information box (lock notice, offer) with the palette's text colour."""
    return f"background: {tint(colour).name()}; color: palette(text); padding: 6px;"


# the hues tints are made from (saturated; tint() softens them for the palette)
GREEN, BLUE, GREY, RED, ORANGE, YELLOW, PURPLE = (
    "#2e9d2e",
    "#2f6fd0",
    "#888888",
    "#d03030",
    "#e08a00",
    "#e0b000",
    "#8e44ad",
)
