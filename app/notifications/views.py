"""The bell (every signed-in user, both realms) and the vendor's compose / sent list."""

import sqlalchemy as sa
from flask import flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.core.access import COMMON, CREATE, READ, VENDOR_METHOD_PERMISSIONS
from app.core.ids import db_integer_id
from app.core.names import NOTIFICATION, VENDOR_NOTIFICATION
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import AreaMixin, VendorBaseView
from app.extensions import db
from app.jobs.queue import enqueue
from app.notifications import services
from app.notifications.jobs import send_notification
from app.notifications.models import BROADCAST_TYPES, TARGETS, TYPES, Notification
from app.tenancy.models import CLIENT_TYPE_LABELS
from app.tenancy.services import client_choices

PAGE_SIZE = 20


def _page_arg() -> int:
    page = request.args.get("page", 1, type=int) or 1
    return max(1, page)


class BellView(AreaMixin, BaseView):
    """Read state is the user's own: opening and marking read need only read access."""

    route_base = "/notifications"
    class_permission_name = NOTIFICATION
    object_model = Notification
    realm = COMMON
    default_view = "inbox"
    method_permission_name = {"summary": READ, "inbox": READ, "open": READ, "read": READ, "read_all": READ}

    @expose("/summary")
    @has_access
    def summary(self):
        items = services.inbox(g.user, limit=8)
        return jsonify(
            unread=services.unread_count(g.user),
            items=[
                {
                    "id": n.id,
                    "title": n.title,
                    "read": is_read,
                    "url": url_for(".open", pk=n.id),
                    "created_at": n.created_at.isoformat(),
                }
                for n, is_read in items
            ],
        )

    @expose("/")
    @has_access
    def inbox(self):
        page = _page_arg()
        total = services.inbox_size(g.user)
        items = services.inbox(g.user, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        return self.render_template(
            "notifications/inbox.html",
            items=items,
            page=page,
            pages=max(1, -(-total // PAGE_SIZE)),
            types=TYPES,
            unread=services.unread_count(g.user),
        )

    @expose("/<int:pk>")
    @has_access
    def open(self, pk):
        """Shows it; the page then marks it read with a POST (`read`): a GET never writes."""
        notification = get_or_404(Notification, pk, where=services.received_by(g.user))
        return self.render_template("notifications/open.html", notification=notification, types=TYPES)

    @expose("/<int:pk>/read", methods=["POST"])
    @has_access
    def read(self, pk):
        notification = get_or_404(Notification, pk, where=services.received_by(g.user))
        with transaction():
            services.mark_read(g.user, notification)
        return jsonify(unread=services.unread_count(g.user))

    @expose("/read-all", methods=["GET", "POST"])
    @has_access
    def read_all(self):
        if request.method == "GET":  # changes nothing; marking read needs the POST
            return redirect(url_for(".inbox"))
        with transaction():
            services.mark_all_read(g.user)
        if request.accept_mimetypes.best == "application/json":
            return jsonify(unread=0)
        flash(_("All notifications marked as read."), "success")
        return redirect(url_for(".inbox"))


class VendorNotificationView(VendorBaseView):
    route_base = "/vendor/notifications"
    class_permission_name = VENDOR_NOTIFICATION
    object_model = Notification
    default_view = "sent"
    method_permission_name = {**VENDOR_METHOD_PERMISSIONS, "sent": READ, "compose": CREATE, "detail": READ}

    @expose("/")
    @has_access
    def sent(self):
        q = (request.args.get("q") or "").strip()[:100]
        type_ = request.args.get("type") if request.args.get("type") in BROADCAST_TYPES else ""
        target = request.args.get("target") if request.args.get("target") in TARGETS else ""
        query = sa.select(Notification).where(Notification.broadcast.is_(True))
        if q:
            query = query.where(sa.func.lower(Notification.title).like(f"%{q.lower()}%"))
        if type_:
            query = query.where(Notification.type == type_)
        if target:
            query = query.where(Notification.target == target)
        total = db.session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
        page = _page_arg()
        items = list(
            db.session.execute(
                query.order_by(Notification.created_at.desc(), Notification.id.desc())
                .limit(PAGE_SIZE)
                .offset((page - 1) * PAGE_SIZE)
            ).scalars()
        )
        return self.render_template(
            "notifications/sent.html",
            items=items,
            reads=services.read_counts([n.id for n in items]),
            q=q,
            type_=type_,
            target=target,
            page=page,
            pages=max(1, -(-total // PAGE_SIZE)),
            total=total,
            types={k: TYPES[k] for k in BROADCAST_TYPES},
            targets=TARGETS,
        )

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def compose(self):
        form = request.form
        if request.method == "POST":
            try:
                with transaction():
                    notification = services.compose(
                        title=form.get("title"),
                        body=form.get("body"),
                        type_=form.get("type"),
                        target=form.get("target"),
                        client_type=form.get("client_type"),
                        tenant_ids=[t for t in form.getlist("tenant_ids") if db_integer_id(t)],
                        created_by=g.user,
                    )
                    run = enqueue(send_notification, tenant_id=None, user_id=g.user.id, notification_id=notification.id)
            except FieldError as error:
                for message in error.errors.values():
                    flash(message, "danger")
            else:
                flash(_("Notification is being sent."), "success")
                return redirect(url_for(".detail", pk=notification.id, job=run.id))
        tenants = client_choices()
        return self.render_template(
            "notifications/compose.html",
            form=form,
            tenants=tenants,
            client_types=CLIENT_TYPE_LABELS,
            types={k: TYPES[k] for k in BROADCAST_TYPES},
            targets=TARGETS,
        ), (400 if request.method == "POST" else 200)

    @expose("/<int:pk>")
    @has_access
    def detail(self, pk):
        notification = get_or_404(Notification, pk, where=Notification.broadcast.is_(True))
        clients, users = services.read_counts([notification.id]).get(notification.id, (0, 0))
        return self.render_template(
            "notifications/detail.html",
            notification=notification,
            read_clients=clients,
            read_users=users,
            clients=services.recipient_clients(notification.id),
            types=TYPES,
            targets=TARGETS,
            job=request.args.get("job"),
        )
