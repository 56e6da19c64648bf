"""The request-forgery guard: no link, redirect or name lookup reaches an address that is not public."""

import ipaddress
import socket

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver
from hypothesis import given
from hypothesis import strategies as st
from yarl import URL

from retrieval.web import FetchError, FetchPolicy, fetch, guarded_connector
from retrieval.web.guard import AddressRefused, GuardedConnector, GuardedResolver, url_refusal

GUARDED = FetchPolicy()

PRIVATE_HOSTS = [
    "localhost", "LOCALHOST.", "metadata.localhost", "127.0.0.1", "127.8.9.10", "[::1]", "169.254.169.254",
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "0.0.0.0", "[::]", "[::ffff:127.0.0.1]",
    "[::ffff:10.0.0.1]", "[2002:7f00:1::]", "[64:ff9b::a00:1]", "[fe80::1]", "[fd00::1]", "224.0.0.1",
    "[ff02::1]", "240.0.0.1", "255.255.255.255", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.1",
]
PUBLIC_HOSTS = ["courier.example", "8.8.8.8", "93.184.216.34", "[2606:4700:4700::1111]", "[::ffff:8.8.8.8]",
                "[64:ff9b::808:808]"]
NON_PUBLIC_NETWORKS = ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
                       "0.0.0.0/8", "100.64.0.0/10", "224.0.0.0/4", "240.0.0.0/4"]
PUBLIC_NETWORKS = ["8.0.0.0/8", "93.184.0.0/16", "151.101.0.0/16"]


@pytest.mark.parametrize("host", PRIVATE_HOSTS)
def test_a_host_on_a_non_public_address_is_refused_unless_private_addresses_are_allowed(host):
    url = URL(f"http://{host}/latest/meta-data")
    assert url_refusal(url) is not None
    assert url_refusal(url, allow_private=True) is None


@pytest.mark.parametrize("host", PUBLIC_HOSTS)
def test_a_public_host_is_allowed(host):
    assert url_refusal(URL(f"https://{host}/news")) is None


def test_the_reason_names_the_address_and_what_it_is():
    assert url_refusal(URL("http://169.254.169.254/")) == "169.254.169.254 is a link-local address"
    assert url_refusal(URL("http://[::ffff:127.0.0.1]/")) == "::ffff:7f00:1 (127.0.0.1) is a loopback address"
    assert url_refusal(URL("http://0x7f.0.0.1/")) == "127.0.0.1 is a loopback address"


def _in(networks: list[str]):
    return st.sampled_from(networks).flatmap(
        lambda net: st.integers(0, ipaddress.ip_network(net).num_addresses - 1).map(
            lambda i: ipaddress.ip_network(net)[i]))


@given(_in(NON_PUBLIC_NETWORKS), st.sampled_from(["{}", "[::ffff:{}]"]))
def test_every_address_in_a_non_public_network_is_refused_however_it_is_written(address, form):
    assert url_refusal(URL("http://" + form.format(address) + "/")) is not None


@given(_in(PUBLIC_NETWORKS))
def test_every_address_in_a_public_network_is_allowed(address):
    assert url_refusal(URL(f"http://{address}/")) is None


@given(st.from_regex(r"\A[a-z][a-z0-9+.-]{0,12}\Z").filter(lambda s: s not in ("http", "https")))
def test_every_scheme_but_http_and_https_is_refused(scheme):
    assert "only http and https" in url_refusal(URL(f"{scheme}://courier.example/news"), allow_private=True)


class StubResolver(AbstractResolver):
    """Answers every name with fixed addresses (or a lookup failure), and counts the lookups."""

    def __init__(self, *addresses: str):
        self.addresses = addresses
        self.lookups = 0

    async def resolve(self, host, port=0, family=socket.AF_INET):
        self.lookups += 1
        if not self.addresses:
            raise OSError(socket.EAI_NONAME, "Name or service not known")
        return [{"hostname": host, "host": a, "port": port, "family": family, "proto": 0, "flags": 0}
                for a in self.addresses]

    async def close(self):
        pass


async def test_a_name_that_resolves_to_any_private_address_is_refused():
    with pytest.raises(AddressRefused, match="intranet.example resolves to 10.1.2.3 is a private address"):
        await GuardedResolver(StubResolver("93.184.216.34", "10.1.2.3")).resolve("intranet.example", 80)
    public = await GuardedResolver(StubResolver("93.184.216.34")).resolve("courier.example", 80)
    assert [r["host"] for r in public] == ["93.184.216.34"]


async def test_the_lookup_that_is_checked_is_the_one_connected_to(site):
    # A name that resolves to the local test server: refused by the connection's own lookup, and the
    # only lookup made is that one, so no second answer (DNS rebinding) can slip past it.
    stub = StubResolver("127.0.0.1")
    port = URL(site.base).port
    async with aiohttp.ClientSession(connector=GuardedConnector(resolver=stub)) as session:
        with pytest.raises(FetchError, match="rebind.example resolves to 127.0.0.1 is a loopback address"):
            await fetch(session, f"http://rebind.example:{port}/news", policy=GUARDED, accept="html")
    assert stub.lookups == 1 and site.requests == []


async def test_a_name_that_does_not_resolve_is_reported_as_such():
    async with aiohttp.ClientSession(connector=GuardedConnector(resolver=StubResolver())) as session:
        with pytest.raises(FetchError, match="the name nowhere.example could not be found"):
            await fetch(session, "http://nowhere.example/", policy=GUARDED, accept="html")


class _Redirect:
    def __init__(self, url: URL, location: str):
        self.url, self.status, self.headers = url, 302, {"Location": location}

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False


class RedirectingSession:
    """A session whose every request answers 302 to `location`, recording what was asked."""

    def __init__(self, location: str):
        self.connector = guarded_connector(GUARDED)
        self.location = location
        self.asked: list[str] = []

    def get(self, url, **kwargs):
        self.asked.append(str(url))
        return _Redirect(url, self.location)


@pytest.mark.parametrize("location", ["http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]:8080/",
                                      "http://localhost/admin", "gopher://courier.example/"])
async def test_a_redirect_to_a_private_address_is_refused_before_it_is_requested(location):
    session = RedirectingSession(location)
    with pytest.raises(FetchError, match="was refused"):
        await fetch(session, "https://courier.example/news", policy=GUARDED, accept="html")
    assert session.asked == ["https://courier.example/news"]
    await session.connector.close()
