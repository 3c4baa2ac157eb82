"""Base views: each resource has a read and a write permission, a realm and an optional module."""

from flask import g, jsonify
from flask_appbuilder import BaseView, ModelView
from flask_appbuilder.api import BaseApi, ModelRestApi

from app.core.access import METHOD_PERMISSIONS, TENANT, VENDOR


class AreaMixin:
    realm: str = TENANT
    module_code: str | None = None
    method_permission_name = METHOD_PERMISSIONS


class DenialAwareApi:
    """403 answers carry the reason the access check gave (e.g. the expired subscription)."""

    def response_403(self, **kwargs):
        reason = getattr(g, "access_denied_reason", None)
        return jsonify(message=str(reason) if reason else "Forbidden"), 403


class TenantModelView(AreaMixin, ModelView):
    realm = TENANT


class VendorModelView(AreaMixin, ModelView):
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
