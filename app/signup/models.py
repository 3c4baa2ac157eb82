"""Self-service signup: a pending registration (nothing else exists until the OTP is confirmed)."""

import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import relationship

from app.tenancy.models import utcnow


class PendingRegistration(Model):
    """A company's sign-up in progress; becomes a tenant when a plan is chosen after the OTP."""

    __tablename__ = "signup_registration"

    id = sa.Column(sa.Integer, primary_key=True)
    token = sa.Column(sa.String(64), nullable=False, unique=True)  # the browser session's handle
    full_name = sa.Column(sa.String(150), nullable=False)
    company_name = sa.Column(sa.String(150), nullable=False)
    email = sa.Column(sa.String(320), nullable=False, index=True)
    slug = sa.Column(sa.String(63), nullable=False, index=True)
    password_hash = sa.Column(sa.String(256), nullable=False)
    ip = sa.Column(sa.String(64))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    expires_at = sa.Column(sa.DateTime, nullable=False, index=True)
    verified_at = sa.Column(sa.DateTime)
    plan_code = sa.Column(sa.String(20))
    tenant_id = sa.Column(sa.Integer, sa.ForeignKey("tenant.id", ondelete="SET NULL"))
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="SET NULL"))
    invoice_id = sa.Column(sa.Integer, sa.ForeignKey("billing_invoice.id", ondelete="SET NULL"))
    checkout_job_id = sa.Column(sa.String(36))
    login_token_hash = sa.Column(sa.String(64))
    login_token_expires_at = sa.Column(sa.DateTime)
    challenges = relationship(
        "OtpChallenge", cascade="all, delete-orphan", order_by="OtpChallenge.id", back_populates="registration"
    )


class OtpChallenge(Model):
    """One code sent by e-mail: stored hashed, valid 10 minutes, single use, void after five wrong tries."""

    __tablename__ = "signup_otp"

    id = sa.Column(sa.Integer, primary_key=True)
    registration_id = sa.Column(
        sa.Integer, sa.ForeignKey("signup_registration.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code_hash = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    expires_at = sa.Column(sa.DateTime, nullable=False)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    used_at = sa.Column(sa.DateTime)
    voided_at = sa.Column(sa.DateTime)
    registration = relationship(PendingRegistration, back_populates="challenges")
