"""``make bench`` (safe accommodation, issue 16): a group plan solved through the app,
``services.plans.plan_solve``, as the coordinator's "Solve" button runs it: the
plan and its people read, each person's identity facts through the case gate
(audited), the places free now, CP-SAT, and the plan written back.

    python -m bench.plan_solve [--sizes 200:50,1000:200] [--seed 1] [--time-limit 10]

Prints one JSON line per plan (``plan_solve``): people, places, beds, people
placed, soft cost, whether proven optimal, the wall seconds of the whole solve and
of CP-SAT's part in it (``solver_seconds``: the model built and searched), the
queries the solve sent, the CPU seconds spent (on SQLite the database's work too)
and the 1-minute load average.

The incident is seeded with ``bench.placement``'s generator (the same people and
places as its figures for the same sizes and seed): one case a person, led by the
national coordinator's office, bulk-written (persons with no encrypted field: the
rules read sex, gender identity, age status and languages, which are not), and a
place per generated place with its beds. HAVEN_ variables already set are used as
they are (DATABASE_URL for PostgreSQL, an empty database); otherwise a temporary
SQLite file is used and removed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import placement
from bench import run as bench_run

COUNTRY = "FI"


def _seed(people_count: int, places_count: int, *, seed: int, tag: str) -> tuple[Any, Any, int]:
    """The coordinator and a draft plan of ``people_count`` people, and
    ``places_count`` places of the country with their free beds (how many)."""
    from django.utils import timezone

    from haven.access.models import TeamMembership
    from haven.accounts.models import Organisation, OrgType, Role, User
    from haven.cases.models import AgeStatus, Case, Incident, Person
    from haven.shelters.models import Bed, GroupPlan, GroupPlanPerson, Place, Room
    from haven.vault import keys
    from haven.vault.models import DataKey

    rng = random.Random(seed * 100_003 + people_count * 7 + places_count)
    place_list = placement.places(places_count, rng)
    person_list = placement.people(people_count, rng)
    now = timezone.now()
    office, _new = Organisation.objects.get_or_create(
        name="Bench national coordinator",
        defaults={"org_type": OrgType.NATIONAL_COORDINATOR, "country": COUNTRY},
    )
    desk, _new = User.objects.get_or_create(
        username="bench-desk", defaults={"organisation": office, "role": Role.CASEWORKER}
    )
    shelters = Organisation.objects.create(
        name=f"Bench shelters {tag}", org_type=OrgType.SHELTER, country=COUNTRY
    )
    places = Place.objects.bulk_create(
        Place(
            organisation=shelters,
            name=f"Bench place {tag} {view.id}",
            region="Uusimaa",
            accepts=sorted(view.accepts),
            security_level=view.security_level,
            languages=sorted(view.languages),
            latitude=view.lat,
            longitude=view.lon,
            wheelchair_access=view.wheelchair_access,
            disability_access=view.disability_access,
            created_at=now,
            updated_at=now,
        )
        for view in place_list
    )
    rooms = Room.objects.bulk_create(Room(place=place, name="A") for place in places)
    Bed.objects.bulk_create(
        Bed(room=room, label=str(n), created_at=now)
        for room, view in zip(rooms, place_list, strict=True)
        for n in range(view.capacity)
    )
    incident = Incident.objects.create(reference=f"INC-BENCH-{tag}", opened_at=now, opened_by=desk)
    master = keys.current_master_key()
    data_keys = DataKey.objects.bulk_create(
        DataKey(subject="person", master_key_id=master.id, wrapped=b"-") for _ in person_list
    )
    persons = Person.objects.bulk_create(
        Person(
            data_key=key,
            age_status=AgeStatus.VERIFIED_CHILD
            if view.age is not None and view.age < 18
            else AgeStatus.VERIFIED_ADULT,
            sex=view.sex,
            gender_identity=view.gender_identity,
            languages=sorted(view.languages),
        )
        for key, view in zip(data_keys, person_list, strict=True)
    )
    cases = []
    for n, person in enumerate(persons):
        case = Case(
            reference=f"{COUNTRY}-BENCH-{tag}-{n:05d}",
            person=person,
            country=COUNTRY,
            identification_status="potential",
            status_changed_at=now,
            opened_at=now,
            opened_by=desk,
            incident=incident,
        )
        case.reference_keys()
        cases.append(case)
    Case.objects.bulk_create(cases)
    TeamMembership.objects.bulk_create(
        TeamMembership(case=case, organisation=office, is_lead=True, joined_at=now)
        for case in cases
    )
    plan = GroupPlan.objects.create(
        incident=incident,
        country=COUNTRY,
        danger_region="Varsinais-Suomi",
        created_at=now,
        created_by=desk,
    )
    GroupPlanPerson.objects.bulk_create(
        GroupPlanPerson(
            plan=plan,
            case=case,
            family=view.family or "",
            risk_level=view.risk_level,
            needs_wheelchair_access=view.needs_wheelchair_access,
            needs_disability_access=view.needs_disability_access,
        )
        for case, view in zip(cases, person_list, strict=True)
    )
    # as a request finds the signed-in user: with their organisation
    desk = User.objects.select_related("organisation").get(pk=desk.pk)
    return desk, plan, sum(view.capacity for view in place_list)


def measure(
    people_count: int, places_count: int, *, seed: int, time_limit: float, vendor: str
) -> dict[str, Any]:
    """One plan seeded and solved through ``plan_solve``; its figure."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from haven.shelters import solver
    from haven.shelters.models import GroupPlanPerson
    from haven.shelters.services import plans

    desk, plan, beds = _seed(
        people_count, places_count, seed=seed, tag=f"{people_count}-{places_count}-{seed}"
    )
    solutions: list[Any] = []
    solve = solver.solve

    def timed(*args: Any, **kwargs: Any) -> Any:  # CP-SAT's part of the solve
        solutions.append(solve(*args, **kwargs))
        return solutions[-1]

    solver.solve = timed
    try:
        cpu = placement._cpu()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            solved = plans.plan_solve(actor=desk, plan_id=plan.pk, time_limit=time_limit)
        seconds = time.perf_counter() - started
        cpu = placement._cpu() - cpu
    finally:
        solver.solve = solve
    placed = GroupPlanPerson.objects.filter(plan=plan, place__isnull=False).count()
    return {
        "bench": "plan_solve",
        "database": vendor,
        "people": people_count,
        "places": places_count,
        "beds": beds,
        "placed": placed,
        "soft_cost": solved.soft_cost,
        "optimal": solved.optimal,
        "seconds": round(seconds, 3),
        "solver_seconds": round(solutions[0].seconds, 3),
        "queries": len(captured),
        "cpu_seconds": round(cpu, 3),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200:50,1000:200", help="people:places,...")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args(argv)
    scratch = bench_run.configure_environment()
    try:
        import django
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        settings.DEBUG = False
        call_command("migrate", verbosity=0)
        for size in args.sizes.split(","):
            people_count, places_count = (int(n) for n in size.split(":"))
            bench_run.emit(
                measure(
                    people_count,
                    places_count,
                    seed=args.seed,
                    time_limit=args.time_limit,
                    vendor=connection.vendor,
                )
            )
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
