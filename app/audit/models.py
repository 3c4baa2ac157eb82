import sqlalchemy as sa
from flask_appbuilder import Model
from markupsafe import Markup, escape

from app.audit import sentences
from app.tenancy.models import TenantScoped, utcnow


class ActivityLog(TenantScoped, Model):
    """Who did what, in which tenant (NULL: the vendor's own records), and what changed."""

    __tablename__ = "activity_log"
    __table_args__ = (sa.Index("ix_activity_log_tenant_created", "tenant_id", "created_at"),)

    id = sa.Column(sa.Integer, primary_key=True)
    actor_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="SET NULL"), nullable=True)
    realm = sa.Column(sa.String(10), nullable=False, default="vendor")
    action = sa.Column(sa.String(40), nullable=False)
    entity_type = sa.Column(sa.String(60))
    entity_id = sa.Column(sa.String(40))
    summary = sa.Column(sa.String(255))
    changes = sa.Column(sa.JSON)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)

    actor = sa.orm.relationship("TenantUser", foreign_keys=[actor_id])
    tenant = sa.orm.relationship("Tenant")

    # --- read as a person reads it (app/audit/sentences.py) ------------------------------------
    @property
    def sentence(self) -> str:
        return sentences.sentence(self)

    @property
    def sentence_html(self) -> Markup:
        return sentences.sentence_html(self)

    @property
    def changes_html(self) -> Markup | str:
        rows = sentences.changes_text(self)
        if not rows:
            return "-"
        return Markup("<br>").join(Markup("<strong>{}</strong>: {}").format(k, escape(v)) for k, v in rows)
