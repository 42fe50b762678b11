"""Synthetic persons and case histories for the demo. Never real people.

Names come from Faker in the locale of the person's citizenship; stories,
reasons and notes are composed from the fixed phrases below. One
``random.Random`` and one Faker instance, both seeded, make a run reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from faker import Faker

from haven.accounts.models import OrgType
from haven.cases.models import AgeStatus, ExploitationForm, GenderIdentity, Sex
from haven.cases.services import PersonInput
from haven.cases.status import IdentificationStatus
from haven.demo import consents as consent_plans
from haven.demo import history as history_plans
from haven.demo import screenings as screening_plans
from haven.demo.accounts import REGIONS, DemoOrganisation
from haven.demo.history import HISTORIES
from haven.identification.engine import SetDef

S = IdentificationStatus
F = ExploitationForm
T = OrgType

CITIZENSHIP_LOCALES = {
    "FI": "fi_FI", "EE": "et_EE", "LV": "lv_LV", "LT": "lt_LT", "PL": "pl_PL", "UA": "uk_UA",
    "RO": "ro_RO", "VN": "vi_VN", "GB": "en_GB", "TH": "th_TH", "RU": "ru_RU", "IN": "en_IN",
}  # fmt: skip
LANGUAGES = {
    "FI": "fi", "EE": "et", "LV": "lv", "LT": "lt", "PL": "pl", "UA": "uk",
    "RO": "ro", "VN": "vi", "GB": "en", "TH": "th", "RU": "ru", "IN": "hi",
}  # fmt: skip
# Who is met in each country (weights): a plausible mix, not statistics.
CITIZENSHIP_WEIGHTS = {
    "FI": {"FI": 8, "EE": 4, "UA": 12, "VN": 10, "TH": 10, "RO": 8, "PL": 4, "LT": 3, "LV": 3,
           "RU": 6, "IN": 5, "GB": 2},
    "EE": {"EE": 14, "UA": 16, "RU": 10, "LV": 6, "LT": 6, "VN": 5, "PL": 4, "RO": 4, "FI": 2,
           "IN": 3, "TH": 2, "GB": 1},
}  # fmt: skip
EU_CITIZENSHIPS = frozenset({"FI", "EE", "LV", "LT", "PL", "RO"})
HOME_PLACES = {
    "FI": ("Oulu", "Kuopio", "Lahti"), "EE": ("Pärnu", "Rakvere", "Võru"),
    "LV": ("Rīga", "Daugavpils", "Liepāja"), "LT": ("Kaunas", "Šiauliai", "Panevėžys"),
    "PL": ("Łódź", "Lublin", "Białystok"), "UA": ("Kharkiv", "Dnipro", "Zhytomyr"),
    "RO": ("Iași", "Craiova", "Bacău"), "VN": ("Nghệ An", "Hà Tĩnh", "Hải Phòng"),
    "GB": ("Leeds", "Glasgow", "Hull"), "TH": ("Udon Thani", "Chaiyaphum", "Nakhon Phanom"),
    "RU": ("Pskov", "Petrozavodsk", "Vologda"), "IN": ("Ludhiana", "Amritsar", "Kochi"),
}  # fmt: skip
EE_STREETS = ("Pärnu mnt", "Narva mnt", "Tartu mnt", "Riia", "Kalevi", "Puiestee", "Jõe")

# (sex, gender identity, weight): including non-binary and transgender persons.
SEX_GENDER = (
    (Sex.FEMALE, GenderIdentity.WOMAN, 44),
    (Sex.MALE, GenderIdentity.MAN, 34),
    (Sex.MALE, GenderIdentity.TRANSGENDER_WOMAN, 4),
    (Sex.FEMALE, GenderIdentity.TRANSGENDER_MAN, 2),
    (Sex.FEMALE, GenderIdentity.NON_BINARY, 2),
    (Sex.MALE, GenderIdentity.NON_BINARY, 2),
    (Sex.INTERSEX, GenderIdentity.NON_BINARY, 1),
    (Sex.INTERSEX, GenderIdentity.NOT_STATED, 1),
    (Sex.FEMALE, GenderIdentity.OTHER, 1),
    (Sex.MALE, GenderIdentity.NOT_STATED, 3),
    (Sex.UNKNOWN, GenderIdentity.NOT_STATED, 6),
)
FEMININE = frozenset({GenderIdentity.WOMAN, GenderIdentity.TRANSGENDER_WOMAN})
MASCULINE = frozenset({GenderIdentity.MAN, GenderIdentity.TRANSGENDER_MAN})

ADULT_FORMS = {F.LABOUR: 30, F.SEXUAL: 25, F.BEGGING: 5, F.CRIMINAL: 8, F.SERVITUDE: 6,
               F.SLAVERY: 2, F.FORCED_MARRIAGE: 5, F.SURROGACY: 2, F.ILLEGAL_ADOPTION: 1,
               F.ORGANS: 1, F.OTHER: 2}  # fmt: skip
CHILD_FORMS = {F.SEXUAL: 25, F.CRIMINAL: 15, F.BEGGING: 12, F.LABOUR: 8, F.FORCED_MARRIAGE: 8,
               F.SERVITUDE: 4, F.OTHER: 2}  # fmt: skip
# A pregnancy is part of these forms: the person is an adult woman.
PREGNANCY_FORMS = frozenset({F.SURROGACY, F.ILLEGAL_ADOPTION})

JOBS = ("berry picking", "construction", "cleaning", "a restaurant kitchen", "a car wash",
        "a greenhouse", "a warehouse", "a nail salon", "a farm")  # fmt: skip
STORIES = {
    F.LABOUR: "Recruited in {home} through an acquaintance for work in {job} in {dest}, promised "
    "{wage} euros a month. On arrival the employer kept the passport and charged for housing, "
    "food and transport; a 'debt' of {debt} euros was deducted from wages. Worked {hours} hours "
    "a day, seven days a week.",
    F.SEXUAL: "Met someone online in {home} who offered a job as a waitress in {dest}. After "
    "arrival was told to repay the travel costs by selling sex; the phone was taken and every "
    "movement watched. Moved between apartments in {dest} and {other}.",
    F.BEGGING: "Brought from {home} to {dest} with a group by a family acquaintance. Made to beg "
    "outside supermarkets and hand over the money every evening; told that the family at home "
    "would be harmed otherwise.",
    F.CRIMINAL: "Recruited in {home} for 'delivery work' in {dest}. Later forced to carry drugs "
    "and to steal from shops to pay off a debt of {debt} euros to the recruiter.",
    F.SERVITUDE: "Worked as a live-in domestic helper for a family in {dest}; no days off, not "
    "allowed to leave the house alone, and the salary was paid to the recruiter in {home}.",
    F.SLAVERY: "Passed between 'employers' in {dest} and {other} as if owned by them; locked in "
    "at night, never paid, documents held by the first recruiter from {home}.",
    F.FORCED_MARRIAGE: "Married by family arrangement in {home} to a man living in {dest}; not "
    "allowed to study or work, passport kept by the husband, threatened with violence if she "
    "left.",
    F.SURROGACY: "Recruited by an agency in {home} to carry a pregnancy for a fee; moved to "
    "{dest} and kept in an apartment with other women, documents taken, most of the fee never "
    "paid.",
    F.ILLEGAL_ADOPTION: "Pressured during pregnancy to give the baby to an intermediary for "
    "'adoption' in exchange for money and a promised residence permit in {dest}; the papers were "
    "forged.",
    F.ORGANS: "Offered money and a job abroad by a contact in {home}; a kidney was removed in a "
    "private clinic and only a fraction of the {wage} euros promised was paid.",
    F.OTHER: "Forced by the recruiter to take out loans and register companies in their own name "
    "in {dest}; the money went to the recruiter in {home}.",
}
FOLLOW_UPS = (
    "Met a lawyer about a compensation claim; an interpreter was present.",
    "Moved to safer accommodation; says they sleep better now.",
    "Police interview postponed at the person's request. Assistance continues unchanged.",
    "Started a language course and asked about vocational training.",
    "Phoned family at home with the help of an interpreter; the family is safe.",
    "Went with the caseworker to the bank to open an account in their own name.",
)
HEALTH_NOTES = (
    "",
    "",
    "No acute needs reported.",
    "Back pain from heavy lifting; GP appointment booked.",
    "Poor sleep and anxiety; referred to a psychologist.",
    "Dental pain; emergency dentist visit arranged.",
    "Pregnant, second trimester; maternity clinic contact arranged.",
    "Diabetes; medication renewed.",
)


# Lead organisations: NGOs, social services and police, and guardians for
# children. Each of them sees the legal and narrative groups, so its staff can
# record the identification decisions and add to the narrative.
ADULT_LEADS = {T.NGO: 50, T.SOCIAL_SERVICES: 27, T.POLICE: 23}
CHILD_LEADS = {T.SOCIAL_SERVICES: 40, T.NGO: 20, T.GUARDIAN_SERVICE: 25, T.POLICE: 15}


@dataclass(frozen=True)
class CasePlan:
    """Everything needed to open one case and take it through its history."""

    country: str
    lead_type: str
    person: PersonInput
    forms: list[str]
    narrative: str
    members: tuple[str, ...]
    history: tuple[S, ...]  # statuses after intake
    events: tuple[history_plans.Event, ...]  # what leads there, oldest first
    screening: screening_plans.ScreeningPlan | None = None
    follow_up: str = ""
    child: bool = False
    sharing: consent_plans.SharingPlan = field(default_factory=consent_plans.SharingPlan)


K = TypeVar("K")


def _weighted(rng: random.Random, weights: Mapping[K, int]) -> K:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


@dataclass(frozen=True)
class Age:
    """An age profile: verified, estimated, or not known at all."""

    status: str
    date_of_birth: date | None = None
    estimated_min: int | None = None
    estimated_max: int | None = None

    @property
    def child(self) -> bool:
        return self.status == AgeStatus.VERIFIED_CHILD or (
            self.estimated_min is not None and self.estimated_min < 18
        )


AGE_PROFILES = {"adult_dob": 45, "adult_estimated": 15, "child_dob": 10, "presumed_child": 15,
                "unknown": 5}  # fmt: skip


class CasePlanner:
    """Plans one synthetic case at a time, from one seeded random stream."""

    def __init__(
        self,
        *,
        seed: int,
        today: date,
        organisations: Sequence[DemoOrganisation],
        indicator_sets: Mapping[str, SetDef] | None = None,
    ) -> None:
        # Synthetic demo data from a fixed seed, reproducible: not a security use.
        self.rng = random.Random(seed)  # nosec B311
        self.histories = history_plans.HistoryPlanner(rng=self.rng, today=today)
        self.screenings = screening_plans.ScreeningPlanner(
            rng=self.rng, sets=indicator_sets or screening_plans.shipped_sets()
        )
        # Consents draw from a stream of their own, so they leave the cases as they were.
        # Synthetic demo data from a fixed seed, reproducible: not a security use.
        consents_rng = random.Random(f"{seed}:consents")  # nosec B311
        self.consents = consent_plans.ConsentPlanner(rng=consents_rng, today=today)
        self.fake = Faker(sorted(set(CITIZENSHIP_LOCALES.values())))
        self.fake.seed_instance(seed)
        self.today = today
        self.org_names = {(o.country, o.org_type): o.name for o in organisations}

    def plan(self, index: int) -> CasePlan:
        """Case ``index``: the first cases take each history and each form once."""
        rng = self.rng
        country = "FI" if rng.random() < 0.55 else "EE"
        first_pass = index < len(HISTORIES)
        history = HISTORIES[index][0] if first_pass else _weighted(rng, dict(HISTORIES))
        first_form = list(F)[index] if index < len(F) else None
        citizenship = _weighted(rng, CITIZENSHIP_WEIGHTS[country])
        # Only adult forms include a pregnancy, except the forced first forms.
        age = self._age(adult=first_form in PREGNANCY_FORMS)
        forms = self._forms(child=age.child, first=first_form)
        lead_type = _weighted(rng, CHILD_LEADS if age.child else ADULT_LEADS)
        members = self._members(
            lead_type=lead_type,
            child=age.child,
            forms=forms,
            citizenship=citizenship,
            identified=S.IDENTIFIED in history,
        )
        person = self._person(
            country=country,
            citizenship=citizenship,
            age=age,
            members=members,
            woman=bool(PREGNANCY_FORMS.intersection(forms)) or F.FORCED_MARRIAGE in forms,
        )
        story = self._story(forms[0], citizenship=citizenship, country=country)
        narrative = story if rng.random() < 0.9 else ""
        screening = self.screenings.plan(
            child=age.child,
            presumed=S.PRESUMED in history,
            by=self._screener(lead_type=lead_type, members=members, forms=forms),
        )
        planned = self.histories.plan(
            history,
            country=country,
            child=age.child,
            form=str(ExploitationForm(forms[0]).label).lower(),
            team=(lead_type, *members),
            first_pass=first_pass,
        )
        team = (*members, *planned.brought_in)
        return CasePlan(
            country=country,
            lead_type=lead_type,
            person=person,
            forms=forms,
            narrative=narrative,
            members=team,
            history=history,
            events=planned.events,
            screening=screening,
            follow_up=rng.choice(FOLLOW_UPS) if rng.random() < 0.35 else "",
            child=age.child,
            sharing=self.consents.plan(
                country=country,
                lead=lead_type,
                members=team,
                child=age.child,
                language=person.languages[0],
            ),
        )

    def _age(self, *, adult: bool) -> Age:
        rng = self.rng
        profile = "adult_dob" if adult else _weighted(rng, AGE_PROFILES)
        if profile == "adult_dob":
            born = self.today - timedelta(days=rng.randint(19 * 366, 55 * 365))
            return Age(AgeStatus.VERIFIED_ADULT, date_of_birth=born)
        if profile == "child_dob":
            born = self.today - timedelta(days=rng.randint(13 * 366, 17 * 365 + 300))
            return Age(AgeStatus.VERIFIED_CHILD, date_of_birth=born)
        if profile == "unknown":
            return Age(AgeStatus.UNCERTAIN)
        low = rng.randint(13, 17) if profile == "presumed_child" else rng.randint(19, 40)
        # Left "uncertain": intake presumes a child from the range itself.
        return Age(AgeStatus.UNCERTAIN, estimated_min=low, estimated_max=low + rng.randint(1, 6))

    def _forms(self, *, child: bool, first: str | None) -> list[str]:
        rng = self.rng
        weights = CHILD_FORMS if child else ADULT_FORMS
        forms = [first or _weighted(rng, weights)]
        if rng.random() < 0.15:
            forms.append(_weighted(rng, weights))
        return list(dict.fromkeys(forms))

    def _members(
        self, *, lead_type: str, child: bool, forms: list[str], citizenship: str, identified: bool
    ) -> tuple[str, ...]:
        """Other organisations on the team: guardians for children, shelters, police..."""
        rng = self.rng
        chances = (
            (T.GUARDIAN_SERVICE, 1.0 if child else 0.0),
            (T.SHELTER, 0.35),
            (T.POLICE, 0.25),
            (T.LABOUR_INSPECTORATE, 0.4 if F.LABOUR in forms else 0.0),
            (T.HEALTH, 0.15),
            (T.SOCIAL_SERVICES, 0.15 if lead_type == T.NGO else 0.0),
            (T.MIGRATION_AUTHORITY, 0.0 if citizenship in EU_CITIZENSHIPS else 0.2),
            (T.BORDER_GUARD, 0.0 if citizenship in EU_CITIZENSHIPS else 0.1),
            (T.PROSECUTOR, 0.3 if identified else 0.0),
            (T.NATIONAL_COORDINATOR, 0.1),
            (T.INTERNATIONAL_ORGANISATION, 0.05),
        )
        return tuple(t for t, chance in chances if rng.random() < chance and t != lead_type)

    def _person(
        self, *, country: str, citizenship: str, age: Age, members: tuple[str, ...], woman: bool
    ) -> PersonInput:
        rng = self.rng
        sex, gender = (Sex.FEMALE, GenderIdentity.WOMAN) if woman else self._sex_gender()
        names = self.fake[CITIZENSHIP_LOCALES[citizenship]]
        if gender in FEMININE:
            given = names.first_name_female()
        elif gender in MASCULINE:
            given = names.first_name_male()
        else:
            given = names.first_name()
        languages = [LANGUAGES[citizenship]]
        if rng.random() < 0.3:
            languages.append("ru" if citizenship in {"UA", "EE", "LV", "LT"} else "en")
        return PersonInput(
            age_status=age.status,
            given_name=given,
            family_name=names.last_name(),
            aliases=names.first_name() if rng.random() < 0.2 else "",
            date_of_birth=age.date_of_birth,
            estimated_age_min=age.estimated_min,
            estimated_age_max=age.estimated_max,
            sex=sex,
            gender_identity=gender,
            citizenships=[citizenship],
            languages=languages,
            contact=self._phone(country) if rng.random() < 0.8 else "",
            current_location=self._location(country, members),
            health_notes=rng.choice(HEALTH_NOTES),
        )

    def _sex_gender(self) -> tuple[str, str]:
        sex, gender, _weight = self.rng.choices(SEX_GENDER, weights=[w for *_, w in SEX_GENDER])[0]
        return sex, gender

    def _phone(self, country: str) -> str:
        rng = self.rng
        if country == "FI":
            return f"+358 4{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        return f"+372 5{rng.randint(100, 999)} {rng.randint(1000, 9999)}"

    def _location(self, country: str, members: tuple[str, ...]) -> str:
        rng = self.rng
        city = rng.choice(REGIONS[country]).city
        if T.SHELTER in members:
            return f"{self.org_names[(country, T.SHELTER)]}, room {rng.randint(1, 12)}"
        if rng.random() < 0.4:
            return ""
        if country == "FI":
            return f"{self.fake['fi_FI'].street_address()}, {city}"
        return f"{rng.choice(EE_STREETS)} {rng.randint(1, 120)}, {city}"

    def _story(self, form: str, *, citizenship: str, country: str) -> str:
        rng = self.rng
        dest, other = rng.sample([r.city for r in REGIONS[country]], 2)
        return STORIES[ExploitationForm(form)].format(
            home=rng.choice(HOME_PLACES[citizenship]),
            dest=dest,
            other=other,
            job=rng.choice(JOBS),
            wage=rng.randrange(800, 2200, 100),
            debt=rng.randrange(1000, 8000, 500),
            hours=rng.randint(11, 15),
        )

    def _screener(self, *, lead_type: str, members: tuple[str, ...], forms: list[str]) -> str:
        """Mostly the lead's caseworker; sometimes the labour inspector or the shelter."""
        rng = self.rng
        if T.LABOUR_INSPECTORATE in members and F.LABOUR in forms and rng.random() < 0.4:
            return T.LABOUR_INSPECTORATE
        if T.SHELTER in members and rng.random() < 0.2:
            return T.SHELTER
        return lead_type
