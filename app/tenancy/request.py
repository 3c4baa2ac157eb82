"""Per request: the host is one this site serves, which tenant it names, and the scope taken from the signed-in
user.

Only `BASE_DOMAIN` and `<slug>.<BASE_DOMAIN>` (with any port, as `localhost:5000` in development) are served;
any other Host header is answered 400 before anything else runs, so it is never served as the back-office nor
echoed into an absolute redirect. `/health` answers on any host: the PaaS router's health check may use the
dyno's address. 127.0.0.1 is not the base domain: open http://localhost:5000 in development.
"""

from flask import current_app, g, redirect, request
from flask_babel import gettext as _
from flask_jwt_extended import verify_jwt_in_request
from flask_login import current_user, logout_user

from app.tenancy.context import NO_SCOPE, Scope, reset_scope, set_scope
from app.tenancy.services import tenant_by_slug

STATIC_ENDPOINTS = {"static", "appbuilder.static"}
ANY_HOST_ENDPOINTS = {"health.health"}


def host_slug(host: str, base_domain: str) -> str | None:
    """`demo.localhost:5000` with base `localhost` -> `demo`; the base domain itself -> None."""
    name = host.split(":", 1)[0].lower()
    suffix = "." + base_domain
    if name.endswith(suffix) and name != base_domain:
        label = name[: -len(suffix)]
        return label if "." not in label else None
    return None


def is_served_host(host: str, base_domain: str) -> bool:
    """`localhost:5000`, `demo.localhost` with base `localhost`: yes; `evil.com`, `a.b.localhost`, `127.0.0.1`: no."""
    name, _sep, port = host.lower().partition(":")
    if port and not port.isdigit():
        return False
    return name == base_domain or host_slug(name, base_domain) is not None


def refuse_unknown_hosts():
    if request.endpoint in ANY_HOST_ENDPOINTS or is_served_host(request.host, current_app.config["BASE_DOMAIN"]):
        return None
    return _("This address is not served here."), 400, {"Content-Type": "text/plain; charset=utf-8"}


def tenant_url(slug: str, path: str = "/") -> str:
    port = request.host.partition(":")[2]
    host = f"{slug}.{current_app.config['BASE_DOMAIN']}" + (f":{port}" if port else "")
    return f"{request.scheme}://{host}{path}"


def _signed_in_user():
    if current_user.is_authenticated:
        return current_user._get_current_object()
    if request.headers.get("Authorization", "").startswith("Bearer "):
        try:
            verify_jwt_in_request(optional=True)
        except Exception:
            return None
        return (
            getattr(g, "user", None)
            if getattr(g, "user", None) is not None and getattr(g.user, "is_authenticated", False)
            else None
        )
    return None


def _host_tenant(slug: str, user):
    """The signed-in user's tenant when it is the host's: it was loaded with the user (one query fewer)."""
    if user is not None and user.tenant is not None and user.tenant.slug == slug:
        return user.tenant
    return tenant_by_slug(slug)


def resolve_request_scope():
    g.host_tenant = None
    g.scope_token = set_scope(NO_SCOPE)
    if request.endpoint in STATIC_ENDPOINTS:
        return None
    slug = host_slug(request.host, current_app.config["BASE_DOMAIN"])
    user = _signed_in_user()
    if slug:
        g.host_tenant = _host_tenant(slug, user)
        if g.host_tenant is None:
            return ("Unknown company address", 404)
    if user is None:
        return None
    host_tenant_id = g.host_tenant.id if g.host_tenant else None
    if user.tenant_id != host_tenant_id and current_user.is_authenticated:
        # A session that belongs elsewhere: tenant users work on their own subdomain,
        # vendor staff on the base domain.
        logout_user()
        target = tenant_url(user.tenant.slug, "/login/") if user.tenant_id else _base_url("/login/")
        return redirect(target)
    if user.tenant_id != host_tenant_id:
        return ({"message": "Wrong host for this account"}, 403)
    reset_scope(g.scope_token)
    if user.tenant_id is None:
        g.scope_token = set_scope(Scope(tenant_id=None, all_tenants=True, user_id=user.id))
    else:
        g.scope_token = set_scope(Scope(tenant_id=user.tenant_id, user_id=user.id))
    return None


def _base_url(path: str) -> str:
    port = request.host.partition(":")[2]
    return f"{request.scheme}://{current_app.config['BASE_DOMAIN']}" + (f":{port}" if port else "") + path


def clear_request_scope(exc=None):
    token = g.pop("scope_token", None)
    if token is not None:
        reset_scope(token)


def init_app(app) -> None:
    # First of all: before the user is loaded or anything reads the host.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unknown_hosts)
    app.before_request(resolve_request_scope)
    app.teardown_request(clear_request_scope)

    @app.context_processor
    def brand():
        tenant = getattr(g, "host_tenant", None)
        return {"host_tenant": tenant, "brand_name": tenant.name if tenant else current_app.config["APP_NAME"]}
