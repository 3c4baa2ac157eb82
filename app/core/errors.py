"""Error pages in the user's language, JSON under /api/, and the reason a 403 was given."""

import logging

from flask import g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError

from app.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have access to this page."),
    404: _l("The page you are looking for does not exist."),
    405: _l("This action is not allowed here."),
    413: _l("The uploaded file is too large."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. The team has been notified."),
}


def _respond(code: int):
    message = getattr(g, "access_denied_reason", None) if code == 403 else None
    message = message or MESSAGES[code]
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(message=str(message)), code
    return render_template("error.html", code=code, message=message), code


def init_app(app) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda exc, code=code: _respond(code))
    # FAB's generic /download/<filename> routes send_file() without checking existence.
    app.register_error_handler(FileNotFoundError, lambda exc: _respond(404))
    app.register_error_handler(DataError, _value_out_of_range)
    app.register_error_handler(OverflowError, _value_out_of_range)


def _value_out_of_range(exc):
    """A value from the request that the database cannot hold (FAB's /show/<pk> with pk 10**20:
    PostgreSQL DataError, SQLite OverflowError) is the client's bad input, not a crash. Our own
    routes refuse such ids before (DatabaseIdConverter); this covers FAB's views."""
    db.session.rollback()
    log.warning("request value out of the database's range: %s %s: %s", request.method, request.path, exc)
    return _respond(400)
