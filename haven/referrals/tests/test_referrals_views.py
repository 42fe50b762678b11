"""The referral and lead-transfer pages through the test client (R-47): forms
that post and redirect, refusals next to the field, the same 404 for a third
organisation as for a missing referral."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts.models import Organisation, User
from haven.cases.tests.factories import add_to_team
from haven.referrals.models import (
    DirectoryEntry,
    LeadTransfer,
    LeadTransferState,
    Referral,
    ReferralState,
)
from haven.referrals.tests.test_referrals_services import MESSAGE, referral_setup, send
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def _form(to: object, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "to_organisation": str(to),
        "referral_type": "accommodation",
        "purpose": Purpose.ASSISTANCE,
        "field_groups": [FieldGroup.IDENTITY, FieldGroup.HEALTH],
        "message": MESSAGE,
    }
    data.update(changes)
    return data


def test_r47_a_referral_is_sent_through_the_form_and_lands_in_the_receivers_list() -> None:
    # given
    s = referral_setup()
    url = reverse("referrals:referral_new", args=[s.case.id])

    # when
    page = client_for(s.sender).get(url, {"to": str(s.shelter.pk), "purpose": "assistance"})
    posted = client_for(s.sender).post(url, _form(s.shelter.pk))
    incoming = client_for(s.receiver).get(reverse("referrals:referral_incoming"))
    outgoing = client_for(s.sender).get(reverse("referrals:referral_outgoing"), {"state": "sent"})

    # then
    referral = Referral.objects.get()
    assert page.status_code == 200
    assert "Can be shared" in page.content.decode()
    assert posted.status_code == 302
    assert posted["Location"] == reverse("referrals:referral_detail", args=[referral.pk])
    assert s.case.reference in incoming.content.decode()
    assert MESSAGE not in incoming.content.decode()
    assert s.case.reference in outgoing.content.decode()


def test_r47_the_form_shows_why_a_group_cannot_flow_next_to_the_groups() -> None:
    # given: no agreement with the shelter
    s = referral_setup(share=False)
    url = reverse("referrals:referral_new", args=[s.case.id])

    # when
    response = client_for(s.sender).post(url, _form(s.shelter.pk))

    # then
    assert response.status_code == 400
    assert "field_groups_error" in response.content.decode()
    assert not Referral.objects.exists()


def test_r47_the_receiver_reads_and_accepts_while_a_third_organisation_gets_404() -> None:
    # given
    s = referral_setup()
    referral = send(s)
    detail = reverse("referrals:referral_detail", args=[referral.pk])
    accept = reverse("referrals:referral_act", args=[referral.pk, "accept"])

    # when
    hidden = client_for(s.third).get(detail)
    refused = client_for(s.third).post(accept)
    read = client_for(s.receiver).get(detail)
    accepted = client_for(s.receiver).post(accept)

    # then
    assert hidden.status_code == 404
    assert refused.status_code == 404
    assert MESSAGE in read.content.decode()
    assert accepted.status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    assert TeamMembership.objects.filter(case=s.case, organisation=s.shelter).exists()


def test_r47_accepting_takes_the_receiver_to_the_case_and_the_service_it_was_asked_for() -> None:
    # given: a referral for safe accommodation to accept, and another case's to decline
    s, other = referral_setup(), referral_setup()
    taken, refused = send(s), send(other)

    # when
    accepted = client_for(s.receiver).post(
        reverse("referrals:referral_act", args=[taken.pk, "accept"]), follow=True
    )
    declined = client_for(other.receiver).post(
        reverse("referrals:referral_act", args=[refused.pk, "decline"]),
        {"reason": "no_capacity", "note": ""},
    )

    # then: the accepted one lands on the case page, which names the service asked for;
    # the declined one stays on the referral (the shelter is not on that case for it)
    assert accepted.redirect_chain == [(reverse("web:case_detail", args=[s.case.id]), 302)]
    html = accepted.content.decode()
    assert f'id="referral-taken-on-{taken.pk}"' in html
    assert "it asks for Safe accommodation" in html
    assert declined.status_code == 302
    assert declined["Location"] == reverse("referrals:referral_detail", args=[refused.pk])


def test_r47_declining_other_without_a_note_shows_the_error_next_to_the_note() -> None:
    # given
    s = referral_setup()
    referral = send(s)
    url = reverse("referrals:referral_act", args=[referral.pk, "decline"])

    # when
    response = client_for(s.receiver).post(url, {"reason": "other", "note": ""})

    # then
    assert response.status_code == 400
    assert "id_note_error" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_it_gives_404_for_an_unknown_action_or_referral() -> None:
    # given
    s = referral_setup()
    referral = send(s)

    # when
    unknown_action = client_for(s.sender).post(
        reverse("referrals:referral_act", args=[referral.pk, "explode"])
    )
    missing = client_for(s.sender).get(reverse("referrals:referral_detail", args=[uuid.uuid4()]))

    # then
    assert (unknown_action.status_code, missing.status_code) == (404, 404)


def test_r47_the_lead_proposes_and_the_receiver_accepts_through_the_pages() -> None:
    # given
    s = referral_setup()
    add_to_team(case=s.case, organisation=s.shelter, share=False)
    url = reverse("referrals:lead_transfer_new", args=[s.case.id])

    # when
    page = client_for(s.sender).get(url)
    posted = client_for(s.sender).post(
        url, {"to_organisation": str(s.shelter.pk), "reason": "We are closing the office."}
    )
    transfer = LeadTransfer.objects.get()
    hidden = client_for(s.third).get(reverse("referrals:lead_transfer_detail", args=[transfer.pk]))
    accepted = client_for(s.receiver).post(
        reverse("referrals:lead_transfer_act", args=[transfer.pk, "accept"])
    )

    # then
    assert page.status_code == 200
    assert posted.status_code == 302
    assert hidden.status_code == 404
    assert accepted.status_code == 302
    transfer.refresh_from_db()
    assert transfer.state == LeadTransferState.ACCEPTED
    assert TeamMembership.objects.get(case=s.case, is_lead=True).organisation_id == s.shelter.pk


def _entry(organisation: Organisation | None, title: str, by: User) -> DirectoryEntry:
    assert organisation is not None
    now = timezone.now()
    return DirectoryEntry.objects.create(
        organisation=organisation,
        service_type="accommodation",
        title=title,
        confirmed_at=now,
        confirmed_by=by,
        updated_at=now,
    )


def test_r47_the_form_refers_to_a_service_of_the_directory_of_the_chosen_organisation() -> None:
    # given: a shelter's service, and another organisation's
    s = referral_setup()
    ours = _entry(s.shelter, "Harbour rooms for women", s.receiver)
    theirs = _entry(s.third.organisation, "Elsewhere beds", s.third)
    url = reverse("referrals:referral_new", args=[s.case.id])

    # when
    page = client_for(s.sender).get(url, {"to": str(s.shelter.pk), "entry": str(ours.pk)})
    mismatched = client_for(s.sender).post(url, _form(s.shelter.pk, directory_entry=theirs.pk))
    posted = client_for(s.sender).post(url, _form(s.shelter.pk, directory_entry=ours.pk))

    # then
    html = page.content.decode()
    assert f'<option value="{ours.pk}" selected>' in html
    assert f"{s.shelter.name} — Harbour rooms for women" in html
    assert mismatched.status_code == 400
    assert (
        '<ul class="errorlist" id="id_directory_entry_error"><li>Choose a service of the '
        "receiving organisation.</li></ul>" in mismatched.content.decode()
    )
    assert posted.status_code == 302
    assert Referral.objects.get().directory_entry_id == ours.pk
