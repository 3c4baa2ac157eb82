"""Every logistics model module, imported by app/models.py."""

from app.logistics.customers import models as customer_models  # noqa: F401
from app.logistics.finance import models as finance_models  # noqa: F401
from app.logistics.settings import models as settings_models  # noqa: F401
from app.logistics.shipments import models as shipment_models  # noqa: F401
from app.logistics.tariffs import models as tariff_models  # noqa: F401
from app.logistics.team import models as team_models  # noqa: F401
