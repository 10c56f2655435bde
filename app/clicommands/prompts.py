"""Secrets asked on the command line: from an environment variable, else typed at a terminal.

Without a terminal (a script, a scheduled task) getpass would read standard input and end
in an EOFError traceback; a clear message naming the variable to set is given instead.
"""

from __future__ import annotations

import getpass
import os
import sys

from app.errors import PermissionDenied
from app.i18n import _


def ask_secret(prompt: str, *, env_var: str) -> str:
    """The value of `env_var`, else typed (hidden) at the terminal; refused without one."""
    value = os.environ.get(env_var)
    if value is not None:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise PermissionDenied(_no_terminal(env_var))
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise PermissionDenied(_no_terminal(env_var)) from None


def _no_terminal(env_var: str) -> str:
    return _(
        "Aucun terminal pour taper le secret demandé : définissez la variable "
        "d'environnement {var}."
    ).format(var=env_var)
