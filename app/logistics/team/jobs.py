"""The employee list as an Excel file (a job with a progress bar, /jobs/<id>/progress): Indonesian headers,
phone numbers as people write them, the last sign-in in WIB."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.formatting import jakarta_today
from app.core.spreadsheets import WIB, XLSX, Column, table_workbook, wib
from app.extensions import db
from app.jobs.queue import job
from app.logistics.team import services
from app.security.models import TenantUser


def _profile_text(user, profiles, attribute: str) -> str:
    profile = profiles.get(user.id)
    return (getattr(profile, attribute) or "") if profile is not None else ""


def employee_columns(profiles: dict) -> tuple[Column, ...]:
    return (
        Column(_l("Name"), services.full_name, width=24),
        Column(_l("Role"), lambda user: services.role_label(services.role_of(user)), width=12),
        Column(_l("Phone"), lambda user: services.display_phone(user.phone), width=16),
        Column(_l("E-mail"), lambda user: user.email, width=28),
        Column(_l("Plate number"), lambda user: _profile_text(user, profiles, "plate_number"), width=14),
        Column(_l("Address"), lambda user: _profile_text(user, profiles, "address"), width=32),
        Column(_l("Status"), lambda user: str(_l("Active") if user.active else _l("Inactive")), width=10),
        Column(_l("Last sign-in"), lambda user: wib(user.last_login), WIB, 17),
    )


@job("documents")
def export_employees(ctx, role: str) -> None:
    """The tenant's employees of `role` ("" for all), as the employee list shows them."""
    actor = db.session.get(TenantUser, ctx.run.user_id)
    people = services.employees(actor.tenant_id, services.employee_role(role))
    profiles = services.profiles_by_user([person.id for person in people])
    content = table_workbook(
        _l("Employees"),
        employee_columns(profiles),
        people,
        len(people),
        progress=lambda done, total: ctx.progress(5 + 85 * done // max(total, 1)),
    )
    ctx.store_result(f"pegawai-{jakarta_today().isoformat()}.xlsx", content, XLSX)
    ctx.progress(100, _("Export ready."))
