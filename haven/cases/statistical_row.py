"""The statistical row of a case (issue 15), kept by database triggers.

``Case.stat_*`` copy what the statistics group by and the case does not hold itself:
the person's sex, age status, birth year, lower age estimate and citizenships, and the
type and the region of the lead organisation. Every statistics reader (the cube, the
trend, the backlog, the regional dashboard and the exchange's victims) then reads the
case alone: the cube, the trend and the regional dashboard one range of
``case_statistics_idx``, where joining the persons, the lead memberships and the
organisations scanned a million rows of each at a million cases.

Triggers, not services, keep the copies, because they must be right after EVERY write,
including those no service sees: ``QuerySet.update()``, a backup's restore (raw
inserts), a migration's data step, a bulk load. The case's own trigger computes its
row from the person and the lead membership whenever the case is inserted or any
statistical column or ``person_id`` is named in an UPDATE; so a write of stale values
(``case.save()`` of an instance read before a change) is replaced by the truth. The
other triggers only touch the case rows they change (the person's, the case of a lead
membership inserted, deleted or changed, the cases an organisation leads when its type
or its region changes) by naming ``stat_lead_org_type`` in an UPDATE, and the case's
trigger recomputes them.

On PostgreSQL the case's trigger is ``BEFORE``: it sets ``NEW`` (no second row
version). SQLite triggers cannot set ``NEW``: ``AFTER`` triggers update the row again
(SQLite's ``recursive_triggers`` is off, so that update does not fire them again).

Migration ``cases.0014`` installed the first version (the lead's type only), migration
``cases.0015`` the second (the lead's region too), each with a backfill: the SQL is
built per version (``sql(version)``) so each migration installs its own. A later change
of this SQL needs a new version and a new migration that installs it.
"""

# The SQL below is built from this module's constant column names only: nothing comes
# from outside (S608 flags every f-string that looks like SQL).
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

# The person's columns and their copies on the case, in the same order.
PERSON_COLUMNS = ("sex", "age_status", "birth_year", "estimated_age_min", "citizenships")
# The lead organisation's columns and their copies, per version of the row: the first
# (migration 0014) copied the type, the second (0015) the region too.
LEAD_COLUMNS = {1: ("org_type",), 2: ("org_type", "region")}
LEAD_COPIES = {"org_type": "stat_lead_org_type", "region": "stat_lead_region"}
VERSION = 2  # the version the models and the current migration hold


def case_columns(version: int = VERSION) -> tuple[str, ...]:
    """The statistical row's columns on the case, in ``STATISTICAL_ROW``'s order."""
    return (
        *(f"stat_{c}" for c in PERSON_COLUMNS),
        *(LEAD_COPIES[c] for c in LEAD_COLUMNS[version]),
    )


CASE_COLUMNS = case_columns()

LEAD_FROM = (
    "FROM access_teammembership t "
    "JOIN accounts_organisation o ON o.id = t.organisation_id "
    "WHERE t.case_id = {case} AND t.is_lead"
)
_TOUCH = "UPDATE cases_case SET stat_lead_org_type = NULL WHERE id = {case};"
_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in PERSON_COLUMNS)


def _lead(version: int) -> tuple[tuple[str, str], ...]:
    """(the organisation's column, its copy on the case) of ``version``."""
    return tuple((c, LEAD_COPIES[c]) for c in LEAD_COLUMNS[version])


# --- PostgreSQL ------------------------------------------------------------------------------


def _postgresql_install(version: int) -> list[str]:
    lead = _lead(version)
    watched = ", ".join(c for c, __ in lead)
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c, __ in lead)
    return [
        f"""
        CREATE FUNCTION haven_case_statistical_row() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            SELECT {", ".join(f"p.{c}" for c in PERSON_COLUMNS)}
              INTO {", ".join(f"NEW.stat_{c}" for c in PERSON_COLUMNS)}
              FROM cases_person p WHERE p.id = NEW.person_id;
            -- no lead: every copy of the lead is null
            SELECT {", ".join(f"o.{c}" for c, __ in lead)}
              INTO {", ".join(f"NEW.{copy}" for __, copy in lead)}
              {LEAD_FROM.format(case="NEW.id")};
            RETURN NEW;
        END $$
        """,  # nosec B608
        f"""
        CREATE TRIGGER case_statistical_row
        BEFORE INSERT OR UPDATE OF person_id, {", ".join(case_columns(version))} ON cases_case
        FOR EACH ROW EXECUTE FUNCTION haven_case_statistical_row()
        """,
        """
        CREATE FUNCTION haven_person_statistical_row() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE cases_case SET stat_lead_org_type = NULL WHERE person_id = NEW.id;
            RETURN NULL;
        END $$
        """,
        f"""
        CREATE TRIGGER person_statistical_row
        AFTER UPDATE OF {", ".join(PERSON_COLUMNS)} ON cases_person
        FOR EACH ROW WHEN ({_CHANGED}) EXECUTE FUNCTION haven_person_statistical_row()
        """,
        """
        CREATE FUNCTION haven_lead_statistical_row() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                UPDATE cases_case SET stat_lead_org_type = NULL WHERE id = NEW.case_id;
            ELSIF TG_OP = 'DELETE' THEN
                UPDATE cases_case SET stat_lead_org_type = NULL WHERE id = OLD.case_id;
            ELSE
                UPDATE cases_case SET stat_lead_org_type = NULL
                WHERE id IN (OLD.case_id, NEW.case_id);
            END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER lead_statistical_row_insert AFTER INSERT ON access_teammembership
        FOR EACH ROW WHEN (NEW.is_lead) EXECUTE FUNCTION haven_lead_statistical_row()
        """,
        """
        CREATE TRIGGER lead_statistical_row_update
        AFTER UPDATE OF case_id, organisation_id, is_lead ON access_teammembership
        FOR EACH ROW WHEN (OLD.is_lead OR NEW.is_lead)
        EXECUTE FUNCTION haven_lead_statistical_row()
        """,
        """
        CREATE TRIGGER lead_statistical_row_delete AFTER DELETE ON access_teammembership
        FOR EACH ROW WHEN (OLD.is_lead) EXECUTE FUNCTION haven_lead_statistical_row()
        """,
        """
        CREATE FUNCTION haven_organisation_statistical_row() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE cases_case SET stat_lead_org_type = NULL WHERE id IN (
                SELECT t.case_id FROM access_teammembership t
                WHERE t.organisation_id = NEW.id AND t.is_lead
            );
            RETURN NULL;
        END $$
        """,
        f"""
        CREATE TRIGGER organisation_statistical_row
        AFTER UPDATE OF {watched} ON accounts_organisation
        FOR EACH ROW WHEN ({changed})
        EXECUTE FUNCTION haven_organisation_statistical_row()
        """,
    ]


POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS organisation_statistical_row ON accounts_organisation",
    "DROP TRIGGER IF EXISTS lead_statistical_row_delete ON access_teammembership",
    "DROP TRIGGER IF EXISTS lead_statistical_row_update ON access_teammembership",
    "DROP TRIGGER IF EXISTS lead_statistical_row_insert ON access_teammembership",
    "DROP TRIGGER IF EXISTS person_statistical_row ON cases_person",
    "DROP TRIGGER IF EXISTS case_statistical_row ON cases_case",
    "DROP FUNCTION IF EXISTS haven_organisation_statistical_row()",
    "DROP FUNCTION IF EXISTS haven_lead_statistical_row()",
    "DROP FUNCTION IF EXISTS haven_person_statistical_row()",
    "DROP FUNCTION IF EXISTS haven_case_statistical_row()",
]


def _postgresql_backfill(version: int) -> str:
    """Every case at once, by joins (hash joins over the tables, not a lookup per row)."""
    lead = _lead(version)
    return f"""
        UPDATE cases_case c SET {", ".join(f"stat_{c} = s.{c}" for c in PERSON_COLUMNS)},
            {", ".join(f"{copy} = s.{c}" for c, copy in lead)}
        FROM (
            SELECT c2.id, {", ".join(f"p.{c}" for c in PERSON_COLUMNS)},
                {", ".join(f"o.{c}" for c, __ in lead)}
            FROM cases_case c2
            JOIN cases_person p ON p.id = c2.person_id
            LEFT JOIN access_teammembership t ON t.case_id = c2.id AND t.is_lead
            LEFT JOIN accounts_organisation o ON o.id = t.organisation_id
        ) s
        WHERE s.id = c.id
    """  # nosec B608


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_row(version: int) -> str:
    return (
        "UPDATE cases_case SET "  # nosec B608
        + ", ".join(
            f"stat_{c} = (SELECT p.{c} FROM cases_person p WHERE p.id = cases_case.person_id)"  # nosec B608
            for c in PERSON_COLUMNS
        )
        + "".join(
            f", {copy} = (SELECT o.{c} {LEAD_FROM.format(case='cases_case.id')})"  # nosec B608
            for c, copy in _lead(version)
        )
    )


def _sqlite_install(version: int) -> list[str]:
    row, lead = _sqlite_row(version), _lead(version)
    return [
        f"""
        CREATE TRIGGER case_statistical_row_insert AFTER INSERT ON cases_case
        BEGIN {row} WHERE id = NEW.id; END
        """,
        f"""
        CREATE TRIGGER case_statistical_row_update
        AFTER UPDATE OF person_id, {", ".join(case_columns(version))} ON cases_case
        BEGIN {row} WHERE id = NEW.id; END
        """,
        f"""
        CREATE TRIGGER person_statistical_row
        AFTER UPDATE OF {", ".join(PERSON_COLUMNS)} ON cases_person
        WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in PERSON_COLUMNS)}
        BEGIN UPDATE cases_case SET stat_lead_org_type = NULL WHERE person_id = NEW.id; END
        """,  # nosec B608
        f"""
        CREATE TRIGGER lead_statistical_row_insert AFTER INSERT ON access_teammembership
        WHEN NEW.is_lead BEGIN {_TOUCH.format(case="NEW.case_id")} END
        """,
        """
        CREATE TRIGGER lead_statistical_row_update
        AFTER UPDATE OF case_id, organisation_id, is_lead ON access_teammembership
        WHEN OLD.is_lead OR NEW.is_lead
        BEGIN
            UPDATE cases_case SET stat_lead_org_type = NULL WHERE id IN (OLD.case_id, NEW.case_id);
        END
        """,
        f"""
        CREATE TRIGGER lead_statistical_row_delete AFTER DELETE ON access_teammembership
        WHEN OLD.is_lead BEGIN {_TOUCH.format(case="OLD.case_id")} END
        """,
        f"""
        CREATE TRIGGER organisation_statistical_row
        AFTER UPDATE OF {", ".join(c for c, __ in lead)} ON accounts_organisation
        WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c, __ in lead)}
        BEGIN
            UPDATE cases_case SET stat_lead_org_type = NULL WHERE id IN (
                SELECT t.case_id FROM access_teammembership t
                WHERE t.organisation_id = NEW.id AND t.is_lead
            );
        END
        """,  # nosec B608
    ]


SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "organisation_statistical_row",
        "lead_statistical_row_delete",
        "lead_statistical_row_update",
        "lead_statistical_row_insert",
        "person_statistical_row",
        "case_statistical_row_update",
        "case_statistical_row_insert",
    )
]


def sql(version: int = VERSION) -> dict[str, dict[str, Any]]:
    """The SQL of ``version`` per vendor: what installs the triggers, what drops them
    (the same names in every version) and the backfill."""
    return {
        "install": {
            "postgresql": _postgresql_install(version),
            "sqlite": _sqlite_install(version),
        },
        "drop": {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP},
        "backfill": {
            "postgresql": _postgresql_backfill(version),
            "sqlite": _sqlite_row(version),
        },
    }


# The tables whose triggers keep the row (``bench.statistics`` disables them for a load).
TABLES = ("cases_case", "cases_person", "access_teammembership", "accounts_organisation")


def backfill(connection: Any, version: int = VERSION) -> None:
    """Compute every case's statistical row from the tables (set-based)."""
    with connection.cursor() as cursor:
        cursor.execute(sql(version)["backfill"][connection.vendor])


def install(connection: Any, version: int = VERSION) -> None:
    """Fill every case's row, then create the triggers that keep it."""
    backfill(connection, version)
    with connection.cursor() as cursor:
        for statement in sql(version)["install"][connection.vendor]:
            cursor.execute(statement)


def drop(connection: Any) -> None:
    """Drop the triggers (the columns are left to the migrations)."""
    with connection.cursor() as cursor:
        for statement in sql()["drop"][connection.vendor]:
            cursor.execute(statement)


def reinstall(connection: Any, version: int = VERSION) -> None:
    """Replace the triggers of another version by those of ``version``, with a backfill."""
    drop(connection)
    install(connection, version)
