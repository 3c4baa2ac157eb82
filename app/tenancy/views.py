"""The landing page: each kind of user starts somewhere else."""

from flask import g, redirect
from flask_appbuilder import IndexView, expose

from app.tenancy.services import EXPIRED_MESSAGE, is_read_only


class HomeIndexView(IndexView):
    """Anonymous: the public page (base domain) or the company's sign-in (subdomain)."""

    @expose("/")
    def index(self):
        user = g.user
        if not user.is_authenticated:
            if g.host_tenant is not None:
                return redirect(self.appbuilder.get_url_for_login)
            return self.render_template("home/public.html")
        if user.tenant_id is None:
            return self.render_template("home/vendor.html")
        return self.render_template(
            "home/tenant.html", read_only=is_read_only(g.host_tenant), expired_message=EXPIRED_MESSAGE
        )
