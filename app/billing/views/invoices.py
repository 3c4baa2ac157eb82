"""Invoice screens: list with derived status, manual creation, detail with payments, PDF and e-mail,
cancellation by credit note. There is deliberately no edit screen: an issued invoice never changes."""

from decimal import Decimal

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.billing import invoices as service
from app.billing.credit_notes import issue_credit_note
from app.billing.invoice_rules import STATUS_LABELS, TaxRule
from app.billing.jobs import credit_note_pdf as credit_note_pdf_job
from app.billing.jobs import invoice_pdf, send_invoice
from app.billing.listing import page_number, paginate, sorted_by
from app.billing.models import PAYMENT_METHODS, Invoice
from app.billing.terbilang import rupiah_in_words
from app.billing.views.common import BillingPage, parse_date
from app.core.access import CREATE, EDIT, READ, VENDOR_METHOD_PERMISSIONS, special_action
from app.core.ids import db_integer_id
from app.core.names import INVOICE, SEND
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.extensions import db
from app.jobs.models import JobRun
from app.jobs.queue import enqueue, recover
from app.tenancy.services import client_choices

SORTS = {
    "issued": Invoice.issue_date,
    "due": Invoice.due_date,
    "total": Invoice.total,
    "number": Invoice.number,
    "client": Invoice.bill_to_name,
}


def invoice_rows(args, today):
    statement = sa.select(Invoice)
    q = (args.get("q") or "").strip()
    if q:
        statement = statement.where(sa.or_(Invoice.number.ilike(f"%{q}%"), Invoice.bill_to_name.ilike(f"%{q}%")))
    if args.get("status") in STATUS_LABELS:
        statement = statement.where(service.status_condition(args["status"], today))
    if due_from := parse_date(args.get("due_from")):
        statement = statement.where(Invoice.due_date >= due_from)
    if due_to := parse_date(args.get("due_to")):
        statement = statement.where(Invoice.due_date <= due_to)
    if (client := args.get("client", "")).isdigit():
        client_id = db_integer_id(client)  # "²" and 10**20 are digits no client's id can be: nothing matches
        statement = statement.where(Invoice.tenant_id == client_id if client_id else sa.false())
    statement, sort = sorted_by(statement, SORTS, args.get("sort"), "-issued")
    return paginate(statement, page_number(args.get("page"))), sort


def draft_from_form(form) -> service.InvoiceDraft:
    lines = []
    rows = zip(form.getlist("description"), form.getlist("quantity"), form.getlist("unit_price"), strict=False)
    for n, (description, quantity, price) in enumerate(rows, start=1):
        if not (description.strip() or quantity.strip() or price.strip()):
            continue
        try:
            qty = int(quantity.strip())
        except ValueError:
            raise FieldError(
                "lines", _("Line %(n)s: quantity must be a whole number greater than zero.", n=n)
            ) from None
        lines.append((description, qty, service.parse_amount(price, _("Unit price"))))
    tenant_id = form.get("tenant_id", "")
    return service.InvoiceDraft(
        tenant_id=db_integer_id(tenant_id),
        lines=lines,
        due_date=parse_date(form.get("due_date")),
        issue_date=parse_date(form.get("issue_date")),
        discount=service.parse_amount(form.get("discount"), _("Discount")),
        notes=form.get("notes", ""),
        tax_rule=_tax_rule(form),
    )


def _tax_rule(form) -> TaxRule:
    rate = (form.get("tax_rate") or "12").strip().replace(",", ".")
    base = (form.get("tax_base") or "11/12").strip()
    numerator, _sep, denominator = base.partition("/")
    try:
        return TaxRule(rate=Decimal(rate) / 100, base_numerator=int(numerator), base_denominator=int(denominator or 1))
    except (ArithmeticError, ValueError) as exc:
        raise FieldError(
            "tax_rate", str(exc) if isinstance(exc, FieldError) else _("Enter the tax as e.g. 12 and 11/12.")
        ) from None


class InvoiceView(BillingPage):
    route_base = "/billing/invoices"
    class_permission_name = INVOICE
    object_model = Invoice  # what <pk> names, for the isolation sweep
    method_permission_name = {
        **VENDOR_METHOD_PERMISSIONS,
        "index": READ,
        "detail": READ,
        "create": CREATE,
        "pdf": READ,
        "send": special_action(INVOICE, SEND),
        "email_state": READ,
        "credit": EDIT,
        "credit_note_pdf": READ,
    }

    @expose("/")
    @has_access
    def index(self):
        page, sort = invoice_rows(request.args, self.today())
        return self.render("billing/invoice_list.html", page=page, sort=sort, args=request.args, statuses=STATUS_LABELS)

    @expose("/<int:pk>")
    @has_access
    def detail(self, pk):
        invoice = get_or_404(Invoice, pk)
        return self.render(
            "billing/invoice_detail.html",
            invoice=invoice,
            statuses=STATUS_LABELS,
            status=invoice.status_on(self.today()),
            words=rupiah_in_words(int(invoice.total)),
            methods=PAYMENT_METHODS,
            pdf_job=request.args.get("pdf_job"),
        )

    def _form(self, form=None, error=None, status=200):
        clients = client_choices(limit=500)
        return self.render("billing/invoice_form.html", form=form or {}, clients=clients, error=error), status

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def create(self):
        if request.method == "GET":
            return self._form({"tenant_id": request.args.get("client", "")})
        try:
            with transaction():
                invoice = service.create_invoice(
                    draft_from_form(request.form), today=self.today(), actor_id=self.actor_id()
                )
        except FieldError as exc:
            return self._form(request.form, error=exc, status=400)
        flash(_("Invoice %(number)s created.", number=invoice.number), "success")
        return redirect(url_for("InvoiceView.detail", pk=invoice.id))

    @expose("/<int:pk>/pdf", methods=["POST"])
    @has_access
    def pdf(self, pk):
        with transaction():
            invoice = get_or_404(Invoice, pk)
            run = enqueue(invoice_pdf, tenant_id=None, user_id=self.actor_id(), invoice_id=invoice.id)
        return redirect(url_for("InvoiceView.detail", pk=pk, pdf_job=run.id))

    @expose("/<int:pk>/credit-note", methods=["POST"])
    @has_access
    def credit(self, pk):
        get_or_404(Invoice, pk)
        try:
            with transaction():
                credit_note = issue_credit_note(
                    pk, reason=request.form.get("reason", ""), today=self.today(), actor_id=self.actor_id()
                )
            flash(_("Credit note %(number)s issued; the invoice is cancelled.", number=credit_note.number), "success")
        except FieldError as exc:
            self.fail(exc)
        return redirect(url_for("InvoiceView.detail", pk=pk) + "#credit-note")

    @expose("/<int:pk>/credit-note/pdf", methods=["POST"])
    @has_access
    def credit_note_pdf(self, pk):
        with transaction():
            invoice = get_or_404(Invoice, pk)
            if not invoice.cancelled:
                abort(404)
            run = enqueue(
                credit_note_pdf_job, tenant_id=None, user_id=self.actor_id(), credit_note_id=invoice.credit_note.id
            )
        return redirect(url_for("InvoiceView.detail", pk=pk, pdf_job=run.id))

    @expose("/<int:pk>/send", methods=["POST"])
    @has_access
    def send(self, pk):
        with transaction():
            invoice = get_or_404(Invoice, pk)
            if invoice.cancelled:
                flash(_("A cancelled invoice is not sent; it is no longer payable."), "danger")
                return redirect(url_for("InvoiceView.detail", pk=pk))
            reminder = service.is_reminder(invoice)
            if not service.claim_email_send(invoice):
                flash(_("This invoice is being sent or was sent a moment ago."), "info")
                return redirect(url_for("InvoiceView.detail", pk=pk))
            run = enqueue(
                send_invoice, tenant_id=None, user_id=self.actor_id(), invoice_id=invoice.id, reminder=reminder
            )
            service.remember_email_job(pk, run.id)
        flash(_("The invoice e-mail is queued."), "success")
        return redirect(url_for("InvoiceView.detail", pk=pk))

    @expose("/<int:pk>/email-state")
    @has_access
    def email_state(self, pk):
        invoice = get_or_404(Invoice, pk)
        job = db.session.get(JobRun, invoice.email_job_id) if invoice.email_job_id else None
        if job is not None and job.state == "running" and recover([job.id]):  # its worker was killed
            db.session.expire_all()
            invoice = get_or_404(Invoice, pk)
            job = db.session.get(JobRun, invoice.email_job_id)
        return jsonify(
            state=invoice.email_state,
            at=invoice.email_state_at.isoformat() if invoice.email_state_at else None,
            error=job.message if job is not None and job.state == "failed" else None,
        )
