"""Events chained before the trail was keyed stay verifiable after the upgrade: they
keep their unkeyed SHA-256 rule, take their places in seal order, and the keyed
chain continues from the last of them."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from haven.audit import chain, selectors, services
from haven.audit.models import AuditEvent, AuditHead
from haven.audit.services import Actor
from haven.lib.tests.migrations import latest, migrate

BEFORE: list[tuple[str, str | None]] = [("audit", "0003_break_glass_refused_action")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrations_restored")
def test_the_old_chain_stays_verifiable_and_the_keyed_chain_continues_from_it() -> None:
    # given: three events chained by the old rule, with their head, before the upgrade
    executor = migrate(BEFORE)
    old = executor.loader.project_state(("audit", "0003_break_glass_refused_action")).apps
    event_model, head_model = (
        old.get_model("audit", "AuditEvent"),
        old.get_model("audit", "AuditHead"),
    )
    prev = chain.GENESIS
    for n in range(3):
        values = {
            "occurred_at": timezone.now(),
            "actor_id": n,
            "actor_username": f"user{n}",
            "organisation_id": "",
            "organisation_name": "",
            "action": "read",
            "object_type": "cases.Case",
            "object_id": str(uuid.uuid4()),
            "person_id": "",
            "field_groups": "identity",
            "purpose": "assistance",
            "detail": {"n": n},
        }
        digest = chain.legacy_digest([values[name] for name in chain.CONTENT], prev)
        event_model.objects.create(**values, prev_hash=prev, hash=digest)
        prev = digest
    head_model.objects.create(id=1, last_hash=prev, count=3)

    # when: upgraded, then one more event written and sealed
    migrate(latest())
    legacy = list(AuditEvent.objects.order_by("id"))
    upgraded = services.audit_verify()
    services.audit_record(
        actor=Actor(9, "after", "", ""), action="read", object_type="cases.Case", object_id=1
    )
    services.audit_seal()

    # then
    assert [(e.seq, e.version) for e in legacy] == [(1, 1), (2, 1), (3, 1)]
    # the detail kept, now made from its canonical text
    assert [(e.detail_json, e.detail) for e in legacy] == [
        (f'{{"n":{n}}}', {"n": n}) for n in range(3)
    ]
    assert AuditHead.objects.get().watermark >= legacy[-1].pk
    assert upgraded == services.VerifyResult(True, 3)
    keyed = AuditEvent.objects.get(seq=4)
    assert (keyed.version, keyed.prev_hash) == (chain.KEYED, legacy[-1].hash)
    assert services.audit_verify() == services.VerifyResult(True, 4)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrations_restored")
def test_the_person_index_of_sealed_events_keeps_the_trail_verifiable_and_findable() -> None:
    # given: before audit.0014, a person's events sealed and one not yet sealed
    migrate([("audit", "0013_detail_as_canonical_text")])
    actor, person = Actor(1, "reader", "o", "NGO"), uuid.uuid4()
    for n in range(3):
        services.audit_record(
            actor=actor, action="read", object_type="cases.Case", object_id=n, person_id=person
        )
    services.audit_seal()
    services.audit_record(
        actor=actor, action="update", object_type="cases.Case", object_id=9, person_id=person
    )

    # when: the person index rebuilt for sealed events only, then forward and back
    migrate(latest())
    upgraded = services.audit_verify()
    found = [e.object_id for e in selectors.audit_events_for_person(person_id=person)]
    migrate([("audit", "0013_detail_as_canonical_text")])
    reverted = services.audit_verify()

    # then: the same rows, every seal and MAC holding, every event found
    assert upgraded == services.VerifyResult(True, 4, unsealed=1)
    assert found == ["9", "2", "1", "0"]
    assert reverted == upgraded
