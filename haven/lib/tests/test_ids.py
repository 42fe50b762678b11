import uuid

from haven.lib.ids import parse_uuid


def test_it_returns_a_uuid_unchanged() -> None:
    value = uuid.uuid4()

    assert parse_uuid(value) is value


def test_it_parses_a_uuid_written_as_text() -> None:
    value = uuid.uuid4()

    assert parse_uuid(str(value)) == value


def test_it_answers_none_for_text_that_is_not_a_uuid() -> None:
    assert parse_uuid("not-an-id") is None


def test_it_answers_none_for_nothing() -> None:
    assert parse_uuid(None) is None
