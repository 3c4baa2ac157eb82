"""The locale of a request: FAB's rule (the `_l_` argument, else the language chosen in the session, else the
default), without writing the session, and each locale parsed once per process.

FAB's selector stored the default language in the session of every request that had none, so each API
answer set a session cookie, signed anew, that no script sends back. Flask-Babel then parsed the
locale's name, looking on disk for its data, at every request."""

from functools import cache

from babel import Locale
from flask import current_app, has_request_context, request, session


@cache
def _parsed(name: str) -> Locale:
    return Locale.parse(name)


def locale_of_request() -> Locale:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return _parsed(default)
    asked = request.args.get("_l_")
    if asked is not None:
        return _parsed(asked if asked in current_app.config["LANGUAGES"] else default)
    return _parsed(session.get("locale") or default)


def init_app(app) -> None:
    """After FAB's BabelManager, which registers its own selector."""
    app.extensions["babel"].locale_selector = locale_of_request
