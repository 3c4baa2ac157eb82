"""Error pages in the user's language, JSON under /api/, the reason a 403 was given, and text no
database column can store refused before any view runs."""

import logging

from flask import g, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest

from app.core.validation import FieldError
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


# A missing or stale CSRF token (app/core/csrf.py): most often a form left open too long.
CSRF_MESSAGE = _l("The form has expired; reload the page and try again.")
NUL_MESSAGE = _l("Text cannot contain the NUL character (a zero byte). Remove it and try again.")
TOO_DEEP_MESSAGE = _l("The request is nested too deeply to be read.")


class NulInText(BadRequest):
    """A NUL character in a query string or form value (field name or upload file name included)."""


def _respond(code: int, message=None):
    message = message or (getattr(g, "access_denied_reason", None) if code == 403 else None)
    message = message or MESSAGES[code]
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(message=str(message)), code
    return render_template("error.html", code=code, message=message), code


def _refused_fields(exc: FieldError):
    """A FieldError no form caught: 422 naming the fields (the API's one shape), or the error page."""
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(message=exc.as_json()), 422
    return render_template("error.html", code=422, message=str(exc)), 422


class DepthLimitedJSON(DefaultJSONProvider):
    """Request JSON nested thousands of levels deep ([[[[...]]]]) exhausts the parser's recursion: that is
    unreadable input like any malformed body (ValueError: get_json(silent=True) gives None, get_json()
    answers 400), not a crash."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def _too_deep(exc):
    """The same for code that reads a body itself (the payment webhooks parse the raw bytes they verify):
    a RecursionError while serving a request is the request's nesting; answered 400 in the API's shape."""
    db.session.rollback()
    log.warning("request nested too deeply: %s %s", request.method, request.path)
    if request.is_json or request.path.startswith("/api/") or request.path.startswith("/payments/"):
        return jsonify(message=str(TOO_DEEP_MESSAGE)), 400
    return _respond(400, TOO_DEEP_MESSAGE)


def init_app(app) -> None:
    if type(app.json) is DefaultJSONProvider:
        limited = DepthLimitedJSON(app)
        for setting in ("ensure_ascii", "sort_keys", "compact", "mimetype"):
            setattr(limited, setting, getattr(app.json, setting))
        app.json = limited
    app.register_error_handler(RecursionError, _too_deep)
    for code in MESSAGES:
        app.register_error_handler(code, lambda exc, code=code: _respond(code))
    # FAB's generic /download/<filename> routes send_file() without checking existence.
    app.register_error_handler(FileNotFoundError, lambda exc: _respond(404))
    app.register_error_handler(DataError, _value_out_of_range)
    app.register_error_handler(OverflowError, _value_out_of_range)
    app.register_error_handler(NulInText, lambda exc: _respond(400, NUL_MESSAGE))
    app.register_error_handler(FieldError, _refused_fields)
    app.register_error_handler(CSRFError, lambda exc: _respond(400, CSRF_MESSAGE))
    app.before_request(_refuse_nul_characters)


def _may_hold_nul(body: bytes) -> bool:
    """Whether a JSON body may decode to a text with NUL: in UTF-8 JSON spells it only as the escape \\u0000
    (a raw one is invalid), and a body in UTF-16 or UTF-32 holds zero bytes. Most hold neither, and walking
    every decoded value cost an API create 1.5% of its Python."""
    return b"\\u0000" in body or b"\x00" in body


def _refuse_nul_characters():
    """PostgreSQL text cannot hold NUL ("\\x00"): typed into any form field, query string or JSON value it
    failed at the database (a 500, or the generic 400 of _value_out_of_range after the form was lost),
    and SQLite stored it. Refused for every route at once, before anything is read or written."""
    if request.mimetype == "application/x-www-form-urlencoded":
        request.get_data(cache=True)  # the form parses from the cache: webhooks still read the raw body
    pairs = [*request.args.items(multi=True)]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        pairs += request.form.items(multi=True)
        pairs += [(name, upload.filename or "") for name, upload in request.files.items(multi=True)]
    texts = [text for pair in pairs for text in pair]
    if request.is_json and _may_hold_nul(request.get_data(cache=True)):
        texts += json_texts(request.get_json(silent=True))
    if any("\0" in text for text in texts):
        raise NulInText()


def json_texts(value) -> list[str]:
    """Every string in a decoded JSON value, object keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value, *(text for item in value.values() for text in json_texts(item))]
    if isinstance(value, list):
        return [text for item in value for text in json_texts(item)]
    return []


def _value_out_of_range(exc):
    """A value from the request that the database cannot hold (FAB's /show/<pk> with pk 10**20:
    PostgreSQL DataError, SQLite OverflowError) is the client's bad input, not a crash. Our own
    routes refuse such ids before (DatabaseIdConverter); this covers FAB's views."""
    db.session.rollback()
    log.warning("request value out of the database's range: %s %s: %s", request.method, request.path, exc)
    return _respond(400)
