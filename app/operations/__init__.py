"""User actions shared by the GUI and the CLI: one typed function per action.

An operation owns its permission check, the automatic backup when the action is risky,
its single write transaction (re-planning inside it when a preview came first), and returns
a frozen result together with the set of what changed (`Outcome`). The GUI runs operations
through its task runner (`app/ui/shell/tasks.py`), the CLI calls them directly; neither opens a
session of its own. Operations compose `app.core` (rules) and `app.reports` (renderers).
"""

from app.reports.receipt_batch import install_receipt_rendering

# The core's receipt functions are handed their PDF renderer here (the core never imports
# app.reports); every front end imports app.operations before it issues or prints a receipt.
install_receipt_rendering()
