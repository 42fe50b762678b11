"""Ukrainian: "06.12.2026", the national day.month.year form."""

DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
FIRST_DAY_OF_WEEK = 1  # Monday
# Numbers as CLDR writes them in the language (statistics tables group their digits).
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u00a0"  # a no-break space, as CLDR writes it
NUMBER_GROUPING = 3
