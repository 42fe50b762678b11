"""``make test-browser`` collects only the files named like browser tests (importing
every other test module would cost it about 20 s of CPU). So every test marked
``browser`` must live in a file of that name, or make test would never run it."""

from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MARK = re.compile(r"pytest\.mark\.browser\b")


def browser_files_pattern() -> str:
    """The file name pattern ``make test-browser`` collects, as the Makefile says."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest-browser:", 1)[1].split("\n\n", 1)[0]
    found = re.search(r"python_files=([^'\s]+)", recipe)
    assert found is not None, "make test-browser names the files it collects"
    return found.group(1)


def test_every_browser_test_lives_in_a_file_make_test_browser_collects() -> None:
    # given
    pattern = browser_files_pattern()
    modules = [*(ROOT / "haven").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]

    # when
    marked = [path for path in modules if MARK.search(path.read_text(encoding="utf-8"))]
    missed = [str(path.relative_to(ROOT)) for path in marked if not fnmatch(path.name, pattern)]

    # then
    assert len(marked) > 10  # the browser tests were found
    assert not missed, f"browser tests that make test-browser would not collect: {missed}"
