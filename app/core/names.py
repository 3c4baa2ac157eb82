"""Names the code, the database and the role catalogue must spell alike: defined once, imported everywhere.

Roles (FAB role names, shown in the role editor), resources (a view's `class_permission_name`: the
permission rows `can_read` / `can_write` on it) and the special actions (`can_<action>`, app/core/access.py).
A typo in an imported name fails at import; in a string it silently denies or grants nothing.
"""

# --- roles ---------------------------------------------------------------------------------------
VENDOR_ADMIN = "Vendor Admin"
VENDOR_SUPPORT = "Vendor Support"
VENDOR_FINANCE = "Vendor Finance"
VENDOR_VIEWER = "Vendor Viewer"
SUPER_ADMIN = "Super Admin"
ADMIN = "Admin"
VIEWER = "Viewer"
COURIER = "Kurir"
MARKETING = "Marketing"

# --- resources (class_permission_name) -----------------------------------------------------------
# vendor back-office
CLIENT = "Client"
INVOICE = "Invoice"
PAYMENT = "Payment"
PLAN = "Plan"
MODULE = "Module"
WEBHOOK_INBOX = "WebhookInbox"
VENDOR_HOME = "VendorHome"
VENDOR_ACTIVITY = "VendorActivity"
VENDOR_NOTIFICATION = "VendorNotification"
VENDOR_TICKET = "VendorTicket"
TICKET_SETTINGS = "TicketSettings"
VENDOR_ROLES = "VendorRoles"
VENDOR_STAFF = "VendorStaff"
# tenant pages
DASHBOARD = "Dashboard"
SHIPMENT = "Shipment"
SHIPMENT_STATUS = "ShipmentStatus"
TARIFF = "Tariff"
TENANT_SETTINGS = "TenantSettings"
TENANT_ACTIVITY = "TenantActivity"
TENANT_SUBSCRIPTION = "TenantSubscription"
TICKET = "Ticket"
EMPLOYEE = "Employee"  # menu "Pegawai" (app/logistics/team)
CUSTOMER = "Customer"  # menu "Pelanggan": the customer book (app/logistics/customers)
TENANT_USER_ADMIN = "TenantUserAdmin"  # menu "Pengguna": users' roles, the Super Admin's
COURIER_PAGE = "CourierPage"  # the Kurir's phone page of its own shipments

# finance (app/logistics/finance)
CASH_BOOK = "CashBook"
SHIPMENT_PAYMENT = "ShipmentPayment"
EXPENSE_REQUEST = "ExpenseRequest"
EXPENSE_APPROVAL = "ExpenseApproval"
RECEIVABLE = "Receivable"
FINANCE_REPORT = "FinanceReport"
# both realms
NOTIFICATION = "Notification"
JOBS = "Jobs"

# --- permissions and special actions (`can_<action>` on a resource) ------------------------------
CAN_READ = "can_read"
CAN_WRITE = "can_write"
CAN_ADD, CAN_EDIT, CAN_DELETE = "can_add", "can_edit", "can_delete"  # vendor pages (app/core/access.py)
SEND = "send"  # an invoice by e-mail
ASSIGN = "assign"  # a vendor ticket to an agent
CAN_SEND, CAN_ASSIGN = f"can_{SEND}", f"can_{ASSIGN}"
