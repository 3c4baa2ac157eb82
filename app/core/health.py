from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from app.extensions import db

blueprint = Blueprint("health", __name__)


@blueprint.route("/health")
def health():
    checks = {"database": _database(), "redis": _redis()}
    usable = checks["database"] == "ok" and checks["redis"] in ("ok", "not configured")
    return jsonify(status="ok" if usable else "degraded", **checks), 200 if usable else 503


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # the point is to report, not to fail
        db.session.rollback()
        return f"error: {type(exc).__name__}"


def _redis() -> str:
    connection = current_app.extensions.get("redis")
    if connection is None:
        return "not configured"
    try:
        connection.ping()
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"
