"""SSRF guard (linkcheck, before any request): links to private and local hosts are not requested.

Links to private, loopback, link-local or otherwise non-public hosts (by name, by literal
address, or by what the name resolves to, within a deadline) are not requested, and redirects to
such hosts are not followed, so a link in the sources cannot probe the checking machine's network.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterable


# --- SSRF guard -------------------------------------------------------------------------------

#: Host names that never belong to the public internet (RFC 6761, 6762, 8375 and common use).
_LOCAL_NAME = re.compile(
    r"^(?:localhost|ip6-localhost|ip6-loopback)$"
    r"|\.(?:localhost|local|localdomain|internal|home\.arpa|lan|intranet)$",
    re.IGNORECASE,
)

#: Redirect targets the guard stops (Sphinx does not follow a redirect to an address matching
#: ``linkcheck_ignore``). A regular expression cannot tell a public address from a private one,
#: so every IP-literal host in any notation (dotted, decimal, hex, octal, IPv6) and every local
#: name is stopped: a public page seldom redirects to a bare address.
GUARD_REDIRECT_PATTERNS: tuple[str, ...] = (
    # IPv4 in any notation inet_aton accepts: 127.0.0.1, 127.1, 2130706433, 0x7f.1, 0177.0.0.1
    (
        r"(?i)^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d*))*"
        r"\.?(?::\d*)?(?:[/?#]|$)"
    ),
    # IPv6 literals
    r"(?i)^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?\[[0-9a-f:.%a-z]*\](?::\d*)?(?:[/?#]|$)",
    # local names
    (
        r"(?i)^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?(?:[^/?#@:]*\.)?(?:localhost|ip6-localhost|"
        r"ip6-loopback|[^/?#@:]+\.(?:local|localdomain|internal|home\.arpa|lan|intranet))\.?"
        r"(?::\d*)?(?:[/?#]|$)"
    ),
)


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host name denotes by itself (in any notation the resolver accepts)."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if re.fullmatch(r"(?i)(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d*))*\.?", host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    return None


def _not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return not address.ipv4_mapped.is_global
    return not address.is_global


def local_host_reason(host: str) -> str | None:
    """Why the guard refuses a host by its name alone (no DNS), or ``None`` if it does not.

    >>> local_host_reason("127.1")
    '127.1 is a non-public address (127.0.0.1)'
    """
    host = host.strip("[]").rstrip(".").lower()
    if not host:
        return None
    if _LOCAL_NAME.search(host):
        return f"{host} is a local host name"
    address = _literal_address(host)
    if address is not None and _not_public(address):
        spelled = "" if str(address) == host else f" ({address})"
        return f"{host} is a non-public address{spelled}"
    return None


#: How long the guard waits, in total, for the DNS answers of the hosts it must vet.
DNS_DEADLINE = 5.0


def resolve_hosts(hosts: Iterable[str], deadline: float = DNS_DEADLINE) -> dict[str, list[str]]:
    """Resolve host names concurrently, waiting at most *deadline* seconds in all.

    Names that do not resolve in time are left out; the check itself will then report them
    (usually as unreachable). The lookups run in daemon threads, so a resolver that hangs cannot
    keep the process alive.
    """
    answers: dict[str, list[str]] = {}
    lock = threading.Lock()

    def lookup(host: str) -> None:
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return
        with lock:
            answers[host] = sorted({str(info[4][0]) for info in infos})

    threads = [threading.Thread(target=lookup, args=(host,), daemon=True) for host in set(hosts)]
    for thread in threads:
        thread.start()
    end = time.monotonic() + deadline
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    with lock:
        return dict(answers)


def guard_decisions(uris: Iterable[str], *, resolve: bool = True) -> dict[str, str]:
    """The links the SSRF guard refuses, each with the reason.

    A host is refused if its name is local, if it is a non-public address literal, or (with
    *resolve*) if its name resolves to a non-public address. This last test is made once, before
    the check: a name whose DNS answer changes in between (DNS rebinding) is not caught, nor is a
    redirect to a name that resolves to a private address.
    """
    blocked: dict[str, str] = {}
    to_resolve: dict[str, list[str]] = {}
    for uri in uris:
        parts = urlsplit(uri)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            continue
        if reason := local_host_reason(parts.hostname):
            blocked[uri] = reason
        elif resolve:
            to_resolve.setdefault(parts.hostname, []).append(uri)
    if to_resolve:
        for host, addresses in resolve_hosts(to_resolve).items():
            private = [a for a in addresses if _not_public(ipaddress.ip_address(a.split("%")[0]))]
            if private:
                for uri in to_resolve[host]:
                    blocked[uri] = f"{host} resolves to the non-public address {private[0]}"
    return blocked
