"""Backup encryption: a passphrase per backup, or the association's backup key.

Two formats, both AES-256-GCM (any altered byte makes decryption fail):

- ``OBOLE-AESGCM-1``: `backup create --encrypt` with a passphrase typed for that backup;
  the key is derived by scrypt from the passphrase and a random salt stored in the file.
- ``OBOLE-X25519-1``: the association's backup passphrase (Settings). Obole must encrypt
  automatic backups (before an import, a receipts batch, a merge...) without asking for
  the passphrase and without keeping it. So the passphrase is turned, by scrypt with a
  salt, into an X25519 private key; only the matching PUBLIC key and the salt are stored
  in the database (setting ``backup.encryption``). Each backup is encrypted for that
  public key with a fresh ephemeral key pair (ECDH + HKDF-SHA256 -> AES-256-GCM, as in
  the `age` tool). Encrypting needs no secret; decrypting (verify, restore) needs the
  passphrase. The stored public key is also the passphrase's verifier: a typed
  passphrase is right when it derives the same public key. Nothing in the database lets
  anyone read a backup.

Everything happens in memory: no plaintext copy is ever written next to the backups.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app.errors import StorageError, ValidationError
from app.i18n import _
from app.models import Setting

PASSPHRASE_MAGIC = b"OBOLE-AESGCM-1\n"
KEY_MAGIC = b"OBOLE-X25519-1\n"
SALT_BYTES, NONCE_BYTES, KEY_BYTES = 16, 12, 32
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SETTING_KEY = "backup.encryption"
MIN_PASSPHRASE_LENGTH = 10


@dataclass(frozen=True)
class BackupKey:
    """The association's backup public key and the salt its private key is derived with."""

    salt: bytes
    public_key: bytes

    def as_setting(self) -> dict[str, Any]:
        """The JSON stored in the `setting` table (nothing secret)."""
        return {
            "kdf": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": self.salt.hex(),
            "public_key": self.public_key.hex(),
        }

    @classmethod
    def from_setting(cls, value: Any) -> BackupKey | None:
        """Read the setting (None when no backup passphrase is set)."""
        if not isinstance(value, dict) or "public_key" not in value:
            return None
        return cls(bytes.fromhex(value["salt"]), bytes.fromhex(value["public_key"]))


def _scrypt(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=KEY_BYTES, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(
        passphrase.encode()
    )


def _private_key(passphrase: str, salt: bytes) -> Any:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return X25519PrivateKey.from_private_bytes(_scrypt(passphrase, salt))


def _raw_public(key: Any) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return bytes(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def derive_backup_key(passphrase: str, *, salt: bytes | None = None) -> BackupKey:
    """The public key (and salt) derived from the association's backup passphrase."""
    salt = salt or os.urandom(SALT_BYTES)
    return BackupKey(salt, _raw_public(_private_key(passphrase, salt).public_key()))


def _hkdf(shared: bytes, context: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=context).derive(shared)


# --- the setting --------------------------------------------------------------------------


def backup_key(session: Session) -> BackupKey | None:
    """The configured backup key, or None."""
    setting = session.get(Setting, SETTING_KEY)
    return BackupKey.from_setting(setting.value if setting else None)


def backup_key_on(connection: Connection) -> BackupKey | None:
    """The configured backup key read on a bare connection (automatic backups)."""
    table = Setting.__table__
    try:
        value = connection.execute(
            select(table.c.value).where(table.c.key == SETTING_KEY)
        ).scalar_one_or_none()
    except Exception:  # noqa: BLE001 - a database without the table has no key
        return None
    return BackupKey.from_setting(value)


def set_backup_passphrase(session: Session, passphrase: str) -> BackupKey:
    """Store the verifier (public key) of a new backup passphrase (admin only)."""
    from app.core.infrastructure.permissions import Permission, require

    require(session, Permission.SETTINGS_WRITE)
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            _("La phrase de passe des sauvegardes doit compter au moins {n} caractères.").format(
                n=MIN_PASSPHRASE_LENGTH
            ),
            field="passphrase",
        )
    key = derive_backup_key(passphrase)
    setting = session.get(Setting, SETTING_KEY)
    if setting is None:
        session.add(Setting(key=SETTING_KEY, value=key.as_setting()))
    else:
        setting.value = key.as_setting()
    session.flush()
    return key


def clear_backup_passphrase(session: Session) -> None:
    """Stop encrypting backups (admin only)."""
    from app.core.infrastructure.permissions import Permission, require

    require(session, Permission.SETTINGS_WRITE)
    setting = session.get(Setting, SETTING_KEY)
    if setting is not None:
        session.delete(setting)
        session.flush()


def passphrase_matches(key: BackupKey, passphrase: str) -> bool:
    """True when `passphrase` is the one `key` was derived from."""
    return derive_backup_key(passphrase, salt=key.salt).public_key == key.public_key


# --- encrypt / decrypt -------------------------------------------------------------------


def encrypt_for_key(plain: bytes, key: BackupKey) -> bytes:
    """Encrypt `plain` for the association's public key (no secret needed)."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(key.public_key))
    header = KEY_MAGIC + key.salt + ephemeral_public
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_hkdf(shared, ephemeral_public + key.public_key)).encrypt(nonce, plain, header)
    return header + nonce + sealed


def encrypt_with_passphrase(plain: bytes, passphrase: str) -> bytes:
    """Encrypt `plain` with a key derived from `passphrase` (format OBOLE-AESGCM-1)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    sealed = AESGCM(_scrypt(passphrase, salt)).encrypt(nonce, plain, PASSPHRASE_MAGIC)
    return PASSPHRASE_MAGIC + salt + nonce + sealed


def is_encrypted_data(head: bytes) -> bool:
    """True when `head` (the first bytes of a file) starts an encrypted Obole backup."""
    return head.startswith((PASSPHRASE_MAGIC, KEY_MAGIC))


def decrypt(data: bytes, passphrase: str | None, *, name: object) -> bytes:
    """The plaintext of an encrypted backup; StorageError on a wrong passphrase or damage."""
    from cryptography.exceptions import InvalidTag

    if not passphrase:
        raise StorageError(
            _("La sauvegarde {file} est chiffrée : indiquez la phrase de passe.").format(file=name)
        )
    try:
        if data.startswith(KEY_MAGIC):
            return _decrypt_for_key(data, passphrase)
        return _decrypt_with_passphrase(data, passphrase)
    except (InvalidTag, ValueError):
        raise StorageError(
            _(
                "Impossible de déchiffrer {file} : phrase de passe incorrecte ou fichier abîmé."
            ).format(file=name)
        ) from None


def _decrypt_with_passphrase(data: bytes, passphrase: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    head = len(PASSPHRASE_MAGIC)
    salt = data[head : head + SALT_BYTES]
    nonce = data[head + SALT_BYTES : head + SALT_BYTES + NONCE_BYTES]
    return AESGCM(_scrypt(passphrase, salt)).decrypt(
        nonce, data[head + SALT_BYTES + NONCE_BYTES :], PASSPHRASE_MAGIC
    )


def _decrypt_for_key(data: bytes, passphrase: str) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    start = len(KEY_MAGIC)
    salt = data[start : start + SALT_BYTES]
    ephemeral_public = data[start + SALT_BYTES : start + SALT_BYTES + KEY_BYTES]
    header_end = start + SALT_BYTES + KEY_BYTES
    nonce = data[header_end : header_end + NONCE_BYTES]
    private = _private_key(passphrase, salt)
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    context = ephemeral_public + _raw_public(private.public_key())
    return AESGCM(_hkdf(shared, context)).decrypt(
        nonce, data[header_end + NONCE_BYTES :], data[:header_end]
    )
