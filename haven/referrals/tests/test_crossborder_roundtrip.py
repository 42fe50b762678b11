"""Round trip between two Haven databases in one test run (R-50): instance A is
the test database; instance B is a real second Haven, the ``haven`` console
command in a subprocess with its own database, master keys and focal point keys.

Export at A, import at B (everything created), acknowledgement from B imported
at A (acknowledged). A package with any byte flipped is refused by B, and B's
database has no new case.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from haven.referrals import packages
from haven.referrals.models import CrossBorderTransfer
from haven.referrals.services import crossborder as services
from haven.referrals.tests.test_crossborder import KEYS_A, KEYS_B, as_instance_a, sender

HAVEN = Path(sys.executable).parent / "haven"
B_USER = "b-caseworker"
CREATE_B_USER = f"""
from haven.accounts.models import Organisation, User
org = Organisation.objects.create(name="Test NGO B", org_type="ngo", country="EE")
User.objects.create_user(username="{B_USER}", password="unused-test-only", organisation=org,
                         role="caseworker")
"""


@dataclass(frozen=True)
class InstanceB:
    env: dict[str, str]
    dir: Path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(  # noqa: S603 - our own console command, fixed arguments
            [str(HAVEN), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"haven {args[0]} failed: {done.stderr[-2000:]}")
        return done

    def listing(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.run("crossborder", "list", "--json").stdout)
        return result


def _key(fill: bytes) -> str:
    return base64.b64encode(fill * 32).decode()


@pytest.fixture(scope="module")
def instance_b(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InstanceB]:
    """A second Haven, migrated once for the module, with A registered as partner."""
    directory = tmp_path_factory.mktemp("instance_b")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HAVEN_", "DATABASE_URL"))}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{directory}/b.sqlite3",
            "HAVEN_SECRET_KEY": "instance-b-test-secret-not-for-production-" + "b" * 20,
            "HAVEN_MASTER_KEY": _key(b"B"),
            "HAVEN_INDEX_KEY": _key(b"J"),
            "HAVEN_AUDIT_KEY": _key(b"U"),
            "HAVEN_VAR_DIR": str(directory),
            "HAVEN_HTTPS": "0",
            "HAVEN_FOCAL_POINT_ID": "ee-b",
            "HAVEN_FOCAL_POINT_ENCRYPTION_KEY": KEYS_B["encryption_private_key"],
            "HAVEN_FOCAL_POINT_SIGNING_KEY": KEYS_B["signing_private_key"],
        }
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    b = InstanceB(env=env, dir=directory)
    b.run("migrate", "--verbosity", "0")
    b.run("shell", "-c", CREATE_B_USER)
    b.run(
        "crossborder",
        "partner-add",
        "--organisation=Focal point A",
        "--country=FI",
        "--focal-point-id=fi-a",
        f"--encryption-key={KEYS_A['encryption_public_key']}",
        f"--signing-key={KEYS_A['signing_public_key']}",
    )
    yield b


def _exported_at_a(directory: Path, name: str) -> tuple[Path, str]:
    s = sender()
    with as_instance_a():
        exported = services.crossborder_export(
            actor=s.lead,
            case_id=s.case.id,
            partner_id=s.partner.id,
            stage="first_assistance",
            consent_id=s.consent.id,
        )
    path = directory / name
    path.write_text(exported.package, encoding="ascii")
    return path, exported.package


@pytest.mark.django_db
def test_r50_a_package_goes_from_a_to_b_and_the_acknowledgement_comes_back(
    instance_b: InstanceB,
) -> None:
    # given
    path, _text = _exported_at_a(instance_b.dir, "referral.json")
    before = instance_b.listing()
    # when: B checks, then imports, then acknowledges
    preview = instance_b.run("crossborder", "import", f"--user={B_USER}", str(path))
    after_preview = instance_b.listing()
    instance_b.run("crossborder", "import", "--yes", f"--user={B_USER}", str(path))
    after = instance_b.listing()
    incoming = next(t for t in after["transfers"] if t["direction"] == "incoming")
    ack_path = instance_b.dir / "ack.json"
    instance_b.run(
        "crossborder",
        "acknowledge",
        f"--user={B_USER}",
        f"--transfer={incoming['id']}",
        f"--out={ack_path}",
    )
    with as_instance_a():
        imported = services.crossborder_import(
            actor=sender_lead(), package=ack_path.read_text(encoding="ascii")
        )
    # then
    assert "Nothing was created" in preview.stdout
    assert after_preview["cases"] == before["cases"]
    assert after["cases"] == before["cases"] + 1
    assert (incoming["stage"], incoming["partner"], incoming["case_id"] is not None) == (
        "first_assistance",
        "fi-a",
        True,
    )
    assert imported.kind == "acknowledgement"
    assert CrossBorderTransfer.objects.get().acknowledged_at is not None
    # and the package file the console wrote is its owner's alone
    assert stat.S_IMODE(ack_path.stat().st_mode) == 0o600


def sender_lead() -> Any:
    transfer = CrossBorderTransfer.objects.select_related("case").get()
    assert transfer.case is not None
    return transfer.case.opened_by


@pytest.mark.django_db
def test_r50_b_refuses_a_package_with_one_byte_flipped_and_writes_nothing(
    instance_b: InstanceB,
) -> None:
    # given
    _path, text = _exported_at_a(instance_b.dir, "original.json")
    positions = {
        "header": text.index('"recipient"') + 13,
        "ciphertext": text.index('"ciphertext"') + 40,
        "signature": text.index('"signature"') + 30,
    }
    before = instance_b.listing()
    refusals = {}
    for where, at in positions.items():
        flipped = text[:at] + chr(ord(text[at]) ^ 0x01) + text[at + 1 :]
        path = instance_b.dir / f"tampered-{where}.json"
        path.write_text(flipped, encoding="ascii")
        # when
        done = instance_b.run(
            "crossborder", "import", "--yes", f"--user={B_USER}", str(path), check=False
        )
        refusals[where] = (done.returncode, "package_" in done.stderr)
    # then
    assert refusals == dict.fromkeys(positions, (1, True))
    assert instance_b.listing() == before
    assert packages.envelope_parse(text).header.recipient == "ee-b"  # the original is fine
