"""Obole: donor relations for small French associations."""

__version__ = "0.1.0"
APP_NAME = "Obole"
APP_AUTHOR = "Obole"
