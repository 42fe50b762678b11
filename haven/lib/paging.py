"""Pages of a long list that cost the same whatever the list's length.

A list is read in index order with a limit (one row more than the page, to know
whether there is a next page) and counted up to a limit: beyond it the count
says "more than N", and the page says so rather than inventing a number. Pages
and the API answer with the same ``Count``.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

T = TypeVar("T")


@dataclass(frozen=True)
class Count:
    """How many rows a list has: ``value`` exactly, or more than ``value``."""

    value: int
    exact: bool

    @property
    def more_than(self) -> bool:
        return not self.exact


def capped_count(rows: QuerySet[Any], *, limit: int) -> Count:
    """Count ``rows`` but stop after ``limit`` (one ``COUNT`` over ``LIMIT limit + 1``)."""
    found = rows[: limit + 1].count()
    return Count(value=min(found, limit), exact=found <= limit)


def capped_count_of_parts(
    parts: Sequence[QuerySet[Any]], *, limit: int, known: Sequence[int | None] = ()
) -> Count:
    """``capped_count`` of the union of disjoint ``parts``: each is counted up to
    ``limit`` on its own (each on its own index), and the sum stops at ``limit``.
    The parts are counted in one query (a ``COUNT`` over ``LIMIT limit + 1`` per
    part, side by side), not one query each.

    ``known`` gives, part by part, a count the caller already has (``count_read``
    of rows it read) or None: a known part is not asked again, and when every
    part is known no query is made."""
    sizes = list(known) or [None] * len(parts)
    asked = iter(
        _counts_side_by_side(
            [part[: limit + 1] for part, n in zip(parts, sizes, strict=True) if n is None]
        )
    )
    found = [next(asked) if n is None else n for n in sizes]
    total = sum(min(n, limit) for n in found)
    return Count(value=min(total, limit), exact=all(n <= limit for n in found) and total <= limit)


def count_read(rows: Sequence[Any], *, limit: int) -> int | None:
    """How many rows there are, when a read with ``limit`` came back short (it then
    read them all); None when it filled the limit and only a count can tell."""
    return len(rows) if len(rows) < limit else None


def _counts_side_by_side(parts: Sequence[QuerySet[Any]]) -> list[int]:
    """The number of rows of each part, in one ``SELECT`` of one subquery per part
    (each planned as it would be alone). A part that cannot match (``none()``, an
    empty ``__in``) counts 0 without being asked."""
    selects: list[str] = []
    params: list[Any] = []
    counted: list[int | None] = []
    for part in parts:
        try:
            sql, part_params = part.query.get_compiler(using=part.db).as_sql()
        except EmptyResultSet:
            counted.append(0)
            continue
        # The ORM's own SQL for the part; every value stays a parameter.
        subquery = f"(SELECT COUNT(*) FROM ({sql}) counted_{len(selects)})"  # noqa: S608  # nosec B608
        selects.append(subquery)
        params.extend(part_params)
        counted.append(None)
    if not selects:
        return [0 for _ in parts]
    with connections[parts[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        row = iter(cursor.fetchone())
    return [int(next(row)) if n is None else n for n in counted]


def page_number(raw: object) -> int:
    """A page number from a query string; anything else is the first page."""
    try:
        number = int(str(raw))
    except ValueError:
        return 1
    return max(number, 1)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with what the links around it need."""

    object_list: list[T]
    number: int
    per_page: int
    count: Count
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        """How many pages there are; None when only a lower bound is known."""
        if not self.count.exact:
            return None
        return max(1, math.ceil(self.count.value / self.per_page))


def page_of(rows: QuerySet[Any], *, number: int, per_page: int, count: Count) -> Page[Any]:
    """Page ``number`` of ``rows`` (already ordered). A page past the last known one
    is the last page when the count is exact (as Django's ``Paginator.get_page``)."""
    if count.exact:
        number = min(number, max(1, math.ceil(count.value / per_page)))
    start = (number - 1) * per_page
    found = list(rows[start : start + per_page + 1])
    return Page(
        object_list=found[:per_page],
        number=number,
        per_page=per_page,
        count=count,
        has_next=len(found) > per_page,
    )


def page_of_parts(
    parts: Sequence[QuerySet[Any]],
    *,
    key: Callable[[Any], Any],
    number: int,
    per_page: int,
    count: Count,
) -> Page[Any]:
    """Page ``number`` of the union of disjoint ``parts``, each already ordered by
    ``key``: each part is read in its own index order with a limit (the rows up to
    the end of the page), and the parts are merged. One condition with OR across
    two columns would make the database scan a third index instead."""
    if count.exact:
        number = min(number, max(1, math.ceil(count.value / per_page)))
    start = (number - 1) * per_page
    end = start + per_page + 1
    merged = list(heapq.merge(*(list(part[:end]) for part in parts), key=key))
    found = merged[start:end]
    return Page(
        object_list=found[:per_page],
        number=number,
        per_page=per_page,
        count=count,
        has_next=len(found) > per_page,
    )
