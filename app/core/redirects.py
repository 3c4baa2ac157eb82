"""Where the browser may be sent by a target the request names (`next=` on the login page, a form's "back"):
a path on this site, or an http(s) address of BASE_DOMAIN or of one tenant's subdomain `<slug>.<BASE_DOMAIN>`
on the request's port (the hand-off from the vendor host, FAB's `next=` built from the page asked for).

Anything else is refused: another host, `//evil.com`, `/\\evil.com` and `https:evil.com` (browsers read a
backslash as a slash and drop tabs and line breaks, so a target holding either is refused whole), user names
in the address (`https://localhost@evil.com`), other schemes, and percent-encoded slashes that would spell
one of those once decoded.
"""

import re
from urllib.parse import unquote, urlsplit

from flask import current_app, request

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def _local_path(target: str) -> bool:
    return target.startswith("/") and not unquote(target).startswith(("//", "/\\"))


def _our_host(host: str | None, base: str) -> bool:
    if not host:
        return False
    if host == base:
        return True
    suffix = "." + base
    return host.endswith(suffix) and bool(_LABEL.match(host[: -len(suffix)]))


def _request_port() -> int | None:
    port = request.host.rpartition(":")[2] if ":" in request.host else ""
    return int(port) if port.isdigit() else None


def safe_target(target) -> str | None:
    """`target` when it keeps the browser on this site, else None."""
    if not isinstance(target, str) or not target or _UNSAFE.search(target):
        return None
    if _local_path(target):
        return target
    try:
        parts = urlsplit(target)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not target.lower().startswith(parts.scheme + "://"):
        return None
    if "@" in parts.netloc or port != _request_port():
        return None
    return target if _our_host(parts.hostname, current_app.config["BASE_DOMAIN"].lower()) else None
