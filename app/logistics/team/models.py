"""The employee profile: what a Kurir, Marketing or Admin account holds beside its sign-in (spec §5)."""

import sqlalchemy as sa
from flask_appbuilder import Model

from app.core.mixins import Audited
from app.tenancy.models import TenantMixin


class EmployeeProfile(TenantMixin, Audited, Model):
    """One per employee account (the phone is the user's own column, TenantUser.phone)."""

    __tablename__ = "employee_profile"
    __table_args__ = (sa.UniqueConstraint("user_id", name="uq_employee_profile_user_id"),)

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    plate_number = sa.Column(sa.String(15))  # Kurir
    address = sa.Column(sa.Text)  # Marketing, Admin

    user = sa.orm.relationship("TenantUser", foreign_keys=[user_id])

    def __repr__(self) -> str:
        return self.user.get_full_name() if self.user is not None else str(self.id)
