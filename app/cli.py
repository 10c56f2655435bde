"""Command-line front end over the same operations as the GUI (argparse).

Exit codes: 0 ok, 1 data or user error (with a message naming what is wrong), 2 usage error.
The common options (--db, --json, --user) go before or after the command. With --json,
machine output goes to stdout and human messages to stderr; an error is then a JSON object
on stdout too ({"error": {...}}), with the same non-zero exit code.
Every text (help, argparse's own strings, messages, errors) is French through the catalogue
(app/i18n.py); `main` sets the language from $OBOLE_LANG (else the locale) first.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from app import __version__
from app.clicommands import COMMAND_MODULES
from app.clicommands.context import PASSWORD_ENV_VAR, CliContext
from app.errors import AppError, OperationCancelled
from app.i18n import N_, _, detect_language, set_language
from app.paths import AppPaths, app_paths, restrict_umask

__all__ = ["PASSWORD_ENV_VAR", "CliContext", "build_parser", "main", "run_cli"]

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2

# argparse's own strings (Python 3.11+), in French; the catalogue gives them back in English.
ARGPARSE_MESSAGES = {
    "usage: ": N_("utilisation : "),
    "positional arguments": N_("arguments positionnels"),
    "options": N_("options"),
    "show this help message and exit": N_("afficher cette aide et quitter"),
    "%(prog)s: error: %(message)s\n": N_("%(prog)s : erreur : %(message)s\n"),
    "argument %(argument_name)s: %(message)s": N_("argument %(argument_name)s : %(message)s"),
    "unrecognized arguments: %s": N_("arguments non reconnus : %s"),
    "the following arguments are required: %s": N_("arguments obligatoires manquants : %s"),
    "one of the arguments %s is required": N_("un des arguments %s est obligatoire"),
    "not allowed with argument %s": N_("incompatible avec l'argument %s"),
    "ignored explicit argument %r": N_("argument explicite ignoré : %r"),
    "expected one argument": N_("une valeur attendue"),
    "expected at most one argument": N_("au plus une valeur attendue"),
    "expected at least one argument": N_("au moins une valeur attendue"),
    "ambiguous option: %(option)s could match %(matches)s": N_(
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "unexpected option string: %s": N_("option inattendue : %s"),
    "invalid %(type)s value: %(value)r": N_("valeur %(type)s invalide : %(value)r"),
    "invalid choice: %(value)r (choose from %(choices)s)": N_(
        "choix invalide : %(value)r (valeurs possibles : %(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": N_(
        "commande inconnue %(parser_name)r (commandes possibles : %(choices)s)"
    ),
    "expected %s argument": N_("%s valeur attendue"),
    "expected %s arguments": N_("%s valeurs attendues"),
}


def _argparse_gettext(message: str) -> str:
    french = ARGPARSE_MESSAGES.get(message)
    return _(french) if french is not None else message


def _argparse_ngettext(singular: str, plural: str, count: int) -> str:
    return _argparse_gettext(singular if count == 1 else plural)


def install_french_argparse() -> None:
    """Route argparse's own strings through the catalogue (argparse calls the module's _)."""
    argparse._ = _argparse_gettext  # type: ignore[attr-defined]
    argparse.ngettext = _argparse_ngettext  # type: ignore[attr-defined]


class UsageError(Exception):
    """A command line argparse refused."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # reported by run_cli (text or JSON), exit 2
        raise UsageError(self, message)


def _add_common(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """--db, --json, --user; on the commands their default is SUPPRESS, so a value given
    before the command is not overwritten by the command's default."""

    def default(value: Any) -> Any:
        return value if defaults else argparse.SUPPRESS

    parser.add_argument(
        "--db",
        metavar=_("CHEMIN_OU_URL"),
        default=default(None),
        help=_("fichier SQLite ou URL de base (par défaut : $OBOLE_DB, sinon la base locale)"),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help=_("sortie lisible par machine sur stdout, messages sur stderr"),
    )
    parser.add_argument(
        "--user",
        default=default(""),
        help=_(
            "utilisateur (obligatoire quand la base en a plusieurs ; "
            "mot de passe dans $OBOLE_PASSWORD ou demandé)"
        ),
    )


def build_parser() -> argparse.ArgumentParser:
    """The `obole` argument parser with every command registered."""
    install_french_argparse()
    parser = _Parser(prog="obole", description=_("Obole : gestion des donateurs et reçus fiscaux."))
    parser.add_argument(
        "--version",
        action="version",
        version=f"obole {__version__}",
        help=_("afficher la version et quitter"),
    )
    _add_common(parser, defaults=True)
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, defaults=False)
    subparsers = parser.add_subparsers(dest="command", metavar=_("COMMANDE"), parser_class=_Parser)
    for module in COMMAND_MODULES:
        module.register(subparsers, common)
    _name_placeholders(parser)
    return parser


# argparse names a value after its option (--year YEAR) or its argument (number): in English.
# The common ones, in words of the language (in capitals for an option's value, as argparse
# does; in small letters for an argument).
PLACEHOLDERS = {
    "year": N_("ANNÉE"),
    "out": N_("CHEMIN"),
    "file": N_("FICHIER"),
    "user": N_("UTILISATEUR"),
    "username": N_("IDENTIFIANT"),
    "login": N_("IDENTIFIANT"),
    "reason": N_("MOTIF"),
    "number": N_("NUMÉRO"),
    "name": N_("NOM"),
    "start": N_("DÉBUT"),
    "end": N_("FIN"),
    "mapping": N_("CORRESPONDANCE"),
    "report": N_("RAPPORT"),
    "rejected": N_("REJETS"),
    "merged": N_("FICHIER"),
    "pdf": N_("FICHIER"),
    "amount": N_("MONTANT"),
    "cost": N_("COÛT"),
    "gift": N_("DON"),
    "campaign": N_("CAMPAGNE"),
    "requester": N_("DEMANDEUR"),
    "received": N_("DATE"),
    "signed_on": N_("DATE"),
    "reference": N_("RÉFÉRENCE"),
    "host": N_("SERVEUR"),
    "sender": N_("EXPÉDITEUR"),
    "threshold": N_("SEUIL"),
    "suggestion": N_("SEUIL"),
    "safe": N_("SEUIL"),
    "batch_id": N_("IMPORT"),
    "merge_id": N_("FUSION"),
    "survivor": N_("CONTACT"),
    "others": N_("CONTACT"),
    "contact": N_("CONTACT"),
    "contact_id": N_("CONTACT"),
}


def _name_placeholders(parser: argparse.ArgumentParser) -> None:
    """Give the values argparse would name in English (PLACEHOLDERS) a name in the language."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in {id(p): p for p in action.choices.values()}.values():
                _name_placeholders(command)
        elif (
            action.metavar is None
            and action.choices is None
            and action.nargs != 0
            and action.dest in PLACEHOLDERS
        ):
            word = _(PLACEHOLDERS[action.dest])
            action.metavar = word if action.option_strings else word.lower()


def _report(ctx_json: bool, stdout: TextIO, kind: str, message: str, code: int, prefix: str) -> int:
    """An error: one JSON object on stdout with --json, else a line on stderr."""
    if ctx_json:
        json.dump(
            {"error": {"kind": kind, "message": message, "exit_code": code}},
            stdout,
            ensure_ascii=False,
            indent=2,
        )
        stdout.write("\n")
    else:
        print(f"{prefix}{message}", file=sys.stderr)
    return code


def run_cli(argv: Sequence[str], *, paths: AppPaths | None = None) -> int:
    """Run one command; returns the exit code."""
    restrict_umask()  # personal data files are private whatever the user's umask
    argv = list(argv)
    wants_json = "--json" in argv
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:  # exits with 2 as argparse does
        if not wants_json:
            exc.parser.print_usage(sys.stderr)
        raise SystemExit(
            _report(
                wants_json,
                sys.stdout,
                "usage",
                str(exc),
                EXIT_USAGE,
                f"{exc.parser.prog}: " + _("erreur : "),
            )
        ) from None
    if not getattr(args, "handler", None):
        if wants_json:
            return _report(True, sys.stdout, "usage", _("commande manquante"), EXIT_USAGE, "")
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    ctx = CliContext(args=args, paths=paths or app_paths())
    try:
        return int(args.handler(ctx) or EXIT_OK)
    except OperationCancelled as exc:
        return _report(ctx.json, ctx.stdout, "cancelled", str(exc), EXIT_USER_ERROR, "obole: ")
    except AppError as exc:
        kind = type(exc).__name__
        return _report(
            ctx.json, ctx.stdout, kind, str(exc), EXIT_USER_ERROR, "obole: " + _("erreur : ")
        )
    finally:
        ctx.close()


def main(argv: Sequence[str]) -> int:
    """The `obole` command: the language first ($OBOLE_LANG, else the locale), then the command.

    The language is set before the parsers are built, so that their help texts, argparse's
    own strings and every message of the command are in that language.
    """
    set_language(detect_language())
    return run_cli(argv)
