"""Where each permission name and menu entry belongs: realm (vendor / tenant) and product module.

Views declare `realm` and `module_code`; menu.py records them here when it registers a view,
and the security manager's single access check reads them.
"""

from dataclasses import dataclass

VENDOR = "vendor"
TENANT = "tenant"
COMMON = "common"

READ = "read"
WRITE = "write"
WRITE_PERMISSIONS = frozenset({"can_write", "can_add", "can_edit", "can_delete", "can_muldelete"})

# FAB method name -> permission, so each resource has just `can_read` and `can_write`.
METHOD_PERMISSIONS = {
    "list": READ,
    "show": READ,
    "download": READ,
    "api_read": READ,
    "api_get": READ,
    "api": READ,
    "api_column_add": WRITE,
    "api_column_edit": WRITE,
    "api_readvalues": READ,
    "add": WRITE,
    "edit": WRITE,
    "delete": WRITE,
    "muldelete": WRITE,
    "action": WRITE,
    "action_post": WRITE,
    "get": READ,
    "get_list": READ,
    "info": READ,
    "post": WRITE,
    "put": WRITE,
}


@dataclass(frozen=True)
class Area:
    realm: str
    module_code: str | None = None


_areas: dict[str, Area] = {}


def register_area(name: str, realm: str, module_code: str | None = None) -> None:
    _areas[name] = Area(realm, module_code)


def area_of(name: str) -> Area:
    return _areas.get(name, Area(COMMON))


def registered_areas() -> dict[str, Area]:
    return dict(_areas)


AREA_REALMS_WITH_VIEWS = frozenset({VENDOR, TENANT, COMMON})
