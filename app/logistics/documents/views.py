"""Label printing: preview and PDF of one shipment, bulk printing of a selection or a whole filtered list
(a job), and the tenant's default label design and size. Printing needs read access to shipments."""

from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
from flask import flash, g, make_response, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.core.access import METHOD_PERMISSIONS, READ, WRITE
from app.core.formatting import jakarta_today
from app.core.names import CAN_READ, SHIPMENT, SHIPMENT_PAYMENT, TENANT_SETTINGS
from app.core.svgchart import hbar_chart
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import TenantBaseView
from app.extensions import db
from app.jobs.models import JobRun
from app.jobs.queue import enqueue
from app.logistics.documents import jobs, labels, reports, services
from app.logistics.settings.services import get_settings
from app.logistics.shipments.listing import ListQuery, filtered
from app.logistics.shipments.models import Shipment
from app.logistics.shipments.views import _visible
from app.logistics.tracking.services import tracking_root
from app.logistics.web import current_tenant


class LabelView(TenantBaseView):
    route_base = "/labels"
    object_model = Shipment  # what <pk> names
    object_models = {"progress": JobRun}
    class_permission_name = SHIPMENT
    module_code = "shipments"
    default_view = "preview"
    method_permission_name = {
        **METHOD_PERMISSIONS,
        "preview": READ,
        "pdf": READ,
        "bulk": READ,
        "export": READ,
        "progress": READ,
    }

    def _choice(self):
        try:
            return services.default_choice(g.user.tenant_id, request.values.get("template"), request.values.get("size"))
        except FieldError as exc:
            return exc

    @expose("/<int:pk>")
    @has_access
    def preview(self, pk):
        shipment = self._printable(pk)
        if not isinstance(shipment, Shipment):
            return shipment
        choice = self._choice()
        errors = choice.messages() if isinstance(choice, FieldError) else {}
        if errors:
            choice = services.default_choice(g.user.tenant_id)
        return self.render_template(
            "logistics/labels/preview.html",
            shipment=shipment,
            choice=choice,
            errors=errors,
            templates=labels.TEMPLATES,
            sizes=labels.SIZES,
        ), (422 if errors else 200)

    @expose("/<int:pk>/pdf")
    @has_access
    def pdf(self, pk):
        shipment = self._printable(pk)
        if not isinstance(shipment, Shipment):
            return shipment
        choice = self._choice()
        if isinstance(choice, FieldError):
            return {"message": choice.as_json()}, 422
        content = services.label_pdf(current_tenant(), [shipment], choice, tracking_root(g.user.tenant.slug))
        response = make_response(content)
        response.headers["Content-Type"] = "application/pdf"
        response.headers["Content-Disposition"] = f'inline; filename="label-{shipment.tracking_number}.pdf"'
        return response

    def _printable(self, pk):
        shipment = _visible(pk)
        if shipment.is_draft:
            flash(_("A draft has no tracking number yet: save it first."), "warning")
            return redirect(url_for("ShipmentView.edit", pk=pk))
        return shipment

    @expose("/bulk", methods=["POST"])
    @has_access
    def bulk(self):
        """Selected ids (`ids`), or with `all=1` every shipment the list's filter (its query arguments) matches."""
        choice = self._choice()
        query = ListQuery.from_args(MultiDict(parse_qsl(request.form.get("list_args", ""))))
        back = url_for("ShipmentView.list", **query.args())
        try:
            if isinstance(choice, FieldError):
                raise choice
            if request.form.get("all") == "1":
                stmt = filtered(query, g.user).with_only_columns(Shipment.id)
                ids = list(db.session.execute(stmt.order_by(Shipment.created_at.desc(), Shipment.id.desc())).scalars())
            else:
                ids = [int(pk) for pk in request.form.getlist("ids") if pk.isdigit()]
            rows = services.printable(g.user, ids)
            if not rows:
                raise FieldError("ids", _("Select at least one shipment with a tracking number."))
        except FieldError as exc:
            flash(str(exc.message), "danger")
            return redirect(back)
        with transaction():
            run = enqueue(
                jobs.print_labels,
                tenant_id=g.user.tenant_id,
                user_id=g.user.id,
                ids=[row.id for row in rows],
                template=choice.template,
                size=choice.size,
                root=tracking_root(g.user.tenant.slug),
            )
        return redirect(url_for("LabelView.progress", run_id=run.id, back=back))

    @expose("/export", methods=["POST"])
    @has_access
    def export(self):
        """Every shipment the list's filter (its query arguments, `list_args`) matches, as an Excel file."""
        query = ListQuery.from_args(MultiDict(parse_qsl(request.form.get("list_args", ""))))
        with transaction():
            run = enqueue(
                jobs.export_shipments,
                tenant_id=g.user.tenant_id,
                user_id=g.user.id,
                list_args=urlencode(query.args()),
            )
        back = url_for("ShipmentView.list", **query.args())
        return redirect(url_for("LabelView.progress", run_id=run.id, back=back, kind="export"))

    @expose("/job/<run_id>")
    @has_access
    def progress(self, run_id):
        run = db.session.execute(
            sa.select(JobRun).where(JobRun.id == run_id, JobRun.user_id == g.user.id)
        ).scalar_one_or_none()
        if run is None:
            return self.render_template("logistics/labels/progress.html", run=None, back=None), 404
        back = request.args.get("back", "")
        return self.render_template(
            "logistics/labels/progress.html",
            run=run,
            export=request.args.get("kind") == "export",
            back=back if back.startswith(("/shipments", "/reports", "/customers")) else url_for("ShipmentView.list"),
        )


class LabelSettingsView(TenantBaseView):
    """The tenant's default label design and size (on the company settings page)."""

    route_base = "/settings/labels"
    class_permission_name = TENANT_SETTINGS
    default_view = "save"
    method_permission_name = {**METHOD_PERMISSIONS, "save": WRITE}

    @expose("/", methods=["POST"])
    @has_access
    def save(self):
        try:
            with transaction():
                services.save_defaults(
                    get_settings(g.user.tenant_id), request.form.get("label_template"), request.form.get("label_size")
                )
        except FieldError as exc:
            for message in exc.messages().values():
                flash(message, "danger")
            return redirect(url_for("TenantSettingsView.show"))
        flash(_("Label settings saved."), "success")
        return redirect(url_for("TenantSettingsView.show"))


class ReportView(TenantBaseView):
    """Menu "Reports": daily, weekly, monthly figures by courier, type or marketing, and the courier
    performance; each with an Excel export of what the page shows."""

    route_base = "/reports"
    class_permission_name = SHIPMENT  # read access to shipments; the list's row rules apply
    module_code = "shipments"
    default_view = "show"
    method_permission_name = {**METHOD_PERMISSIONS, "show": READ, "couriers": READ, "export": READ}

    def _parsed(self, values, view: str = reports.SUMMARY):
        period = values.get("period") or reports.DEFAULT_PERIODS[view]
        return reports.parse(period, values.get("date"), values.get("group"), jakarta_today())

    def _with_collected(self) -> bool:
        """Fees collected are finance's figures: shown to whoever may see the paid shipments."""
        return self.appbuilder.sm.has_access(CAN_READ, SHIPMENT_PAYMENT)

    @expose("/")
    @has_access
    def show(self):
        return self._page(reports.SUMMARY)

    @expose("/couriers")
    @has_access
    def couriers(self):
        return self._page(reports.COURIERS)

    def _page(self, view: str):
        errors = {}
        try:
            period, anchor, group = self._parsed(request.args, view)
        except FieldError as exc:
            errors = exc.messages()
            period, anchor, group = self._parsed({}, view)
        report = reports.build(g.user, period, anchor, group, view=view, with_collected=self._with_collected())
        links = [url_for("ShipmentView.list", **row.list_args) if row.list_args else None for row in report.rows]
        chart = hbar_chart(
            [(row.label, row.shipments) for row in report.rows], _("Shipments"), css="report-chart", links=links
        )
        return self.render_template(
            "logistics/reports.html",
            view=view,
            report=report,
            anchor=anchor,
            links=links,
            chart=chart,
            errors=errors,
            periods=reports.PERIODS,
            groups=reports.GROUPS,
        ), (422 if errors else 200)

    @expose("/export", methods=["POST"])
    @has_access
    def export(self):
        view = reports.COURIERS if request.form.get("view") == reports.COURIERS else reports.SUMMARY
        page = "ReportView.couriers" if view == reports.COURIERS else "ReportView.show"
        try:
            period, anchor, group = self._parsed(request.form, view)
        except FieldError as exc:
            for message in exc.messages().values():
                flash(message, "danger")
            return redirect(url_for(page))
        with transaction():
            run = enqueue(
                jobs.export_report,
                tenant_id=g.user.tenant_id,
                user_id=g.user.id,
                period=period,
                day=anchor.isoformat(),
                group=group,
                view=view,
                with_collected=self._with_collected(),
            )
        back = url_for(page, period=period, date=anchor.isoformat(), group=group)
        return redirect(url_for("LabelView.progress", run_id=run.id, back=back, kind="export"))
