"""The annual report as PDF (issue 15): drawn by WeasyPrint for the Rapporteur and the
national coordinator and refused to everyone else, written by ``haven stats report``,
audited, and holding every number of the tables it reports, suppressed cells shown as
the pages show them."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.audit import services as audit
from haven.audit.models import Action, AuditEvent
from haven.lib.tests.test_pdf import pdf_objects
from haven.statistics import report
from haven.statistics.tests import dashboard_register as gen
from haven.web.tests.factories import sign_in

URL = reverse("statistics:report", kwargs={"year": 2024})


def _data(seed: int = 71) -> None:
    rng = random.Random(seed)
    gen.register(rng, 250, opener=make_user())
    gen.tasks(rng, 150, years=(2023, 2024))
    gen.referrals(rng, 150, years=(2023, 2024))


def _cells(row: Any) -> str:
    """A table row's cells as ``statistics/_table.html`` writes them."""
    return "".join(
        f'<td data-label="{escape(column)}">'
        + (
            '<span aria-hidden="true">—</span><span class="visually-hidden">suppressed</span>'
            if value is None
            else escape(str(value))
        )
        + "</td>"
        for column, value in row.cells
    )


@pytest.mark.django_db
def test_r41_the_report_is_a_pdf_for_the_rapporteur_and_refused_to_a_caseworker() -> None:
    # given
    _data()
    rapporteur = sign_in(Client(), make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR))
    caseworker = sign_in(Client(), make_user(org_type=OrgType.NGO))

    # when
    allowed, refused = rapporteur.get(URL), caseworker.get(URL)

    # then
    assert allowed.status_code == 200
    assert allowed["Content-Type"] == "application/pdf"
    assert allowed.content.startswith(b"%PDF-")
    assert 'filename="statistics-report-2024.pdf"' in allowed["Content-Disposition"]
    assert refused.status_code == 403
    assert not refused.content.startswith(b"%PDF")
    reports = AuditEvent.objects.filter(
        action=Action.STATISTICS_EXPORT, object_type="statistics.report"
    )
    assert [e.detail for e in reports] == [{"country": "FI", "year": 2024, "format": "pdf"}]
    parts = AuditEvent.objects.filter(action=Action.STATISTICS_EXPORT, detail__format="report")
    assert sorted(e.object_type for e in parts) == [
        "statistics.backlog",
        "statistics.deadlines",
        "statistics.eurostat",
        "statistics.programmes",
        "statistics.referrals",
        "statistics.regional_map",
        "statistics.regions",
        "statistics.trends",
    ]


@pytest.mark.django_db
def test_r46_the_report_holds_every_number_of_its_tables_as_published() -> None:
    # given
    _data()
    actor = audit.actor_of(make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR))
    context = report.report_context(actor=actor, country="FI", year=2024)

    # when: the page WeasyPrint draws
    html = report.report_html(actor=actor, country="FI", year=2024)
    flat = re.sub(r"\s*</td>", "</td>", html)

    # then: every row of every table, suppressed cells as dashes
    rows = [row for table in context["tables"] for row in table["rows"]]
    rows += context["trend_rows"] + context["deadline_year_rows"]
    rows += context["deadline_kind_rows"] + context["referral_rows"] + context["region_rows"]
    rows += context["programme_rows"]
    assert len(rows) > 40
    for row in rows:
        assert _cells(row) in flat, row.label
    suppressed = [v for row in rows for __, v in row.cells if v is None]
    assert suppressed
    for backlog in context["backlog_rows"]:
        assert escape(backlog["label"]) in html
    # the map of the region: each state's figure (FI's own, the others sent nothing)
    # printed on it and in its table, or a dash and why not
    states = {r.state: r for r in context["regional_rows"]}
    assert states["SE"].status == "no_release"
    for row in states.values():
        shown = "—" if row.figure is None else str(row.figure)
        assert f'<td data-label="Registered victims">{shown}</td>' in flat, row.state
        assert f'<td data-label="Note">{escape(row.note)}</td>' in flat, row.state
        if row.figure is not None:
            assert f'data-state="{row.state}">{shown}</text>' in html
    assert "<svg" in html
    assert (context["first"], context["met"].first, context["met"].last) == (2015, 2015, 2024)
    assert "Method" in html
    assert "What Haven does not hold" in html
    assert f"Counts from 1 to {context['threshold']} minus one are suppressed" in html


@pytest.mark.django_db
def test_r46_haven_stats_report_writes_the_pdf(tmp_path: Path) -> None:
    # given
    _data()
    make_user(org_type=OrgType.NATIONAL_COORDINATOR)
    out = tmp_path / "report-2024.pdf"

    # when
    call_command("stats", "report", "--year", "2024", "--out", str(out))

    # then: written, and audited as the console
    assert out.read_bytes().startswith(b"%PDF-")
    event = AuditEvent.objects.get(object_type="statistics.report")
    assert event.detail == {"country": "FI", "year": 2024, "format": "pdf"}


@pytest.mark.django_db
def test_r41_haven_stats_report_as_a_user_follows_the_statistics_rule(tmp_path: Path) -> None:
    # given
    _data()
    reader = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SUPERVISOR)
    police = make_user(org_type=OrgType.POLICE)
    allowed, refused = tmp_path / "allowed.pdf", tmp_path / "refused.pdf"

    # when
    name = reader.username
    call_command("stats", "report", "--year", "2024", "--out", str(allowed), "--as", name)
    with pytest.raises(CommandError, match="statistics_not_allowed"):
        call_command(
            "stats", "report", "--year", "2024", "--out", str(refused), "--as", police.username
        )

    # then
    assert allowed.read_bytes().startswith(b"%PDF-")
    assert not refused.exists()
    assert AuditEvent.objects.filter(object_type="statistics.report").count() == 1


@pytest.mark.django_db
def test_r46_haven_stats_report_needs_a_file_and_a_known_user() -> None:
    # given
    make_user(org_type=OrgType.NATIONAL_COORDINATOR)

    # then
    with pytest.raises(CommandError, match="--out"):
        call_command("stats", "report", "--year", "2024")
    with pytest.raises(CommandError, match="No active user"):
        call_command("stats", "eurostat", "--year", "2024", "--as", "nobody")


@pytest.mark.django_db
def test_r44_the_report_reads_in_a_fixed_number_of_queries(
    django_assert_num_queries: Any,
) -> None:
    # given: whatever the size of the register
    _data()
    actor = audit.actor_of(make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR))

    # then: nine queries (the cube, the trend, the backlog, the deadlines, the referrals,
    # the regions, the services, the registered victims and the imported releases of the
    # regional map), nine audit events, and the savepoints of the eight reads
    with django_assert_num_queries(34):
        report.report_context(actor=actor, country="FI", year=2024)


@pytest.mark.django_db
def test_r46_the_statistics_page_offers_the_year_s_report() -> None:
    # given
    client = sign_in(Client(), make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR))

    # when
    page = client.get(reverse("statistics:home") + "?year=2024").content.decode()

    # then
    assert f'href="{URL}"' in page


@pytest.mark.django_db
def test_r46_a_report_of_a_year_haven_cannot_count_is_refused() -> None:
    # given
    client = sign_in(Client(), make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR))

    # when
    answer = client.get(reverse("statistics:report", kwargs={"year": 1999}))
    refused = sign_in(Client(), make_user(org_type=OrgType.NGO)).get(
        reverse("statistics:report", kwargs={"year": 1999})
    )

    # then: no such report (and the refusal comes first for anyone else)
    assert answer.status_code == 404
    assert refused.status_code == 403
    assert not answer.content.startswith(b"%PDF")
    assert not AuditEvent.objects.filter(object_type__startswith="statistics.").exists()


@pytest.mark.django_db
def test_r46_the_report_is_a_tagged_pdf_whose_text_holds_the_numbers_of_its_tables() -> None:
    # given (one drawing serves both checks: WeasyPrint takes seconds a report)
    _data()
    actor = audit.actor_of(make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR))
    context = report.report_context(actor=actor, country="FI", year=2024)

    # when
    with translation.override("en"):
        document = report.report_pdf_for_country(actor=actor, country="FI", year=2024)

    # then: tagged, with its language, title and charts described, read in the PDF
    # itself, its object streams opened
    objects = pdf_objects(document)
    assert b"/StructTreeRoot" in objects
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", objects)
    assert b"/Lang (en)" in objects
    assert b"/Title (Trafficking in human beings: statistics of FI for 2024)" in objects
    assert b"/DisplayDocTitle true" in objects
    assert b"/Alt (Registered victims by year and sex, 2015 to 2024)" in objects
    assert b"/Alt (Services active and people served by programme, 2024)" in objects
    assert (
        b"/Alt (Registered victims by form of exploitation in the Baltic Sea region states, 2024)"
        in objects
    )
    figures = len(re.findall(rb"/S /Figure", objects))  # the charts and their legends' keys
    assert figures > 5
    assert len(re.findall(rb"/Alt \(", objects)) == figures  # each described

    # and: the PDF's text, laid out as printed, holds each row of the short-labelled
    # tables, its numbers in order (a dash: hidden)
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed: the HTML the PDF is drawn from is checked")
    pdftotext = shutil.which("pdftotext") or "pdftotext"
    text = subprocess.run(  # noqa: S603 - poppler's pdftotext on the PDF we made
        [pdftotext, "-layout", "-", "-"], input=document, capture_output=True, check=True
    ).stdout.decode()
    rows = context["trend_rows"] + context["deadline_year_rows"] + context["region_rows"]
    for row in rows:
        words = [row.label, *("—" if v is None else str(v) for __, v in row.cells)]
        assert re.search(r"\s+".join(re.escape(w) for w in words), text), row.label
