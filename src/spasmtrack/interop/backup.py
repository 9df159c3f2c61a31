"""Encrypted backup: the native JSON export in one passphrase-protected file, and its restore.

File layout (all integers big-endian):

    magic    8 bytes  b"SPASMBK\\0"
    version  1 byte   1
    kdf      1 byte   1 = scrypt
    log2 n   1 byte   scrypt cost, n = 2**log2_n (15 or more)
    r        1 byte
    p        1 byte
    salt    16 bytes  random per backup
    nonce   12 bytes  random per backup
    ciphertext + 16-byte tag   AES-256-GCM of the UTF-8 JSON document

The whole header is passed to AES-GCM as associated data, so changing any header byte (say, a
lower scrypt cost) makes decryption fail just like a wrong passphrase or a damaged body.
AES-GCM cannot tell those apart; the message says so. Restore writes nothing unless the file
decrypts and the whole document imports (one transaction).
"""

from __future__ import annotations

import json
import os
import struct
from datetime import time
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.db import transaction

from spasmtrack.accounts.models import Person, valid_tz
from spasmtrack.core.days import MIDNIGHT, day_start_problem
from spasmtrack.exchange import limits
from spasmtrack.interop.native import (
    delete_person_data,
    export_document,
    has_data,
    import_document,
)

MAGIC = b"SPASMBK\0"
VERSION = 1
KDF_SCRYPT = 1
LOG2_N = 15  # n = 32768, r = 8: 32 MiB and ~0.1 s per derivation; memory-hard
R = 8
P = 1
MIN_LOG2_N = 15  # refuse weaker files: they could be an attacker's downgrade
MAX_LOG2_N = 22  # refuse absurd costs that would exhaust memory
HEADER = struct.Struct(">8sBBBBB16s12s")


class BackupError(ValueError):
    """A backup that cannot be read or restored; the message is for the person."""


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p)
    return kdf.derive(passphrase.encode("utf-8"))


def encrypt(plaintext: bytes, passphrase: str, log2_n: int = LOG2_N) -> bytes:
    """The backup file bytes for `plaintext` (fresh random salt and nonce every time)."""
    if not passphrase:
        raise BackupError("the passphrase is empty")
    salt, nonce = os.urandom(16), os.urandom(12)
    header = HEADER.pack(MAGIC, VERSION, KDF_SCRYPT, log2_n, R, P, salt, nonce)
    key = _key(passphrase, salt, log2_n, R, P)
    return header + AESGCM(key).encrypt(nonce, plaintext, header)


def decrypt(data: bytes, passphrase: str) -> bytes:
    """The plaintext of a backup file; BackupError says why it cannot be read."""
    if len(data) < HEADER.size + 16 or not data.startswith(MAGIC):
        raise BackupError("not a Spasmtrack backup file (or it is truncated)")
    magic, version, kdf, log2_n, r, p, salt, nonce = HEADER.unpack_from(data)
    if version != VERSION:
        raise BackupError(f"backup format version {version} is not supported by this version")
    if kdf != KDF_SCRYPT or not MIN_LOG2_N <= log2_n <= MAX_LOG2_N or not (r and p):
        raise BackupError("the backup header is damaged (unknown key-derivation settings)")
    header = data[: HEADER.size]
    try:
        return AESGCM(_key(passphrase, salt, log2_n, r, p)).decrypt(
            nonce, data[HEADER.size :], header
        )
    except InvalidTag:
        raise BackupError(
            "wrong passphrase, or the file is damaged (it cannot be decrypted)"
        ) from None


def backup_bytes(person: Person, passphrase: str) -> bytes:
    """Everything the person has (the native JSON export), encrypted with `passphrase`.

    The backup also names the account (`username`, information like `tz`), so a restore on a
    fresh install can recreate it."""
    doc = {**export_document(person), "username": person.user.username}
    return encrypt(json.dumps(doc, ensure_ascii=False).encode("utf-8"), passphrase)


def read_backup(data: bytes, passphrase: str) -> dict[str, Any]:
    """The export document inside a backup file."""
    try:
        doc = json.loads(decrypt(data, passphrase).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BackupError("the backup decrypted but does not hold an export document") from None
    if not isinstance(doc, dict):
        raise BackupError("the backup decrypted but does not hold an export document")
    try:
        limits.check_shape(doc, "the backup")  # the same limits as any import
    except limits.ImportRefused as e:
        raise BackupError(str(e)) from None
    return doc


def diary_is_empty(person: Person) -> bool:
    """Nothing of the person's in any section of the export (live or binned). Their own
    treatments or habits that were never logged do not count: restore reuses them."""
    return not has_data(person)


def _delete_diary(person: Person) -> None:
    delete_person_data(person)


def restore(
    person: Person, doc: dict[str, Any], replace: bool = False, where: str = "backup"
) -> dict[str, int]:
    """Import a backup's document into an empty diary, or (replace) delete then import.

    Both happen in one transaction: if the import is refused, the old diary is still there.
    Raises BackupError for a non-empty diary without `replace`, and ImportRefused for a bad
    document.
    """
    with transaction.atomic():
        if not diary_is_empty(person):
            if not replace:
                raise BackupError(
                    "this diary is not empty: restore into a new account, or use --replace"
                )
            _delete_diary(person)
        tz = doc.get("tz")
        if isinstance(tz, str) and valid_tz(tz) and tz != person.tz:
            person.tz = tz
            person.save(update_fields=("tz",))
        if (start := backup_day_start(doc)) != person.day_start:
            person.day_start = start
            person.save(update_fields=("day_start",))
        _restore_profile(person, doc)
        return import_document(person, doc, where=where)


def backup_day_start(doc: dict[str, Any]) -> time:
    """The day start the backup's days were counted with: its `day_start`, or midnight for a
    backup made before the setting existed (its days were calendar days)."""
    raw = doc.get("day_start")
    if not isinstance(raw, str):
        return MIDNIGHT
    try:
        start = time.fromisoformat(raw)
    except ValueError:
        return MIDNIGHT
    return start if day_start_problem(start) is None else MIDNIGHT


def _restore_profile(person: Person, doc: dict[str, Any]) -> None:
    """The display name and date of birth of a backup (both optional; a bad value is left
    out, never an error: they only label the report)."""
    from datetime import date

    name = doc.get("display_name")
    born = doc.get("birth_date")
    fields = []
    if isinstance(name, str) and len(name) <= 100 and "\n" not in name:
        person.display_name = name
        fields.append("display_name")
    if isinstance(born, str):
        try:
            day = date.fromisoformat(born)
        except ValueError:
            day = None
        if day is not None and date(1900, 1, 1) <= day <= person.today():
            person.birth_date = day
            fields.append("birth_date")
    if fields:
        person.save(update_fields=fields)


def restore_as_new_account(
    doc: dict[str, Any], password: str, username: str | None = None, where: str = "backup"
) -> tuple[Person, dict[str, int]]:
    """A fresh install: create the account of the backup (its name unless `username` is given,
    its time zone) with a new password, and restore everything into it. One transaction: if
    the document is refused, no account is created either. Raises BackupError (bad name or
    password) or ImportRefused."""
    from django.contrib.auth.models import User
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    name = username or doc.get("username")
    if not isinstance(name, str) or not name.strip():
        raise BackupError("the backup names no account (it predates names): give one")
    name = name.strip()
    field = User._meta.get_field("username")
    try:
        field.run_validators(name)
    except ValidationError as e:
        raise BackupError(f"account name {name!r}: {'; '.join(e.messages)}") from None
    if User.objects.filter(username=name).exists():
        raise BackupError(f"an account named {name!r} already exists")
    try:
        validate_password(password, User(username=name))
    except ValidationError as e:
        raise BackupError("; ".join(e.messages)) from None
    tz = doc.get("tz")
    with transaction.atomic():
        user = User.objects.create_user(name, password=password)
        person = Person.objects.create(
            user=user,
            tz=tz if isinstance(tz, str) and valid_tz(tz) else "UTC",
            day_start=backup_day_start(doc),
        )
        _restore_profile(person, doc)
        counts = import_document(person, doc, where=where)
    return person, counts
