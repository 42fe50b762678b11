"""The persons' consents for the demo (R-20, R-40): asked for each team member
that an agreement would share with only with consent.

Most persons agree; some refuse to let the police and the prosecutor read their
account (which changes nothing in their assistance, R-18), some leave the
shelter uninformed about their health, a few withdraw a consent later. For a
child the representative decides, and the child's own views are recorded
beside the decision. A member who reads nothing by law always has a live
consent, so that every member of a demo team sees something of the case.

The first case that can show a refusal or a withdrawal shows it, so that a
short run has both.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.utils.translation import get_language_info

from haven.access.models import FieldGroup, GivenBy, Purpose
from haven.accounts.models import OrgType
from haven.demo import agreements

T = OrgType
G = FieldGroup
P = Purpose

REFUSAL_CHANCE = 0.25  # of refusing investigation sharing, per case
DECLINE_CHANCE = 0.1  # of not consenting to another member that reads something by law
WITHDRAWAL_CHANCE = 0.08
ANY_OF_TYPE_CHANCE = 0.3  # for shelters and health centres: a person may move between them
LEAVE_OUT_HEALTH_CHANCE = 0.25  # for shelters
LOCAL_LANGUAGES = {"FI": ("fi", "sv", "en"), "EE": ("et", "en")}

RECIPIENT: dict[str, str] = {
    T.POLICE: "the police",
    T.PROSECUTOR: "the prosecutor",
    T.SHELTER: "the shelter",
    T.HEALTH: "the health centre",
    T.INTERNATIONAL_ORGANISATION: "the return programme",
}
WHAT: dict[str, str] = {
    G.IDENTITY: "their name and identity details",
    G.CONTACT: "their phone number",
    G.LOCATION: "where they stay",
    G.NARRATIVE: "their account of what happened",
    G.HEALTH: "what is known about their health",
    G.LEGAL: "the identification decisions",
    G.ASSESSMENT: "the forms of exploitation found",
    G.SERVICES: "the help they receive",
}
WHY: dict[str, str] = {
    P.INVESTIGATION: "to investigate the crime",
    P.ASSISTANCE: "to give the help they need",
    P.RETURN: "to prepare a safe return home, if they choose it",
}
CHILD_VIEWS: dict[str, tuple[str, ...]] = {
    T.POLICE: (
        "Wants the men who brought them here to be caught, but is afraid they will learn who "
        "talked.",
        "Will talk to the police only with the representative in the room.",
    ),
    T.PROSECUTOR: ("Does not want to tell the story again in a court room.",),
    T.SHELTER: (
        "Likes the shelter and wants to stay with the others from the same town.",
        "Asked that the night staff be told about the nightmares.",
    ),
    T.HEALTH: ("Agrees to see a doctor if the interpreter is a woman.",),
    T.INTERNATIONAL_ORGANISATION: (
        "Wants to go home to their grandmother, but not before summer.",
    ),
}
REFUSAL_NOTE = (
    "{who} no, for now, to {recipients} reading the account. Told that this changes nothing "
    "in the help they get and that they can change their mind at any time."
)


@dataclass(frozen=True)
class ConsentPlan:
    recipient: str  # organisation type, in the case's country
    any_of_type: bool  # every organisation of the type, not only the one on the team
    purpose: str
    groups: tuple[str, ...]
    given_on: date
    given_by: str
    language: str
    information_given: str
    child_views: str = ""
    withdrawn: bool = False


@dataclass(frozen=True)
class SharingPlan:
    consents: tuple[ConsentPlan, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()  # (recipient type, purpose) the person said no to
    note: str = ""  # for the narrative


class ConsentPlanner:
    """Plans the consents of one case at a time, from its own seeded random stream."""

    def __init__(self, *, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.refused_once = False
        self.withdrawn_once = False

    def plan(
        self, *, country: str, lead: str, members: tuple[str, ...], child: bool, language: str
    ) -> SharingPlan:
        asked = [
            (member, purpose, groups)
            for member in members
            for purpose, groups in agreements.consent_routes(lead, member).items()
        ]
        refuses = self._refuses(
            [m for m, p, _g in asked if p == P.INVESTIGATION and agreements.shared_by_law(lead, m)]
        )
        consents: list[ConsentPlan] = []
        refused: list[tuple[str, str]] = []
        for member, purpose, groups in asked:
            by_law = agreements.shared_by_law(lead, member)
            if by_law and (
                (refuses and purpose == P.INVESTIGATION) or self.rng.random() < DECLINE_CHANCE
            ):
                refused.append((member, purpose))
                continue
            consents.append(
                self._consent(
                    member, purpose, groups, country=country, child=child, language=language
                )
            )
            if by_law and self._withdraws():
                consents[-1] = replace(consents[-1], withdrawn=True)
        investigators = [RECIPIENT[m] for m, p in refused if p == P.INVESTIGATION]
        who = "The representative, having heard the child, said" if child else "Said"
        note = (
            REFUSAL_NOTE.format(who=who, recipients=" and ".join(investigators))
            if investigators
            else ""
        )
        return SharingPlan(consents=tuple(consents), refused=tuple(refused), note=note)

    def _refuses(self, investigators: list[str]) -> bool:
        if not investigators:
            return False
        if not self.refused_once:
            self.refused_once = True
            return True
        return self.rng.random() < REFUSAL_CHANCE

    def _withdraws(self) -> bool:
        if not self.withdrawn_once:
            self.withdrawn_once = True
            return True
        return self.rng.random() < WITHDRAWAL_CHANCE

    def _consent(
        self,
        member: str,
        purpose: str,
        groups: tuple[str, ...],
        *,
        country: str,
        child: bool,
        language: str,
    ) -> ConsentPlan:
        rng = self.rng
        if member == T.SHELTER and rng.random() < LEAVE_OUT_HEALTH_CHANCE:
            groups = tuple(g for g in groups if g != G.HEALTH)
        return ConsentPlan(
            recipient=member,
            any_of_type=member in (T.SHELTER, T.HEALTH) and rng.random() < ANY_OF_TYPE_CHANCE,
            purpose=purpose,
            groups=groups,
            given_on=self.today - timedelta(days=rng.randint(0, 30)),
            given_by=GivenBy.GUARDIAN if child else GivenBy.PERSON,
            language=language,
            information_given=information(
                member, purpose, groups, country=country, child=child, language=language
            ),
            child_views=rng.choice(CHILD_VIEWS[member]) if child else "",
        )


def information(
    member: str,
    purpose: str,
    groups: tuple[str, ...],
    *,
    country: str,
    child: bool,
    language: str,
) -> str:
    """What the person (or the child and the representative) was told before agreeing."""
    spoken = str(get_language_info(language)["name"])
    if language not in LOCAL_LANGUAGES[country]:
        spoken += ", with an interpreter"
    told = "the child and their representative" if child else "the person"
    what = [WHAT[g] for g in groups]
    listed = ", ".join(what[:-1]) + f" and {what[-1]}" if len(what) > 1 else what[0]
    return (
        f"Explained to {told} in {spoken}: {RECIPIENT[member]} would receive {listed}, "
        f"{WHY[purpose]}. Saying no changes nothing in the help they get, and the consent "
        "can be withdrawn at any time by telling the caseworker."
    )
