"""The command line speaks the user's language: every text through the catalogue.

(a) A static check over app/cli.py and app/clicommands: no human text (a string literal or
    f-string with letters) reaches a message, an error, a prompt or a help text without _().
(b) Real commands end to end, with OBOLE_LANG=en: English out; the same commands in French.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli
from app.i18n import set_language

ROOT = Path(__file__).resolve().parents[2]
CLI_FILES = sorted([ROOT / "app" / "cli.py", *(ROOT / "app" / "clicommands").glob("*.py")])

# --- (a) static check ----------------------------------------------------------------------------

WRAPPERS = {"_", "N_", "ngettext"}  # a literal inside one of these is translated
TEXT_KEYWORDS = {"help", "description", "metavar", "epilog", "title", "usage"}
PROMPTS = {"ask_secret", "getpass", "input"}  # the first argument is shown to the user
# Literals with letters that are not language. Keep this short, and say why.
NOT_LANGUAGE = {
    "N",  # metavar of `init --demo N`: a placeholder named by the help text itself
    "S",  # metavar of `init --seed S`, likewise
}
LETTER = re.compile(r"[^\W\d_]")


def _has_letters(node: ast.expr) -> str | None:
    """The human text of a str literal or f-string (format specs left out), if it has letters."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    else:
        return None
    return text if LETTER.search(text) and text not in NOT_LANGUAGE else None


def _call_name(node: ast.Call) -> str:
    func = node.func
    return (
        func.id
        if isinstance(func, ast.Name)
        else func.attr
        if isinstance(func, ast.Attribute)
        else ""
    )


class _Module:
    """One file: its functions, and the text that reaches the user from each of them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.functions = {
            node.name: node
            for node in self.tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        self.problems: list[str] = []
        self._followed: set[tuple[int, str]] = set()
        self._returned: set[str] = set()

    def check(self) -> list[str]:
        for scope in ast.walk(self.tree):
            if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
                for node in self._own_nodes(scope):
                    for message in self._messages(node):
                        self._text(message, scope)
        return self.problems

    @staticmethod
    def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
        """The nodes of `scope`, without those of the functions defined inside it."""
        todo = list(ast.iter_child_nodes(scope))
        while todo:
            node = todo.pop()
            yield node
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                todo.extend(ast.iter_child_nodes(node))

    @staticmethod
    def _messages(node: ast.AST) -> Iterator[ast.expr]:
        """What `node` shows the user: messages, results, errors, prompts, help texts."""
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            yield node.exc.args[0]
        if not isinstance(node, ast.Call):
            return
        name = _call_name(node)
        if name == "result" and len(node.args) > 1:  # ctx.result(data, human)
            yield node.args[1]
        if name in ("say", "print") or name in PROMPTS:
            yield from node.args[:1] if name in PROMPTS else node.args
        for keyword in node.keywords:
            if keyword.arg in TEXT_KEYWORDS or (name == "result" and keyword.arg == "human"):
                yield keyword.value

    def _text(self, expr: ast.expr, scope: ast.AST) -> None:
        """Flag the unwrapped literals of a text expression; follow the names it is made of."""
        if isinstance(expr, ast.Name):
            self._follow(expr.id, scope)
            return
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
            if expr.func.id not in WRAPPERS:
                self._returns(expr.func.id)
            return
        text = _has_letters(expr)
        if text is not None:
            where = f"{self.path.name}:{expr.lineno}"
            self.problems.append(f"{where}: {text!r} is not wrapped in _()")
        for part in self._parts(expr):
            self._text(part, scope)

    @staticmethod
    def _parts(expr: ast.expr) -> list[ast.expr]:
        """The sub-expressions whose text ends up in `expr`'s text (not dict keys, indexes...)."""
        if isinstance(expr, ast.Call):
            name = _call_name(expr)
            if name in WRAPPERS:
                return []
            if name == "join" and isinstance(expr.func, ast.Attribute):
                return [expr.func.value, *expr.args[:1]]
            if name == "format" and isinstance(expr.func, ast.Attribute):
                return [expr.func.value, *expr.args, *(k.value for k in expr.keywords)]
            return []  # another call: its arguments are not the text shown
        if isinstance(expr, ast.JoinedStr):
            return [v.value for v in expr.values if isinstance(v, ast.FormattedValue)]
        if isinstance(expr, ast.BinOp):
            return [expr.left, expr.right]
        if isinstance(expr, ast.BoolOp):
            return list(expr.values)
        if isinstance(expr, ast.IfExp):
            return [expr.body, expr.orelse]
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            return list(expr.elts)
        if isinstance(expr, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return [expr.elt]
        if isinstance(expr, ast.Lambda):
            return [expr.body]
        if isinstance(expr, ast.Starred):
            return [expr.value]
        return []

    def _returns(self, function: str) -> None:
        """A function of this file whose result is shown: check what it returns."""
        found = self.functions.get(function)
        if found is None or function in self._returned:
            return
        self._returned.add(function)
        for node in self._own_nodes(found):
            if isinstance(node, ast.Return) and node.value is not None:
                self._text(node.value, found)

    def _follow(self, name: str, scope: ast.AST) -> None:
        """A local variable in a text: check every value given to it in `scope`."""
        if (id(scope), name) in self._followed:
            return
        self._followed.add((id(scope), name))
        for node in self._own_nodes(scope):
            for value in _values_of(node, name):
                self._text(value, scope)


def _values_of(node: ast.AST, name: str) -> Iterator[ast.expr]:
    """The values `node` gives to the variable `name` (=, +=, append, extend, for ... in)."""
    if isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == name for t in node.targets
    ):
        yield node.value
    if (
        isinstance(node, (ast.AugAssign, ast.AnnAssign))
        and node.value is not None
        and isinstance(node.target, ast.Name)
        and node.target.id == name
    ):
        yield node.value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == name
        and node.func.attr in ("append", "extend", "insert")
        and node.args
    ):
        yield node.args[-1]
    if isinstance(node, ast.For) and isinstance(node.target, ast.Tuple):
        names = [t.id if isinstance(t, ast.Name) else "" for t in node.target.elts]
        if name in names and isinstance(node.iter, (ast.Tuple, ast.List)):
            for row in node.iter.elts:
                if isinstance(row, ast.Tuple) and len(row.elts) == len(names):
                    yield row.elts[names.index(name)]


def untranslated_texts(path: Path) -> list[str]:
    """Human texts of `path` that reach the user without going through the catalogue."""
    return _Module(path).check()


def test_the_check_finds_what_it_is_meant_to_find(tmp_path: Path) -> None:
    sample = tmp_path / "sample_cmd.py"
    sample.write_text(
        "def register(sub, common):\n"
        "    p = sub.add_parser('x', help='aide en dur')\n"
        "    p.add_argument('--y', help=_('aide traduite'), metavar='VALEUR')\n"
        "def _summary(n):\n"
        "    return f'{n} lignes'\n"
        "def run(ctx):\n"
        "    lines = [_('Titre')]\n"
        "    lines.append(f'{ctx.n} dons')\n"
        "    state = 'levée' if ctx.lift else _('posée')\n"
        "    ctx.say('obole: erreur : bof')\n"
        "    data = {'key': 'not shown'}\n"
        "    ctx.result(data, '\\n'.join(lines) + _summary(1) + state + f'{data[\"key\"]:>5}')\n"
        "    raise NotFound(f'Contact {ctx.id} introuvable.')\n",
        encoding="utf-8",
    )
    found = " | ".join(untranslated_texts(sample))
    for text in ("aide en dur", "VALEUR", " lignes", " dons", "levée", "bof", "introuvable"):
        assert text in found, text
    assert "aide traduite" not in found and "posée" not in found and "not shown" not in found
    assert "key" not in found and "Titre" not in found
    assert len(untranslated_texts(sample)) == 7


@pytest.mark.parametrize("path", CLI_FILES, ids=lambda p: p.name)
def test_every_cli_text_goes_through_the_catalogue(path: Path) -> None:
    assert untranslated_texts(path) == []


@pytest.mark.parametrize("path", CLI_FILES, ids=lambda p: p.name)
def test_no_text_is_translated_at_import_time(path: Path) -> None:
    """A _() run when the module is imported would keep the language of that moment."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    eager = [
        node.lineno
        for statement in tree.body
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for node in ast.walk(statement)
        if isinstance(node, ast.Call) and _call_name(node) in ("_", "ngettext")
    ]
    assert eager == []


# --- (b) real commands in English and in French ------------------------------------------------

CSV_WITH_AN_ERROR = (
    "Nom;Prénom;Courriel\nDupont;Jean;jean@example.org\nMartin;Luc;pas-un-courriel\n"
)

# (command, what English says, what French says); {db}, {tmp} are filled in. Each French
# marker is absent from the English output and each English one from the French output.
COMMANDS: list[tuple[str, list[str], list[str]]] = [
    (
        "init --db {db} --demo 40 --seed 2",
        ["Database ready", "gifts generated", "Generating demo data"],
        ["Base prête", "dons générés", "Génération des données"],
    ),
    (
        "info --db {db}",
        ["Gifts ", "Tax receipts", "events"],
        ["Dons ", "Reçus fiscaux", "événements"],
    ),
    (
        "stats --db {db}",
        ["donors", "Average gift", "GDPR requests"],
        ["donateurs", "Don moyen", "Demandes RGPD"],
    ),
    (
        "receipts issue --year 2025 --db {db}",
        ["to issue for 2025", "issued ("],
        ["à émettre pour 2025", "reçus émis"],
    ),
    ("receipts list --year 2025 --db {db}", [" issued "], [" émis "]),
    ("receipts verify 2025-00001 --db {db}", ["PDF identical"], ["PDF identique"]),
    (
        "receipts declaration --year 2025 --db {db}",
        ["Number of receipts", "Cancelled receipts"],
        ["Nombre de reçus", "Reçus annulés"],
    ),
    (
        "register export --format csv --out {tmp}/register.csv --db {db}",
        ["Record written"],
        ["Registre écrit"],
    ),
    ("gdpr retention --db {db}", ["past the retention period"], ["au-delà de la durée"]),
    ("gdpr due --db {db}", ["No request due"], ["Aucune demande"]),
    (
        "dedupe scan --db {db}",
        ["likely duplicates", "Comparing contacts"],
        ["doublons probables", "Comparaison"],
    ),
    (
        "import contacts {tmp}/contacts.csv --dry-run --db {db}",
        ["rows read", "1 rejected", "possible duplicates"],
        ["lignes lues", "1 rejetées", "doublons possibles"],
    ),
    ("campaign list --db {db}", [" gifts ", "open"], [" dons ", "ouverte"]),
    ("user list --db {db}", ["No users"], ["Aucun utilisateur"]),
    (
        "--help",
        ["show this help message and exit", "create the database"],
        ["afficher cette aide", "créer la base"],
    ),
    (
        "receipts issue --help",
        ["issued", "preview only", "--year YEAR"],
        ["émis", "aperçu seulement", "--year ANNÉE"],
    ),
]
FAILING = [  # (command, exit code, English, French): errors are in the language too
    ("--json info --db {tmp}/nowhere.sqlite3", 1, ["Database not found"], ["Base introuvable"]),
    (
        "--json receipts reprint 2025-99999 --out {tmp}/x.pdf --db {db}",
        1,
        ["not found"],
        ["introuvable"],
    ),
    (
        "receipts issue --year deux-mille --db {db}",
        2,
        ["invalid int value", "usage:"],
        ["valeur int invalide", "utilisation :"],
    ),
    (
        "import contacts --db {db}",
        2,
        ["the following arguments are required: file"],
        ["arguments obligatoires manquants : fichier"],
    ),
    (
        "init --demo -5 --db {tmp}/other.sqlite3",
        1,
        ["positive number"],
        ["nombre de contacts positif"],
    ),
]


@pytest.fixture
def restore_french() -> Iterator[None]:
    yield
    set_language("fr")  # the default of every other test


def _run(argv: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    words = argv.format(db=tmp_path / "asso.sqlite3", tmp=tmp_path).split()
    try:
        code = cli.main(words)
    except SystemExit as exit_:  # argparse's --help and usage errors
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("language", ["en", "fr"])
def test_real_commands_speak_the_language_of_obole_lang(
    language: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    restore_french: None,
) -> None:
    monkeypatch.setenv("OBOLE_LANG", language)
    (tmp_path / "contacts.csv").write_text(CSV_WITH_AN_ERROR, encoding="utf-8")
    for argv, english, french in COMMANDS:
        code, output = _run(argv, tmp_path, capsys)
        assert code == 0, (argv, output)
        said, not_said = (english, french) if language == "en" else (french, english)
        for marker in said:
            assert marker in output, (argv, marker, output)
        for marker in not_said:
            assert marker not in output, (argv, marker, output)
    for argv, expected_code, english, french in FAILING:
        code, output = _run(argv, tmp_path, capsys)
        assert code == expected_code, (argv, output)
        said, not_said = (english, french) if language == "en" else (french, english)
        if argv.startswith("--json"):
            output = json.loads(output)["error"]["message"]
        for marker in said:
            assert marker in output, (argv, marker, output)
        for marker in not_said:
            assert marker not in output, (argv, marker, output)


@pytest.mark.parametrize(
    ("language", "said"), [("en", "create the database"), ("fr", "créer la base")]
)
def test_the_obole_program_reads_obole_lang_before_building_its_help(
    language: str, said: str
) -> None:
    env = {**os.environ, "OBOLE_LANG": language, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "main.py", "--help"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert said in done.stdout


def _placeholders(text: str) -> list[str]:
    named = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    return sorted(named + re.findall(r"%\(\w+\)[sdr]|%[sdr]", text))


def test_english_translations_keep_the_placeholders_of_the_french() -> None:
    """A placeholder lost or renamed in a translation is a KeyError in English only."""
    differ = [
        (path.name, french)
        for path in sorted((ROOT / "resources" / "translations" / "en").glob("*.json"))
        for french, english in json.loads(path.read_text(encoding="utf-8")).items()
        if _placeholders(french) != _placeholders(english)
    ]
    assert differ == []


def _help_pages(parser: argparse.ArgumentParser) -> Iterator[str]:
    yield parser.format_help()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                yield from _help_pages(command)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_help_page_formats_in_both_languages(language: str, restore_french: None) -> None:
    """argparse %-formats help texts: a stray % in a translation would break --help."""
    set_language(language)
    pages = list(_help_pages(cli.build_parser()))
    assert len(pages) > 50
    english_words = sum("show this help message" in page for page in pages)
    assert english_words == (len(pages) if language == "en" else 0)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", ["before import", "before SEPA direct debits"]),
        ("fr", ["avant import", "avant prélèvements SEPA"]),
    ],
)
def test_backup_list_says_what_each_backup_was_taken_before(
    language: str,
    said: list[str],
    tmp_path: Path,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    restore_french: None,
) -> None:
    from app.core.infrastructure import backup
    from app.core.opening import open_database

    database = open_database(str(tmp_path / "asso.sqlite3"))
    for reason in ("import", "sepa"):
        backup.automatic_backup(database.engine, isolated_home / "backups", reason=reason)
    database.dispose()
    monkeypatch.setenv("OBOLE_LANG", language)
    code, output = _run("backup list", tmp_path, capsys)
    assert code == 0, output
    for words in said:
        assert words in output, output
    assert not re.search(r"\d\d:\d\d  (import|sepa) ", output)  # slugs stay in file names
