"""Imports every model module so that the metadata (and migrations) see the whole schema."""

from app.audit import models as audit_models  # noqa: F401
from app.billing import models as billing_models  # noqa: F401
from app.billing import payment_models  # noqa: F401
from app.billing.home import models as billing_home_models  # noqa: F401
from app.helpdesk import models as helpdesk_models  # noqa: F401
from app.jobs import models as job_models  # noqa: F401
from app.logistics import models as logistics_models  # noqa: F401
from app.logistics.dashboard import models as dashboard_models  # noqa: F401
from app.notifications import models as notification_models  # noqa: F401
from app.security import models as security_models  # noqa: F401
from app.signup import models as signup_models  # noqa: F401
from app.tenancy import models as tenancy_models  # noqa: F401
