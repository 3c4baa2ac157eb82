"""Finance screens (menu "Keuangan"): cash book, paid shipments, expense requests, the approval queue.
Thin: rules live in services; one transaction per writing request (app/core/transaction.py)."""

from flask import flash, g, make_response, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import ngettext

from app.core import storage, uploads
from app.core.access import METHOD_PERMISSIONS, READ, WRITE
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import TenantBaseView
from app.logistics.finance import services
from app.logistics.finance.models import METHODS, PENDING, ExpenseRequest, FinanceEntry
from app.logistics.settings.services import get_settings
from app.logistics.shipments.inputs import COURIER_ROLE, active_staff
from app.logistics.shipments.models import Shipment
from app.logistics.shipments.resi import render_pdf
from app.logistics.web import current_tenant

MODULE = "finance"


def _proof_from_request():
    upload = request.files.get("proof")
    content = upload.read(services.MAX_PROOF_BYTES + 1) if upload else b""
    return services.read_proof(content)


def _send_proof(row):
    response = storage.send(row.proof_key, content_type=row.proof_mime, inline=True)
    return uploads.harden(response, row.proof_mime)


def _choices():
    return dict(
        kinds=services.KIND_LABELS,
        methods={code: services.METHOD_LABELS[code] for code in METHODS},
        categories=services.category_choices(g.user.tenant_id),
        category_label=services.category_label,
    )


class FinanceEntryView(TenantBaseView):
    """Transaksi: income and expense entries, filters, totals, proofs."""

    route_base = "/finance/entries"
    object_model = FinanceEntry
    class_permission_name = "CashBook"
    module_code = MODULE
    default_view = "list"
    method_permission_name = {
        **METHOD_PERMISSIONS,
        "list": READ,
        "new": WRITE,
        "edit": WRITE,
        "proof": READ,
        "add_category": WRITE,
    }

    @expose("/")
    @has_access
    def list(self):
        query = services.EntryFilter.from_args(request.args)
        tenant_id = g.user.tenant_id
        entries = services.list_entries(tenant_id, query)
        return self.render_template(
            "finance/entries.html",
            query=query,
            entries=entries,
            page_totals=services.Totals.of(entries),
            filter_totals=services.filter_totals(tenant_id, query),
            balance=services.balance(tenant_id),
            page_size=services.PAGE_SIZE,
            can_write=self.appbuilder.sm.has_access("can_write", "CashBook"),
            **_choices(),
        )

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        if request.method == "GET":
            values = {"entry_date": services.wib_today().isoformat(), "kind": request.args.get("kind", "expense")}
            return self._form(values, {}, None)
        values = services.EntryInput.from_mapping(request.form)
        try:
            with transaction():
                services.record_entry(current_tenant(), g.user, values, _proof_from_request())
        except FieldError as exc:
            return self._form(values.__dict__, exc.messages(), None, 422)
        flash(_("Entry saved."), "success")
        return redirect(url_for("FinanceEntryView.list"))

    @expose("/<int:pk>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        entry = get_or_404(FinanceEntry, pk)
        if request.method == "GET":
            values = {name: getattr(entry, name) for name in services.EntryInput.__dataclass_fields__}
            values["entry_date"] = entry.entry_date.isoformat()
            return self._form(values, {}, entry)
        values = services.EntryInput.from_mapping(request.form)
        try:
            with transaction():
                services.update_entry(current_tenant(), g.user, entry, values, _proof_from_request())
        except FieldError as exc:
            return self._form(values.__dict__, exc.messages(), get_or_404(FinanceEntry, pk), 422)
        flash(_("Entry saved."), "success")
        return redirect(url_for("FinanceEntryView.list"))

    def _form(self, values, errors, entry, status=200):
        return self.render_template(
            "finance/entry_form.html", values=values, errors=errors, entry=entry, **_choices()
        ), status

    @expose("/<int:pk>/proof")
    @has_access
    def proof(self, pk):
        return _send_proof(get_or_404(FinanceEntry, pk))

    @expose("/categories", methods=["POST"])
    @has_access
    def add_category(self):
        try:
            with transaction():
                category = services.add_category(current_tenant(), g.user, request.form.get("name", ""))
        except FieldError as exc:
            flash(exc.messages()["name"], "danger")
        else:
            flash(_("Category %(name)s added.", name=category.name), "success")
        return redirect(
            request.form.get("next") == "new" and url_for("FinanceEntryView.new") or url_for("FinanceEntryView.list")
        )


class ShipmentPaymentView(TenantBaseView):
    """Paid shipments: which issued shipments are paid; the Super Admin marks them (one income entry each)."""

    route_base = "/finance/payments"
    object_model = Shipment
    class_permission_name = "ShipmentPayment"
    module_code = MODULE
    default_view = "list"
    method_permission_name = {**METHOD_PERMISSIONS, "list": READ, "mark": WRITE, "unmark": WRITE, "invoice": READ}

    @expose("/")
    @has_access
    def list(self):
        query = services.PaymentFilter.from_args(request.args)
        rows = services.payment_rows(g.user.tenant_id, query)
        return self._page(query, rows, {})

    def _page(self, query, rows, errors, status=200):
        unpaid = sum(int(s.total_cost) for s, entry in rows if entry is None)
        paid = sum(int(entry.amount) for _s, entry in rows if entry is not None)
        return self.render_template(
            "finance/payments.html",
            query=query,
            rows=rows,
            paid_total=paid,
            unpaid_total=unpaid,
            errors=errors,
            today=services.wib_today().isoformat(),
            couriers=active_staff(g.user.tenant_id, COURIER_ROLE),
            methods={code: services.METHOD_LABELS[code] for code in METHODS},
            page_size=services.PAGE_SIZE,
            can_write=self.appbuilder.sm.has_access("can_write", "ShipmentPayment"),
        ), status

    @expose("/mark", methods=["POST"])
    @has_access
    def mark(self):
        try:
            with transaction():
                marked = services.mark_paid(
                    current_tenant(),
                    g.user,
                    request.form.getlist("shipment"),
                    paid_on=request.form.get("paid_on"),
                    method=request.form.get("method"),
                )
        except FieldError as exc:
            query = services.PaymentFilter.from_args(request.args)
            return self._page(query, services.payment_rows(g.user.tenant_id, query), exc.messages(), 422)
        flash(ngettext("%(num)d shipment marked as paid.", "%(num)d shipments marked as paid.", marked), "success")
        return redirect(url_for("ShipmentPaymentView.list", **request.args))

    @expose("/<int:pk>/unmark", methods=["POST"])
    @has_access
    def unmark(self, pk):
        shipment = get_or_404(Shipment, pk)
        with transaction():
            changed = services.unmark_paid(current_tenant(), g.user, shipment)
        if changed:
            flash(
                _("%(number)s is unpaid again; its income entry was removed.", number=shipment.tracking_number),
                "success",
            )
        return redirect(url_for("ShipmentPaymentView.list", **request.args))

    @expose("/<int:pk>/invoice.pdf")
    @has_access
    def invoice(self, pk):
        shipment = get_or_404(Shipment, pk, where=Shipment.tracking_number.is_not(None))
        settings = get_settings(shipment.tenant_id)
        pdf = render_pdf(
            "finance/invoice_pdf.html",
            shipment=shipment,
            settings=settings,
            payment=services.payment_of(shipment.id),
            method_labels=services.METHOD_LABELS,
            today=services.wib_today(),
        )
        response = make_response(pdf)
        response.headers["Content-Type"] = "application/pdf"
        response.headers["Content-Disposition"] = f'inline; filename="invoice-{shipment.tracking_number}.pdf"'
        return response


class ExpenseRequestView(TenantBaseView):
    """Expense requests: Admin and Kurir file them with a proof; a Kurir sees only its own."""

    route_base = "/finance/requests"
    object_model = ExpenseRequest
    class_permission_name = "ExpenseRequest"
    module_code = MODULE
    default_view = "list"
    method_permission_name = {**METHOD_PERMISSIONS, "list": READ, "new": WRITE, "show": READ, "proof": READ}

    def _visible_or_404(self, pk):
        return get_or_404(ExpenseRequest, pk, where=services.request_narrowing(g.user))

    @expose("/")
    @has_access
    def list(self):
        return self.render_template(
            "finance/requests.html",
            requests=services.list_requests(g.user),
            states=services.STATE_LABELS,
            can_write=self.appbuilder.sm.has_access("can_write", "ExpenseRequest"),
            **_choices(),
        )

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        if request.method == "GET":
            return self._form({"entry_date": services.wib_today().isoformat(), "method": "tunai"}, {})
        values = services.EntryInput.from_mapping(request.form)
        try:
            with transaction():
                services.submit_request(current_tenant(), g.user, values, _proof_from_request())
        except FieldError as exc:
            return self._form(values.__dict__, exc.messages(), 422)
        flash(_("Request sent for approval."), "success")
        return redirect(url_for("ExpenseRequestView.list"))

    def _form(self, values, errors, status=200):
        return self.render_template("finance/request_form.html", values=values, errors=errors, **_choices()), status

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        return self.render_template(
            "finance/request_show.html",
            item=self._visible_or_404(pk),
            states=services.STATE_LABELS,
            can_decide=self.appbuilder.sm.has_access("can_write", "ExpenseApproval"),
            **_choices(),
        )

    @expose("/<int:pk>/proof")
    @has_access
    def proof(self, pk):
        return _send_proof(self._visible_or_404(pk))


class ExpenseApprovalView(TenantBaseView):
    """The Super Admin's queue: approve (one cash-book expense) or reject with a reason."""

    route_base = "/finance/approvals"
    object_model = ExpenseRequest
    class_permission_name = "ExpenseApproval"
    module_code = MODULE
    default_view = "list"
    method_permission_name = {**METHOD_PERMISSIONS, "list": READ, "approve": WRITE, "reject": WRITE}

    @expose("/")
    @has_access
    def list(self):
        return self.render_template(
            "finance/approvals.html",
            requests=services.list_requests(g.user, status=PENDING),
            can_write=self.appbuilder.sm.has_access("can_write", "ExpenseApproval"),
            **_choices(),
        )

    @expose("/<int:pk>/approve", methods=["POST"])
    @has_access
    def approve(self, pk):
        item = get_or_404(ExpenseRequest, pk)
        try:
            with transaction():
                services.approve_request(current_tenant(), g.user, item)
        except FieldError as exc:
            flash(exc.messages()["status"], "warning")
        else:
            flash(_("Approved: the expense is in the cash book."), "success")
        return redirect(url_for("ExpenseApprovalView.list"))

    @expose("/<int:pk>/reject", methods=["POST"])
    @has_access
    def reject(self, pk):
        item = get_or_404(ExpenseRequest, pk)
        try:
            with transaction():
                services.reject_request(current_tenant(), g.user, item, request.form.get("reason", ""))
        except FieldError as exc:
            flash(next(iter(exc.messages().values())), "danger")
        else:
            flash(_("Request rejected; the requester is notified."), "success")
        return redirect(url_for("ExpenseApprovalView.list"))
