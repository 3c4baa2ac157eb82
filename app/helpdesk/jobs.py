"""Periodic SLA breach check (idempotent: each clock is flagged and announced once)."""

from app.helpdesk.sla import check_breaches
from app.jobs.schedule import periodic


@periodic("*/10 * * * *")
def check_sla_breaches(ctx) -> None:
    flagged = check_breaches()
    ctx.progress(100, f"{len(flagged)} tickets breached")
