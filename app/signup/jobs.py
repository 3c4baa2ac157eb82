"""Signup jobs: forget abandoned registrations."""

from app.extensions import db
from app.jobs.schedule import periodic
from app.signup.services import purge_expired


@periodic("17 * * * *")
def purge_pending_registrations(ctx) -> None:
    purge_expired()
    db.session.commit()
