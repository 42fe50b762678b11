"""``haven crossborder keygen``: a focal point's private keys printed for the
environment, or written to new files that only their owner can read (issue 12)."""

from __future__ import annotations

import base64
import os
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

FILES = {
    "HAVEN_FOCAL_POINT_ENCRYPTION_KEY_FILE": "focal-encryption.key",
    "HAVEN_FOCAL_POINT_SIGNING_KEY_FILE": "focal-signing.key",
}


def _keygen(*args: str) -> str:
    out = StringIO()
    call_command("crossborder", "keygen", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_private_keys_for_the_environment() -> None:
    output = _keygen()

    assert "HAVEN_FOCAL_POINT_ENCRYPTION_KEY=" in output
    assert "HAVEN_FOCAL_POINT_SIGNING_KEY=" in output
    assert "fingerprint: " in output


def test_it_writes_the_private_keys_to_files_only_their_owner_can_read(tmp_path: Path) -> None:
    # given: the usual umask, under which a plain `> file` is readable by everyone
    previous = os.umask(0o022)
    try:
        output = _keygen("--out-dir", str(tmp_path))
    finally:
        os.umask(previous)

    # then: each file is named for the environment, owner-only, and holds a 32-byte key
    for variable, name in FILES.items():
        path = tmp_path / name
        assert f"{variable}={path}" in output
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        key = path.read_text().strip()
        assert len(base64.b64decode(key, validate=True)) == 32
        assert key not in output
    assert "encryption_public_key: " in output


def test_it_never_writes_keys_over_existing_files(tmp_path: Path) -> None:
    # given
    (tmp_path / "focal-signing.key").write_text("the only copy\n")

    # when / then: nothing is written, not even the other key
    with pytest.raises(CommandError, match="never replaced"):
        _keygen("--out-dir", str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["focal-signing.key"]
    assert (tmp_path / "focal-signing.key").read_text() == "the only copy\n"
