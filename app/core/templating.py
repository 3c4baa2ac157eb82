"""The page frame every page renders, made cheaper: FAB's menu rendered once per set of visible
entries instead of on every page."""

from flask import current_app, request
from flask_babel import get_locale
from markupsafe import Markup

MENU_TEMPLATE = "appbuilder/navbar_menu.html"
MAX_RENDERED_MENUS = 256


def init_app(app) -> None:
    app.jinja_env.globals["navbar_menu"] = navbar_menu


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


def _visible_entries(items) -> frozenset:
    has_access = current_app.appbuilder.sm.has_access
    visible = set()
    for item in items:
        if item and item.name != "-" and has_access("menu_access", item.name):
            visible.add(item.name)
            visible |= _visible_entries(item.childs)
    return frozenset(visible)
