"""Product modules and plans: the catalogue rules (delete / deactivate / edit)."""

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.billing.models import MODULE_CATEGORIES, Plan, ProductModule
from app.core.validation import FieldError
from app.extensions import db
from app.tenancy import services as tenancy
from app.tenancy.models import Tenant, TenantModule
from app.tenancy.scoping import SKIP_OPTION

MAX_PRICE = Decimal(10**13)


@dataclass
class ModuleData:
    code: str
    name: str
    description: str = ""
    category: str = "mvp"
    monthly_price: Decimal = Decimal(0)


def module_by_code(code: str) -> ProductModule | None:
    return db.session.execute(sa.select(ProductModule).where(ProductModule.code == code)).scalar_one_or_none()


def tenants_using(code: str) -> list[int]:
    rows = db.session.execute(
        sa.select(TenantModule.tenant_id).where(TenantModule.module_code == code),
        execution_options={SKIP_OPTION: True},
    )
    return list(rows.scalars())


def usage_counts() -> dict[str, int]:
    """module code -> number of clients that have it on (one query for the whole catalogue)."""
    rows = db.session.execute(
        sa.select(TenantModule.module_code, sa.func.count()).group_by(TenantModule.module_code),
        execution_options={SKIP_OPTION: True},
    )
    return dict(rows.all())


def _validate_module(data: ModuleData, current: ProductModule | None) -> None:
    code = (data.code or "").strip().lower()
    if not code or not code.replace("_", "").isalnum() or len(code) > 50:
        raise FieldError("code", _l("The code must be 1-50 letters, digits or underscores."))
    if not (data.name or "").strip() or len(data.name) > 120:
        raise FieldError("name", _l("A name of at most 120 characters is required."))
    if data.category not in MODULE_CATEGORIES:
        raise FieldError("category", _l("Choose a category: MVP or Advanced."))
    if data.monthly_price is None or data.monthly_price < 0 or data.monthly_price > MAX_PRICE:
        raise FieldError("monthly_price", _l("The monthly price must be between 0 and 10,000,000,000,000."))
    other = module_by_code(code)
    if other is not None and other is not current:
        raise FieldError("code", _l("Another module already uses this code."))
    if current is not None and current.code != code and tenants_using(current.code):
        raise FieldError("code", _l("The code of a module that clients use cannot change."))


def save_module(data: ModuleData, module: ProductModule | None = None) -> ProductModule:
    _validate_module(data, module)
    module = module or ProductModule(active=True)
    module.code = data.code.strip().lower()
    module.name = data.name.strip()
    module.description = (data.description or "").strip()
    module.category = data.category
    module.monthly_price = data.monthly_price
    db.session.add(module)
    db.session.flush()
    return module


def delete_module(module: ProductModule) -> None:
    count = len(tenants_using(module.code))
    if count:
        raise FieldError(
            "module",
            _l(
                "%(name)s cannot be deleted: %(count)s client(s) use it. Deactivate it instead.",
                name=module.name,
                count=count,
            ),
        )
    db.session.delete(module)
    db.session.flush()


def set_module_active(module: ProductModule, active: bool, *, clients_keep: bool, actor_id: int | None) -> int:
    """Activate or deactivate; on deactivation, unless `clients_keep`, switch it off for every client.

    Returns how many clients lost the module.
    """
    module.active = active
    removed = 0
    if not active and not clients_keep:
        for tenant_id in tenants_using(module.code):
            tenant = db.session.get(Tenant, tenant_id)
            tenancy.set_modules(tenant, set(tenancy.enabled_modules(tenant_id)) - {module.code})
            record_event(
                db.session,
                "module_disabled",
                tenant_id=tenant_id,
                actor_id=actor_id,
                summary=f"{module.name} off (module deactivated)",
                entity=tenant,
                details={"module": module.code},
            )
            removed += 1
    db.session.flush()
    return removed


# ---------------------------------------------------------------------------- plans


def plan_by_code(code: str) -> Plan | None:
    return db.session.execute(sa.select(Plan).where(Plan.code == code)).scalar_one_or_none()


def validate_plan(plan: Plan) -> None:
    """Checked before FAB saves a plan edit; invoices keep their own snapshot, so nothing else changes."""
    if plan.price is None or Decimal(plan.price) < 0 or Decimal(plan.price) > MAX_PRICE:
        raise FieldError("price", _l("The price must be between 0 and 10,000,000,000,000."))
    if not plan.period_days or not 1 <= plan.period_days <= 3660:
        raise FieldError("period_days", _l("The period must be 1 to 3660 days."))
    for field in ("shipment_quota", "user_quota"):
        value = getattr(plan, field)
        if value is not None and not 0 <= value <= 10**9:
            raise FieldError(field, _l("Quotas must be empty (unlimited) or 0 to 1,000,000,000."))
