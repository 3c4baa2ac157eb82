"""Sending a broadcast: one set-based fan-out, safe to run twice."""

from app.jobs.queue import job
from app.notifications.services import fan_out


@job("default")
def send_notification(ctx, notification_id: int) -> None:
    count = fan_out(notification_id)
    ctx.progress(100, f"{count} clients")
