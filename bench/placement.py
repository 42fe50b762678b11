"""``make bench`` (safe accommodation, issue 16): group placement with CP-SAT against
the greedy baseline, on generated incidents.

    python -m bench.placement [--sizes 50:50,200:50,1000:200] [--seed 1]
                              [--time-limit 10] [--workers 2]

Prints one JSON line per incident and method (``placement_cpsat``,
``placement_greedy``): people, places, beds, people placed, soft cost, solve time
in seconds, and whether the result is proven optimal (CP-SAT only). Each line also
carries the CPU seconds spent and the 1-minute load average: on a shared machine
the wall time grows with the load, the CPU time much less.

An incident is generated with a seeded generator shaped like a large labour or
sexual-exploitation case found at once: most people adults on their own, about a
fifth in families of two to five (some with children), a few unaccompanied
children, risk levels mostly 1-2, a dozen languages; the place of danger one
point in southern Finland. Places are spread over Finland's regions (their
centres, ``haven/shelters/regions.py``), with two to twelve free beds, each taking
in a mix of women, men, transgender people, children and families, some with
adults or an unaccompanied child already living there. No database is used.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LANGUAGES = ("fi", "sv", "en", "ru", "et", "uk", "vi", "th", "ro", "bg", "ar", "so")
DANGER = (60.45, 22.27)  # the incident: a worksite near Turku


def _setup() -> None:
    """The solver's reasons are translatable words: Django's settings are needed."""
    import django
    from django.conf import settings

    from haven.cli import local_defaults

    if settings.configured:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    local_defaults()
    django.setup()


def places(count: int, rng: random.Random) -> list[Any]:
    from haven.shelters import regions, rules

    centres = [regions.centre("FI", name) for name in regions.regions("FI")]
    out = []
    for n in range(count):
        lat, lon = rng.choice([c for c in centres if c is not None])
        accepts = {a for a in rules.Accepts if rng.random() < 0.5}
        if not accepts:
            accepts = {rng.choice(list(rules.Accepts))}
        hosts = rng.random()
        out.append(
            rules.Place(
                id=f"p{n}",
                capacity=rng.randint(2, 12),
                accepts=frozenset(accepts),
                security_level=rng.choice((1, 2, 2, 3)),
                languages=frozenset(rng.sample(LANGUAGES, rng.randint(1, 4))),
                lat=lat + rng.uniform(-0.3, 0.3),
                lon=lon + rng.uniform(-0.5, 0.5),
                wheelchair_access=rng.random() < 0.4,
                disability_access=rng.random() < 0.5,
                hosts_adults=hosts < 0.3,
                hosts_unaccompanied_children=0.3 <= hosts < 0.35,
            )
        )
    return out


def _person(rng: random.Random, pid: str, *, family: str | None, age: int) -> Any:
    from haven.shelters import rules

    sex = rng.choices(("female", "male", "intersex", "unknown"), (55, 42, 1, 2))[0]
    identity = rng.choices(
        ("woman", "man", "non_binary", "transgender_woman", "not_stated"), (45, 40, 2, 2, 11)
    )[0]
    return rules.Person(
        id=pid,
        family=family,
        sex=sex,
        gender_identity=identity,
        age=age,
        risk_level=rng.choices((1, 2, 3), (50, 40, 10))[0],
        languages=frozenset(rng.sample(LANGUAGES[2:], rng.randint(1, 2))),
        danger_lat=DANGER[0],
        danger_lon=DANGER[1],
        needs_wheelchair_access=rng.random() < 0.02,
        needs_disability_access=rng.random() < 0.05,
    )


def people(count: int, rng: random.Random) -> list[Any]:
    out: list[Any] = []
    families = 0
    while len(out) < count:
        kind = rng.random()
        if kind < 0.2 and count - len(out) >= 2:
            families += 1
            size = min(rng.randint(2, 5), count - len(out))
            for k in range(size):
                age = rng.randint(19, 55) if k == 0 else rng.randint(1, 50)
                out.append(_person(rng, f"a{len(out)}", family=f"f{families}", age=age))
        elif kind < 0.25:
            out.append(_person(rng, f"a{len(out)}", family=None, age=rng.randint(13, 17)))
        else:
            out.append(_person(rng, f"a{len(out)}", family=None, age=rng.randint(18, 60)))
    return out


def _cpu() -> float:
    """CPU seconds of this process, CP-SAT's worker threads included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def figure(
    bench: str, solution: Any, *, people_count: int, place_list: list[Any], cpu: float
) -> dict[str, Any]:
    return {
        "bench": bench,
        "people": people_count,
        "places": len(place_list),
        "beds": sum(p.capacity for p in place_list),
        "placed": solution.placed,
        "soft_cost": solution.soft_cost,
        "seconds": round(solution.seconds, 3),
        "optimal": solution.optimal,
        "cpu_seconds": round(cpu, 3),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def compare(
    people_count: int, places_count: int, *, seed: int, time_limit: float, workers: int
) -> list[dict[str, Any]]:
    """CP-SAT and greedy on one generated incident."""
    from haven.shelters import solver

    rng = random.Random(seed * 100_003 + people_count * 7 + places_count)
    place_list, person_list = places(places_count, rng), people(people_count, rng)
    cpu = _cpu()
    greedy = solver.solve_greedy(place_list, person_list)
    greedy_cpu, cpu = _cpu() - cpu, _cpu()
    best = solver.solve(place_list, person_list, time_limit=time_limit, workers=workers)
    best_cpu = _cpu() - cpu
    return [
        figure(
            "placement_cpsat", best, people_count=people_count, place_list=place_list, cpu=best_cpu
        ),
        figure(
            "placement_greedy",
            greedy,
            people_count=people_count,
            place_list=place_list,
            cpu=greedy_cpu,
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50:50,200:50,1000:200", help="people:places,...")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    _setup()
    for size in args.sizes.split(","):
        people_count, places_count = (int(n) for n in size.split(":"))
        for line in compare(
            people_count,
            places_count,
            seed=args.seed,
            time_limit=args.time_limit,
            workers=args.workers,
        ):
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
