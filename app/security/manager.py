"""The security manager: FAB's, with tenant-aware users and ONE access check.

Access = role permission AND realm (vendor staff vs tenant users) AND module enabled for the
tenant AND, for writes, a subscription that has not expired.
"""

from datetime import UTC, datetime, timedelta
from threading import Lock

from flask import current_app, g, has_request_context, request
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_appbuilder.security.views import (
    PermissionModelView,
    PermissionViewModelView,
    RoleModelView,
    UserGroupModelView,
    ViewMenuModelView,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_jwt_extended import JWTManager
from flask_jwt_extended.config import config as jwt_config
from flask_login import current_user

from app.core.access import COMMON, TENANT, VENDOR, WRITE_PERMISSIONS, area_of
from app.core.ids import db_integer_id
from app.core.transaction import transaction
from app.core.views import with_fixes
from app.security import login_limits, sessions
from app.security.api import SecurityApi
from app.security.grants import GrantCache
from app.security.models import TenantUser as User
from app.security.views import AuthDBView, ResetMyPasswordView, ResetPasswordView, TenantAwareUserView, UserInfoEditView
from app.tenancy.freshness import note_version
from app.tenancy.models import Tenant
from app.tenancy.request import STATIC_ENDPOINTS
from app.tenancy.services import EXPIRED_MESSAGE, entitlements_for

MODULE_OFF_MESSAGE = _l("This module is not active for your company.")


class VerifyingOnceJWTManager(JWTManager):
    """Verifies a token once per process. A script calls the API with one token hundreds of times, and every
    request read it twice (the tenant scope before the view, app/tenancy/request.py, then FAB's API decorator):
    PyJWT checks the signature and each claim, its base64 one character at a time, ~5% of an API create.
    The signature and the claims of a given token never change, and the decoding key is the app's secret;
    only time can make a verified token fail, by its expiry, which is checked at every use, and the end of
    its user's sessions (logout, a password change), which the user loader checks at every use against the
    token's epoch claim (app/security/sessions.py). A token that fails is not kept, and each caller gets its
    own copy of the claims."""

    def __init__(self, app=None, add_context_processor: bool = False) -> None:
        self._verified: dict[tuple, dict] = {}
        self._lock = Lock()
        super().__init__(app, add_context_processor)

    def _decode_jwt_from_config(self, encoded_token, csrf_value=None, allow_expired=False):
        key = (encoded_token, csrf_value, allow_expired)
        claims = self._verified.get(key)
        if claims is None or (not allow_expired and _expired(claims)):
            claims = super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
            with self._lock:
                if len(self._verified) >= _MAX_VERIFIED_TOKENS:
                    self._verified.clear()
                self._verified[key] = claims
        return dict(claims)


_MAX_VERIFIED_TOKENS = 4096


def _expired(claims: dict) -> bool:
    """PyJWT's own test of the exp claim."""
    expiry, leeway = claims.get("exp"), jwt_config.leeway
    seconds = leeway.total_seconds() if isinstance(leeway, timedelta) else leeway
    return expiry is not None and int(expiry) <= datetime.now(tz=UTC).timestamp() - seconds


class SecurityManager(FabSecurityManager):
    user_model = User
    userdbmodelview = TenantAwareUserView
    authdbview = AuthDBView
    resetpasswordview = ResetPasswordView
    resetmypasswordview = ResetMyPasswordView
    userinfoeditview = UserInfoEditView
    userstatschartview = None  # loads Google Charts from the internet: useless offline
    security_api = SecurityApi
    rolemodelview = with_fixes(
        RoleModelView,
        list_title=_l("Roles"),
        show_title=_l("Role"),
        add_title=_l("New role"),
        edit_title=_l("Edit role"),
    )
    groupmodelview = with_fixes(
        UserGroupModelView,
        list_title=_l("Groups"),
        show_title=_l("Group"),
        add_title=_l("New group"),
        edit_title=_l("Edit group"),
    )
    permissionmodelview = with_fixes(PermissionModelView)
    # a resource's name, as the role editor shows it ("Client" -> "Klien")
    viewmenumodelview = with_fixes(ViewMenuModelView, formatters_columns={"name": lambda name: _(name)})
    permissionviewmodelview = with_fixes(
        PermissionViewModelView, formatters_columns={"view_menu": lambda menu: _(str(menu)) if menu else "—"}
    )

    def __init__(self, appbuilder):
        super().__init__(appbuilder)
        self.grant_cache = GrantCache()
        sessions.install(current_app._get_current_object())  # built inside the app's context

    def create_jwt_manager(self, app) -> JWTManager:
        jwt_manager = VerifyingOnceJWTManager()
        jwt_manager.init_app(app)
        jwt_manager.user_lookup_loader(self.load_user_jwt)
        jwt_manager.additional_claims_loader(self._token_claims)
        return jwt_manager

    def update_user_auth_stat(self, user, success=True):
        """FAB's login statistics, committed by FAB's datamodel: the activity log's login event goes with them."""
        if success:
            from app.audit.services import record_login
            from app.extensions import db

            record_login(db.session, user)
        return super().update_user_auth_stat(user, success)

    def _token_claims(self, identity) -> dict:
        # Tokens are issued right after the user was authenticated (or its refresh token checked): in the session.
        user = self.get_user_by_id(int(identity))
        return sessions.token_claims(user) if user is not None else {}

    def on_user_logout(self, user) -> None:
        with transaction():
            sessions.end_all_sessions(user.id)

    def auth_user_db(self, username, password):
        """FAB's, refusing users of another tenant on a tenant's host, and counting wrong passwords per address and
        account (app/security/login_limits.py): once a cap is reached no password is checked."""
        if not has_request_context():
            return super().auth_user_db(username, password)
        if login_limits.exhausted(username):
            return None
        user = super().auth_user_db(username, password)
        host_tenant = getattr(g, "host_tenant", None)
        if user is not None and host_tenant is not None and user.tenant_id != host_tenant.id:
            user = None
        if user is None:
            login_limits.failed(username)
        return user

    # --- the access check -------------------------------------------------------------
    @staticmethod
    def before_request():
        # The signed-in user itself, not Flask-Login's proxy to it: a page reads g.user a hundred times.
        g.user = current_user._get_current_object() if request.endpoint not in STATIC_ENDPOINTS else current_user

    def has_access(self, permission_name: str, view_name: str) -> bool:
        """FAB's rule, with a signed-in (session) user found once per call instead of through six proxies;
        API keys, JWT and the public role go FAB's way."""
        user = current_user._get_current_object()
        if not user.is_authenticated or g.get("_api_key_user"):
            return super().has_access(permission_name, view_name)
        return bool(user.is_active) and self._has_view_access(user, permission_name, view_name)

    def _has_view_access(self, user, permission_name: str, view_name: str) -> bool:
        if (permission_name, view_name) not in self._permissions_of(user):
            return False
        return self._area_allows(user, permission_name, view_name)

    def _get_user_permission_view_menus(self, user, permission_name, view_menus_name):
        allowed = super()._get_user_permission_view_menus(user, permission_name, view_menus_name)
        if user is None or not getattr(user, "is_authenticated", False):
            return allowed
        return {name for name in allowed if self._area_allows(user, permission_name, name)}

    def _area_allows(self, user, permission_name: str, view_name: str) -> bool:
        area = area_of(view_name)
        if area.realm == COMMON:
            return True
        if area.realm == VENDOR:
            return user.tenant_id is None
        if area.realm == TENANT and user.tenant_id is None:
            return False
        entitlements = self._entitlements_of(user)
        if area.module_code and area.module_code not in entitlements.modules:
            _deny(MODULE_OFF_MESSAGE)
            return False
        if entitlements.read_only and permission_name in WRITE_PERMISSIONS:
            _deny(EXPIRED_MESSAGE)
            return False
        return True

    # --- caches: grants per process (app/security/grants.py), the rest per request ------
    def _grants(self, user_id: int | None):
        return _request_cached(("grants", user_id), lambda: self._read_grants(user_id))

    def _read_grants(self, user_id: int | None):
        return self._noted(self.grant_cache.read(self.session.connection(), user_id))

    @staticmethod
    def _noted(grants):
        if grants.tenant_id is not None:
            note_version(grants.tenant_id, grants.data_version)
        return grants

    def get_user_by_id(self, pk):
        # The roles, the tenant and the grants come with the user (one statement): the row rules read the
        # roles on most pages, the tenant is the host tenant of nearly every request (app/tenancy/request.py),
        # and the access check needs the grants on every page.
        user, grants = self.grant_cache.load_user(self.session, pk)
        if grants is not None:
            _request_cached(("grants", user.id), lambda: self._noted(grants))
        return user

    def load_user(self, pk):
        """Flask-Login's user loader: the session's user while the session is current (app/security/sessions.py)."""
        user = super().load_user(pk)
        return user if user is not None and sessions.session_is_current(user) else None

    def load_user_jwt(self, jwt_header, jwt_data):
        # Once per request: the tenant scope verifies the token before the view, and FAB's API
        # decorator verifies it again.
        return _request_cached(("jwt_user", jwt_data["sub"]), lambda: self._token_user(jwt_data))

    def _token_user(self, jwt_data):
        user_id = db_integer_id(jwt_data.get("sub"))
        user = self.get_user_by_id(user_id) if user_id is not None else None
        if user is None or not user.is_active or not sessions.token_is_current(user, jwt_data):
            return None
        g.user = user  # FAB's: set here for JWT requests, there is no before_request for them
        return user

    def permissions_of(self, user) -> frozenset:
        """The (permission, view) pairs the user's roles grant (before realm and module rules)."""
        return self._permissions_of(user)

    def _permissions_of(self, user) -> frozenset:
        return _request_cached(("perms", user.id), lambda: self._grants(user.id).of_user())

    def is_item_public(self, permission_name, view_name) -> bool:
        # The signed-in user's id (JWT or cookie) when known: the same statement then serves has_access.
        user = g.get("user") if has_request_context() else None
        user_id = user.id if user is not None and user.is_authenticated else None
        return (permission_name, view_name) in self._grants(user_id).of_public(self.auth_role_public)

    def _entitlements_of(self, user):
        return _request_cached(
            ("entitlements", user.tenant_id),
            lambda: entitlements_for(self.session.get(Tenant, user.tenant_id), self._grants(user.id).modules),
        )


def _deny(reason) -> None:
    if has_request_context():
        g.access_denied_reason = reason


def _request_cached(key, compute):
    if not has_request_context():
        return compute()
    cache = g.setdefault("_access_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]
