"""Marker mixins that central mechanisms look for."""


class Audited:
    """Create, update and delete of this model are written to the activity log."""

    __audited__ = True
    __audit_exclude__: frozenset[str] = frozenset()

    @property
    def audit_tenant_id(self) -> int | None:
        """The tenant whose history this change belongs to."""
        return getattr(self, "tenant_id", None)


class FeedsTenantFigures:
    """Writes to this model move the tenant's data version, the key of cached figures
    (app/tenancy/freshness.py)."""
