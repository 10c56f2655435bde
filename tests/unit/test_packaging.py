"""Installable anywhere: resources as package data, metadata, ReportLab internals, and no
POSIX-only call in app/ (Obole's users are mostly on Windows)."""

from __future__ import annotations

import ast
import inspect
import tomllib
from pathlib import Path

import pytest

from app import resources

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"


def _app_modules() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if "__pycache__" not in p.parts)


# --- resources ------------------------------------------------------------------------------


def test_every_runtime_file_is_reachable_through_app_resources() -> None:
    for parts in [
        ("gdpr", "default_register.json"),
        ("departments.tsv",),
        ("demo", "cities.tsv"),
        ("fonts", "DejaVuSans.ttf"),
        ("sepa", "pain.008.001.02.xsd"),
        ("icons", "obole.png"),
        ("translations", "en", "receipts.json"),
    ]:
        assert resources.resource(*parts).is_file(), parts
        assert resources.file_path(*parts).is_file()
    assert (resources.migrations_dir() / "env.py").is_file()
    assert resources.read_text("gdpr", "default_register.json").lstrip().startswith(("[", "{"))


def test_no_module_but_app_resources_builds_a_path_to_resources() -> None:
    offenders = []
    for path in _app_modules():
        if path.name == "resources.py" and path.parent == APP:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value == "resources":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Name) and node.id == "__file__":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} (__file__)")
    assert not offenders, "read resources through app.resources: " + ", ".join(offenders)


def test_the_wheel_ships_resources_as_a_package_of_app() -> None:
    setup = (ROOT / "setup.py").read_text(encoding="utf-8")
    assert '"app._resources": "resources"' in setup
    assert (ROOT / "resources" / "__init__.py").is_file()
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = data["tool"]["setuptools"]["package-data"]["app._resources"]
    suffixes = {p.suffix for p in (ROOT / "resources").rglob("*") if p.is_file()} - {".py"}
    shipped = {g.rsplit("*", 1)[-1] for g in globs}
    assert suffixes <= shipped, f"resource types not in the wheel: {suffixes - shipped}"


# --- metadata -------------------------------------------------------------------------------


def test_project_metadata_is_complete() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "GPL-3.0-or-later"
    assert project["authors"] and project["urls"] and project["classifiers"]
    assert project["scripts"]["obole"] == "main:main"
    assert project["gui-scripts"]["obole-gui"] == "main:gui_main"
    assert not any(dep.startswith("psycopg") for dep in project["dependencies"])
    assert any(dep.startswith("psycopg") for dep in project["optional-dependencies"]["postgresql"])
    assert "obole[postgresql]" in project["optional-dependencies"]["test"]
    reportlab = next(d for d in project["dependencies"] if d.startswith("reportlab"))
    assert ",<" in reportlab, "fonts.py relies on ReportLab internals: keep an upper bound"


# --- ReportLab internals used by app/reports/fonts.py ----------------------------------------


def _parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_reportlab_internals_used_by_fonts_are_still_there() -> None:
    """Fails loudly when a ReportLab release changes what StableSubsetFont builds on."""
    from reportlab.pdfbase import pdfdoc, ttfonts

    for name in ("FF_NONSYMBOLIC", "FF_SYMBOLIC", "SUBSETN", "TTFont", "makeToUnicodeCMap"):
        assert hasattr(ttfonts, name), f"reportlab.pdfbase.ttfonts.{name} is gone"
    for name in (
        "PDFObject",
        "PDFDocument",
        "PDFStream",
        "PDFZCompress",
        "PDFArray",
        "PDFName",
        "PDFDictionary",
        "PDFTrueTypeFont",
        "format",
    ):
        assert hasattr(pdfdoc, name), f"reportlab.pdfbase.pdfdoc.{name} is gone"
    assert _parameters(pdfdoc.format)[:3] == ["element", "document", "toplevel"]
    assert hasattr(pdfdoc.PDFZCompress, "encode")
    assert _parameters(ttfonts.makeToUnicodeCMap) == ["fontname", "subset"]
    tt = ttfonts.TTFont
    assert _parameters(tt.__init__)[:3] == ["self", "name", "filename"]
    assert "asciiReadable" in _parameters(tt.__init__)
    assert _parameters(tt.splitString)[:3] == ["self", "text", "doc"]
    assert _parameters(tt.getSubsetInternalName) == ["self", "subset", "doc"]
    assert _parameters(tt.addObjects) == ["self", "doc"]
    assert _parameters(tt.State.__init__)[:3] == ["self", "asciiReadable", "ttf"]
    state = tt.State(True, None)
    for attribute in ("assignments", "subsets", "nextCode", "frozen"):
        assert hasattr(state, attribute), f"TTFont.State.{attribute} is gone"
    face = ttfonts.TTFontFace(str(resources.file_path("fonts", "DejaVuSans.ttf")))
    for attribute in (
        "name",
        "subfontNameX",
        "ascent",
        "capHeight",
        "descent",
        "flags",
        "bbox",
        "italicAngle",
        "stemV",
        "defaultWidth",
        "filename",
    ):
        assert hasattr(face, attribute), f"TTFontFace.{attribute} is gone"
    assert callable(face.makeSubset) and callable(face.getCharWidth)
    assert isinstance(pdfdoc.PDFDocument().idToObject, dict)


def test_receipt_fonts_still_register_and_render() -> None:
    from app.reports.fonts import register_fonts

    assert register_fonts() == ("DejaVuSans", "DejaVuSans-Bold")


# --- portability ------------------------------------------------------------------------------

POSIX_ONLY_CALLS = {
    ("os", "kill"): "os.kill probes nothing on Windows (use psutil)",
    ("os", "killpg"): "POSIX only",
    ("os", "fork"): "no fork on Windows (use multiprocessing spawn)",
    ("os", "forkpty"): "POSIX only",
    ("os", "setsid"): "POSIX only",
    ("os", "getuid"): "POSIX only",
    ("os", "geteuid"): "POSIX only",
    ("os", "chown"): "POSIX only",
    ("os", "chmod"): "chmod protects nothing on Windows (keyring, or the user's folder)",
}
POSIX_ONLY_MODULES = {"fcntl", "pwd", "grp", "termios", "resource", "posix"}
POSIX_ONLY_SIGNALS = {"SIGKILL", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD"}


def _posix_guarded(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Inside `if POSIX:` (or a test of os.name): the POSIX branch of a portable function."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If):
            names = {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)}
            attributes = {n.attr for n in ast.walk(node.test) if isinstance(n, ast.Attribute)}
            if "POSIX" in names or "name" in attributes:
                return True
    return False


def posix_only_uses(source: str) -> list[tuple[int, str]]:
    """Lines of `source` with a call or a path that does not work on Windows.

    A call inside `if POSIX:` is the POSIX half of a portable function (private files get
    0600 there; on Windows the profile's ACL protects them) and is not reported.
    """
    found: list[tuple[int, str]] = []
    tree = ast.parse(source)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    for node in ast.walk(tree):
        if _posix_guarded(node, parents):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                names = [node.module or ""] if node.level == 0 else []
            found += [
                (node.lineno, f"import {name}")
                for name in names
                if name.split(".")[0] in POSIX_ONLY_MODULES
            ]
        elif isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and (node.value.id, node.attr) in POSIX_ONLY_CALLS:
                found.append((node.lineno, f"{node.value.id}.{node.attr}"))
            elif node.attr == "chmod":
                found.append((node.lineno, ".chmod"))
            elif node.attr in POSIX_ONLY_SIGNALS:
                found.append((node.lineno, f"signal {node.attr}"))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            for side in (node.left, node.right):
                if isinstance(side, ast.Constant) and side.value in ("/", "\\"):
                    found.append((node.lineno, "path joined with a hard-coded separator"))
        elif isinstance(node, ast.JoinedStr):
            parts = node.values
            for before, middle, after in zip(parts, parts[1:], parts[2:], strict=False):
                if (
                    isinstance(before, ast.FormattedValue)
                    and isinstance(middle, ast.Constant)
                    and middle.value in ("/", "\\")
                    and isinstance(after, ast.FormattedValue)
                ):
                    found.append((node.lineno, "f-string path with a hard-coded separator"))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith(("/tmp", "/home/", "/var/", "/usr/", "~/", "/dev/"))
        ):
            found.append((node.lineno, f"hard-coded POSIX path {node.value!r}"))
    return found


@pytest.mark.parametrize(
    "snippet",
    [
        "import os\nos.kill(pid, 0)",
        "import fcntl",
        "from fcntl import flock",
        "import os\npid = os.fork()",
        "import os\nos.chmod(path, 0o600)",
        "path.chmod(0o600)",
        "full = folder + '/' + name",
        "full = f'{folder}/{name}'",
        "LOG = '/tmp/obole.log'",
        "import signal\nsignal.SIGKILL",
    ],
)
def test_the_scan_finds_posix_only_code(snippet: str) -> None:
    assert posix_only_uses(snippet), snippet


def test_the_scan_accepts_portable_code() -> None:
    portable = (
        "import os, psutil\nfrom pathlib import Path\nfrom app import resources\n"
        "p = Path(base) / 'data' / name\nos.replace(a, b)\npsutil.pid_exists(1)\n"
        "data = b'/' + name\nurl = 'https://example.org/x'\n"
        "if POSIX:\n    path.chmod(0o600)\n"  # the POSIX half of a portable function
    )
    assert posix_only_uses(portable) == []


def test_app_has_no_posix_only_call() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in [*_app_modules(), ROOT / "main.py"]
        for line, what in posix_only_uses(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "\n".join(offenders)


def test_a_missing_postgresql_driver_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from app.db import make_engine
    from app.errors import StorageError

    for name in [m for m in sys.modules if m == "psycopg" or m.startswith("psycopg.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as in the desktop bundle
    with pytest.raises(StorageError, match=r"obole\[postgresql\]"):
        make_engine("postgresql://obole@localhost/obole")


@pytest.mark.gui
@pytest.mark.slow
def test_main_grabs_the_window_for_release_checks(tmp_path: Path, isolated_home: Path) -> None:
    """The hidden `--screenshot` option the bundle and wheel smoke tests rely on."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    db, shot = tmp_path / "Asso démo.sqlite3", tmp_path / "window.png"
    run = [sys.executable, str(ROOT / "main.py")]
    subprocess.run([*run, "init", "--demo", "3", "--db", str(db)], env=env, check=True)
    subprocess.run(
        [*run, "--db", str(db), "--screenshot", str(shot)], env=env, check=True, timeout=120
    )
    assert shot.read_bytes().startswith(b"\x89PNG")
    env["OBOLE_SCREENSHOT"] = str(tmp_path / "gui.png")
    code = "import sys, main; sys.exit(main.gui_main(['--db', sys.argv[1]]))"
    subprocess.run([sys.executable, "-c", code, str(db)], env=env, check=True, timeout=120)
    assert (tmp_path / "gui.png").stat().st_size > 1000
