"""How a registered victim's non-identifying facts fall into Eurostat's categories (R-42,
R-44). Pure functions over values the statistical field group holds; no database.

- Sex: female, male, other (Haven's "intersex"), unknown.
- Age group: child, adult or unknown. A verified or presumed child counts as a child
  (R-10), a verified adult as an adult; a person whose age is uncertain is placed by
  their age at registration when Haven holds one (from the birth year, else the lower
  estimate made at intake), else "unknown". Finer bands come
  from ``HAVEN_STATISTICS_AGE_BANDS``. Haven holds no date of exploitation, so there is
  no age at exploitation: it is not estimated.
- Citizenship: the reporting country, another EU member state, a non-EU country, or
  unknown, with the country named. A person with several citizenships is counted once:
  as a national if one of them is the reporting country's, else by their first EU
  citizenship, else by their first other one.
- Exploitation: sexual, labour or other, with the form named, or unknown when no form
  is recorded. Eurostat counts victims per form: a person exploited in two forms is
  counted in both, so the forms do not add up to the victims (see ``tables``).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from haven.cases.models import AgeStatus, ExploitationForm, Sex

TOTAL = "total"
UNKNOWN = "unknown"

# --- sex ---------------------------------------------------------------------------------------

FEMALE, MALE, OTHER = "female", "male", "other"
SEXES = (FEMALE, MALE, OTHER, UNKNOWN)
_SEX_OF: dict[str, str] = {Sex.FEMALE: FEMALE, Sex.MALE: MALE, Sex.INTERSEX: OTHER}


def sex_group(sex: str) -> str:
    """Eurostat's sex of a person's recorded sex; anything unrecorded is unknown."""
    return _SEX_OF.get(sex, UNKNOWN)


# --- age -------------------------------------------------------------------------------------

CHILD, ADULT = "child", "adult"
AGE_GROUPS = (CHILD, ADULT, UNKNOWN)
ADULT_AGE = 18
CHILD_STATUSES = frozenset({AgeStatus.VERIFIED_CHILD, AgeStatus.UNCERTAIN_PRESUMED_CHILD})
BAND_UNKNOWN = "age_unknown"


class BandsInvalid(ValueError):
    """The configured bands do not start at 0, rise, or split at 18."""


def check_bands(bands: Sequence[int]) -> tuple[int, ...]:
    """The lower ages of the finer bands, checked: from 0, rising, with 18 among them
    (so that a band is wholly child or wholly adult)."""
    lows = tuple(bands)
    if not lows or lows[0] != 0 or ADULT_AGE not in lows or list(lows) != sorted(set(lows)):
        raise BandsInvalid("age bands must start at 0, rise and include 18")
    return lows


def band_label(lows: Sequence[int], index: int) -> str:
    """The label of band ``index``: "12-17", or "50+" for the last."""
    if index == len(lows) - 1:
        return f"{lows[index]}+"
    return f"{lows[index]}-{lows[index + 1] - 1}"


def band_labels(lows: Sequence[int]) -> tuple[str, ...]:
    """Every band's label, youngest first, then the unknown age."""
    return (*(band_label(lows, i) for i in range(len(lows))), BAND_UNKNOWN)


def band_is_child(label: str) -> bool | None:
    """Whether a band lies below 18 (None: the unknown age)."""
    if label == BAND_UNKNOWN:
        return None
    return int(label.split("-")[0].rstrip("+")) < ADULT_AGE


def age_group(age_status: str, band: str) -> str:
    """Child, adult or unknown: the age status decides when it is known (R-10); an
    uncertain age is placed by its band."""
    if age_status in CHILD_STATUSES:
        return CHILD
    if age_status == AgeStatus.VERIFIED_ADULT:
        return ADULT
    child = band_is_child(band)
    if child is None:
        return UNKNOWN
    return CHILD if child else ADULT


# --- citizenship ---------------------------------------------------------------------------

REPORTING, OTHER_EU, NON_EU = "reporting_country", "other_eu", "non_eu"
CITIZENSHIP_GROUPS = (REPORTING, OTHER_EU, NON_EU, UNKNOWN)

# The member states of the European Union since 1 February 2020 (ISO 3166-1 alpha-2;
# Greece is "GR" here, as Haven stores ISO codes, where Eurostat writes "EL").
EU_MEMBERS = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)  # fmt: skip


def citizenship(codes: Sequence[str], reporting_country: str) -> tuple[str, str]:
    """(group, country code) of a person's citizenships, counted once; ("unknown", "")
    when none is recorded."""
    ordered = sorted({c.upper() for c in codes if c})
    if reporting_country in ordered:
        return REPORTING, reporting_country
    for code in ordered:
        if code in EU_MEMBERS:
            return OTHER_EU, code
    if ordered:
        return NON_EU, ordered[0]
    return UNKNOWN, ""


# --- exploitation ------------------------------------------------------------------------------

SEXUAL, LABOUR = "sexual", "labour"
EXPLOITATION_GROUPS = (SEXUAL, LABOUR, OTHER, UNKNOWN)
F = ExploitationForm
# Directive 2011/36/EU Art. 2(3) and the 2024 forms (Directive 2024/1712), in Eurostat's
# three groups; the 2024 forms are counted apart from the start, under "other".
FORMS_BY_GROUP: dict[str, tuple[str, ...]] = {
    SEXUAL: (F.SEXUAL,),
    LABOUR: (F.LABOUR, F.SLAVERY, F.SERVITUDE),
    OTHER: (
        F.BEGGING,
        F.CRIMINAL,
        F.ORGANS,
        F.FORCED_MARRIAGE,
        F.ILLEGAL_ADOPTION,
        F.SURROGACY,
        F.OTHER,
    ),
}
GROUP_OF_FORM = {form: group for group, forms in FORMS_BY_GROUP.items() for form in forms}


def exploitation_groups(forms: Sequence[str]) -> frozenset[str]:
    """The groups a person is counted in (each once): "unknown" when no form is recorded."""
    groups = frozenset(GROUP_OF_FORM[f] for f in forms if f in GROUP_OF_FORM)
    return groups or frozenset({UNKNOWN})


def known_forms(forms: Sequence[str]) -> frozenset[str]:
    """The recorded forms Haven knows, each once."""
    return frozenset(f for f in forms if f in GROUP_OF_FORM)


def detail(group: str, code: str) -> str:
    """A detail category's name in a table: "other_eu:DE", "labour:forced_labour"."""
    return f"{group}:{code}"


# --- legal status ----------------------------------------------------------------------------

PRESUMED, IDENTIFIED, DECLINED = "presumed", "identified", "declined_formal_identification"
LEGAL_STATUSES = (IDENTIFIED, PRESUMED, DECLINED)

LABELS = {
    TOTAL: _("Total"),
    UNKNOWN: _("Unknown"),
    FEMALE: _("Female"),
    MALE: _("Male"),
    OTHER: _("Other"),
    CHILD: _("Child"),
    ADULT: _("Adult"),
    BAND_UNKNOWN: _("Age unknown"),
    REPORTING: _("Reporting country"),
    OTHER_EU: _("Other EU country"),
    NON_EU: _("Non-EU country"),
    SEXUAL: _("Sexual exploitation"),
    LABOUR: _("Labour exploitation"),
    PRESUMED: _("Presumed victim"),
    IDENTIFIED: _("Identified victim"),
    DECLINED: _("Declined formal identification"),
}
