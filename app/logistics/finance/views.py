"""Finance screens (menu "Keuangan"): cash book, paid shipments, expense requests, the approval queue.
Thin: rules live in services; one transaction per writing request (app/core/transaction.py)."""

from flask import flash, g, make_response, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import ngettext

from app.core import storage, uploads
from app.core.access import METHOD_PERMISSIONS, READ, WRITE
from app.core.names import (
    CAN_WRITE,
    CASH_BOOK,
    EXPENSE_APPROVAL,
    EXPENSE_REQUEST,
    FINANCE_REPORT,
    RECEIVABLE,
    SHIPMENT_PAYMENT,
)
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import TenantBaseView
from app.logistics.customers import services as customers
from app.logistics.finance import exports, receivables, reports, services
from app.logistics.finance.fields import parse_date
from app.logistics.finance.models import METHODS, PENDING, ExpenseRequest, FinanceEntry, Receivable
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
    class_permission_name = CASH_BOOK
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
            can_write=self.appbuilder.sm.has_access(CAN_WRITE, CASH_BOOK),
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
    class_permission_name = SHIPMENT_PAYMENT
    module_code = MODULE
    default_view = "list"
    method_permission_name = {
        **METHOD_PERMISSIONS,
        "list": READ,
        "mark": WRITE,
        "unmark": WRITE,
        "invoice": READ,
        "customer_invoice": READ,
    }

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
            customer=customers.visible_customer(g.user, query.customer_id) if query.customer_id else None,
            methods={code: services.METHOD_LABELS[code] for code in METHODS},
            page_size=services.PAGE_SIZE,
            can_write=self.appbuilder.sm.has_access(CAN_WRITE, SHIPMENT_PAYMENT),
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
        return _invoice_pdf([shipment], f"INV-{shipment.tracking_number}", services.payment_of(shipment.id))

    @expose("/invoice.pdf")
    @has_access
    def customer_invoice(self):
        """One invoice for a customer's unpaid shipments in a period (the list's filter names both)."""
        query = services.PaymentFilter.from_args(request.args)
        try:
            shipments = services.unpaid_to_invoice(g.user.tenant_id, query)
        except FieldError as exc:
            flash(str(exc), "warning")
            return redirect(url_for("ShipmentPaymentView.list", **query.args()))
        today = services.wib_today()
        return _invoice_pdf(shipments, f"INV-{today:%Y%m%d}-{shipments[0].id}-{len(shipments)}", None)


def _invoice_pdf(shipments, number: str, payment):
    first = shipments[0]
    pdf = render_pdf(
        "finance/invoice_pdf.html",
        shipments=shipments,
        bill_to=first,
        number=number,
        total=sum(int(s.total_cost) for s in shipments),
        settings=get_settings(first.tenant_id),
        payment=payment,
        method_labels=services.METHOD_LABELS,
        today=services.wib_today(),
    )
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


class ExpenseRequestView(TenantBaseView):
    """Expense requests: Admin and Kurir file them with a proof; a Kurir sees only its own."""

    route_base = "/finance/requests"
    object_model = ExpenseRequest
    class_permission_name = EXPENSE_REQUEST
    module_code = MODULE
    default_view = "list"
    method_permission_name = {**METHOD_PERMISSIONS, "list": READ, "new": WRITE, "show": READ, "proof": READ}

    def _visible_item(self, pk):
        return get_or_404(ExpenseRequest, pk, where=services.request_narrowing(g.user))

    @expose("/")
    @has_access
    def list(self):
        return self.render_template(
            "finance/requests.html",
            requests=services.list_requests(g.user),
            states=services.STATE_LABELS,
            can_write=self.appbuilder.sm.has_access(CAN_WRITE, EXPENSE_REQUEST),
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
            item=self._visible_item(pk),
            states=services.STATE_LABELS,
            can_decide=self.appbuilder.sm.has_access(CAN_WRITE, EXPENSE_APPROVAL),
            **_choices(),
        )

    @expose("/<int:pk>/proof")
    @has_access
    def proof(self, pk):
        return _send_proof(self._visible_item(pk))


class ExpenseApprovalView(TenantBaseView):
    """The Super Admin's queue: approve (one cash-book expense) or reject with a reason."""

    route_base = "/finance/approvals"
    object_model = ExpenseRequest
    class_permission_name = EXPENSE_APPROVAL
    module_code = MODULE
    default_view = "list"
    method_permission_name = {**METHOD_PERMISSIONS, "list": READ, "approve": WRITE, "reject": WRITE}

    @expose("/")
    @has_access
    def list(self):
        return self.render_template(
            "finance/approvals.html",
            requests=services.list_requests(g.user, status=PENDING),
            can_write=self.appbuilder.sm.has_access(CAN_WRITE, EXPENSE_APPROVAL),
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


class ReceivableView(TenantBaseView):
    """Tagihan & Piutang: debts of customers and employees, partial payments, derived status, reminders."""

    route_base = "/finance/receivables"
    object_model = Receivable
    class_permission_name = RECEIVABLE
    module_code = MODULE
    default_view = "list"
    method_permission_name = {
        **METHOD_PERMISSIONS,
        "list": READ,
        "new": WRITE,
        "show": READ,
        "pay": WRITE,
        "reminders": WRITE,
    }

    @expose("/")
    @has_access
    def list(self):
        status = request.args.get("status", "")
        status = status if status in receivables.RECEIVABLE_STATUS_LABELS else ""
        rows = receivables.receivable_rows(g.user.tenant_id, services.wib_today(), status=status)
        settings = receivables.finance_settings(g.user.tenant_id)
        return self._list(rows, status, settings, {})

    def _list(self, rows, status, settings, errors, code=200):
        return self.render_template(
            "finance/receivables.html",
            rows=rows,
            status=status,
            statuses=receivables.RECEIVABLE_STATUS_LABELS,
            debtors=receivables.DEBTOR_LABELS,
            aging=receivables.aging(rows),
            totals=dict(
                amount=sum(int(r.receivable.amount) for r in rows),
                paid=sum(r.paid for r in rows),
                left=sum(r.left for r in rows),
            ),
            settings=settings,
            errors=errors,
            can_write=self.appbuilder.sm.has_access(CAN_WRITE, RECEIVABLE),
        ), code

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        if request.method == "GET":
            today = services.wib_today()
            values = {"debtor_kind": "customer", "issued_on": today.isoformat(), "due_on": today.isoformat()}
            return self._form(values, {})
        values = receivables.ReceivableInput.from_mapping(request.form)
        try:
            with transaction():
                receivable = receivables.create_receivable(current_tenant(), g.user, values)
        except FieldError as exc:
            return self._form(values.__dict__, exc.messages(), 422)
        flash(_("Debt recorded."), "success")
        return redirect(url_for("ReceivableView.show", pk=receivable.id))

    def _form(self, values, errors, code=200):
        return self.render_template(
            "finance/receivable_form.html", values=values, errors=errors, debtors=receivables.DEBTOR_LABELS
        ), code

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        return self._show(get_or_404(Receivable, pk), {})

    def _show(self, receivable, errors, code=200):
        today = services.wib_today()
        company = get_settings(receivable.tenant_id).company_name or current_tenant().name
        return self.render_template(
            "finance/receivable_show.html",
            item=receivable,
            paid=receivables.paid_amount(receivable),
            left=receivables.remaining(receivable),
            status=receivables.receivable_status(receivable, today),
            statuses=receivables.RECEIVABLE_STATUS_LABELS,
            debtors=receivables.DEBTOR_LABELS,
            methods={code: services.METHOD_LABELS[code] for code in METHODS},
            whatsapp=receivables.whatsapp_link(receivable, company),
            errors=errors,
            today=today.isoformat(),
            can_write=self.appbuilder.sm.has_access(CAN_WRITE, RECEIVABLE),
        ), code

    @expose("/<int:pk>/pay", methods=["POST"])
    @has_access
    def pay(self, pk):
        receivable = get_or_404(Receivable, pk)
        try:
            with transaction():
                receivables.add_receivable_payment(
                    current_tenant(),
                    g.user,
                    receivable,
                    amount=request.form.get("amount"),
                    paid_on=request.form.get("paid_on"),
                    method=request.form.get("method"),
                )
        except FieldError as exc:
            return self._show(get_or_404(Receivable, pk), exc.messages(), 422)
        flash(_("Payment recorded."), "success")
        return redirect(url_for("ReceivableView.show", pk=pk))

    @expose("/reminders", methods=["POST"])
    @has_access
    def reminders(self):
        try:
            with transaction():
                receivables.save_reminder_settings(
                    current_tenant(),
                    g.user,
                    reminders_on=request.form.get("reminders_on") == "1",
                    days_before=request.form.get("remind_days_before"),
                )
        except FieldError as exc:
            settings = receivables.finance_settings(g.user.tenant_id)
            rows = receivables.receivable_rows(g.user.tenant_id, services.wib_today())
            return self._list(rows, "", settings, exc.messages(), 422)
        flash(_("Reminder settings saved."), "success")
        return redirect(url_for("ReceivableView.list"))


class FinanceReportView(TenantBaseView):
    """Laporan Keuangan: income and expense per day or month, cash-flow charts, opening and closing
    balance, unpaid receivables oldest first with their age buckets; exported to Excel or PDF by a job."""

    route_base = "/finance/report"
    class_permission_name = FINANCE_REPORT
    module_code = MODULE
    default_view = "show"
    # Exporting reads: whoever sees the report may take it away, as Excel or as PDF. Both come with the
    # module, which is in the Pro and Business plans; a Free tenant has no finance at all (the module's 403).
    method_permission_name = {**METHOD_PERMISSIONS, "show": READ, "export": READ}

    @staticmethod
    def _period(values) -> tuple:
        """(date_from, date_to, group) of a form or query string, checked as the report checks them."""
        group = values.get("group") if values.get("group") in reports.GROUPS else "day"
        date_from = parse_date(values.get("date_from"), "date_from")
        date_to = parse_date(values.get("date_to"), "date_to")
        reports.check_period(date_from, date_to)
        return date_from, date_to, group

    @expose("/")
    @has_access
    def show(self):
        from datetime import timedelta

        from app.core.svgchart import bar_chart

        today = services.wib_today()
        values = {
            "date_from": request.args.get("date_from") or (today - timedelta(days=29)).isoformat(),
            "date_to": request.args.get("date_to") or today.isoformat(),
            "group": request.args.get("group") if request.args.get("group") in reports.GROUPS else "day",
        }
        report, charts, errors = None, {}, {}
        try:
            report = reports.cash_report(g.user.tenant_id, *self._period(values))
        except FieldError as exc:
            errors = exc.messages()
        if report is not None:
            fmt = "%d/%m" if report.group == "day" else "%m/%Y"
            charts = {
                "income": bar_chart([(r.period, r.income) for r in report.rows], _("Cash in"), fmt, css="cash-in"),
                "expense": bar_chart([(r.period, r.expense) for r in report.rows], _("Cash out"), fmt, css="cash-out"),
            }
        owed = receivables.owed_rows(g.user.tenant_id, today)
        return self.render_template(
            "finance/report.html",
            values=values,
            report=report,
            charts=charts,
            errors=errors,
            aging=receivables.aging(owed),
            open_receivables=owed,
            formats=exports.FORMAT_LABELS,
            job=request.args.get("job", ""),
            job_format=request.args.get("format") if request.args.get("format") in exports.FORMATS else exports.XLSX,
        )

    @expose("/export", methods=["POST"])
    @has_access
    def export(self):
        from app.jobs.queue import enqueue
        from app.logistics.finance.jobs import export_report

        file_format = request.form.get("format") if request.form.get("format") in exports.FORMATS else exports.XLSX
        try:
            date_from, date_to, group = self._period(request.form)
        except FieldError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("FinanceReportView.show"))
        args = dict(date_from=date_from.isoformat(), date_to=date_to.isoformat(), group=group)
        with transaction():  # the job reaches the queue after this commit
            run = enqueue(export_report, tenant_id=g.user.tenant_id, user_id=g.user.id, file_format=file_format, **args)
        return redirect(url_for("FinanceReportView.show", job=run.id, format=file_format, **args))
