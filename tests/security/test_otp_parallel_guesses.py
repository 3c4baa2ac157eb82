"""Parallel wrong guesses at one signup code cannot get more than its five tries."""

import threading

import pytest
import sqlalchemy as sa

from app.core.validation import FieldError
from app.extensions import db
from app.signup import services
from app.signup.models import OtpChallenge
from app.signup.services import OTP_MAX_TRIES, RegistrationForm
from app.tenancy.context import all_tenants
from tests.signup.conftest import new_identity


def _guess(app, token, code, barrier, outcomes, compared):
    with app.app_context(), all_tenants():
        registration = services.by_token(token)
        barrier.wait()
        try:
            services.verify_otp(registration, code)
            outcomes.append("verified")
        except FieldError as exc:
            outcomes.append(str(exc))
        finally:
            db.session.commit()


def test_eight_parallel_wrong_guesses_get_at_most_five_checks(app, monkeypatch):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time: PostgreSQL is where guesses race")
    with app.app_context(), all_tenants():
        registration, code = services.start_registration(RegistrationForm(**new_identity("par")), ip="10.0.0.9")
        db.session.commit()
        token, challenge_id = registration.token, registration.challenges[-1].id
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    compared = []
    real_hash = services._hash
    monkeypatch.setattr(services, "_hash", lambda *args: compared.append(1) or real_hash(*args))
    barrier, outcomes = threading.Barrier(8), []
    threads = [threading.Thread(target=_guess, args=(app, token, wrong, barrier, outcomes, compared)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(outcomes) == 8 and "verified" not in outcomes
    assert len(compared) <= OTP_MAX_TRIES  # the code was compared at most five times
    assert outcomes.count("The code is not correct.") == OTP_MAX_TRIES - 1
    with app.app_context():
        challenge = db.session.get(OtpChallenge, challenge_id)
        assert challenge.attempts == OTP_MAX_TRIES and challenge.voided_at is not None
    # and the right code after that is refused
    with app.app_context(), all_tenants():
        registration = services.by_token(token)
        with pytest.raises(FieldError):
            services.verify_otp(registration, code)
        db.session.commit()
        assert services.by_token(token).verified_at is None
        assert db.session.execute(sa.select(OtpChallenge.attempts).where(OtpChallenge.id == challenge_id)).scalar() == 5
