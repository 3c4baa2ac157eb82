"""FAB's JWT login API with two fixes: a body without "provider" answers 400, not 500, and wrong passwords
are limited per address and per account like the sign-in page's (app/security/login_limits.py): 429 JSON.

FAB 5.3's LoginPost schema leaves "provider" optional, then reads login_payload["provider"]
(KeyError -> @safe -> 500 "Fatal error")."""

from flask import request
from flask_appbuilder.api import safe
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi
from flask_appbuilder.views import expose

from app.security import login_limits


class SecurityApi(FabSecurityApi):
    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        body = request.get_json(silent=True)
        if isinstance(body, dict) and "provider" not in body:
            return self.response_400(message={"provider": ["Missing data for required field."]})
        if isinstance(body, dict) and login_limits.exhausted(body.get("username")):
            return self.response(429, message=str(login_limits.MESSAGE))
        return super().login()

    login.__doc__ = FabSecurityApi.login.__doc__  # the OpenAPI operation is read from it
