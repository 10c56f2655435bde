"""List the French UI strings (_("...") and N_("...")) that have no English translation.

Usage: python scripts/i18n_missing.py [--json]   (exit 1 when some are missing)
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.i18n import load_catalogue  # noqa: E402


def marked_strings(root: Path = ROOT / "app") -> dict[str, str]:
    """Every literal passed to _() or N_() under `root`, with the first place it appears."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def missing(language: str = "en") -> dict[str, str]:
    """Marked strings without a translation in `language`."""
    catalogue = load_catalogue(language)
    return {text: where for text, where in marked_strings().items() if text not in catalogue}


if __name__ == "__main__":
    gaps = missing()
    if "--json" in sys.argv:
        print(json.dumps({text: "" for text in gaps}, ensure_ascii=False, indent=2))
    else:
        for text, where in gaps.items():
            print(f"{where}: {text!r}")
    sys.exit(1 if gaps else 0)
