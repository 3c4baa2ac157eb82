"""Fan-out of one vendor notification to every client (about 10,000 tenants in silog_bench).

Times what the `send_notification` job does (`app.notifications.services.fan_out` + commit), for a
fresh notification to "all clients", then the same call again (a retried job: must add nobody),
and a "client type" target. The notifications it creates are deleted at the end (--keep to keep).

    python -m bench.notifications_fanout --runs 5
"""

import argparse
import statistics
import time

from bench.app import configure_environment


def build_app():
    configure_environment()
    from app import create_app

    return create_app({"WTF_CSRF_ENABLED": False, "BABEL_DEFAULT_LOCALE": "id"})


def timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def compose(target: str, client_type: str | None, run: int):
    from app.extensions import db
    from app.notifications.services import compose as compose_notification

    notification = compose_notification(
        title=f"Bench fan-out {run}",
        body="Pemeliharaan terjadwal Sabtu pukul 22.00 WIB.",
        type_="pengumuman",
        target=target,
        client_type=client_type,
        tenant_ids=(),
        created_by=None,
    )
    db.session.commit()
    return notification.id


def send(notification_id: int) -> int:
    """The job's body (app.notifications.jobs.send_notification) without the queue around it."""
    from app.extensions import db
    from app.notifications.services import fan_out

    count = fan_out(notification_id)
    db.session.commit()
    return count


def cleanup(ids) -> None:
    import sqlalchemy as sa

    from app.extensions import db
    from app.notifications.models import Notification

    db.session.execute(sa.delete(Notification).where(Notification.id.in_(list(ids))))  # recipients cascade
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's notifications")
    args = parser.parse_args()

    app = build_app()
    from app.notifications.models import BROADCAST_TYPES
    from app.tenancy.context import all_tenants

    assert "pengumuman" in BROADCAST_TYPES
    created = []
    first, again, by_type = [], [], []
    with app.app_context(), all_tenants():
        import sqlalchemy as sa

        from app.extensions import db
        from app.tenancy.models import Tenant

        clients = db.session.execute(sa.select(sa.func.count()).select_from(Tenant)).scalar_one()
        print(f"clients in {db.engine.url.database}: {clients:,}")
        try:
            for run in range(args.runs):
                notification_id = compose("all", None, run)
                created.append(notification_id)
                seconds, count = timed(send, notification_id)
                assert count == clients, (count, clients)
                first.append(seconds)
                seconds, count = timed(send, notification_id)
                assert count == clients, (count, clients)
                again.append(seconds)
                notification_id = compose("client_type", "koperasi", run)
                created.append(notification_id)
                seconds, typed = timed(send, notification_id)
                by_type.append(seconds)
                print(f"run {run + 1}: all {first[-1]:.3f} s ({count:,} recipients), "
                      f"re-run {again[-1]:.3f} s, client type {by_type[-1]:.3f} s ({typed:,})")  # fmt: skip
        finally:
            if created and not args.keep:
                db.session.rollback()
                cleanup(created)
    for label, samples in (("all clients", first), ("re-run (adds nobody)", again), ("client type", by_type)):
        print(f"{label}: median {statistics.median(samples):.3f} s, min {min(samples):.3f} s, "
              f"max {max(samples):.3f} s over {len(samples)} runs")  # fmt: skip


if __name__ == "__main__":
    main()
