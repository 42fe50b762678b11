"""Icelandic: "6.12.2026", the national day.month.year form."""

DATE_FORMAT = "j.n.Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j.n.Y H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
FIRST_DAY_OF_WEEK = 1  # Monday
# Numbers as CLDR writes them in the language (statistics tables group their digits).
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."  # a full stop, as CLDR writes it
NUMBER_GROUPING = 3
