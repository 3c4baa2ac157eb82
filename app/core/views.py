"""Base views: each resource has a read and a write permission, a realm and an optional module."""

from flask import abort, g, jsonify
from flask_appbuilder import BaseView, ModelView, expose
from flask_appbuilder.api import BaseApi, ModelRestApi
from flask_appbuilder.security.decorators import has_access

from app.core.access import METHOD_PERMISSIONS, TENANT, VENDOR


class AreaMixin:
    realm: str = TENANT
    module_code: str | None = None
    method_permission_name = METHOD_PERMISSIONS


class ModelViewFixes:
    """Two FAB ModelView routes that answer 500 to ordinary input."""

    def get_action_permission_name(self, name: str) -> str:
        # FAB answers an unknown action name with a 500; it is a missing page.
        if name not in getattr(self, "actions", {}):
            abort(404)
        return super().get_action_permission_name(name)

    @expose("/download/<string:filename>")
    @has_access
    def download(self, filename):
        # FAB's file-column download; our views store no files there (uploads live per tenant).
        abort(404)


class DenialAwareApi:
    """403 answers carry the reason the access check gave (e.g. the expired subscription)."""

    def response_403(self, **kwargs):
        reason = getattr(g, "access_denied_reason", None)
        return jsonify(message=str(reason) if reason else "Forbidden"), 403


class TenantModelView(AreaMixin, ModelViewFixes, ModelView):
    realm = TENANT


class VendorModelView(AreaMixin, ModelViewFixes, ModelView):
    realm = VENDOR


class TenantBaseView(AreaMixin, BaseView):
    realm = TENANT


class VendorBaseView(AreaMixin, BaseView):
    realm = VENDOR


class TenantModelApi(DenialAwareApi, AreaMixin, ModelRestApi):
    realm = TENANT


class VendorModelApi(DenialAwareApi, AreaMixin, ModelRestApi):
    realm = VENDOR


class TenantApi(DenialAwareApi, AreaMixin, BaseApi):
    realm = TENANT
