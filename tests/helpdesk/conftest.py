import pytest

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture()
def scoped(db):
    """The rolled-back session acting for every tenant (like vendor staff)."""
    from app.tenancy.context import all_tenants

    with all_tenants():
        yield db.session
