"""The page frame every page renders, made cheaper: FAB's menu rendered once per set of visible
entries, its CSS and JS links once per script root (declared caches: app/core/caching.py), and the
templates' translations looked up once per locale; pieces of pages rendered from their own template."""

import re

from flask import current_app, g, request
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from app.core import names
from app.core.caching import declare_cache, page_context

MENU_TEMPLATE = "appbuilder/navbar_menu.html"
_NONCE = re.compile(r'\snonce="[^"]*"')
MAX_RENDERED_MENUS = 256


def init_app(app) -> None:
    app.jinja_env.globals["navbar_menu"] = navbar_menu
    app.jinja_env.globals["frame_part"] = frame_part
    app.jinja_env.globals["names"] = names  # role, resource and permission names (app/core/names.py)
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


def render_fragment(template_name: str, **context) -> Markup:
    """A piece of a page from its own template, with only the context given: what a declared cache's key
    function names (app/core/caching.py). The view passes the HTML to the page."""
    template = current_app.jinja_env.get_template(template_name)
    return Markup(template.render(gettext=_gettext_for(_translations()), **context))


@declare_cache(
    "navbar_menu",
    key=lambda menu: (_visible_entries(menu.get_list()), *page_context()),
    max_entries=MAX_RENDERED_MENUS,
    depends_on="the entries the access check shows (grants, modules), locale, script root",
)
def _menu_html(menu) -> Markup:
    return Markup(current_app.jinja_env.get_template(MENU_TEMPLATE).render(menu=menu))


def navbar_menu() -> Markup:
    """FAB's menu (appbuilder/navbar_menu.html), rendered once per visible-entry set, locale and root.

    The entries shown follow the access check of this request; what they look like does not."""
    return _menu_html(current_app.appbuilder.menu)


@declare_cache(
    "page_frame_parts",
    key=lambda name, render: (name, request.script_root),
    depends_on="the part, script root",
)
def frame_part(name: str, render) -> Markup:
    """A block of FAB's frame that is the same on every page (its CSS and JS links: 18 url_for calls),
    rendered once per script root. Its scripts are files of the app, which the Content-Security-Policy
    allows as 'self' (app/core/headers.py): the nonce FAB puts on them changes on every request, so it
    is left out of the kept copy."""
    return Markup(_NONCE.sub("", render()))


def _visible_entries(items) -> frozenset:
    has_access = current_app.appbuilder.sm.has_access
    visible = set()
    for item in items:
        if item and item.name != "-" and has_access("menu_access", item.name):
            visible.add(item.name)
            visible |= _visible_entries(item.childs)
    return frozenset(visible)
