"""Per-process caches of figures and HTML: the one way to keep a computed value for later requests.

Each cache is declared once, next to what it caches, with a name, ONE key function and what its key
stands for::

    LIST_ROWS = declare_cache(
        "shipment_list_rows",
        key=lambda user, query, page, buttons: (*tenant_data(user.tenant_id), *page_context(), ...),
        max_bytes=8_000_000,
        depends_on="the tenant's data version, locale, script root, the list's query, ...",
    )

    @LIST_ROWS
    def list_rows(user, query, page, buttons): ...   # or LIST_ROWS.get_or_compute(compute, *args)

The key function receives the arguments the cached function receives and returns everything the
result depends on (None: not cacheable this time, computed and not kept). Templates build no keys: a
view computes the fragment through its cache and passes the HTML to the page.

`CACHES_ENABLED` (on by default; env `CACHES_ENABLED=0`) turns every declared cache into a pass-through.
tests/foundation/test_declared_caches.py renders every page of every declared cache (`DECLARED`) with the
switch on and off after each kind of write and requires the same HTML: a key that forgets a dependency
fails it.

A cache is emptied whole when it holds `max_entries` values or, with `max_bytes`, when its values'
total length would pass it. Requests run in threads: a value is computed outside the lock (two
threads may both compute it once).
"""

from collections.abc import Callable
from functools import wraps
from threading import Lock

from flask import current_app, request
from flask_babel import get_locale

DECLARED: dict[str, "DeclaredCache"] = {}
_MISSING = object()


class DeclaredCache:
    def __init__(self, name: str, key: Callable, depends_on: str, max_entries: int, max_bytes: int):
        self.name, self.key, self.depends_on = name, key, depends_on
        self._max_entries, self._max_bytes = max_entries, max_bytes
        self._values: dict = {}
        self._bytes = 0
        self._lock = Lock()

    def get_or_compute(self, compute: Callable, *args, **kwargs):
        """`compute(*args, **kwargs)` under `key(*args, **kwargs)`: kept for later calls with the same key."""
        if not enabled():
            return compute(*args, **kwargs)
        key = self.key(*args, **kwargs)
        if key is None:
            return compute(*args, **kwargs)
        found = self._values.get(key, _MISSING)
        if found is not _MISSING:
            return found
        value = compute(*args, **kwargs)
        size = len(value) if self._max_bytes else 0
        with self._lock:
            if len(self._values) >= self._max_entries or (size and self._bytes + size > self._max_bytes):
                self._values.clear()
                self._bytes = 0
            self._values[key] = value
            self._bytes += size
        return value

    def __call__(self, function: Callable) -> Callable:
        """As a decorator: the function's results kept under the key of its arguments."""

        @wraps(function)
        def cached(*args, **kwargs):
            return self.get_or_compute(function, *args, **kwargs)

        cached.cache = self
        return cached

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._values)


def declare_cache(
    name: str, *, key: Callable, depends_on: str, max_entries: int = 512, max_bytes: int = 0
) -> DeclaredCache:
    """Declare a per-process cache (once, at import): `max_bytes` bounds caches of strings by their length."""
    if name in DECLARED:
        raise ValueError(f"cache {name!r} is declared twice")
    cache = DECLARED[name] = DeclaredCache(name, key, depends_on, max_entries, max_bytes)
    return cache


def enabled() -> bool:
    """The one switch (`CACHES_ENABLED`, read in the app context): off, every declared cache computes every time."""
    return current_app.config.get("CACHES_ENABLED", True)


def page_context() -> tuple:
    """What every piece of a page depends on: the locale and the script root (in its links)."""
    return str(get_locale()), request.script_root


def clear_all() -> None:
    for cache in DECLARED.values():
        cache.clear()
