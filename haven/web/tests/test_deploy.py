"""The container file and the systemd units in ``deploy/`` (issue 12, operations):
checked by systemd itself where this machine has it, parsed for the hardening they
promise, and run: gunicorn starts with the unit's and the container's command line
on 127.0.0.1 and answers ``/health/ready``, the container's HEALTHCHECK passes on a
ready server and fails on an unready one, and the worker unit's commands run."""

from __future__ import annotations

import base64
import importlib
import json
import os
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.urls import resolve

from haven.web import health

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
CONTAINERFILE = DEPLOY / "Containerfile"
INSTALLED = "/opt/haven/venv/bin"  # where the units expect Haven's virtual environment
BIN = Path(sys.executable).parent
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
# Each key's credential name in the units, and the setting it is read into.
KEYS = {
    "secret.key": "HAVEN_SECRET_KEY",
    "master.key": "HAVEN_MASTER_KEY",
    "index.key": "HAVEN_INDEX_KEY",
    "audit.key": "HAVEN_AUDIT_KEY",
}

ALL_UNITS = ("haven.service", "haven-worker.service", "haven-migrate.service")

Unit = dict[str, dict[str, list[str]]]


def unit_parse(text: str) -> Unit:
    """A systemd unit file as section → key → values (a key may repeat)."""
    unit: Unit = {}
    section: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = unit.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        section.setdefault(key.strip(), []).append(value.strip())
    return unit


def unit_environment(unit: Unit, credentials: Path) -> dict[str, str]:
    service = unit["Service"]
    pairs = [item for line in service.get("Environment", []) for item in shlex.split(line)]
    return dict(pair.replace("%d", str(credentials)).split("=", 1) for pair in pairs)


def containerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments left out."""
    joined = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    found = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, arguments = line.strip().partition(" ")
            found.append((instruction.upper(), arguments.strip()))
    return found


def _units() -> dict[str, Unit]:
    return {path.name: unit_parse(path.read_text()) for path in sorted(UNITS.glob("*.service"))}


def _container() -> list[tuple[str, str]]:
    return containerfile_instructions(CONTAINERFILE.read_text())


# --- systemd units ------------------------------------------------------------------------


def test_it_ships_the_web_worker_and_migrate_units() -> None:
    assert set(_units()) == set(ALL_UNITS)


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed here")
def test_it_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    # given: the units, with the virtual environment where this test runs
    for path in UNITS.glob("*.service"):
        (tmp_path / path.name).write_text(path.read_text().replace(INSTALLED, str(BIN)))

    checked = subprocess.run(  # noqa: S603 - systemd's own checker on our unit files
        [str(SYSTEMD_ANALYZE), "verify", "--man=no", *sorted(map(str, tmp_path.iterdir()))],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    # then: no error, and not one warning either (unknown keys and bad values only warn)
    assert (checked.returncode, checked.stderr) == (0, "")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed here")
@pytest.mark.parametrize("name", ALL_UNITS)
def test_it_rates_the_units_well_hardened(name: str) -> None:
    rated = subprocess.run(  # noqa: S603 - systemd's own rating of our unit file
        [str(SYSTEMD_ANALYZE), "security", "--offline=yes", "--no-pager", str(UNITS / name)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    exposure = re.search(r"Overall exposure level for \S+: ([0-9.]+)", rated.stdout)
    assert exposure is not None, rated.stdout + rated.stderr
    assert float(exposure.group(1)) <= 2.0  # "OK" on systemd's 0-10 scale


@pytest.mark.parametrize("name", ALL_UNITS)
def test_it_hardens_each_unit(name: str) -> None:
    service = _units()[name]["Service"]

    for key, value in {
        "User": "haven",
        "ProtectSystem": "strict",
        "NoNewPrivileges": "yes",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "StateDirectoryMode": "0700",
        "UMask": "0077",
    }.items():
        assert service.get(key) == [value], key
    assert service["ReadWritePaths"] == ["/var/lib/haven"]
    assert service["CapabilityBoundingSet"] == [""]


@pytest.mark.parametrize("name", ALL_UNITS)
def test_it_hands_the_keys_over_as_credentials_only(name: str, tmp_path: Path) -> None:
    unit = _units()[name]
    loaded = dict(line.split(":", 1) for line in unit["Service"]["LoadCredential"])
    environment = unit_environment(unit, tmp_path)

    # then: each key is a credential read through its HAVEN_*_FILE, never a variable
    assert set(loaded) == set(KEYS)
    for credential, variable in KEYS.items():
        assert environment[f"{variable}_FILE"] == str(tmp_path / credential)
        assert variable not in environment
        assert loaded[credential] == f"/etc/haven/keys/{credential}"


def test_the_worker_unit_schedules_the_sweep_and_the_sealer_and_runs_the_worker() -> None:
    service = _units()["haven-worker.service"]["Service"]

    # the audit trail is sealed by the worker: without its schedule nothing is sealed;
    # and the planner's statistics are refreshed by it (issue 13)
    assert service["ExecStartPre"] == [
        f"{INSTALLED}/haven deadlines schedule",
        f"{INSTALLED}/haven audit schedule",
        f"{INSTALLED}/haven db schedule",
    ]
    worker = shlex.split(service["ExecStart"][0])
    assert worker[:3] == [f"{INSTALLED}/haven", "db_worker", "--no-reload"]


# --- the container file -------------------------------------------------------------------


def test_the_container_runs_python_3_11_on_debian_slim_as_a_user() -> None:
    instructions = _container()
    base = next(arguments for instruction, arguments in instructions if instruction == "FROM")
    users = [arguments for instruction, arguments in instructions if instruction == "USER"]

    assert re.fullmatch(r"python:3\.11-slim-[a-z]+", base)
    assert users and users[-1] not in {"root", "0"}
    # the user is switched to before the command that serves
    names = [instruction for instruction, _ in instructions]
    assert names.index("USER") < names.index("CMD")


def test_the_container_serves_haven_with_gunicorn() -> None:
    command = json.loads(dict(_container())["CMD"])
    module, _, name = command[1].partition(":")

    assert command[0] == "gunicorn"
    assert callable(getattr(importlib.import_module(module), name))


def test_the_container_healthcheck_asks_for_readiness() -> None:
    healthcheck = dict(_container())["HEALTHCHECK"]
    url = re.search(r"http://127\.0\.0\.1:8000(/[^'\"]*)", healthcheck)

    assert url is not None
    assert resolve(url.group(1)).func is health.ready


def test_the_container_reads_keys_from_secret_files() -> None:
    environment = " ".join(a for i, a in _container() if i == "ENV")

    for variable in KEYS.values():
        assert f"{variable}_FILE=/run/secrets/" in environment
        assert f"{variable}=" not in environment


def test_the_container_copies_only_what_exists() -> None:
    for instruction, arguments in _container():
        if instruction == "COPY":
            *sources, _target = arguments.split()
            assert all((ROOT / source).exists() for source in sources), sources


def _keep_alive(arguments: list[str]) -> int:
    return int(arguments[arguments.index("--keep-alive") + 1])


def test_gunicorn_keeps_connections_open_longer_than_the_guides_nginx_reuses_them() -> None:
    # given: nginx reuses an upstream connection for keepalive_timeout (the guide's block)
    guide = (ROOT / "docs" / "operations.md").read_text()
    upstream = re.search(r"upstream haven \{(.*?)\}", guide, re.DOTALL)
    assert upstream is not None
    nginx = re.search(r"keepalive_timeout (\d+)s;", upstream.group(1))
    assert nginx is not None
    # when: gunicorn as the unit and the container start it
    unit = shlex.split(_units()["haven.service"]["Service"]["ExecStart"][0])
    container = json.loads(dict(_container())["CMD"])
    # then: gunicorn never closes a connection nginx may still send a POST on
    assert _keep_alive(unit) > int(nginx.group(1))
    assert _keep_alive(container) > int(nginx.group(1))


# --- gunicorn on loopback, started as the unit and the container start it ----------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _wait_until_answering(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn stopped before serving"
        try:
            _get(url)
            return
        except (OSError, ValueError):
            time.sleep(0.3)
    raise AssertionError("gunicorn did not answer in time")


@pytest.fixture
def service_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """What systemd gives the service: a clean environment, the unit's variables, its
    credentials in a private directory; and a migrated database (a copy of the test
    database on SQLite, the test database itself on PostgreSQL)."""
    credentials = tmp_path / "credentials"
    credentials.mkdir(mode=0o700)
    for name in KEYS:
        key = base64.b64encode(os.urandom(32)).decode()
        (credentials / name).write_text(key + "\n")
        (credentials / name).chmod(0o400)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),  # this checkout's Haven, not the one installed
        **unit_environment(_units()["haven.service"], credentials),
        # what /etc/haven/haven.env holds in production
        "HAVEN_ALLOWED_HOSTS": "haven.example.org",
        "HAVEN_BEHIND_PROXY": "1",
        "HAVEN_VAR_DIR": str(tmp_path / "var"),
    }
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        copy = tmp_path / "haven.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        env["HAVEN_SQLITE_PATH"] = str(copy)
    else:
        env["DATABASE_URL"] = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**database)
    yield env


def _serve(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - the unit's or container's own command line
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)
    assert server.stderr is not None
    server.stderr.close()


@pytest.mark.django_db(transaction=True)
def test_gunicorn_starts_with_the_units_command_line_and_is_ready(
    service_env: dict[str, str], tmp_path: Path
) -> None:
    # given: the unit's ExecStart, with this virtual environment and a free port
    port = _free_port()
    exec_start = _units()["haven.service"]["Service"]["ExecStart"][0]
    assert "--bind 127.0.0.1:8000" in exec_start
    command = shlex.split(exec_start.replace(INSTALLED, str(BIN)).replace(":8000", f":{port}"))

    server = _serve(command, service_env, tmp_path)
    try:
        url = f"http://127.0.0.1:{port}/health/ready"
        _wait_until_answering(url, server)
        # then: ready, on plain HTTP and a loopback Host, with HTTPS and one host required
        assert _get(url) == (200, {"status": "ready", "skipped": []})
        assert _get(f"http://127.0.0.1:{port}/health/live") == (200, {"status": "live"})
    finally:
        _stop(server)


@pytest.mark.django_db(transaction=True)
def test_the_container_command_serves_and_its_healthcheck_tells_ready_from_unready(
    service_env: dict[str, str], tmp_path: Path
) -> None:
    # given: the container's CMD and HEALTHCHECK, on a free loopback port
    instructions = dict(_container())
    port = _free_port()
    command = json.loads(instructions["CMD"])
    command[0] = str(BIN / "gunicorn")
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    probe = json.loads(instructions["HEALTHCHECK"].split("CMD", 1)[1])
    probe = [sys.executable, *(arg.replace(":8000/", f":{port}/") for arg in probe[1:])]

    def healthcheck(env: dict[str, str]) -> int:
        server = _serve(command, env, tmp_path)
        try:
            _wait_until_answering(f"http://127.0.0.1:{port}/health/live", server)
            return subprocess.run(  # noqa: S603 - the container's own probe
                probe, capture_output=True, check=False, timeout=30
            ).returncode
        finally:
            _stop(server)

    # then: healthy with its keys, unhealthy without the master key
    assert healthcheck(service_env) == 0
    without_master_key = {k: v for k, v in service_env.items() if k != "HAVEN_MASTER_KEY_FILE"}
    assert healthcheck(without_master_key) != 0


@pytest.mark.django_db(transaction=True)
def test_the_migrate_and_worker_units_commands_run(
    service_env: dict[str, str], tmp_path: Path
) -> None:
    # given: the migrate unit's command, and the worker unit's commands run once
    # (--batch: take what is due, then exit)
    service = _units()["haven-worker.service"]["Service"]
    migrate = _units()["haven-migrate.service"]["Service"]["ExecStart"][0]
    env = {
        **service_env,
        **unit_environment(
            _units()["haven-worker.service"], Path(service_env["HAVEN_MASTER_KEY_FILE"]).parent
        ),
    }
    commands = [
        shlex.split(migrate.replace(INSTALLED, str(BIN))),
        shlex.split(service["ExecStartPre"][0].replace(INSTALLED, str(BIN))),
        [*shlex.split(service["ExecStart"][0].replace(INSTALLED, str(BIN))), "--batch"],
    ]

    for command in commands:
        done = subprocess.run(  # noqa: S603 - the unit's own command lines
            command, env=env, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120
        )
        assert done.returncode == 0, done.stderr[-2000:]
