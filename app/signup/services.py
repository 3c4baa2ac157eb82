"""Registration and e-mail OTP: the rules. Nothing but a pending registration exists before the OTP.

OTP: six digits from `secrets`, stored as an HMAC-SHA256 keyed with SECRET_KEY, valid 10 minutes,
single use, void after five wrong tries (each try counted by one UPDATE before the code is compared, so
parallel guesses cannot get more); "resend" waits 60 seconds and is capped per hour.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.validators import default_password_complexity
from flask_babel import lazy_gettext as _l
from werkzeug.security import generate_password_hash

from app.core.validation import FieldError
from app.extensions import db
from app.security.models import TenantUser
from app.signup.models import OtpChallenge, PendingRegistration
from app.tenancy import services as tenancy
from app.tenancy.models import utcnow

OTP_VALID = timedelta(minutes=10)
OTP_MAX_TRIES = 5
RESEND_COOLDOWN = timedelta(seconds=60)
RESENDS_PER_HOUR = 5
PENDING_VALID = timedelta(hours=24)
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_RULES = _l(
    "At least 10 characters, with two capital letters, three lower-case letters, two digits and one special character."
)


@dataclass
class RegistrationForm:
    full_name: str = ""
    company_name: str = ""
    email: str = ""
    password: str = ""
    slug: str = ""

    @classmethod
    def from_form(cls, form) -> "RegistrationForm":
        values = {f.name: (form.get(f.name) or "").strip() for f in fields(cls)}
        values["password"] = form.get("password") or ""
        values["email"] = values["email"].lower()
        values["slug"] = values["slug"].lower()
        return cls(**values)


def suggest_slug(company_name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", (company_name or "").lower()).strip("-")[:50].strip("-")
    if len(base) < 3:
        base = (base + "-co").strip("-")
    slug, n = base, 1
    while slug_problem(slug) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def slug_problem(slug: str, email: str | None = None, now: datetime | None = None):
    """Why `slug` cannot be this company's address, or None."""
    if not SLUG_RE.match(slug or ""):
        return _l("Use 3 to 63 lowercase letters, digits and hyphens (not at the start or end).")
    if slug in tenancy.RESERVED_SLUGS:
        return _l("This address is reserved. Choose another.")
    if tenancy.tenant_by_slug(slug) is not None:
        return _l("This address is already taken.")
    taken = sa.select(PendingRegistration.id).where(
        PendingRegistration.slug == slug,
        PendingRegistration.expires_at > (now or utcnow()),
        PendingRegistration.tenant_id.is_(None),
    )
    if email:
        taken = taken.where(PendingRegistration.email != email)
    if db.session.execute(taken).first():
        return _l("This address is already taken.")
    return None


def validate(form: RegistrationForm, now: datetime) -> None:
    if not form.full_name or len(form.full_name) > 150:
        raise FieldError("full_name", _l("Enter your full name (at most 150 characters)."))
    if not form.company_name or len(form.company_name) > 150:
        raise FieldError("company_name", _l("Enter the company name (at most 150 characters)."))
    if not EMAIL_RE.match(form.email) or len(form.email) > 320:
        raise FieldError("email", _l("Enter a valid e-mail address."))
    if db.session.execute(sa.select(TenantUser.id).where(sa.func.lower(TenantUser.email) == form.email)).first():
        raise FieldError("email", _l("An account with this e-mail already exists. Sign in instead."))
    try:
        default_password_complexity(form.password)
    except PasswordComplexityValidationError:
        raise FieldError("password", PASSWORD_RULES) from None
    problem = slug_problem(form.slug, form.email, now)
    if problem is not None:
        raise FieldError("slug", problem)


def start_registration(form: RegistrationForm, *, ip: str | None, now: datetime | None = None):
    """Validate, keep a pending registration (replacing this e-mail's unfinished ones), issue the first OTP.

    Returns (registration, code); the caller mails the code.
    """
    now = now or utcnow()
    validate(form, now)
    _delete_where(sa.and_(PendingRegistration.email == form.email, PendingRegistration.tenant_id.is_(None)))
    registration = PendingRegistration(
        token=secrets.token_urlsafe(32),
        full_name=form.full_name,
        company_name=form.company_name,
        email=form.email,
        slug=form.slug,
        password_hash=generate_password_hash(form.password),
        ip=(ip or "")[:64] or None,
        created_at=now,
        expires_at=now + PENDING_VALID,
    )
    db.session.add(registration)
    db.session.flush()
    return registration, _new_challenge(registration, now)


def by_token(token: str | None, now: datetime | None = None) -> PendingRegistration | None:
    if not token:
        return None
    registration = db.session.execute(
        sa.select(PendingRegistration).where(PendingRegistration.token == token)
    ).scalar_one_or_none()
    if registration is None or registration.expires_at <= (now or utcnow()):
        return None
    return registration


def _hash(registration: PendingRegistration, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{registration.token}:{code}".encode(), hashlib.sha256).hexdigest()


def _new_challenge(registration: PendingRegistration, now: datetime) -> str:
    for old in registration.challenges:
        if old.used_at is None and old.voided_at is None:
            old.voided_at = now
    code = f"{secrets.randbelow(10**6):06d}"
    registration.challenges.append(
        OtpChallenge(code_hash=_hash(registration, code), created_at=now, expires_at=now + OTP_VALID)
    )
    db.session.flush()
    return code


def current_challenge(registration: PendingRegistration) -> OtpChallenge | None:
    return registration.challenges[-1] if registration.challenges else None


def verify_otp(registration: PendingRegistration, code: str, now: datetime | None = None) -> None:
    """Confirm the e-mail, or raise FieldError saying why (a wrong try is counted)."""
    now = now or utcnow()
    if registration.verified_at is not None:
        return
    challenge = current_challenge(registration)
    if challenge is None or challenge.used_at is not None or challenge.voided_at is not None:
        raise FieldError("code", _l("This code can no longer be used. Request a new code."))
    if challenge.expires_at <= now:
        raise FieldError("code", _l("This code has expired. Request a new code."))
    tries = _take_a_try(challenge, now)
    if tries is None:
        raise FieldError("code", _l("Too many wrong codes. Request a new code."))
    code = (code or "").strip()
    if not hmac.compare_digest(challenge.code_hash, _hash(registration, code)):
        if tries >= OTP_MAX_TRIES:
            _update_challenge(challenge, voided_at=now)
            raise FieldError("code", _l("Too many wrong codes. Request a new code."))
        raise FieldError("code", _l("The code is not correct."))
    if not _update_challenge(challenge, used_at=now):
        raise FieldError("code", _l("This code can no longer be used. Request a new code."))
    registration.verified_at = now
    db.session.flush()


def _usable(table, now):
    return sa.and_(table.c.used_at.is_(None), table.c.voided_at.is_(None), table.c.expires_at > now)


def _take_a_try(challenge: OtpChallenge, now: datetime) -> int | None:
    """Counts one try before the code is compared, in one statement: the row's lock makes parallel guesses
    wait for each other, so at most OTP_MAX_TRIES guesses are ever compared. The try's number, or None when
    the code has no try left (or is used, void or expired)."""
    table = OtpChallenge.__table__
    tries = db.session.execute(
        sa.update(table)
        .where(table.c.id == challenge.id, table.c.attempts < OTP_MAX_TRIES, _usable(table, now))
        .values(attempts=table.c.attempts + 1)
        .returning(table.c.attempts)
    ).scalar()
    db.session.expire(challenge)
    return tries


def _update_challenge(challenge: OtpChallenge, **values) -> bool:
    """Marks a still usable code used or void; False when a parallel request did first."""
    table = OtpChallenge.__table__
    unused = sa.and_(table.c.id == challenge.id, table.c.used_at.is_(None), table.c.voided_at.is_(None))
    result = db.session.execute(sa.update(table).where(unused).values(**values))
    db.session.expire(challenge)
    return result.rowcount == 1


def resend_otp(registration: PendingRegistration, now: datetime | None = None) -> str:
    now = now or utcnow()
    if registration.verified_at is not None:
        raise FieldError("code", _l("Your e-mail address is already confirmed."))
    last = current_challenge(registration)
    if last is not None and last.created_at > now - RESEND_COOLDOWN:
        wait = int((last.created_at + RESEND_COOLDOWN - now).total_seconds()) + 1
        raise FieldError("code", _l("Please wait %(n)s seconds before requesting a new code.", n=wait))
    recent = [c for c in registration.challenges if c.created_at > now - timedelta(hours=1)]
    if len(recent) > RESENDS_PER_HOUR:
        raise FieldError("code", _l("Too many codes requested. Try again in an hour."))
    return _new_challenge(registration, now)


def purge_expired(now: datetime | None = None) -> int:
    """Forget abandoned registrations (and their codes); returns how many."""
    return _delete_where(PendingRegistration.expires_at <= (now or utcnow()))


def _delete_where(condition) -> int:
    ids = sa.select(PendingRegistration.id).where(condition).scalar_subquery()
    db.session.execute(sa.delete(OtpChallenge).where(OtpChallenge.registration_id.in_(ids)))
    result = db.session.execute(sa.delete(PendingRegistration).where(PendingRegistration.id.in_(ids)))
    db.session.expire_all()
    return result.rowcount or 0
