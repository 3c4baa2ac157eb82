"""Signup jobs: forget abandoned registrations; decide plan changes whose period is over."""

from app.core.formatting import jakarta_today
from app.jobs.schedule import periodic
from app.signup import plan_changes
from app.signup.services import purge_expired


@periodic("17 * * * *")
def purge_pending_registrations(ctx) -> None:
    purge_expired()


@periodic("*/15 * * * *")
def due_plan_changes(ctx) -> None:
    plan_changes.process_due(jakarta_today())
