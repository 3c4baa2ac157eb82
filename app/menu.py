"""The one place that registers views and menus, one short function per area."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.audit.views import TenantActivityView, VendorActivityView
from app.core.access import COMMON, register_area
from app.core.names import JOBS
from app.jobs.views import JobsView
from app.security.catalogue import SECURITY_VIEWS
from app.tenancy.views import HomeIndexView

INDEX_VIEW = HomeIndexView


def add_view(appbuilder, view, name, *, category=None, icon=None, category_icon=None, category_label=None):
    """Register a view and say which realm and module its permission and menu entries belong to."""
    resource = view.class_permission_name or view.__name__
    register_area(resource, view.realm, view.module_code)
    register_area(name, view.realm, view.module_code)
    menu_resources.setdefault(name, set()).add(resource)
    if category:
        register_area(category, view.realm)
        menu_resources.setdefault(category, set()).add(resource)
    appbuilder.add_view(
        view,
        name,
        label=MENU_LABELS.get(name) or _l(name),
        icon=icon,
        category=category or "",
        category_icon=category_icon,
        category_label=category_label or MENU_LABELS.get(category, category),
    )


# Menu entries whose names are not literal at their add_view call; their labels are translated here.
MENU_LABELS = {
    "Settings": _l("Settings"),
    "Administration": _l("Administration"),
    # names registered from a loop (helpdesk settings): literal here so that Babel extracts them
    "Teams": _l("Teams"),
    "Team Members": _l("Team Members"),
    "Assignment Rules": _l("Assignment Rules"),
    "SLA Policies": _l("SLA Policies"),
    "Business Hours": _l("Business Hours"),
    "Holidays": _l("Holidays"),
    "Vendor Staff": _l("Staff"),
    "Vendor Roles": _l("Roles"),
}

# menu entry -> the resources whose read permission shows it (filled by add_view)
menu_resources: dict[str, set[str]] = {}


def register_common(appbuilder) -> None:
    appbuilder.add_view_no_menu(JobsView)
    register_area(JOBS, COMMON)
    for name in SECURITY_VIEWS:
        register_area(name, "vendor")
    register_area("TenantAwareUserView", COMMON)
    for name in ("OpenApi", "SwaggerView", "MenuApi"):
        register_area(name, COMMON)


# FAB's raw role and permission screens, superseded by the role editor: their pages stay, their menu entries go.
HIDDEN_SECURITY_MENUS = frozenset(
    {"List Roles", "List Groups", "-", "Base Permissions", "Views/Menus", "Permission on Views/Menus"}
)


def register_security(appbuilder) -> None:
    from app.security.role_views import VendorRoleView
    from app.security.staff_views import InvitationView, VendorStaffView

    security = dict(category="Security", category_icon="fa-cogs")
    add_view(appbuilder, VendorStaffView, "Vendor Staff", icon="fa-users", **security)
    VendorRoleView.menus = menu_resources
    add_view(appbuilder, VendorRoleView, "Vendor Roles", icon="fa-user-gear", **security)
    appbuilder.add_view_no_menu(InvitationView)
    register_area(InvitationView.__name__, COMMON)
    category = appbuilder.menu.find("Security")
    # FAB's user list stays for tenant accounts, after the staff screen.
    shown = [item for item in category.childs if item.name not in HIDDEN_SECURITY_MENUS]
    category.childs = sorted(shown, key=lambda item: item.name == "List Users")
    appbuilder.menu.find("List Users").label = _l("All users")


def register_audit(appbuilder) -> None:
    add_view(
        appbuilder, TenantActivityView, "Activity Log", category="Settings", icon="fa-history", category_icon="fa-cog"
    )
    add_view(
        appbuilder,
        VendorActivityView,
        "Vendor Activity Log",
        category="Administration",
        icon="fa-history",
        category_icon="fa-shield",
    )


# The tenant's top-level menu in the order of a courier company's day (the others keep their order).
TENANT_MENU_ORDER = (
    "My Deliveries",
    "Shipments",
    "Tariffs",
    "Employees",
    "Customers",
    "Finance",
    "Reports",
    "Settings",
    "Help",
)


def order_menu(appbuilder) -> None:
    position = {name: index for index, name in enumerate(TENANT_MENU_ORDER)}
    appbuilder.menu.menu.sort(key=lambda item: position.get(item.name, len(position)))


def register_all(appbuilder) -> None:
    register_common(appbuilder)
    register_security(appbuilder)
    register_audit(appbuilder)
    register_billing(appbuilder)
    register_logistics(appbuilder)
    register_team(appbuilder)
    register_customers(appbuilder)
    register_helpdesk(appbuilder)
    register_notifications(appbuilder)
    register_dashboards(appbuilder)
    register_signup(appbuilder)
    register_finance(appbuilder)
    order_menu(appbuilder)


def register_helpdesk(appbuilder) -> None:
    from app.helpdesk import settings_views as hs
    from app.helpdesk.stats_views import TicketStatsView
    from app.helpdesk.views import TenantTicketView, VendorTicketView

    add_view(appbuilder, TenantTicketView, "Help", icon="fa-life-ring")
    desk = dict(category="Helpdesk", category_icon="fa-life-ring", category_label=_l("Helpdesk"))
    add_view(appbuilder, VendorTicketView, "Tickets", icon="fa-ticket", **desk)
    add_view(appbuilder, TicketStatsView, "Ticket Statistics", icon="fa-bar-chart", **desk)
    for view, name, icon in (
        (hs.TeamView, "Teams", "fa-users"),
        (hs.TeamMemberView, "Team Members", "fa-user"),
        (hs.AssignmentRuleView, "Assignment Rules", "fa-random"),
        (hs.SlaPolicyView, "SLA Policies", "fa-clock-o"),
        (hs.CalendarView, "Business Hours", "fa-calendar"),
        (hs.HolidayView, "Holidays", "fa-calendar-times-o"),
    ):
        add_view(appbuilder, view, name, icon=icon, **desk)


def register_notifications(appbuilder) -> None:
    from app.notifications.views import BellView, VendorNotificationView

    appbuilder.add_view_no_menu(BellView)
    register_area(BellView.class_permission_name, BellView.realm)
    add_view(
        appbuilder,
        VendorNotificationView,
        "Sent Notifications",
        icon="fa-bullhorn",
        category="Notifications",
        category_icon="fa-bell",
        category_label=_l("Notifications"),
    )


def register_logistics(appbuilder) -> None:
    from app.logistics.api import ShipmentApi, ShipmentStatusApi, TariffApi
    from app.logistics.documents.views import LabelSettingsView, LabelView, ReportView
    from app.logistics.settings.views import TenantSettingsView
    from app.logistics.shipments.status_views import ShipmentStatusView
    from app.logistics.shipments.views import ShipmentView
    from app.logistics.tariffs.views import TariffView
    from app.logistics.tracking.views import TrackingView

    # category="" (not None): FAB's add_link puts category=None items in a nameless dropdown.
    add_view(appbuilder, ShipmentView, "Shipments", icon="fa-truck", category="")
    add_view(appbuilder, TariffView, "Tariffs", icon="fa-money", category="")
    add_view(appbuilder, ReportView, "Reports", icon="fa-bar-chart", category="")
    add_view(
        appbuilder,
        TenantSettingsView,
        "Company Settings",
        category="Settings",
        icon="fa-building",
        category_icon="fa-cog",
    )
    appbuilder.add_view_no_menu(ShipmentStatusView)
    register_area(ShipmentStatusView.class_permission_name, ShipmentStatusView.realm, ShipmentStatusView.module_code)
    for api in (ShipmentApi, ShipmentStatusApi, TariffApi):
        appbuilder.add_api(api)
    for view in (LabelView, LabelSettingsView):
        appbuilder.add_view_no_menu(view)
        register_area(view.class_permission_name, view.realm, view.module_code)
    # The public tracking page: no sign-in, so a per-address rate limit (TRACKING_RATE_LIMIT).
    appbuilder.add_view_no_menu(TrackingView)
    register_area(TrackingView.__name__, COMMON)
    tracking = next(v for v in appbuilder.baseviews if isinstance(v, TrackingView))
    appbuilder.sm.limiter.limit(lambda: current_app.config["TRACKING_RATE_LIMIT"])(tracking.blueprint)


def register_billing(appbuilder) -> None:
    from app.billing.views import ClientView, InvoiceView, ModuleView, PaymentView, PlanView

    category = dict(category="Billing", category_icon="fa-briefcase", category_label=_l("Billing"))
    add_view(appbuilder, ClientView, "Clients", icon="fa-building", **category)
    add_view(appbuilder, ModuleView, "Product Modules", icon="fa-cubes", **category)
    add_view(appbuilder, PlanView, "Plans", icon="fa-tags", **category)
    add_view(appbuilder, InvoiceView, "Invoices", icon="fa-file-text", **category)
    appbuilder.add_view_no_menu(PaymentView)
    register_area(PaymentView.class_permission_name, PaymentView.realm)
    from app.signup.vendor_plan_views import ClientPlanView  # the client page's plan actions (issue 26)

    appbuilder.add_view_no_menu(ClientPlanView)


def register_dashboards(appbuilder) -> None:
    from app.billing.home.views import RevenueView, VendorHomeView
    from app.logistics.dashboard.views import TenantDashboardView

    for view in (TenantDashboardView, VendorHomeView, RevenueView):
        appbuilder.add_view_no_menu(view)
        register_area(view.class_permission_name, view.realm, view.module_code)
    # The home page ("/") renders these per realm.
    INDEX_VIEW.landings.update(tenant=TenantDashboardView.__name__, vendor=VendorHomeView.__name__)


def register_signup(appbuilder) -> None:
    from app.billing.views.inbox import WebhookInboxView
    from app.billing.views.webhooks import PaymentWebhookView
    from app.signup.account_views import SubscriptionView
    from app.signup.views import SignupView

    for view in (SignupView, PaymentWebhookView):
        appbuilder.add_view_no_menu(view)
        register_area(view.__name__, COMMON)
    # Gateways retry politely; anything faster is not a gateway.
    webhooks = next(v for v in appbuilder.baseviews if isinstance(v, PaymentWebhookView))
    appbuilder.sm.limiter.limit("300 per minute")(webhooks.blueprint)
    add_view(
        appbuilder, SubscriptionView, "Subscription", icon="fa-id-card", category="Settings", category_icon="fa-cog"
    )
    add_view(
        appbuilder,
        WebhookInboxView,
        "Payment Notifications",
        icon="fa-inbox",
        category="Billing",
        category_icon="fa-briefcase",
        category_label=_l("Billing"),
    )


def register_team(appbuilder) -> None:
    from app.logistics.team.activity import register_sentences
    from app.logistics.team.views import CourierView, EmployeeView, TenantUserAdminView

    register_sentences()

    add_view(appbuilder, CourierView, "My Deliveries", icon="fa-motorcycle", category="")
    INDEX_VIEW.landings["tenant:Kurir"] = CourierView.__name__
    add_view(appbuilder, EmployeeView, "Employees", icon="fa-id-badge", category="")
    add_view(appbuilder, TenantUserAdminView, "Users", icon="fa-users", category="Settings", category_icon="fa-cog")


def register_customers(appbuilder) -> None:
    from app.logistics.customers.activity import register_sentences
    from app.logistics.customers.views import CustomerView

    register_sentences()
    add_view(appbuilder, CustomerView, "Customers", icon="fa-address-book", category="")


def register_finance(appbuilder) -> None:
    from app.logistics.finance import views as finance

    menu = dict(category="Finance", category_icon="fa-money", category_label=_l("Finance"))
    add_view(appbuilder, finance.FinanceEntryView, "Cash Book", icon="fa-book", **menu)
    add_view(appbuilder, finance.ShipmentPaymentView, "Paid Shipments", icon="fa-check-square-o", **menu)
    add_view(appbuilder, finance.ExpenseRequestView, "Expense Requests", icon="fa-receipt", **menu)
    add_view(appbuilder, finance.ExpenseApprovalView, "Approval Queue", icon="fa-gavel", **menu)
    add_view(appbuilder, finance.ReceivableView, "Receivables", icon="fa-handshake-o", **menu)
    add_view(appbuilder, finance.FinanceReportView, "Financial Report", icon="fa-line-chart", **menu)
