"""The landing page: each kind of user starts somewhere else."""

from flask import g, redirect
from flask_appbuilder import IndexView, expose

from app.core.names import CAN_READ
from app.tenancy.services import EXPIRED_MESSAGE, is_read_only


class HomeIndexView(IndexView):
    """Anonymous: the public page (base domain) or the company's sign-in (subdomain).

    Signed-in users get their realm's dashboard: menu.register_dashboards names the view class
    per realm in `landings` (or per "realm:role"); that view's `landing()` renders it (tenancy imports no domain).
    """

    landings: dict[str, str] = {}

    @expose("/")
    def index(self):
        user = g.user
        if not user.is_authenticated:
            if g.host_tenant is not None:
                return redirect(self.appbuilder.get_url_for_login)
            return self.render_template("home/public.html")
        realm = "vendor" if user.tenant_id is None else "tenant"
        # A role's own landing first (a Kurir starts on its phone page), else the realm's.
        roles = [role.name for role in user.roles]
        landing = next(filter(None, (self._landing(f"{realm}:{role}") for role in roles)), None) or self._landing(realm)
        if landing is not None:
            return landing.landing()
        if realm == "vendor":
            return self.render_template("home/vendor.html")
        return self.render_template(
            "home/tenant.html", read_only=is_read_only(g.host_tenant), expired_message=EXPIRED_MESSAGE
        )

    def _landing(self, realm: str):
        """The registered dashboard view for the realm, if the user may read it."""
        name = self.landings.get(realm)
        for view in self.appbuilder.baseviews if name else ():
            if type(view).__name__ == name:
                allowed = self.appbuilder.sm.has_access(CAN_READ, view.class_permission_name)
                return view if allowed else None
        return None
