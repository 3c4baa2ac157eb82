"""Route discovery shared by the isolation, permission and form sweeps.

Every rule in app.url_map is classified from the view that serves it: which permission it needs
(FAB's own metadata) and which model its URL object refers to (the view's datamodel, or on custom views
`object_model`, with `object_models` naming it per method where one view's routes name different
rows: a model (its id) or a model's column, e.g. PaymentOrder.order_id). New routes are picked up
without touching the tests; a route with an argument none of this explains fails the isolation sweep.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import InstrumentedAttribute

from app.tenancy.models import Tenant, TenantMember, TenantScoped

# Routes that are public by design (no login).
PUBLIC_ENDPOINTS = {
    "static",
    "appbuilder.static",
    "health.health",
    "HomeIndexView.index",
    "AuthDBView.login",
    "AuthDBView.logout",
    "LocaleView.index",
    "UtilView.back",
    "SecurityApi.login",
    "SecurityApi.refresh",
    # self-service signup and payment gateways (signatures are their check)
    "SignupView.register",
    "SignupView.suggest",
    "SignupView.otp",
    "SignupView.resend",
    "SignupView.plan",
    "SignupView.pay_again",
    "SignupView.finish",
    "SignupView.status",
    "SignupView.sign_in",
    "SignupView.enter",
    "PaymentWebhookView.notify",
    "PaymentWebhookView.sandbox",
    "PaymentWebhookView.sandbox_post",
    # choosing a password from an invitation: the signed one-time link is the check
    "InvitationView.accept",
    # public tracking on the tenant's host (rate-limited, names and phones masked)
    "TrackingView.search",
    "TrackingView.track",
}
# URL arguments that are not objects (locales, file names, API query strings).
NON_OBJECT_ARGS = {"filename", "locale", "version", "name"}
# Public routes whose argument is no row a signed-in user could reach by changing it.
NOT_AN_OBJECT = {
    ("InvitationView.accept", "token"): "a signed one-time link",
    ("SignupView.sign_in", "token"): "a signed one-time hand-off",
    ("PaymentWebhookView.notify", "gateway"): "a gateway's name",
    ("PaymentWebhookView.sandbox", "order_id"): "the development gateway's public checkout page",
    ("PaymentWebhookView.sandbox_post", "order_id"): "the development gateway's public checkout page",
}
READ_PERMISSIONS = {
    "can_read",
    "can_list",
    "can_show",
    "can_get",
    "can_userinfo",
    "can_chart",
    "can_this_form_get",
    "can_info",
}


@dataclass(frozen=True)
class Route:
    rule: str
    endpoint: str
    methods: frozenset
    arguments: frozenset
    view: object | None
    method_name: str | None
    permission: tuple[str, str] | None  # (permission, view) or None when public

    @property
    def is_api(self) -> bool:
        return self.rule.startswith("/api/")

    @property
    def object_args(self) -> set:
        return {
            arg for arg in self.arguments if arg not in NON_OBJECT_ARGS and (self.endpoint, arg) not in NOT_AN_OBJECT
        }

    @property
    def _declared_object(self):
        view = self.view
        declared = (getattr(view, "object_models", None) or {}).get(self.method_name)
        if declared is None:
            declared = getattr(view, "object_model", None)
        if declared is None and getattr(view, "datamodel", None) is not None:
            declared = view.datamodel.obj
        return declared

    @property
    def object_model(self):
        declared = self._declared_object
        return declared.class_ if isinstance(declared, InstrumentedAttribute) else declared

    @property
    def object_column(self) -> str:
        """The model's column the URL's object argument holds (its id, or e.g. an order id)."""
        declared = self._declared_object
        return declared.key if isinstance(declared, InstrumentedAttribute) else "id"

    @property
    def tenant_owned(self) -> bool:
        """Its object belongs to a tenant: a tenant-owned row, a tenant (client) or a tenant's user."""
        model = self.object_model
        return model is not None and (issubclass(model, (TenantScoped, TenantMember)) or model is Tenant)

    @property
    def read_only(self) -> bool:
        """Safe to request for real as an allowed user: it reads, it doesn't change anything."""
        return self.permission is not None and self.permission[0] in READ_PERMISSIONS


def _view_by_endpoint(appbuilder):
    return {view.endpoint: view for view in appbuilder.baseviews}


def _permission(view, method_name: str):
    func = getattr(view, method_name, None)
    permission_name = getattr(func, "_permission_name", None)
    if func is None or permission_name is None:
        return None
    mapped = (view.method_permission_name or {}).get(method_name)
    name = mapped or permission_name
    if not name.startswith("can_"):
        name = f"can_{name}"
    return (name, view.class_permission_name)


def discover(app) -> list[Route]:
    views = _view_by_endpoint(app.appbuilder)
    routes = []
    for rule in app.url_map.iter_rules():
        view_name, _, method_name = rule.endpoint.partition(".")
        view = views.get(view_name)
        permission = _permission(view, method_name) if view is not None else None
        routes.append(
            Route(
                rule=rule.rule,
                endpoint=rule.endpoint,
                methods=frozenset(rule.methods - {"HEAD", "OPTIONS"}),
                arguments=frozenset(rule.arguments),
                view=view,
                method_name=method_name or None,
                permission=permission,
            )
        )
    return routes


def url_for_route(route: Route, object_id) -> str:
    def fill(match):
        if match.group(1) == "filename":
            return "missing_sep_file.txt"  # the shape FAB's download routes expect
        if match.group(1) == "version":
            return "v1"
        return "x" if match.group(1) in NON_OBJECT_ARGS else str(object_id)

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", fill, route.rule)


def own_object_id(app, route, email, *, custom_views: bool = False):
    """An object the user may legitimately see (through the view's own filters), or None. Views without
    a datamodel (their `object_model` only) give None, or with `custom_views` the first row in the
    user's tenant scope."""
    view = route.view
    datamodel = getattr(view, "datamodel", None)
    if route.object_model is None or (datamodel is None and not custom_views):
        return None
    from app.extensions import db
    from app.security.models import TenantUser
    from app.tenancy.context import all_tenants, tenant_scope

    with app.app_context():
        user = db.session.execute(sa.select(TenantUser).where(TenantUser.email == email)).scalar_one()
        if route.object_model is TenantUser:
            return user.id
        with all_tenants() if user.tenant_id is None else tenant_scope(user.tenant_id):
            g.user = user  # row rules in the views' filters (a Kurir's own shipments) read the signed-in user
            if datamodel is None or datamodel.obj is not route.object_model:
                model = route.object_model
                column = getattr(model, route.object_column)
                return db.session.execute(sa.select(column).order_by(model.id).limit(1)).scalar()
            _, rows = view.datamodel.query(view._base_filters, page=0, page_size=1)
        return rows[0].id if rows else None
