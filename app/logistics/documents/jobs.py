"""Bulk label printing: one PDF for many shipments, built by a worker with progress; the file is for
the user who asked only (/jobs/<id>/download)."""

from flask_babel import gettext as _

from app.extensions import db
from app.jobs.queue import job
from app.logistics.documents import labels, services
from app.security.models import TenantUser
from app.tenancy.models import Tenant


@job("documents")
def print_labels(ctx, ids: list, template: str, size: str, root: str) -> None:
    user = db.session.get(TenantUser, ctx.run.user_id)
    tenant = db.session.get(Tenant, ctx.run.tenant_id)
    rows = services.printable(user, [int(pk) for pk in ids])  # the row rules again, as the worker
    ctx.progress(5)
    total = max(len(rows), 1)
    pdf = services.label_pdf(
        tenant,
        rows,
        labels.LabelChoice(template, size),
        root,
        progress=lambda done: ctx.progress(5 + 60 * done // total),
    )
    ctx.progress(90)
    ctx.store_result(f"label-{len(rows)}.pdf", pdf, "application/pdf")
    ctx.progress(100, _("%(count)s labels ready.", count=len(rows)))
