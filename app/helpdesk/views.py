"""Ticket pages: the tenant's "Bantuan" and the vendor's helpdesk. Thin: rules live in services."""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import storage, uploads
from app.core.access import EDIT, METHOD_PERMISSIONS, READ, VENDOR_METHOD_PERMISSIONS, WRITE, special_action
from app.core.ids import db_integer_id
from app.core.names import ASSIGN, TICKET, VENDOR_TICKET
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import TenantBaseView, VendorBaseView
from app.helpdesk import queries, services
from app.helpdesk.attachments import key_of
from app.helpdesk.client_context import client_context
from app.helpdesk.forms import AssignForm, NewTicketForm, NoteForm, ReplyForm, StatusForm
from app.helpdesk.models import CATEGORIES, PRIORITIES, STATUSES, Ticket, TicketAttachment
from app.helpdesk.sla import clocks_for, state_label
from app.notifications.services import deliver_mails

LABELS = {"categories": CATEGORIES, "priorities": PRIORITIES, "statuses": STATUSES}


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    sign = "-" if seconds < 0 else ""
    minutes = abs(int(seconds)) // 60
    return f"{sign}{minutes // 60}j {minutes % 60:02d}m"


def _send_attachment(attachment_id: int, *, include_internal: bool):
    attachment = get_or_404(TicketAttachment, attachment_id)
    ticket = get_or_404(Ticket, attachment.ticket_id)
    if attachment not in services.attachments(ticket, include_internal=include_internal):
        abort(404)
    response = storage.send(key_of(attachment.stored_name), attachment.filename, attachment.content_type)
    return uploads.harden(response, attachment.content_type)


def _mail(mails) -> None:
    deliver_mails(mails, tenant_id=g.user.tenant_id, user_id=g.user.id)  # sent once the transaction commits


def _flash_errors(error: FieldError) -> None:
    for message in error.errors.values():
        flash(message, "danger")


def _flash_form_errors(form) -> None:
    for field, messages in form.errors.items():
        for message in messages:
            flash(f"{getattr(form, field).label.text if hasattr(form, field) else field}: {message}", "danger")


class TenantTicketView(TenantBaseView):
    """Bantuan: file a ticket, follow the public conversation, reply."""

    route_base = "/bantuan"
    class_permission_name = TICKET
    object_model = Ticket  # what <pk> names, for the isolation and permission sweeps
    default_view = "tickets"
    method_permission_name = {
        **METHOD_PERMISSIONS,
        "tickets": READ,
        "new": WRITE,
        "detail": READ,
        "reply": WRITE,
        "attachment": READ,
    }

    @expose("/tickets/")
    @has_access
    def tickets(self):
        page = queries.tenant_tickets(page=request.args.get("page", 1, type=int) or 1)
        return self.render_template("helpdesk/tenant_list.html", page=page, **LABELS)

    @expose("/tickets/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        form = NewTicketForm()
        status = 200
        if request.method == "POST" and form.validate_on_submit():
            try:
                with transaction():
                    ticket, mails = services.file_ticket(
                        g.user.tenant,
                        g.user,
                        title=form.title.data,
                        description=form.description.data,
                        category=form.category.data,
                        priority=form.priority.data,
                        files=request.files.getlist("attachments"),
                    )
                    _mail(mails)
            except FieldError as error:
                _flash_errors(error)
                status = 400
            else:
                flash(
                    _("Ticket %(number)s has been filed. We will get back to you soon.", number=ticket.number),
                    "success",
                )
                return redirect(url_for(".detail", pk=ticket.id))
        elif request.method == "POST":
            _flash_form_errors(form)
            status = 400
        return self.render_template("helpdesk/tenant_new.html", form=form), status

    @expose("/tickets/<int:pk>")
    @has_access
    def detail(self, pk):
        ticket = get_or_404(Ticket, pk)
        return self.render_template(
            "helpdesk/tenant_detail.html",
            ticket=ticket,
            form=ReplyForm(),
            timeline=services.timeline(ticket, include_internal=False),
            attachments=services.attachments(ticket, include_internal=False),
            **LABELS,
        )

    @expose("/tickets/<int:pk>/reply", methods=["POST"])
    @has_access
    def reply(self, pk):
        ticket = get_or_404(Ticket, pk)
        form = ReplyForm()
        if form.validate_on_submit():
            try:
                with transaction():
                    _mail(
                        services.client_reply(
                            ticket,
                            g.user,
                            form.body.data,
                            request.files.getlist("attachments"),
                            reopen=form.reopen.data,
                        )
                    )
            except FieldError as error:
                _flash_errors(error)
            else:
                flash(_("Your reply has been sent."), "success")
        return redirect(url_for(".detail", pk=pk))

    @expose("/attachments/<int:pk>")
    @has_access
    def attachment(self, pk):
        return _send_attachment(pk, include_internal=False)


class VendorTicketView(VendorBaseView):
    """The vendor's ticket list and detail page with its actions."""

    route_base = "/vendor/tickets"
    class_permission_name = VENDOR_TICKET
    object_model = Ticket
    default_view = "tickets"
    method_permission_name = {
        **VENDOR_METHOD_PERMISSIONS,
        "tickets": READ,
        "detail": READ,
        "attachment": READ,
        "reply": EDIT,
        "note": EDIT,
        "status": EDIT,
        "assign": special_action(VENDOR_TICKET, ASSIGN),
    }

    @expose("/")
    @has_access
    def tickets(self):
        filters = queries.TicketFilters.from_args(request.args)
        page = queries.search(filters)
        return self.render_template(
            "helpdesk/vendor_list.html",
            page=page,
            filters=filters,
            agents=services.vendor_agents(),
            state_label=state_label,
            **LABELS,
        )

    @expose("/<int:pk>")
    @has_access
    def detail(self, pk):
        ticket = get_or_404(Ticket, pk)
        assign_form = AssignForm(assignee=str(ticket.assignee_id or ""))
        assign_form.assignee.choices = [("", _("Nobody"))] + [
            (str(u.id), u.get_full_name()) for u in services.vendor_agents()
        ]
        return self.render_template(
            "helpdesk/vendor_detail.html",
            ticket=ticket,
            clocks=clocks_for([ticket])[ticket.id],
            timeline=services.timeline(ticket, include_internal=True),
            attachments=services.attachments(ticket, include_internal=True),
            context=client_context(ticket.tenant),
            reply_form=ReplyForm(),
            note_form=NoteForm(),
            status_form=StatusForm(status=ticket.status, priority=ticket.priority),
            assign_form=assign_form,
            duration=duration,
            state_label=state_label,
            **LABELS,
        )

    def _act(self, pk, form, action, done_message):
        ticket = get_or_404(Ticket, pk)
        if form.validate_on_submit():
            try:
                with transaction():
                    _mail(action(ticket) or [])
            except FieldError as error:
                _flash_errors(error)
            else:
                flash(done_message, "success")
        else:
            _flash_form_errors(form)
        return redirect(url_for(".detail", pk=pk))

    @expose("/<int:pk>/reply", methods=["POST"])
    @has_access
    def reply(self, pk):
        form = ReplyForm()
        return self._act(
            pk,
            form,
            lambda t: services.vendor_reply(t, g.user, form.body.data, request.files.getlist("attachments")),
            _("Reply sent to the client."),
        )

    @expose("/<int:pk>/note", methods=["POST"])
    @has_access
    def note(self, pk):
        form = NoteForm()
        return self._act(
            pk,
            form,
            lambda t: services.add_note(t, g.user, form.body.data, request.files.getlist("attachments")),
            _("Internal note added."),
        )

    @expose("/<int:pk>/status", methods=["POST"])
    @has_access
    def status(self, pk):
        form = StatusForm()

        def change(ticket):
            services.set_priority(ticket, g.user, form.priority.data or ticket.priority)
            return services.set_status(ticket, g.user, form.status.data)

        return self._act(pk, form, change, _("Ticket updated."))

    @expose("/<int:pk>/assign", methods=["POST"])
    @has_access
    def assign(self, pk):
        form = AssignForm()
        agent = form.assignee.data
        agent_id = db_integer_id(agent)
        if agent and agent_id is None:
            flash(_("Choose an active vendor staff member."), "danger")
            return redirect(url_for(".detail", pk=pk))
        return self._act(pk, form, lambda t: services.assign(t, agent_id, g.user), _("Ticket assigned."))

    @expose("/attachments/<int:pk>")
    @has_access
    def attachment(self, pk):
        return _send_attachment(pk, include_internal=True)


TICKET_MENU = _l("Help")
