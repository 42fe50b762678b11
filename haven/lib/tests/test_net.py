"""The real client address (issue 12): X-Forwarded-For only from a trusted proxy,
and then its right-most address that no trusted proxy owns."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from haven.lib.net import client_address

CLIENT = "203.0.113.7"


def _address(remote: str, forwarded: str | None = None) -> str:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(request)


@override_settings(HAVEN_TRUSTED_PROXIES=[])
def test_no_trusted_proxy_means_the_header_is_never_read() -> None:
    assert _address(CLIENT, "198.51.100.1") == CLIENT
    assert _address("127.0.0.1", "198.51.100.1") == "127.0.0.1"


@override_settings(HAVEN_TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8", "::1"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # not from a proxy: the header is whatever the client wrote
        (CLIENT, "198.51.100.1", CLIENT),
        # from the proxy: the address it appended
        ("127.0.0.1", CLIENT, CLIENT),
        # the client's own entries left of it are ignored
        ("127.0.0.1", f"198.51.100.1, 198.51.100.2, {CLIENT}", CLIENT),
        # through two proxies of ours: past both
        ("127.0.0.1", f"198.51.100.1, {CLIENT}, 10.1.2.3", CLIENT),
        ("::1", f"2001:db8::5, {CLIENT}", CLIENT),
        # no header, or nothing but our proxies: the last hop known
        ("127.0.0.1", None, "127.0.0.1"),
        ("127.0.0.1", "10.0.0.9", "10.0.0.9"),
        # not an address where the proxy's entry should be: the proxy's own
        ("127.0.0.1", "198.51.100.1, garbage", "127.0.0.1"),
        ("127.0.0.1", f"garbage, {CLIENT}", CLIENT),
    ],
)
def test_the_header_is_read_only_from_a_trusted_proxy_right_to_left(
    remote: str, forwarded: str | None, expected: str
) -> None:
    assert _address(remote, forwarded) == expected
