"""HTCDS v2.0 export and import (issue 15, R-45): pure, no database."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from haven.accounts.models import OrgType
from haven.cases.models import ExploitationForm, Sex
from haven.statistics import htcds
from haven.statistics.errors import ErrorCode, FileInvalid

REGISTERED = ["presumed", "identified", "declined_formal_identification"]
AGE_GROUPS = ["0-11", "12-17", "0-17", "18-24", "25-34", "35-49", "50+", "unknown"]

victims = st.builds(
    htcds.Victim,
    sex=st.sampled_from(Sex.values),
    citizenships=st.lists(st.sampled_from(["EE", "LV", "LT", "UA", "VN", "NG"]), max_size=2).map(
        tuple
    ),
    identification_status=st.sampled_from(REGISTERED),
    forms_of_exploitation=st.lists(st.sampled_from(ExploitationForm.values), max_size=3).map(tuple),
    organisation_type=st.sampled_from(OrgType.values),
    country=st.sampled_from(["EE", "LV"]),
    year=st.integers(min_value=2015, max_value=2026),
    age_group=st.sampled_from(AGE_GROUPS),
)


def _table(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def _without_ids(table: list[list[str]]) -> list[list[str]]:
    return [row[1:] for row in table]


def test_the_data_file_names_the_83_fields_of_htcds_2_0_and_40_core() -> None:
    spec = htcds.standard()

    assert len(spec.fields) == 83
    assert len(spec.core) == 40
    assert spec.fields[0] == "org_Name"
    assert "vic_TypeOfExploitation" in spec.core


def test_every_haven_value_has_an_htcds_value_in_each_mapped_field() -> None:
    spec = htcds.standard()
    sources = {
        "prs_Gender": Sex.values,
        "vic_TraffickingStatus": REGISTERED,
        "vic_TraffickingStatusDecisionMakingOrg": OrgType.values,
        "vic_TypeOfExploitation": ExploitationForm.values,
        "org_Type": OrgType.values,
    }

    for field, haven_values in sources.items():
        column = spec.carried[field]
        assert column.values is not None
        assert set(spec.maps[field]) == set(haven_values), field
        assert set(spec.maps[field].values()) <= column.values, field


@pytest.mark.parametrize(
    ("age", "child", "group"),
    [
        (None, False, "unknown"),
        (None, True, "0-17"),
        (5, True, "0-11"),
        (12, True, "12-17"),
        (17, True, "12-17"),
        (18, False, "18-24"),
        (34, False, "25-34"),
        (49, False, "35-49"),
        (50, False, "50+"),
    ],
)
def test_r44_age_group_at_registration(age: int | None, child: bool, group: str) -> None:
    assert htcds.age_group(age, treat_as_child=child) == group


def test_r45_export_holds_no_identifying_column_and_a_fresh_record_id() -> None:
    # given
    victim = htcds.Victim(
        sex="female",
        citizenships=("UA",),
        identification_status="identified",
        forms_of_exploitation=("forced_labour", "sexual_exploitation"),
        organisation_type="ngo",
        country="EE",
        year=2025,
        age_group="18-24",
    )
    record = htcds.victim_record(victim)

    # when
    first = _table(htcds.export_csv([record]))
    second = _table(htcds.export_csv([record]))

    # then
    header, row = first
    values = dict(zip(header, row, strict=True))
    for identifying in ("prs_FirstName", "prs_SecondName", "prs_Birthdate", "org_Name"):
        assert values[identifying] == ""
    assert values["vic_TypeOfExploitation"] == "ForcedLabour;SexualExploitation"
    assert values["prs_Gender"] == "Feminine"
    assert values["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
    assert first[1][0] != second[1][0]
    assert _without_ids(first) == _without_ids(second)


@settings(max_examples=40, deadline=None)
@given(register=st.lists(victims, max_size=25))
def test_r45_export_import_export_is_identical_for_the_fields_haven_holds(
    register: list[htcds.Victim],
) -> None:
    records = [htcds.victim_record(v) for v in register]

    for export in (htcds.export_csv, htcds.export_xlsx):
        # when
        first = htcds.import_file(export(records))
        second = htcds.import_file(export(first.records))

        # then
        assert first.records == [{k: v for k, v in r.items() if v} for r in records]
        assert second.records == first.records
        assert first.not_carried == second.not_carried == {}
    again = htcds.export_csv(htcds.import_file(htcds.export_csv(records)).records)
    assert _without_ids(_table(again)) == _without_ids(_table(htcds.export_csv(records)))


def test_r45_the_reports_list_exactly_the_fields_not_carried_in_each_direction() -> None:
    # given: another organisation's file with names, a birth date and fields Haven holds
    spec = htcds.standard()
    header = ["", "prs_FirstName", "prs_Birthdate", "prs_Gender", "vic_MethodsOfControl"]
    rows = [
        ["1", "Anna", "1990-01-01", "Feminine", "DebtBondage"],
        ["2", "", "1991-02-02", "Masculine", ""],
        ["3", "", "", "", ""],
    ]
    content = "\n".join(",".join(r) for r in [header, *rows]).encode()

    # when
    imported = htcds.import_file(content)

    # then
    assert imported.not_carried == {
        "prs_Birthdate": 2,
        "prs_FirstName": 1,
        "vic_MethodsOfControl": 1,
    }
    assert imported.records == [{"prs_Gender": "Feminine"}, {"prs_Gender": "Masculine"}]
    not_held = htcds.export_not_carried()
    assert set(not_held) == set(spec.fields) - set(spec.carried)
    assert len(not_held) == 83 - 7
    assert "prs_Birthdate" in not_held
    assert "prs_Gender" not in not_held


def test_import_reads_a_workbook_with_numbers_and_blank_cells() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["x_haven_RegistrationYear", "prs_Citizenship"])
    sheet.append([2024.0, "UA; EE;UA"])
    sheet.append([None, None])
    out = io.BytesIO()
    workbook.save(out)

    imported = htcds.import_file(out.getvalue())

    assert imported.records == [{"x_haven_RegistrationYear": "2024", "prs_Citizenship": "EE;UA"}]


@pytest.mark.parametrize(
    ("content", "row", "field"),
    [
        (b"", 1, "header"),
        (b"\xff\xfe", 1, "encoding"),
        (b"not_a_field\n", 1, "header"),
        (b"prs_Gender,prs_Gender\n", 1, "header"),
        (b",\n", 1, "header"),
        (b"prs_Gender\nFeminine\nfemale\n", 3, "prs_Gender"),
        (b"prs_Gender\nFeminine,extra\n", 2, "columns"),
        (b"prs_Citizenship\nUA;est\n", 2, "prs_Citizenship"),
        (b"org_ShippingCountry\nEstonia\n", 2, "org_ShippingCountry"),
        (b"x_haven_RegistrationYear\n24\n", 2, "x_haven_RegistrationYear"),
        (b"x_haven_FormsOfExploitation\nforced_labour;theft\n", 2, "x_haven_FormsOfExploitation"),
        (b'prs_Gender\n"Feminine\n', 1, "format"),
        (b"PK\x03\x04 not a workbook", 1, "format"),
    ],
)
def test_house_rule_4_a_bad_file_is_refused_whole_naming_row_and_field(
    content: bytes, row: int, field: str
) -> None:
    with pytest.raises(FileInvalid) as caught:
        htcds.import_file(content)

    assert caught.value.code == ErrorCode.EXCHANGE_FILE_INVALID
    assert caught.value.field == field
    assert f"Row {row}," in caught.value.message


def test_a_file_over_the_row_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(htcds, "MAX_ROWS", 2)

    with pytest.raises(FileInvalid) as caught:
        htcds.import_file(b"prs_Gender\nFeminine\nFeminine\nFeminine\n")

    assert caught.value.field == "rows"


def test_r45_a_file_laid_out_as_iom_s_excel_toolkit_is_read() -> None:
    # given: numbered rows, the labels in row 2, empty numbered rows, the toolkit's spelling
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([None, "prs_Gender", "vic_TraffickinStatusDecisionMakingOrg"])
    sheet.append([None, "Gender", "Trafficking Status Decision Making Organization"])
    sheet.append([1, "Masculine", "Police"])
    sheet.append([2, None, None])
    out = io.BytesIO()
    workbook.save(out)

    # when
    imported = htcds.import_file(out.getvalue())

    # then
    assert imported.records == [
        {"prs_Gender": "Masculine", "vic_TraffickingStatusDecisionMakingOrg": "Police"}
    ]


def test_an_unnumbered_second_row_of_valid_values_is_data_not_labels() -> None:
    content = b",prs_Gender\n,Feminine\n1,Masculine\n"

    imported = htcds.import_file(content)

    assert imported.records == [{"prs_Gender": "Feminine"}, {"prs_Gender": "Masculine"}]
    assert htcds.import_file(b",prs_Gender\n").records == []
