"""Jobs every domain uses."""

from app.core.mail import build_message, deliver
from app.jobs.queue import job


@job("mail")
def send_email(ctx, to: str, subject: str, text: str, html: str | None = None) -> None:
    deliver(build_message(to, subject, text, html))
