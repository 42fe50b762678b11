"""The real address of the client, for rate limits.

``X-Forwarded-For`` is any client's to write, so it is read only when the
connection itself comes from a proxy named in ``HAVEN_TRUSTED_PROXIES``
(addresses or networks). Then the list is walked from the right, past the
trusted proxies, and the first address no trusted proxy owns is the client:
entries further left were written by whoever sent the request and are ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parsed(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(value: str, networks: Iterable[Network]) -> bool:
    address = _parsed(value)
    return address is not None and any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address rate limits count: REMOTE_ADDR, unless a trusted proxy sent the
    request, then the right-most forwarded address that is not a trusted proxy."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    networks = _networks(tuple(settings.HAVEN_TRUSTED_PROXIES))
    if not _trusted(remote, networks):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        if _parsed(hop) is None:
            # Not an address: no proxy of ours wrote it; count the last known hop.
            break
        client = hop
        if not _trusted(hop, networks):
            break
    return client
