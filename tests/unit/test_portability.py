"""Windows, macOS and Linux alike: the instance lock, one log file per process, the SMTP
password in the system keyring (with a private file where there is none)."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest

from app.core.infrastructure import instance_lock
from app.core.receipts import mailing
from app.logging_setup import configure_logging, log_file_name, prune_old_logs

ROOT = Path(__file__).resolve().parents[2]

HOLD_THE_LOCK = """
import sys
from pathlib import Path
from app.core.infrastructure import instance_lock
taken = instance_lock.acquire(Path(sys.argv[1]))
print("held" if isinstance(taken, instance_lock.InstanceLock) else "refused", flush=True)
sys.stdin.readline()
"""


def _holder_process(database: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_running_instance_keeps_the_lock_and_a_crashed_one_loses_it(tmp_path: Path) -> None:
    database = tmp_path / "Asso #2" / "obole.sqlite3"
    database.parent.mkdir()
    holder_process = _holder_process(database)
    try:
        taken = instance_lock.acquire(database)
        assert isinstance(taken, instance_lock.LockHolder)
        assert taken.pid == holder_process.pid and taken.host == socket.gethostname()
    finally:
        holder_process.kill()  # a crash: no release, the lock files stay behind
        holder_process.communicate()
    assert instance_lock.lock_path(database).exists()
    lock = instance_lock.acquire(database)
    assert isinstance(lock, instance_lock.InstanceLock)
    lock.release()
    assert not instance_lock.lock_path(database).exists()


def test_the_lock_is_released_for_the_next_process(tmp_path: Path) -> None:
    database = tmp_path / "obole.sqlite3"
    lock = instance_lock.acquire(database)
    assert isinstance(lock, instance_lock.InstanceLock)
    again = instance_lock.acquire(database)  # the same process (CLI then GUI in tests)
    assert isinstance(again, instance_lock.InstanceLock)
    again.release()
    assert instance_lock.lock_path(database).exists()  # still held by the first user
    lock.release()
    other = _holder_process(database)
    other.communicate("\n")  # it got the lock, then quits


def _write_holder(database: Path, pid: int, started: datetime) -> None:
    instance_lock.lock_path(database).write_text(
        json.dumps(
            {"pid": pid, "host": socket.gethostname(), "user": "x", "started": started.isoformat()}
        ),
        encoding="utf-8",
    )


def test_a_pid_reused_by_a_later_process_is_not_the_holder(tmp_path: Path) -> None:
    database = tmp_path / "obole.sqlite3"
    _write_holder(database, os.getppid(), datetime(2000, 1, 1, tzinfo=UTC))
    lock = instance_lock.acquire(database)
    assert isinstance(lock, instance_lock.InstanceLock)
    lock.release()


def test_a_live_holder_without_the_os_lock_is_still_respected(tmp_path: Path) -> None:
    """An older Obole wrote only the .lock file: its process is alive, so wait for it."""
    database = tmp_path / "obole.sqlite3"
    _write_holder(database, os.getppid(), datetime.now(UTC))
    assert isinstance(instance_lock.acquire(database), instance_lock.LockHolder)


# --- logging -----------------------------------------------------------------------------------

LOG_ONE_LINE = """
import logging
from main import main
from app.logging_setup import configure_logging
configure_logging()
logging.getLogger("probe").warning("written by %s", __import__("os").getpid())
"""


def test_each_process_writes_its_own_log_file(isolated_home: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    pids = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", LOG_ONE_LINE], env=env, capture_output=True, check=True
        )
        pids.append(done.stderr.decode().rsplit(" ", 1)[-1].strip())
    files = sorted((isolated_home / "log").glob("obole-*.log"))
    assert len(files) == 2
    for pid in pids:
        [mine] = [f for f in files if f.name.endswith(f"-{pid}.log")]
        assert f"written by {pid}" in mine.read_text(encoding="utf-8")


def test_old_log_files_are_pruned(tmp_path: Path) -> None:
    for index in range(5):
        path = tmp_path / log_file_name(now=datetime(2026, 1, 1, 10, index), pid=index)
        path.write_text("x", encoding="utf-8")
        os.utime(path, (1_000_000 + index, 1_000_000 + index))
    prune_old_logs(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "obole-20260101-1003-3.log".replace("1003", "100300"),
        "obole-20260101-1004-4.log".replace("1004", "100400"),
    ]


def test_no_console_handler_without_a_console(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    monkeypatch.setattr(sys, "stderr", None)  # a windowed launcher on Windows
    monkeypatch.delattr(root, "_obole_configured", raising=False)
    try:
        configure_logging()
        added = [h for h in root.handlers if h not in before]
        assert added and all(isinstance(h, logging.FileHandler) for h in added)
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
        monkeypatch.delattr(root, "_obole_configured", raising=False)


# --- the SMTP password -------------------------------------------------------------------------


class FakeKeyring(keyring.backend.KeyringBackend):
    """An in-memory keyring standing for Windows' Credential Manager or macOS' Keychain."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


class BrokenKeyring(FakeKeyring):
    """A keyring that exists but fails (locked, no D-Bus session...)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked")


@pytest.fixture
def no_env_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(mailing.PASSWORD_ENV_VAR, raising=False)


def _password_file() -> Path:
    return mailing._password_file()


@pytest.mark.usefixtures("no_env_password")
def test_the_password_goes_to_the_keyring_when_there_is_one() -> None:
    fake = FakeKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(fake)
    try:
        _password_file().parent.mkdir(parents=True, exist_ok=True)
        _password_file().write_text("old", encoding="utf-8")  # from an earlier version
        assert mailing.save_password("s3cret é#%") == "keyring"
        assert fake.secrets == {(mailing.KEYRING_SERVICE, mailing.KEYRING_USER): "s3cret é#%"}
        assert not _password_file().exists()
        assert mailing.load_password() == "s3cret é#%"
    finally:
        keyring.set_keyring(previous)


@pytest.mark.usefixtures("no_env_password")
@pytest.mark.parametrize("backend", [keyring.backends.fail.Keyring, BrokenKeyring])
def test_without_a_usable_keyring_the_password_goes_to_a_private_file(
    backend: type[keyring.backend.KeyringBackend],
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend())
    try:
        assert mailing.save_password("s3cret") == "file"
        assert mailing.save_password("s3cret 2") == "file"  # replaced, not appended
        assert _password_file().read_text(encoding="utf-8") == "s3cret 2"
        if os.name == "posix":
            assert _password_file().stat().st_mode & 0o777 == 0o600
        assert mailing.load_password() == "s3cret 2"
        assert [p.name for p in _password_file().parent.iterdir()] == [mailing.PASSWORD_FILE]
    finally:
        keyring.set_keyring(previous)


def test_the_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(mailing.PASSWORD_ENV_VAR, "from-env")
    assert mailing.load_password() == "from-env"
