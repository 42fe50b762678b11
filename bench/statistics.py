"""``make bench``: the full Eurostat set of a reporting year over a large register.

    python -m bench.statistics [--cases 100000] [--runs 5] [--fresh]
    scripts/with-postgres.sh python -m bench.statistics --cases 100000 --clones 9

Seeds ``--cases`` registered victims' cases in bulk (synthetic: no names, nothing
encrypted; ten reporting years; skewed like a real register: most victims of one
citizenship and one form of exploitation). On PostgreSQL they are written with COPY,
and ``--clones`` more copies are made in SQL (100,000 and 9 give a million). Then it
times, ``--runs`` times each, the cube query alone and the whole Eurostat set (the
query, the four tables, primary and secondary suppression, the audit event) of the
busiest year, the trend over ten years, the backlog, the regional dashboard (victims by
region of the lead and sex), the exchange's registered victims (counted per distinct
record: the source of the HTCDS, CTDC and regional releases) and those three releases
(wall and CPU time). Prints one JSON line per figure; on PostgreSQL
also the server's time, buffers and scans (``EXPLAIN (ANALYZE, BUFFERS)``) of the
cube's, the regional dashboard's and the exchange's queries. The goal (issue 15): the
full set in under 1 s at 1,000,000 cases on PostgreSQL.

Uses a temporary SQLite database unless HAVEN_SQLITE_PATH or DATABASE_URL is set (as
``bench.run`` does); a given database must hold no cases. ``--seed-only`` seeds and
analyses a given database and stops; ``--measure-only`` then measures it, as often as
wanted (1,000,000 cases take ten minutes to seed here).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import configure_environment, remove_sqlite

YEARS = tuple(range(2016, 2026))
COUNTRY = "FI"
# (weight, value): skewed as registers are
CITIZENSHIPS = [
    (30, ("FI",)), (12, ("NG",)), (10, ("RO",)), (8, ("VN",)), (8, ("UA",)), (6, ("EE",)),
    (5, ("TH",)), (4, ("CN",)), (4, ("BG",)), (3, ("IN",)), (3, ("BR",)), (2, ("SE",)),
    (2, ("IQ",)), (2, ("AF",)), (2, ("FI", "RU")), (1, ("DE",)), (1, ("PL",)), (1, ("LV",)),
    (1, ("SO",)), (1, ("ER",)), (2, ()),
]  # fmt: skip
FORMS = [
    (40, ("sexual_exploitation",)), (30, ("forced_labour",)), (5, ("criminal_activities",)),
    (4, ("forced_begging",)), (3, ("forced_marriage",)), (2, ("servitude",)),
    (1, ("illegal_adoption",)), (1, ("surrogacy",)), (1, ("organ_removal",)), (2, ("other",)),
    (6, ("forced_labour", "sexual_exploitation")), (2, ("criminal_activities", "forced_labour")),
    (3, ()),
]  # fmt: skip
STATUSES = [(45, "identified"), (40, "presumed"), (10, "declined_formal_identification"),
            (5, "withdrawn")]  # fmt: skip


def _pick(rng: random.Random, table: list[tuple[int, Any]]) -> Any:
    return rng.choices([v for _, v in table], weights=[w for w, _ in table])[0]


def specs(rng: random.Random, count: int) -> list[Any]:
    from haven.statistics.tests.register import Spec

    out = []
    for _ in range(count):
        year = rng.choice(YEARS)
        registered = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        opened = datetime.combine(
            registered - timedelta(days=rng.randrange(120)), datetime.min.time(), UTC
        )
        known = rng.random()
        out.append(
            Spec(
                country=COUNTRY,
                status=_pick(rng, STATUSES),
                registered_on=registered,
                opened_at=opened,
                sex=rng.choices(["female", "male", "intersex", "unknown"], [60, 37, 1, 2])[0],
                age_status=rng.choices(
                    ["verified_adult", "verified_child", "uncertain_presumed_child", "uncertain"],
                    [70, 15, 5, 10],
                )[0],
                birth_year=year - rng.randint(8, 60) if known < 0.7 else None,
                estimated_age_min=rng.randint(10, 50) if 0.7 <= known < 0.9 else None,
                citizenships=_pick(rng, CITIZENSHIPS),
                forms=_pick(rng, FORMS),
                lead=rng.randrange(4),
            )
        )
    return out


def copy_rows(objs: list[Any]) -> None:
    """Write model instances with PostgreSQL's COPY (ten times bulk_create's speed):
    every concrete column but an auto-increment key, prepared as Django saves it."""
    from django.db import connection, models

    if not objs:
        return
    model = type(objs[0])
    fields = [
        f
        for f in model._meta.concrete_fields
        if not isinstance(f, (models.AutoField, models.BigAutoField))
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])


def clone_rounds(times: int) -> None:
    """PostgreSQL only: copy the seeded register ``times`` more times in SQL (new ids,
    the same facts), to reach a million cases without generating each in Python."""
    from django.db import connection

    from haven.access.models import TeamMembership
    from haven.cases.models import Case, Person
    from haven.vault.models import DataKey

    def columns(model: Any, mapped: dict[str, str], alias: str) -> tuple[str, str]:
        names, values = [], []
        for f in model._meta.concrete_fields:
            if f.column == "id" and model is TeamMembership:
                continue
            names.append(f.column)
            values.append(mapped.get(f.column, f"{alias}.{f.column}"))
        return ", ".join(names), ", ".join(values)

    with connection.cursor() as cursor:
        for k in range(1, times + 1):
            cursor.execute("DROP TABLE IF EXISTS clone_map")
            cursor.execute(
                "CREATE TEMP TABLE clone_map AS SELECT c.id AS old_case, p.id AS old_person, "
                "p.data_key_id AS old_key, gen_random_uuid() AS new_case, "
                "gen_random_uuid() AS new_person, gen_random_uuid() AS new_key "
                "FROM cases_case c JOIN cases_person p ON p.id = c.person_id "
                "WHERE c.reference NOT LIKE '%%-%%-%%'"
            )
            plans = [
                (DataKey, {"id": "m.new_key"}, "d", "JOIN clone_map m ON m.old_key = d.id"),
                (
                    Person,
                    {"id": "m.new_person", "data_key_id": "m.new_key"},
                    "p",
                    "JOIN clone_map m ON m.old_person = p.id",
                ),
                (
                    Case,
                    {
                        "id": "m.new_case",
                        "person_id": "m.new_person",
                        "reference": f"c.reference || '-{k}'",
                        "reference_key": f"c.reference_key || '{k}'",
                        "reference_key_reversed": f"'{k}' || c.reference_key_reversed",
                    },
                    "c",
                    "JOIN clone_map m ON m.old_case = c.id",
                ),
                (
                    TeamMembership,
                    {"case_id": "m.new_case"},
                    "t",
                    "JOIN clone_map m ON m.old_case = t.case_id",
                ),
            ]
            for model, mapped, alias, join in plans:
                names, values = columns(model, mapped, alias)
                cursor.execute(
                    f"INSERT INTO {model._meta.db_table} ({names}) "  # noqa: S608 - model names
                    f"SELECT {values} FROM {model._meta.db_table} {alias} {join}"
                )


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    return samples, result


def timed_cpu(fn: Callable[[], Any], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds (this process: Python's share, not the server's) per run."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return walls, cpus


def emit(figure: dict[str, Any]) -> None:
    print(json.dumps(figure), flush=True)


def figure(name: str, samples: list[float], cases: int, vendor: str, **extra: Any) -> None:
    emit(
        {
            "bench": name,
            "cases": cases,
            "database": vendor,
            "runs": len(samples),
            "median_ms": round(statistics.median(samples) * 1000, 1),
            "max_ms": round(max(samples) * 1000, 1),
            **extra,
        }
    )


def run(args: argparse.Namespace) -> None:
    import django
    from django.core.management import call_command
    from django.db import connection

    if args.fresh and not os.environ.get("DATABASE_URL"):
        remove_sqlite(os.environ["HAVEN_SQLITE_PATH"])
    django.setup()
    call_command("migrate", verbosity=0)

    from haven.accounts.models import Organisation, OrgType, Role, User
    from haven.cases.models import Case
    from haven.statistics.tests.register import build, organisations, write
    from haven.vault import keys

    vendor = connection.vendor
    if args.measure_only:
        rapporteur = User.objects.get(username="bench-rapporteur")
        measure(args, rapporteur, Case.objects.count(), vendor)
        return
    if Case.objects.exists():
        raise SystemExit("the bench database already has cases: use --fresh or an empty database")
    office = Organisation.objects.create(
        name="Bench rapporteur", org_type=OrgType.RAPPORTEUR, country=COUNTRY
    )
    opener = User.objects.create(username="bench-opener", organisation=office, role=Role.CASEWORKER)
    rapporteur = User.objects.create(
        username="bench-rapporteur", organisation=office, role=Role.RAPPORTEUR
    )
    rng = random.Random(args.seed)
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        leads, master = organisations(), keys.current_master_key()
        for start in range(0, args.cases, args.batch_size):
            batch = specs(rng, min(args.batch_size, args.cases - start))
            rows = build(batch, opener=opener, leads=leads, master_id=master.id, first=start)
            for objs in (rows.data_keys, rows.persons, rows.cases, rows.memberships):
                copy_rows(objs)
        clone_rounds(args.clones)
    else:
        for start in range(0, args.cases, args.batch_size):
            write(specs(rng, min(args.batch_size, args.cases - start)), opener=opener)
    seeded = time.perf_counter() - started
    total = Case.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    emit({"bench": "statistics_seed", "cases": total, "database": vendor,
          "seconds": round(seeded, 1)})  # fmt: skip
    if not args.seed_only:
        measure(args, rapporteur, total, vendor)


def measure(args: argparse.Namespace, rapporteur: Any, total: int, vendor: str) -> None:
    from haven.statistics import cube, selectors, services_exchange
    from haven.statistics import selectors_dashboards as dashboards
    from haven.statistics import selectors_exchange as exchange
    from haven.statistics.management.commands.stats import CONSOLE

    year = max(YEARS)
    bands = selectors.bands()
    samples, cells = timed(
        lambda: cube.registered_cube(country=COUNTRY, years=[year], bands=bands), args.runs
    )
    figure("statistics_cube_query", samples, total, vendor, year=year, groups=len(cells))
    samples, published = timed(
        lambda: selectors.eurostat_for_country(
            actor=CONSOLE, country=COUNTRY, year=year, output="bench"
        ),
        args.runs,
    )
    hidden = len({c for t in published.tables for c in t.suppressed})
    cells_published = sum(len(t.values) for t in published.tables)
    figure("statistics_eurostat_set", samples, total, vendor, year=year,
           cells=cells_published, suppressed=hidden, goal_ms=1000)  # fmt: skip
    samples, _ = timed(
        lambda: selectors.trends(user=rapporteur, first=min(YEARS), last=year, output="bench"),
        args.runs,
    )
    figure("statistics_trends_10_years", samples, total, vendor)
    samples, _ = timed(lambda: selectors.backlog(user=rapporteur, output="bench"), args.runs)
    figure("statistics_backlog", samples, total, vendor)
    samples, grid = timed(
        lambda: dashboards.by_region_for_country(
            actor=CONSOLE, country=COUNTRY, year=year, output="bench"
        ),
        args.runs,
    )
    figure("statistics_regions", samples, total, vendor, year=year, regions=len(grid.rows) - 1)
    samples, victims = timed(lambda: exchange.registered_victims(country=COUNTRY), args.runs)
    figure("statistics_exchange_victims", samples, total, vendor,
           victims=sum(victims.values()), records=len(victims))  # fmt: skip
    # What the exchange builds from them (the two victim-level files write an audit event).
    releases: dict[str, Callable[[], Any]] = {
        "own_release": lambda: services_exchange.own_release(country=COUNTRY),
        "htcds_export": lambda: services_exchange.htcds_export(actor=rapporteur, file_format="csv"),
        "ctdc_release": lambda: services_exchange.ctdc_release(actor=rapporteur),
    }
    for name, build in releases.items():
        walls, cpus = timed_cpu(build, args.runs)
        figure(f"statistics_exchange_{name}", walls, total, vendor,
               cpu_median_ms=round(statistics.median(cpus) * 1000, 1))  # fmt: skip
    if vendor == "postgresql":
        readers: dict[str, Callable[[], Any]] = {
            "cube": lambda: cube.registered_cube(country=COUNTRY, years=[year], bands=bands),
            "regions": lambda: dashboards.by_region_for_country(
                actor=CONSOLE, country=COUNTRY, year=year, output="bench"
            ),
            "exchange_victims": lambda: exchange.registered_victims(country=COUNTRY),
        }
        for name, reader in readers.items():
            emit({"bench": f"statistics_{name}_server", "cases": total, **explained(reader)})


def explained(reader: Callable[[], Any]) -> dict[str, Any]:
    """PostgreSQL's own figures for the queries of ``reader`` that read the cases, from
    ``EXPLAIN (ANALYZE, BUFFERS)``: execution and planning time, shared buffers, the
    relations scanned and how (what the load of a shared machine does not change)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        reader()
    out: dict[str, Any] = {"server_ms": 0.0, "buffers": 0, "scans": []}
    for query in queries.captured_queries:
        if (
            not query["sql"].lstrip().upper().startswith("SELECT")
            or '"cases_case"' not in (query["sql"])
        ):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0][0]
        out["server_ms"] += plan["Execution Time"] + plan["Planning Time"]
        out["buffers"] += plan["Plan"]["Shared Hit Blocks"] + plan["Plan"]["Shared Read Blocks"]
        nodes = [plan["Plan"]]
        while nodes:
            node = nodes.pop()
            nodes.extend(node.get("Plans", []))
            if "Relation Name" in node or "Index Name" in node:
                out["scans"].append(
                    f"{node['Node Type']} {node.get('Index Name') or node['Relation Name']}"
                )
    out["server_ms"] = round(out["server_ms"], 1)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000, help="cases to seed (default 100000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the synthetic data")
    parser.add_argument("--batch-size", type=int, default=10_000, help="cases per bulk insert")
    parser.add_argument(
        "--clones",
        type=int,
        default=0,
        help="PostgreSQL: copy the seeded cases this many more times in SQL (same facts)",
    )
    parser.add_argument("--fresh", action="store_true", help="delete HAVEN_SQLITE_PATH first")
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="seed and analyse, and measure nothing (the database stays, unless temporary)",
    )
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure a register seeded earlier with --seed-only (DATABASE_URL or "
        "HAVEN_SQLITE_PATH)",
    )
    args = parser.parse_args(argv)
    scratch = configure_environment()
    try:
        run(args)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
