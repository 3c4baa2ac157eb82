"""Sending e-mail over SMTP; with no MAIL_SERVER, messages are written to MAIL_CAPTURE_DIR."""

import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app


def build_message(
    to: str, subject: str, text: str, html: str | None = None, attachments: list[tuple[str, bytes, str]] | None = None
) -> EmailMessage:
    """`attachments`: (filename, content, mime type such as "application/pdf")."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4()}@silogistik>"
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, content, mime in attachments or ():
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def deliver(message: EmailMessage) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        folder = Path(config["MAIL_CAPTURE_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{message['Message-ID'].strip('<>')}.eml").write_bytes(bytes(message))
        current_app.logger.info("mail captured to %s: %s", folder, message["Subject"])
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
