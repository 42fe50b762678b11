"""Links to one object by its id, built once a page kind instead of once a row.

``django.urls.reverse`` resolves the pattern, converts and quotes every argument and
checks the result against the pattern's regular expression on every call: about
25 µs, and a list page links each of its rows (the case list 25 times, the home
page up to 30). A UUID always converts to the same characters (``<uuid:...>``
routes), so the URL of one id is the URL of any other with the id swapped:
``reverse_by_id`` reverses the name once with a placeholder id (for each URL prefix,
URL resolver and language, which a request or a settings change may set) and then
only puts the id in its place. Anything but a UUID goes through ``reverse`` as before.
"""

from __future__ import annotations

import functools
import uuid

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Not an id Haven makes (uuid4), and spelled the same way by every UUID converter.
_PLACEHOLDER = uuid.UUID(int=0)


@functools.lru_cache(maxsize=64)
def _around(
    name: str, prefix: str, resolver: object, urlconf: str | None, language: str | None
) -> tuple[str, str] | None:
    """What comes before and after the id in ``name``'s URL; None when the id is
    not found exactly once in it (then every link is reversed as before). The
    resolver is part of the key: Django makes a new one when ``ROOT_URLCONF``
    changes (``clear_url_caches``)."""
    url = reverse(name, args=[_PLACEHOLDER], urlconf=urlconf)
    parts = url.split(str(_PLACEHOLDER))
    if len(parts) != 2:
        return None
    return parts[0], parts[1]


def reverse_by_id(name: str, value: object) -> str:
    """``reverse(name, args=[value])`` for a route with one ``<uuid:...>`` argument."""
    if isinstance(value, uuid.UUID):
        urlconf = get_urlconf()
        key = (get_script_prefix(), get_resolver(urlconf), urlconf, get_language())
        around = _around(name, *key)
        if around is not None:
            return f"{around[0]}{value}{around[1]}"
    return reverse(name, args=[value])
