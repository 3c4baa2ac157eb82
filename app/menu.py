"""The one place that registers views and menus, one short function per area."""

from flask_babel import lazy_gettext as _l

from app.audit.views import TenantActivityView, VendorActivityView
from app.core.access import COMMON, register_area
from app.tenancy.views import HomeIndexView
from app.jobs.views import JobsView
from app.security.catalogue import SECURITY_VIEWS

INDEX_VIEW = HomeIndexView


def add_view(appbuilder, view, name, *, category=None, icon=None, category_icon=None, category_label=None):
    """Register a view and say which realm and module its permission and menu entries belong to."""
    resource = view.class_permission_name or view.__name__
    register_area(resource, view.realm, view.module_code)
    register_area(name, view.realm, view.module_code)
    menu_resources.setdefault(name, set()).add(resource)
    if category:
        register_area(category, view.realm)
        menu_resources.setdefault(category, set()).add(resource)
    appbuilder.add_view(
        view, name, label=_l(name), icon=icon, category=category, category_icon=category_icon,
        category_label=category_label or (_l(category) if category else None),
    )


# menu entry -> the resources whose read permission shows it (filled by add_view)
menu_resources: dict[str, set[str]] = {}


def register_common(appbuilder) -> None:
    appbuilder.add_view_no_menu(JobsView)
    register_area("Jobs", COMMON)
    for name in SECURITY_VIEWS:
        register_area(name, "vendor")
    register_area("TenantAwareUserView", COMMON)
    for name in ("OpenApi", "SwaggerView", "MenuApi"):
        register_area(name, COMMON)


def register_audit(appbuilder) -> None:
    add_view(appbuilder, TenantActivityView, "Activity Log", category="Settings", icon="fa-history", category_icon="fa-cog")
    add_view(appbuilder, VendorActivityView, "Vendor Activity Log", category="Administration", icon="fa-history", category_icon="fa-shield")


def register_all(appbuilder) -> None:
    register_common(appbuilder)
    register_audit(appbuilder)
