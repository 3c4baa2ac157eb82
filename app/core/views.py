"""Base views: each resource has a read permission and its change permissions (tenant pages: write; vendor pages:
create, edit, delete), a realm and an optional module."""

import functools
from urllib.parse import urlsplit

import prison
from flask import abort, g, jsonify, request, session, url_for
from flask_appbuilder import BaseView, ModelView, expose
from flask_appbuilder.api import BaseApi, ModelRestApi
from flask_appbuilder.exceptions import ApplyFilterException
from flask_appbuilder.models.sqla.filters import FilterEqualFunction
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.urltools import Stack
from flask_babel import lazy_gettext
from flask_babel.speaklater import LazyString
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from app.core.access import METHOD_PERMISSIONS, TENANT, VENDOR, VENDOR_METHOD_PERMISSIONS
from app.core.formatting import shown_value
from app.core.ids import MAX_DB_INTEGER, db_integer_id
from app.core.redirects import safe_target
from app.core.validation import FieldError
from app.extensions import db


class AreaMixin:
    realm: str = TENANT
    module_code: str | None = None
    method_permission_name = METHOD_PERMISSIONS


class ModelViewFixes:
    """FAB ModelView routes that answered 500 to ordinary input, or changed data on a GET."""

    def _init_properties(self):
        # Every column FAB lists or shows goes through shown_value unless the view formats it itself:
        # "Ya" / "Tidak", "—", WIB times, lists joined, never "True", "None", "[Vendor Admin]" or a UTC stamp.
        super()._init_properties()
        self.formatters_columns = dict(self.formatters_columns)
        for column in [*self.list_columns, *self.show_columns]:
            self.formatters_columns.setdefault(column, shown_value)
        # FAB's own screens name their columns with plain or other-domain strings: through our catalogue.
        self.label_columns = {column: _ours(label) for column, label in self.label_columns.items()}

    def _init_titles(self):
        super()._init_titles()
        for name in ("list_title", "show_title", "add_title", "edit_title"):
            setattr(self, name, _ours(getattr(self, name)))
        self.title = self.list_title

    def update_redirect(self):
        # FAB's back history holds FAB's own pages only: a form opened from one of ours (a client's page, the
        # dashboard) returned to an older FAB page, or to the home page. The page the form was opened from
        # goes first, so saving returns there.
        if request.method == "GET" and request.endpoint in (f"{self.endpoint}.add", f"{self.endpoint}.edit"):
            came_from = safe_target(request.referrer)
            if came_from and urlsplit(came_from).path != request.path:
                history = Stack(session.get("page_history", []))
                history.push(came_from)
                session["page_history"] = history.to_json()
        super().update_redirect()

    def get_redirect(self):
        """After a save or delete: the form's `next=` (when it stays on this site), else FAB's back history,
        else this view's list (FAB's fallback was the home page)."""
        target = safe_target(request.args.get("next"))
        if target:
            return target
        url = super().get_redirect()
        return url if url != self.appbuilder.get_url_for_index else url_for(f"{self.endpoint}.list")

    def get_action_permission_name(self, name: str) -> str:
        # FAB answers an unknown action name with a 500; it is a missing page.
        if name not in getattr(self, "actions", {}):
            abort(404)
        return super().get_action_permission_name(name)

    # Changes take a POST (with the CSRF token, app/core/csrf.py): FAB serves its delete and single-object
    # action routes on GET too, refusing there only when CSRF protection is set up. A GET is a 405 here.
    @expose("/delete/<pk>", methods=["POST"])
    @has_access
    def delete(self, pk):
        return super().delete(pk)

    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name, pk):
        if name not in getattr(self, "actions", {}):
            abort(404)
        return super().action(name, pk)

    def refuse_unknown_ordering(self, order_column: str, order_direction: str) -> None:
        """FAB orders by any `_oc_<View>=` value it is given; an unknown column failed in SQL (a 500)."""
        if order_column and order_column not in self.order_columns:
            abort(400)
        if order_direction and order_direction not in ("asc", "desc"):
            abort(400)

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="", **kwargs):
        self.refuse_unknown_ordering(order_column, order_direction)
        return super()._get_list_widget(
            filters, actions=actions, order_column=order_column, order_direction=order_direction, **kwargs
        )

    @expose("/download/<string:filename>")
    @has_access
    def download(self, filename):
        # FAB's file-column download; our views store no files there (uploads live per tenant).
        abort(404)


def _ours(text):
    """`text` translated by the app's catalogue when shown (a lazy string of ours stays as it is)."""
    if isinstance(text, LazyString) and text._kwargs:
        return text
    msgid = text._args[0] if isinstance(text, LazyString) and text._args else str(text)
    return lazy_gettext(msgid)


def with_fixes(view_class, **attributes):
    """One of FAB's own ModelViews (roles, groups, permissions) with ModelViewFixes, under its own name
    (which its permissions are keyed on); `attributes` replace FAB's (e.g. titles in our catalogue)."""
    return type(view_class.__name__, (ModelViewFixes, view_class), {"__module__": view_class.__module__, **attributes})


class DatabaseIdConverter(IntegerConverter):
    """`<int:pk>` in every route: a number no row can have does not match (404), instead of reaching the
    database as an out-of-range parameter (PostgreSQL DataError, SQLite OverflowError: a 500)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_DB_INTEGER, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _reject_unparsable_rison():
    """FAB's @rison turns only ParserException into a 400; prison also raises ValueError ("1e+5"),
    TypeError ("(a:"), IndexError ("!") and RecursionError ("((((..."), which became 500s."""
    value = request.args.get("q")
    if not value:
        return None
    try:
        prison.loads(value)
    except prison.decoder.ParserException:
        return None  # FAB answers it (400, or its JSON fallback)
    except Exception:  # noqa: BLE001 - any other parser failure is the client's bad input
        return jsonify(message="Not a valid rison argument"), 400
    return None


REFUSED_FIELDS = {
    "description": "Refused input: each refused field with its messages",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "message": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    }
                },
            },
            "example": {"message": {"price_per_kg": ["Enter a valid number."]}},
        }
    },
}


class DenialAwareApi:
    """403 answers carry the reason the access check gave (e.g. the expired subscription); a malformed
    ?q= answers 400 instead of FAB's 500. The spec's 422 describes the one refused-input shape."""

    def add_apispec_components(self, api_spec):
        super().add_apispec_components(api_spec)
        api_spec.components.responses["422"] = REFUSED_FIELDS

    def response_403(self, **kwargs):
        reason = getattr(g, "access_denied_reason", None)
        return jsonify(message=str(reason) if reason else "Forbidden"), 403

    def create_blueprint(self, appbuilder, *args, **kwargs):
        blueprint = super().create_blueprint(appbuilder, *args, **kwargs)
        blueprint.before_request(_reject_unparsable_rison)
        return blueprint


LOST_RACE = (StaleDataError, ObjectDeletedError)
WRITE_METHODS = ("post_headless", "put_headless", "delete_headless")


def answer_refused_writes(method):
    """An API write whose input a service refused (FieldError) answers 422 in the API's one shape
    {"message": {field: [message]}} (FAB's @safe would make it a 500). A write that lost a race with
    another request: the row was deleted meanwhile (the UPDATE or DELETE matched nothing, or its values
    could not be read again) answers 404; a unique or foreign key the other request took first answers
    409. All in the API's {"message": ...} shape, the transaction rolled back, instead of FAB's 500."""

    @functools.wraps(method)
    def answered(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except FieldError as exc:
            db.session.rollback()
            return self.response_422(message=exc.as_json())
        except NotFound:  # get_or_404 (FAB's @safe would make it a 500)
            db.session.rollback()
            return self.response_404()
        except LOST_RACE:
            db.session.rollback()
            return self.response_404()
        except IntegrityError:
            db.session.rollback()
            return self.response(409, message="The row was changed by another request; reload it and try again.")

    answered.answers_lost_races = True
    return answered


class SafeModelApi(DenialAwareApi):
    """FAB's model API without its 500s on hostile input, and without the catalogue header in `_info`.

    Every create, update and delete (FAB's or a subclass's own) answers refused input with 422 and a lost
    race with 404 / 409 (answer_refused_writes)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in WRITE_METHODS:
            method = getattr(cls, name, None)
            if method is not None and not getattr(method, "answers_lost_races", False):
                setattr(cls, name, answer_refused_writes(method))

    def _get_field_info(self, field, filter_rel_field, page=None, page_size=None):
        info = super()._get_field_info(field, filter_rel_field, page=page, page_size=page_size)
        if field.name not in self.description_columns:
            info["description"] = ""  # FAB translates "", which gettext answers with the catalogue's header
        return info

    def get_headless(self, pk, **kwargs):
        if db_integer_id(pk) is None:
            return self.response_404()
        return super().get_headless(pk, **kwargs)

    def delete_headless(self, pk):
        if db_integer_id(pk) is None:
            return self.response_404()
        return super().delete_headless(pk)

    def get_list_headless(self, **kwargs):
        # Filter values and page numbers beyond the column's range (price_per_kg gt 10**20,
        # page 10**20) fail in the driver (SQLite OverflowError, PostgreSQL DataError).
        try:
            return super().get_list_headless(**kwargs)
        except (DataError, OverflowError, ApplyFilterException):
            db.session.rollback()
            return self.response_400(message="A filter or page value is out of range")


TENANT_COLUMNS = frozenset({"tenant", "tenant_id"})
COLUMN_LISTS = ("list_columns", "show_columns", "add_columns", "edit_columns", "search_columns", "order_columns")
RELATED_CHOICES = (
    "add_query_rel_fields",  # the API's _info (add_columns)
    "edit_query_rel_fields",  # the API's _info (edit_columns)
    "filter_rel_fields",  # the API's /related/<column>
    "add_form_query_rel_fields",  # the HTML add form
    "edit_form_query_rel_fields",  # the HTML edit form
    "search_form_query_rel_fields",  # the HTML search form
)
NO_TENANT = -1  # no tenant id is negative: a picker without a signed-in tenant user offers nothing


def _users_tenant_id() -> int:
    tenant_id = getattr(g.get("user"), "tenant_id", None)
    return NO_TENANT if tenant_id is None else tenant_id


class TenantRealmColumns:
    """Every tenant model view and API, present and future: no column names the tenant (it is always the
    signed-in user's), and every choice of a related row that has a tenant_id (users: couriers, marketing;
    tenant-owned rows) offers the user's own tenant's rows only: not another tenant's (which the scoping
    hook already hides) and not the vendor's staff."""

    def _init_properties(self):
        super()._init_properties()
        for name in COLUMN_LISTS:
            columns = getattr(self, name, None)
            if columns:
                setattr(self, name, [column for column in columns if column not in TENANT_COLUMNS])
        search_filters = getattr(self, "search_filters", None)
        self._filters = (
            self.datamodel.get_filters(search_columns=self.search_columns, search_filters=search_filters)
            if isinstance(self, ModelRestApi)
            else self.datamodel.get_filters(self.search_columns)
        )
        with_tenant = [
            column
            for column in self.datamodel.get_columns_list()
            if self.datamodel.is_relation(column) and hasattr(self.datamodel.get_related_model(column), "tenant_id")
        ]
        for name in RELATED_CHOICES:
            choices = dict(getattr(self, name, None) or {})  # the class's dict is left alone
            for column in with_tenant:
                choices[column] = [*choices.get(column, []), ["tenant_id", FilterEqualFunction, _users_tenant_id]]
            setattr(self, name, choices)


class TenantModelView(TenantRealmColumns, AreaMixin, ModelViewFixes, ModelView):
    realm = TENANT


class VendorModelView(AreaMixin, ModelViewFixes, ModelView):
    realm = VENDOR
    method_permission_name = VENDOR_METHOD_PERMISSIONS


class TenantBaseView(AreaMixin, BaseView):
    realm = TENANT


class VendorBaseView(AreaMixin, BaseView):
    realm = VENDOR
    method_permission_name = VENDOR_METHOD_PERMISSIONS


class TenantModelApi(TenantRealmColumns, SafeModelApi, AreaMixin, ModelRestApi):
    realm = TENANT


class VendorModelApi(SafeModelApi, AreaMixin, ModelRestApi):
    realm = VENDOR
    method_permission_name = VENDOR_METHOD_PERMISSIONS


class TenantApi(DenialAwareApi, AreaMixin, BaseApi):
    realm = TENANT
