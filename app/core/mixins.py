"""Marker mixins that central mechanisms look for."""


class Audited:
    """Create, update and delete of this model are written to the activity log."""

    __audited__ = True
    __audit_exclude__: frozenset[str] = frozenset()
