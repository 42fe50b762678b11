"""``make test-sqlite`` runs the suite in two parts: the coverage gate traces every test
file but those the Makefile lists in COVERAGE_UNTRACED, which then run untraced (tracing
doubles a test's CPU). Every test must still run, and run once."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def makefile() -> str:
    return (ROOT / "Makefile").read_text(encoding="utf-8")


def untraced() -> list[str]:
    """The paths in COVERAGE_UNTRACED, as the Makefile says."""
    found = re.search(r"^COVERAGE_UNTRACED :=((?:.*\\\n)*.*)$", makefile(), re.MULTILINE)
    assert found is not None, "the Makefile lists the untraced test files"
    return found.group(1).replace("\\\n", " ").split()


def sqlite_recipe() -> str:
    return makefile().split("\ntest-sqlite:", 1)[1].split("\n\n", 1)[0]


def test_every_untraced_path_is_a_test_file_or_folder_that_exists() -> None:
    # given
    paths = untraced()

    # when
    missing = [path for path in paths if not (ROOT / path).exists()]
    not_tests = [
        path
        for path in paths
        if (ROOT / path).is_file() and not re.fullmatch(r"test_.*\.py", Path(path).name)
    ]

    # then
    assert len(paths) > 10  # the list was found
    assert not missing, f"COVERAGE_UNTRACED names paths that do not exist: {missing}"
    assert not not_tests, f"COVERAGE_UNTRACED names files pytest would not collect: {not_tests}"
    assert len(set(paths)) == len(paths), "COVERAGE_UNTRACED names a path twice"


def test_the_gated_run_leaves_out_exactly_the_files_the_untraced_run_runs() -> None:
    # given
    recipe = " ".join(sqlite_recipe().replace("\\\n", " ").split())

    # when
    runs = re.findall(r"\$\(BIN\)/pytest ([^|]*)\|\| status=1", recipe)

    # then
    common = '-q $(XDIST) -m "not browser" '
    assert runs == [
        common + "$(COVERAGE_GATE) $(addprefix --ignore=,$(COVERAGE_UNTRACED)) ",
        common + "$(COVERAGE_UNTRACED) ",
    ], "make test-sqlite runs the gate without the untraced files, then those files"
    assert recipe.endswith("exit $$status"), "a failure in either run fails the target"
