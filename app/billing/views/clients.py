"""Client screens: list, detail (profile, subscription, modules, history), create, edit, status, modules."""

from datetime import timedelta

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.billing import clients as service
from app.billing import history
from app.billing.catalogue import usage_counts
from app.billing.listing import page_number, paginate, sorted_by
from app.billing.models import Invoice, Plan, ProductModule, Subscription
from app.billing.views.common import BillingPage, parse_date
from app.core.access import CREATE, EDIT, READ, VENDOR_METHOD_PERMISSIONS
from app.core.formatting import wib_date
from app.core.ids import db_integer_id
from app.core.names import CLIENT
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.extensions import db
from app.security.invitations import enqueue_invitation
from app.tenancy.models import CLIENT_TYPES, TENANT_STATUSES, Tenant
from app.tenancy.services import enabled_modules

SORTS = {
    "name": Tenant.name,
    "joined": Tenant.joined_on,
    "status": Tenant.status,
    "type": Tenant.client_type,
    "plan": Plan.name,
}


def client_rows(args, today):
    statement = (
        sa.select(Tenant, Plan.name.label("plan_name"), service.client_status_column(today))
        .outerjoin(Subscription, Subscription.tenant_id == Tenant.id)
        .outerjoin(Plan, Plan.id == Subscription.plan_id)
    )
    q = (args.get("q") or "").strip()
    if q:
        match = Tenant.name.ilike(f"%{q}%")
        tenant_id = db_integer_id(q)
        statement = statement.where(sa.or_(match, Tenant.id == tenant_id) if tenant_id else match)
    if args.get("status") in TENANT_STATUSES:
        statement = statement.where(service.client_status_condition(args["status"], today))
    if due_within := due_within_days(args.get("due_within")):
        statement = statement.where(service.due_within_condition(due_within, today))
    if args.get("type") in CLIENT_TYPES:
        statement = statement.where(Tenant.client_type == args["type"])
    if joined_from := parse_date(args.get("joined_from")):
        statement = statement.where(Tenant.joined_on >= joined_from)
    if joined_to := parse_date(args.get("joined_to")):
        statement = statement.where(Tenant.joined_on <= joined_to)
    statement, sort = sorted_by(statement, SORTS, args.get("sort"), "-joined")
    return paginate(statement, page_number(args.get("page"))), sort


def due_within_days(raw) -> int | None:
    text = (raw or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    return min(int(text), service.MAX_DUE_WITHIN_DAYS)


class ClientView(BillingPage):
    route_base = "/billing/clients"
    class_permission_name = CLIENT
    object_model = Tenant  # what <pk> names (a client is a tenant), for the isolation sweep
    method_permission_name = {
        **VENDOR_METHOD_PERMISSIONS,
        "index": READ,
        "detail": READ,
        "create": CREATE,
        "edit_profile": EDIT,
        "change_status": EDIT,
        "clear_overdue": EDIT,
        "toggle_module": EDIT,
    }

    @expose("/")
    @has_access
    def index(self):
        page, sort = client_rows(request.args, self.today())
        return self.render(
            "billing/client_list.html",
            page=page,
            sort=sort,
            args=request.args,
            statuses=service.STATUS_LABELS,
            types=service.CLIENT_TYPE_LABELS,
        )

    @expose("/<int:pk>")
    @has_access
    def detail(self, pk):
        tenant = get_or_404(Tenant, pk)
        modules = (
            db.session.execute(sa.select(ProductModule).order_by(ProductModule.category.desc(), ProductModule.name))
            .scalars()
            .all()
        )
        invoices = (
            db.session.execute(
                sa.select(Invoice).where(Invoice.tenant_id == pk).order_by(Invoice.issue_date.desc()).limit(20)
            )
            .scalars()
            .all()
        )
        return self.render(
            "billing/client_detail.html",
            tenant=tenant,
            subscription=service.subscription_of(tenant),
            modules=modules,
            enabled=enabled_modules(pk),
            usage=usage_counts(),
            invoices=invoices,
            overdue_reasons=service.overdue_reasons(tenant, self.today()),
            overdue_waived=service.overdue_waived(tenant, self.today()),
            max_waiver=self.today() + timedelta(days=service.MAX_WAIVER_DAYS),
            plans=db.session.execute(sa.select(Plan).order_by(Plan.price, Plan.id)).scalars().all(),
            timeline=history.timeline(pk, self.can_read),
            statuses=service.STATUS_LABELS,
            types=service.CLIENT_TYPE_LABELS,
        )

    def _form(self, profile, tenant=None, plans=None, error=None, status=200):
        return self.render(
            "billing/client_form.html",
            profile=profile,
            tenant=tenant,
            plans=plans,
            error=error,
            types=service.CLIENT_TYPE_LABELS,
        ), status

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def create(self):
        plans = db.session.execute(sa.select(Plan).order_by(Plan.price)).scalars().all()
        if request.method == "GET":
            return self._form(service.ClientProfile("", "logistik", ""), plans=plans)
        profile = service.ClientProfile.from_form(request.form)
        try:
            with transaction():
                tenant, user, _password = service.create_client(
                    profile, plan_code=request.form.get("plan", ""), today=self.today(), actor_id=self.actor_id()
                )
                enqueue_invitation(user, actor_id=self.actor_id())  # a link to choose a password, on the client's host
        except FieldError as exc:
            return self._form(profile, plans=plans, error=exc, status=400)
        flash(
            _("Client %(name)s created; an invitation was sent to %(email)s.", name=tenant.name, email=user.email),
            "success",
        )
        return redirect(url_for("ClientView.detail", pk=tenant.id))

    @expose("/<int:pk>/edit", methods=["GET", "POST"])
    @has_access
    def edit_profile(self, pk):
        tenant = get_or_404(Tenant, pk)
        if request.method == "GET":
            return self._form(service.ClientProfile.of(tenant), tenant=tenant)
        profile = service.ClientProfile.from_form(request.form)
        try:
            with transaction():
                service.update_profile(tenant, profile, actor_id=self.actor_id())
        except FieldError as exc:
            return self._form(profile, tenant=get_or_404(Tenant, pk), error=exc, status=400)
        flash(_("Profile saved."), "success")
        return redirect(url_for("ClientView.detail", pk=pk))

    def _act(self, pk, change, args: tuple, done: str, anchor: str = "", **options):
        """`change(tenant, *args, actor_id=..., **options)` in one transaction, then `done` flashed (or the
        refusal); back to the client's page."""
        tenant = get_or_404(Tenant, pk)
        try:
            with transaction():
                change(tenant, *args, actor_id=self.actor_id(), **options)
            flash(done, "success")
        except FieldError as exc:
            self.fail(exc)
        return redirect(url_for("ClientView.detail", pk=pk) + anchor)

    @expose("/<int:pk>/status", methods=["POST"])
    @has_access
    def change_status(self, pk):
        args = (request.form.get("status", ""), request.form.get("reason", ""))
        return self._act(pk, service.change_status, args, _("Subscription status changed."))

    @expose("/<int:pk>/clear-overdue", methods=["POST"])
    @has_access
    def clear_overdue(self, pk):
        until = parse_date(request.form.get("until"))
        done = _("Jatuh Tempo cleared until %(day)s.", day=wib_date(until))
        args = (until, request.form.get("reason", ""))
        return self._act(pk, service.clear_overdue, args, done, today=self.today())

    @expose("/<int:pk>/modules", methods=["POST"])
    @has_access
    def toggle_module(self, pk):
        args = (request.form.get("module", ""), request.form.get("on") == "1")
        return self._act(pk, service.set_client_module, args, _("Modules updated."), "#modules")
