"""Haven's date formats, one per language (FORMAT_MODULE_PATH).

Django's own English formats write a date as "12/06/2026" (read as 12 June in Europe)
in one place and "Dec. 6, 2026" in another. Haven shows every date of a language in
one unambiguous way, in tables and in text alike: the short and long formats are the
same. Forms take ISO dates (the browser's date field sends them), whatever the language.
"""
