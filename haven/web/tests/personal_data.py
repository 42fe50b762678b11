"""Which models hold personal data, found from the models themselves: shared by
the layering guard and the report-for-the-person test, so that a new model is
caught by both without editing a hand-kept list."""

from __future__ import annotations

from django.db import models

PERSON_MODELS = frozenset({"cases.Person", "cases.Case"})


def _reaches_person(model: type[models.Model], seen: frozenset[str] = frozenset()) -> bool:
    """A chain of foreign keys (or one-to-one keys) from ``model`` to a person or case."""
    label = model._meta.label
    if label in PERSON_MODELS:
        return True
    for field in model._meta.concrete_fields:
        target = field.related_model if field.is_relation else None
        if not isinstance(target, type) or target._meta.label in seen | {label}:
            continue
        if _reaches_person(target, seen | {label}):
            return True
    return False


def _encrypted(model: type[models.Model]) -> bool:
    return any(field.name.endswith("_enc") for field in model._meta.concrete_fields)


def personal_data_models(candidates: list[type[models.Model]]) -> set[str]:
    """Concrete models with a key chain to ``cases.Person``/``cases.Case`` or an
    encrypted ``*_enc`` field."""
    return {
        model._meta.label
        for model in candidates
        if not model._meta.abstract
        and not model._meta.proxy
        and model.__module__.startswith("haven.")
        and (_reaches_person(model) or _encrypted(model))
    }
