"""Lithuanian: "2026-12-06", the ISO year-month-day form used nationally."""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
FIRST_DAY_OF_WEEK = 1  # Monday
# Numbers as CLDR writes them in the language (statistics tables group their digits).
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u00a0"  # a no-break space, as CLDR writes it
NUMBER_GROUPING = 3
