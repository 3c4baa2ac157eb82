"""Menu "Pegawai" (employees: Kurir, Marketing, Admin) and menu "Pengguna" (every user of the tenant and
its role). Thin: the rules are in app/logistics/team/services.py."""

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.core.access import METHOD_PERMISSIONS, READ, WRITE
from app.core.formatting import jakarta_today, rupiah, wib_datetime
from app.core.names import CAN_WRITE, COURIER_PAGE, EMPLOYEE, TENANT_USER_ADMIN
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import TenantBaseView
from app.jobs.queue import enqueue
from app.logistics.shipments import services as shipments
from app.logistics.shipments.models import Shipment
from app.logistics.shipments.statuses import STATUSES
from app.logistics.tariffs.cities import city_label
from app.logistics.team import courier, jobs, services, statistics
from app.logistics.web import current_tenant
from app.security.catalogue import TENANT_ROLES
from app.security.invitations import enqueue_invitation
from app.security.models import TenantUser
from app.tenancy.models import utcnow


def _flash_errors(exc: FieldError) -> None:
    flash(" ".join(exc.messages().values()), "danger")


class EmployeeView(TenantBaseView):
    route_base = "/employees"
    class_permission_name = EMPLOYEE
    object_model = TenantUser  # what <pk> names, for the isolation and permission sweeps
    default_view = "list"
    method_permission_name = {
        **METHOD_PERMISSIONS,
        "list": READ,
        "new": WRITE,
        "edit": WRITE,
        "set_active": WRITE,
        "password": WRITE,
        "delete": WRITE,
        "statistics": READ,
        "export": READ,
    }

    def _can_write(self) -> bool:
        return self.appbuilder.sm.has_access(CAN_WRITE, self.class_permission_name)

    @expose("/")
    @has_access
    def list(self):
        role = services.employee_role(request.args.get("role"))
        users = services.employees(g.user.tenant_id, role)
        profiles = services.profiles_by_user([user.id for user in users])
        return self.render_template(
            "team/employee_list.html",
            users=users,
            profiles=profiles,
            role=role,
            roles=services.EMPLOYEE_ROLES,
            role_label=services.role_label,
            role_of=services.role_of,
            full_name=services.full_name,
            display_phone=services.display_phone,
            can_write=self._can_write(),
            manageable=services.manageable_roles(g.user),
        )

    @expose("/statistics")
    @has_access
    def statistics(self):
        today = jakarta_today()
        errors = {}
        try:
            period = statistics.parse_period(request.args, today)
        except FieldError as exc:
            errors = exc.messages()
            period = statistics.parse_period({}, today)
        couriers, marketing = statistics.team_statistics(g.user, period)
        return self.render_template(
            "team/employee_statistics.html",
            period=period,
            periods=statistics.PERIODS,
            values={"from": request.args.get("from") or period.first, "to": request.args.get("to") or period.last},
            errors=errors,
            couriers=couriers,
            marketing=marketing,
            full_name=services.full_name,
            list_url=lambda figure: url_for("ShipmentView.list", **figure.list_args),
        ), (422 if errors else 200)

    @expose("/export", methods=["POST"])
    @has_access
    def export(self):
        """The employee list (one role's tab, or all) as an Excel file, made by a job with a progress bar."""
        role = services.employee_role(request.form.get("role"))
        with transaction():
            run = enqueue(jobs.export_employees, tenant_id=g.user.tenant_id, user_id=g.user.id, role=role)
        back = url_for("EmployeeView.list", **({"role": role} if role else {}))
        return redirect(url_for("JobsView.progress", run_id=run.id, back=back))

    def _form(self, values: dict, errors: dict, user: TenantUser | None = None, status: int = 200):
        return self.render_template(
            "team/employee_form.html",
            values=values,
            errors=errors,
            user=user,
            roles=services.manageable_roles(g.user),
            role_label=services.role_label,
        ), status

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        if request.method == "GET":
            return self._form({"role": services.employee_role(request.args.get("role")), "active": True}, {})
        data = services.EmployeeInput.from_form(request.form)
        try:
            with transaction():
                user = services.create_employee(current_tenant(), g.user, data)
                if data.send_invitation:
                    enqueue_invitation(user, actor_id=g.user.id)
        except FieldError as exc:
            return self._form(_values(request.form), exc.messages(), status=422)
        flash(_("%(name)s was added.", name=services.full_name(user)), "success")
        if data.send_invitation:
            flash(_("An invitation was sent to %(email)s.", email=user.email), "info")
        return redirect(url_for("EmployeeView.list"))

    @expose("/<int:pk>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        user = get_or_404(TenantUser, pk, where=services.managed_by(g.user))
        if request.method == "GET":
            profile = services.profile_of(user)
            values = {
                "role": services.role_of(user),
                "name": services.full_name(user),
                "phone": services.display_phone(user.phone),
                "email": user.email,
                "plate_number": profile.plate_number if profile else "",
                "address": profile.address if profile else "",
                "active": user.active,
            }
            return self._form(values, {}, user)
        data = services.EmployeeInput.from_form(request.form)
        try:
            with transaction():
                services.update_employee(current_tenant(), g.user, user, data)
        except FieldError as exc:
            return self._form(_values(request.form), exc.messages(), user, 422)
        flash(_("%(name)s was saved.", name=services.full_name(user)), "success")
        return redirect(url_for("EmployeeView.list"))

    @expose("/<int:pk>/active", methods=["POST"])
    @has_access
    def set_active(self, pk):
        user = get_or_404(TenantUser, pk, where=services.managed_by(g.user))
        return _switch_active(services.set_active, user, "EmployeeView.list")

    @expose("/<int:pk>/password", methods=["GET", "POST"])
    @has_access
    def password(self, pk):
        user = get_or_404(TenantUser, pk, where=services.managed_by(g.user))
        errors = {}
        if request.method == "POST":
            try:
                with transaction():
                    if request.form.get("send_invitation"):
                        services.check_may_manage(g.user, user)
                        enqueue_invitation(user, actor_id=g.user.id)
                        message = _("A link to choose a password was sent to %(email)s.", email=user.email)
                    else:
                        if request.form.get("password") != request.form.get("conf_password"):
                            raise FieldError("conf_password", _("Passwords must match"))
                        services.set_password(g.user, user, request.form.get("password") or "")
                        message = _("The password of %(name)s was changed.", name=services.full_name(user))
            except FieldError as exc:
                errors = exc.messages()
            else:
                flash(message, "success")
                return redirect(url_for("EmployeeView.list"))
        return self.render_template(
            "team/employee_password.html", user=user, errors=errors, full_name=services.full_name
        ), (422 if errors else 200)

    @expose("/<int:pk>/delete", methods=["POST"])
    @has_access
    def delete(self, pk):
        user = get_or_404(TenantUser, pk, where=services.managed_by(g.user))
        name = services.full_name(user)
        try:
            with transaction():
                services.delete_employee(current_tenant(), g.user, user)
        except FieldError as exc:
            _flash_errors(exc)
        else:
            flash(_("%(name)s was deleted.", name=name), "success")
        return redirect(url_for("EmployeeView.list"))


def _values(form) -> dict:
    values = {key: form.get(key, "") for key in ("role", "name", "phone", "email", "plate_number", "address")}
    values["active"] = form.get("active") in ("1", "on", "y", "true")
    values["send_invitation"] = form.get("send_invitation") in ("1", "on", "y", "true")
    return values


class TenantUserAdminView(TenantBaseView):
    """Menu "Pengguna": every user of the tenant, its role among the five fixed ones, active, last sign-in."""

    route_base = "/team/users"
    class_permission_name = TENANT_USER_ADMIN
    object_model = TenantUser
    default_view = "list"
    method_permission_name = {**METHOD_PERMISSIONS, "list": READ, "change_role": WRITE, "set_active": WRITE}

    @expose("/")
    @has_access
    def list(self):
        return self.render_template(
            "team/user_list.html",
            users=services.tenant_users(g.user.tenant_id),
            roles=TENANT_ROLES,
            role_label=services.role_label,
            role_of=services.role_of,
            full_name=services.full_name,
            wib_datetime=wib_datetime,
            can_write=self.appbuilder.sm.has_access(CAN_WRITE, self.class_permission_name),
        )

    @expose("/<int:pk>/role", methods=["POST"])
    @has_access
    def change_role(self, pk):
        user = get_or_404(TenantUser, pk, where=services.of_tenant(g.user.tenant_id))
        role = request.form.get("role") or ""
        try:
            with transaction():
                services.change_role(current_tenant(), g.user, user, role)
        except FieldError as exc:
            _flash_errors(exc)
        else:
            flash(
                _("%(name)s is now %(role)s.", name=services.full_name(user), role=services.role_label(role)),
                "success",
            )
        return redirect(url_for("TenantUserAdminView.list"))

    @expose("/<int:pk>/active", methods=["POST"])
    @has_access
    def set_active(self, pk):
        user = get_or_404(TenantUser, pk, where=services.of_tenant(g.user.tenant_id))
        return _switch_active(services.set_user_active, user, "TenantUserAdminView.list")


def _switch_active(change, user: TenantUser, back: str):
    """`change(tenant, actor, user, active)` from the form's switch, its answer flashed, back to the list."""
    active = request.form.get("active") == "1"
    try:
        with transaction():
            change(current_tenant(), g.user, user, active)
    except FieldError as exc:
        _flash_errors(exc)
    else:
        name = services.full_name(user)
        flash(
            _("%(name)s can sign in.", name=name) if active else _("%(name)s can no longer sign in.", name=name),
            "success",
        )
    return redirect(url_for(back))


class CourierView(TenantBaseView):
    """The Kurir's phone page (and its landing page): its shipments as cards, today's first, then the open
    ones; one tap sets a status (through the shipments' status service and its row rules), a tap calls or
    WhatsApps the receiver."""

    route_base = "/courier"
    class_permission_name = COURIER_PAGE
    module_code = "shipments"
    object_model = Shipment
    default_view = "list"
    method_permission_name = {**METHOD_PERMISSIONS, "list": READ, "update": WRITE}

    def landing(self):
        return self.list()

    @expose("/")
    @has_access
    def list(self):
        return self.render_template(
            "team/courier.html",
            shipments=courier.courier_shipments(g.user),
            statuses=[(code, STATUSES[code]) for code in courier.COURIER_STATUSES],
            status_label=lambda code: str(STATUSES.get(code, code)),
            city_label=city_label,
            display_phone=services.display_phone,
            whatsapp=_whatsapp,
            tel=_tel,
            rupiah=rupiah,
        )

    @expose("/<int:pk>/status", methods=["POST"])
    @has_access
    def update(self, pk):
        shipment = get_or_404(Shipment, pk, where=Shipment.courier_id == g.user.id)
        # One button per status, named set_<status> (a button's value is text the user reads).
        status = next((key[4:] for key in request.form if key.startswith("set_")), request.form.get("status"))
        try:
            with transaction():
                shipments.update_status(g.user, [shipment], status, utcnow(), request.form.get("note") or None)
        except FieldError as exc:
            flash(" ".join(str(message) for message in exc.errors.values()), "danger")
        except shipments.ShipmentDenied as exc:
            flash(str(exc.message), "danger")
        else:
            flash(
                _("%(number)s: %(status)s", number=shipment.tracking_number, status=str(STATUSES[status])),
                "success",
            )
        return redirect(url_for("CourierView.list") + f"#shipment-{pk}")


def _whatsapp(phone: str | None) -> str | None:
    number = services.whatsapp_number(phone)
    return f"https://wa.me/{number}" if number else None


def _tel(phone: str | None) -> str | None:
    e164 = services.normalized_phone(phone or "")
    return f"tel:{e164}" if e164 else None
