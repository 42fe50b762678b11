"""``haven screen --set SET_ID --answers FILE.json``: evaluate observed indicators and
print the result as JSON, for batch use and integration (R-06 to R-09).

The set comes from the database when it is loaded there (its latest version, or
``--version``), otherwise from the shipped ILO file, so that the command also
works on a fresh database. Nothing is stored.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from haven.identification import engine, errors, loader
from haven.identification.selectors import indicator_sets as selectors

HELP = """Evaluate a screening without storing it.

The answers file is JSON: {"observed": ["DR-01", ...], "act_established": true|false|null}
(act_established is optional and used by children's sets, R-08). The result is
printed as JSON: set, version, provisional, elements (code -> strong, medium, weak,
positive), victim_rule, outcome and explanation. The outcome is decision support:
"indicators_consistent_with_trafficking" or "insufficient_indicators_recorded".
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # --version names a set version here, not Django's version: the later option wins.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--set", required=True, dest="set_key", help="set id, e.g. adults_labour"
        )
        parser.add_argument("--answers", required=True, help="JSON file with the observed ids")
        parser.add_argument("--version", type=int, help="a version loaded in the database")
        parser.add_argument(
            "--child-policy",
            help="children's sets: the R-08 policy (default: HAVEN_CHILD_VICTIM_POLICY)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        observed, act_established = _answers(Path(options["answers"]))
        set_def = _set_def(options["set_key"], options["version"])
        if set_def.is_empty:
            raise CommandError(f"the set {set_def.key} has no indicators yet")
        policy = options["child_policy"] or settings.HAVEN_CHILD_VICTIM_POLICY
        if "policies" in set_def.victim_rule and policy not in set_def.victim_rule["policies"]:
            known = ", ".join(set_def.victim_rule["policies"])
            raise CommandError(f"unknown child policy {policy!r}; the set defines: {known}")
        try:
            result = engine.evaluate(
                set_def, observed, child_policy=policy, act_established=act_established
            )
        except engine.UnknownIndicators as exc:
            raise CommandError(
                f"unknown indicator ids for {set_def.key} v{set_def.version}: {', '.join(exc.ids)}"
            ) from exc
        self.stdout.write(json.dumps(result.as_json(), indent=2, ensure_ascii=False))


def _answers(path: Path) -> tuple[list[str], bool | None]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = (
            f" at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            if isinstance(exc, json.JSONDecodeError)
            else ": not UTF-8 text"
        )
        raise CommandError(f"{path} is not valid JSON{where}") from exc
    if not isinstance(data, dict):
        raise CommandError(f'{path}: expected an object such as {{"observed": ["DR-01"]}}')
    observed = data.get("observed")
    if not isinstance(observed, list) or not all(isinstance(i, str) for i in observed):
        raise CommandError(f'{path}: "observed" must be a list of indicator ids')
    act = data.get("act_established")
    if act is not None and not isinstance(act, bool):
        raise CommandError(f'{path}: "act_established" must be true, false or null')
    return observed, act


def _set_def(key: str, version: int | None) -> engine.SetDef:
    """From the database when the set is loaded there, else from the shipped file."""
    try:
        return selectors.set_def_for(selectors.indicator_set_get(key=key, version=version))
    except errors.IndicatorSetNotFound:
        loaded = _loaded_keys()
    except DatabaseError:  # no tables yet: the shipped file still works
        loaded = set()
    if key in loaded:
        raise CommandError(f"the set {key} has no version {version} in the database")
    shipped = {d.key: d for d in loader.load(loader.SHIPPED_FILE)}
    if key not in shipped:
        known = ", ".join(sorted(loaded | set(shipped)))
        raise CommandError(f"unknown indicator set {key!r}; known sets: {known}")
    if version not in (None, 1):
        raise CommandError(f"the shipped set {key} has only version 1 (not loaded in the database)")
    return shipped[key]


def _loaded_keys() -> set[str]:
    return {row.key for row in selectors.indicator_set_list_latest()}
