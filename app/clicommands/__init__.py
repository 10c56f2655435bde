"""CLI commands, one module each; every module exposes register(subparsers, common)."""

from __future__ import annotations

from types import ModuleType

from app.clicommands import (
    appeal_cmd,
    backup_cmd,
    dedupe_cmd,
    gdpr_cmd,
    import_cmd,
    info_cmd,
    init_cmd,
    member_cmd,
    receipts_cmd,
    sepa_cmd,
    stats_cmd,
    user_cmd,
)

COMMAND_MODULES: list[ModuleType] = [
    init_cmd,
    info_cmd,
    receipts_cmd,
    dedupe_cmd,
    gdpr_cmd,
    import_cmd,
    stats_cmd,
    backup_cmd,
    member_cmd,
    sepa_cmd,
    appeal_cmd,
    user_cmd,
]
