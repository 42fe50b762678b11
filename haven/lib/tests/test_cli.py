"""The `haven` console command finds `make demo`'s keys, or runs without a secret."""

from __future__ import annotations

from pathlib import Path

from haven.cli import local_defaults


def test_it_uses_the_keys_make_demo_generated_when_nothing_is_configured(tmp_path: Path) -> None:
    # given a var/ directory with the generated keys
    for name in ("secret.key", "master.key", "index.key", "backup.key", "audit.key"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    environ = {"HAVEN_VAR_DIR": str(tmp_path)}
    # when
    local_defaults(environ)
    # then
    assert environ["HAVEN_SECRET_KEY_FILE"] == str(tmp_path / "secret.key")
    assert environ["HAVEN_MASTER_KEY_FILE"] == str(tmp_path / "master.key")
    assert environ["HAVEN_BACKUP_KEY_FILE"] == str(tmp_path / "backup.key")
    assert environ["HAVEN_AUDIT_KEY_FILE"] == str(tmp_path / "audit.key")
    assert "HAVEN_CONSOLE_WITHOUT_SECRET" not in environ


def test_it_keeps_configured_values_and_runs_without_a_secret_only_when_none_exists(
    tmp_path: Path,
) -> None:
    # given an operator's own master key and no secret anywhere
    environ = {"HAVEN_VAR_DIR": str(tmp_path), "HAVEN_MASTER_KEY": "configured"}
    # when
    local_defaults(environ)
    # then nothing is overridden, and the settings are told there is no secret
    assert environ["HAVEN_MASTER_KEY"] == "configured"
    assert "HAVEN_MASTER_KEY_FILE" not in environ
    assert environ["HAVEN_CONSOLE_WITHOUT_SECRET"] == "1"
