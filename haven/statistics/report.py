"""The annual report of a year as PDF (issue 15): the year's Eurostat tables as published
(a suppressed cell shown as on the page), the trend of registered victims as a chart
with its table, the backlog by sex, the dashboards (deadlines met, referral response
times, victims by region, assistance outcomes and cost per programme), the map of the
Baltic Sea region states (each state's figure from its own release) and the notes on
method. Drawn by WeasyPrint from one HTML page (``statistics/report.html``) as tagged
PDF (PDF/UA-1): the charts are the pages' inline SVG, no image and no file is fetched.
Read under the statistics rule, country by country, and audited: each part as it is
read, and the report itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.lib import pdf as lib_pdf
from haven.statistics import categories as cat
from haven.statistics import charts, dashboards, maps, selectors, services_exchange, views
from haven.statistics import selectors_exchange as exchange_selectors

# The report's print style, read by WeasyPrint (no inline style in a template).
STYLE = Path(__file__).resolve().parent / "data" / "report.css"

OUTPUT = "report"


@transaction.atomic
def report_context(*, actor: audit.Actor, country: str, year: int) -> dict[str, Any]:
    """Everything the report shows for ``country`` and ``year``, each part read (and
    audited) as the pages read it."""
    selectors.check_year(year)
    published = selectors.eurostat_for_country(
        actor=actor, country=country, year=year, output=OUTPUT
    )
    first = max(selectors.FIRST_YEAR, year - selectors.TREND_YEARS + 1)
    trend = selectors.trends_for_country(
        actor=actor, country=country, first=first, last=year, output=OUTPUT
    )
    backlog = selectors.backlog_for_country(actor=actor, country=country, output=OUTPUT)
    context: dict[str, Any] = {
        "country": country,
        "year": year,
        "made_on": timezone.localdate(),
        "threshold": published.threshold,
        "columns": views._columns(),
        "tables": views._eurostat_tables(published),
        "first": first,
        "trend_rows": views._grid_rows(trend, {cat.TOTAL: _("Total")}),
        "trend_chart": charts.grouped_bars(trend),
        "backlog_rows": views.backlog_rows(backlog),
        **dashboards.deadlines_context(
            actor=actor, country=country, year=year, output=OUTPUT, through=year
        ),
        **dashboards.referrals_context(actor=actor, country=country, year=year, output=OUTPUT),
        **dashboards.regions_context(actor=actor, country=country, year=year, output=OUTPUT),
        **dashboards.programmes_context(actor=actor, country=country, year=year, output=OUTPUT),
        **regional_map_context(actor=actor, country=country, year=year),
    }
    selectors._audit(
        actor, subject="report", country=country, detail={"year": year, "format": "pdf"}
    )
    return context


def regional_map_context(*, actor: audit.Actor, country: str, year: int) -> dict[str, Any]:
    """The map of the Baltic Sea region states of ``year``: each state's figure from its
    own release, as the exchange page draws it (audited as a part of the report)."""
    trends = services_exchange.regional_trends(country=country)
    figures = exchange_selectors.year_figures(trends, year=year)
    selectors._audit(
        actor,
        subject="regional_map",
        country=country,
        detail={"year": year, "format": OUTPUT, "states": len(figures)},
    )
    return {
        "regional_map": maps.baltic_map(figures, year=year),
        "regional_rows": maps.figure_rows(figures, year=year),
    }


def report_html(*, actor: audit.Actor, country: str, year: int) -> str:
    """The report as the HTML page WeasyPrint draws."""
    context = report_context(actor=actor, country=country, year=year)
    return render_to_string("statistics/report.html", context)


def pdf(html: str) -> bytes:
    """Draw ``html`` as tagged PDF (PDF/UA-1): headings, tables and figures are marked
    for screen readers, the document's language is the page's ``lang``, its title the
    page's ``<title>`` (shown as the window's title), and each chart's alternative text
    its SVG ``<title>``. WeasyPrint is imported here: it loads pango on import."""
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    document: bytes = HTML(string=html).write_pdf(
        stylesheets=[CSS(filename=str(STYLE))], **lib_pdf.TAGGED
    )
    return document


def report_pdf_for_country(*, actor: audit.Actor, country: str, year: int) -> bytes:
    return pdf(report_html(actor=actor, country=country, year=year))


def report_pdf(*, user: User, year: int) -> bytes:
    """The reader's country's report of ``year`` as PDF, or the statistics refusal."""
    country = selectors.reader_country(user)
    return report_pdf_for_country(actor=audit.actor_of(user), country=country, year=year)
