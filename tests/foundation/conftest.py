import pytest


@pytest.fixture()
def pg(app):
    """The app's engine, PostgreSQL only: psycopg's transactions, prepared statements and plan cache."""
    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("psycopg and PostgreSQL only")
        yield db.engine
