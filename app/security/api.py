"""FAB's JWT login API with one fix: a body without "provider" answers 400, not 500.

FAB 5.3's LoginPost schema leaves "provider" optional, then reads login_payload["provider"]
(KeyError -> @safe -> 500 "Fatal error")."""

from flask import request
from flask_appbuilder.api import safe
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi
from flask_appbuilder.views import expose


class SecurityApi(FabSecurityApi):
    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        body = request.get_json(silent=True)
        if isinstance(body, dict) and "provider" not in body:
            return self.response_400(message={"provider": ["Missing data for required field."]})
        return super().login()

    login.__doc__ = FabSecurityApi.login.__doc__  # the OpenAPI operation is read from it
