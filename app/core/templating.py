"""The page frame every page renders, made cheaper: FAB's menu rendered once per set of visible
entries, its CSS and JS links once per script root, and the templates' translations looked up once
per locale."""

import re

from flask import current_app, g, request
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

MENU_TEMPLATE = "appbuilder/navbar_menu.html"
_NONCE = re.compile(r'\snonce="[^"]*"')
MAX_RENDERED_MENUS = 256


def init_app(app) -> None:
    app.jinja_env.globals["navbar_menu"] = navbar_menu
    app.jinja_env.globals["frame_part"] = frame_part
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _translations().ugettext(string),
        ngettext=lambda singular, plural, n: _translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: _translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: _translations().unpgettext(context, singular, plural, n),
        newstyle=True,
    )
    app.context_processor(lambda: {"gettext": _gettext_for(_translations())})


def _gettext_for(translations):
    """`_()` for one render, bound to its translations: the globals above find the locale and its
    catalogue on every call, and a page calls it dozens of times. Jinja's new-style gettext: the result
    is a format string, autoescaped; `_()` in a template imported without context uses the globals."""

    @pass_context
    def gettext(context, string, **variables):
        translated = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            translated = Markup(translated)
        return translated % variables

    return gettext


def _translations():
    """Flask-Babel's translations for the current locale, found once per locale and app context
    (it resolves context, domain and locale name on every call; a page makes dozens). Keyed on the
    locale object, so `force_locale` (which swaps it) gets its own."""
    locale = get_locale()
    found = g.get("_translations")
    if found is None or found[0] is not locale:
        found = g._translations = (locale, get_translations())
    return found[1]


def navbar_menu() -> Markup:
    """FAB's menu (appbuilder/navbar_menu.html), rendered once per visible-entry set, locale and root.

    The entries shown follow the access check of this request; what they look like does not."""
    menu = current_app.appbuilder.menu
    key = (_visible_entries(menu.get_list()), str(get_locale()), request.script_root)
    rendered = current_app.extensions.setdefault("rendered_menus", {})
    html = rendered.get(key)
    if html is None:
        if len(rendered) >= MAX_RENDERED_MENUS:
            rendered.clear()
        html = rendered[key] = Markup(current_app.jinja_env.get_template(MENU_TEMPLATE).render(menu=menu))
    return html


def frame_part(name: str, render) -> Markup:
    """A block of FAB's frame that is the same on every page (its CSS and JS links: 18 url_for calls),
    rendered once per script root. Its scripts are files of the app, which the Content-Security-Policy
    allows as 'self' (app/core/headers.py): the nonce FAB puts on them changes on every request, so it
    is left out of the kept copy."""
    key = (name, request.script_root)
    rendered = current_app.extensions.setdefault("rendered_frame_parts", {})
    html = rendered.get(key)
    if html is None:
        html = rendered[key] = Markup(_NONCE.sub("", render()))
    return html


def _visible_entries(items) -> frozenset:
    has_access = current_app.appbuilder.sm.has_access
    visible = set()
    for item in items:
        if item and item.name != "-" and has_access("menu_access", item.name):
            visible.add(item.name)
            visible |= _visible_entries(item.childs)
    return frozenset(visible)
