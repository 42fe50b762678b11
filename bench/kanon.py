"""``make bench`` (statistics, issue 15): how many records the k-anonymous victim-level
release suppresses at k = 11, generalising first, against plain suppression.

    python -m bench.kanon [--victims 10000] [--k 11] [--seed 1]

Prints one JSON line per figure:

- ``kanon_plain``: suppression alone (every column as held), as CTDC's k = 11 release
  did (about 41 % of its records suppressed);
- ``kanon_generalised``: Haven's method (the least-loss node of the generalisation
  lattice, then suppression of the classes still under k);
- ``kanon_htcds``: the same method on the HTCDS export's quasi-identifiers (every column
  that describes a victim, organisation type and status too).

The register is generated with a seeded generator shaped like a small state's
register: a few citizenships make most of it, with a long tail, as do two forms of
exploitation; one victim in five has two forms. No database is used.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from haven.statistics import kanon
from haven.statistics.htcds import Victim

CITIZENSHIPS = {
    "UA": 22, "EE": 14, "RU": 9, "LV": 7, "VN": 6, "NG": 5, "PL": 4, "BY": 4, "MD": 3,
    "RO": 3, "IN": 3, "PH": 2, "BR": 2, "LT": 2, "UZ": 2, "CN": 1, "TH": 1, "ER": 1,
    "SY": 1, "AF": 1, "KE": 1, "CO": 1, "GE": 1, "AM": 1, "TR": 1, "PK": 1, "BD": 1,
}  # fmt: skip
FORMS = {
    "sexual_exploitation": 40, "forced_labour": 34, "forced_begging": 7,
    "criminal_activities": 6, "servitude": 4, "forced_marriage": 3, "illegal_adoption": 1,
    "surrogacy": 1, "organ_removal": 1, "other": 3,
}  # fmt: skip
AGES = {"0-11": 4, "12-17": 14, "18-24": 24, "25-34": 27, "35-49": 20, "50+": 6, "unknown": 5}
SEXES = {"female": 60, "male": 36, "intersex": 1, "unknown": 3}


def _pick(rng: random.Random, weights: dict[str, int], k: int = 1) -> list[str]:
    return rng.choices(list(weights), list(weights.values()), k=k)


def _forms(rng: random.Random) -> int:
    return 2 if rng.random() < 0.2 else 1


def register(size: int, seed: int) -> list[Victim]:
    rng = random.Random(seed)
    return [
        Victim(
            sex=_pick(rng, SEXES)[0],
            citizenships=tuple(_pick(rng, CITIZENSHIPS)) if rng.random() < 0.97 else (),
            identification_status=rng.choice(["presumed", "identified"]),
            forms_of_exploitation=tuple(sorted(set(_pick(rng, FORMS, _forms(rng))))),
            organisation_type=rng.choice(["ngo", "police", "social_services"]),
            country="EE",
            year=rng.randint(2016, 2025),
            age_group=_pick(rng, AGES)[0],
        )
        for _ in range(size)
    ]


def figure(name: str, victims: list[Victim], *, k: int, plain: bool) -> dict[str, Any]:
    started = time.perf_counter()
    result = kanon.release(victims, k=k, node=(0,) * len(kanon.HIERARCHIES) if plain else None)
    return {
        "bench": name,
        "victims": len(victims),
        "k": k,
        "suppressed": result.suppressed,
        "suppression_rate": round(result.suppression_rate, 4),
        "levels": result.levels,
        "generalised": result.generalised,
        "seconds": round(time.perf_counter() - started, 3),
    }


def htcds_figure(victims: list[Victim], *, k: int) -> dict[str, Any]:
    started = time.perf_counter()
    report = kanon.htcds_release(victims, k=k).report
    return {
        "bench": "kanon_htcds",
        "victims": len(victims),
        "k": k,
        "suppressed": report["suppressed"],
        "suppression_rate": report["suppression_rate"],
        "levels": report["levels"],
        "emptied": report["emptied"],
        "seconds": round(time.perf_counter() - started, 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--victims", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=kanon.DEFAULT_K)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    victims = register(args.victims, args.seed)
    print(json.dumps(figure("kanon_plain", victims, k=args.k, plain=True)), flush=True)
    print(json.dumps(figure("kanon_generalised", victims, k=args.k, plain=False)), flush=True)
    print(json.dumps(htcds_figure(victims, k=args.k)), flush=True)


if __name__ == "__main__":
    main()
