"""Finance rules (spec §8): the cash book's totals and balance, refused input, paid shipments once,
expense requests decided once, a Kurir's own requests."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.core.validation import FieldError
from app.logistics.finance import services
from app.logistics.finance.models import ExpenseRequest, FinanceEntry
from app.tenancy.context import tenant_scope

PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)


def entry(kind="expense", amount="150000", day="2026-11-02", method="tunai", category="bahan_bakar", text="BBM"):
    return services.EntryInput(kind, day, amount, method, category, text)


@pytest.fixture()
def pro(create_tenant):
    from tests.support.factories import owner_of

    tenant = create_tenant(plan="pro")
    return tenant, owner_of(tenant)


def _count(db, model, tenant):
    return db.session.execute(
        sa.select(sa.func.count()).select_from(model).where(model.tenant_id == tenant.id)
    ).scalar()


def test_balance_and_totals_are_the_sums_of_the_entries(db, pro):
    tenant, owner = pro
    with tenant_scope(tenant.id, owner.id):
        services.record_entry(tenant, owner, entry("income", "2.500.000", category="pengiriman"))
        services.record_entry(tenant, owner, entry("expense", "350000", method="transfer"))
        services.record_entry(tenant, owner, entry("expense", "1,200,000", day="2026-11-20", category="sewa"))
        assert services.balance(tenant.id) == 2_500_000 - 350_000 - 1_200_000
        assert services.balance(tenant.id, until=date(2026, 11, 10)) == 2_500_000 - 350_000

        query = services.EntryFilter(kind="expense")
        rows = services.list_entries(tenant.id, query)
        shown = services.Totals.of(rows)
        assert (shown.income, shown.expense, shown.count) == (0, 1_550_000, 2)
        assert services.filter_totals(tenant.id, query) == shown

        by_date = services.EntryFilter.from_args({"date_from": "2026-11-15", "date_to": "2026-11-30"})
        rows = services.list_entries(tenant.id, by_date)
        assert [r.amount for r in rows] == [1_200_000]
        assert services.filter_totals(tenant.id, by_date).net == -1_200_000


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("amount", {"amount": "abc"}),
        ("amount", {"amount": "0"}),
        ("amount", {"amount": "-5000"}),
        ("amount", {"amount": "1500.5"}),
        ("amount", {"amount": "NaN"}),
        ("amount", {"amount": "1" + "0" * 14}),
        ("entry_date", {"day": "07-12-2026"}),
        ("entry_date", {"day": ""}),
        ("method", {"method": "cek"}),
        ("category", {"category": "judi"}),
        ("kind", {"kind": "loan"}),
        ("description", {"text": "x" * 256}),
    ],
)
def test_bad_input_is_a_field_message_and_writes_nothing(db, pro, field, changes):
    tenant, owner = pro
    with tenant_scope(tenant.id, owner.id):
        with pytest.raises(FieldError) as caught:
            services.record_entry(tenant, owner, entry(**changes))
        assert field in caught.value.errors
        assert _count(db, FinanceEntry, tenant) == 0


def test_the_tenant_adds_its_own_category(db, pro):
    tenant, owner = pro
    with tenant_scope(tenant.id, owner.id):
        services.add_category(tenant, owner, "Tol & parkir")
        services.record_entry(tenant, owner, entry(category="Tol & parkir"))
        with pytest.raises(FieldError):
            services.add_category(tenant, owner, "tol & PARKIR")
        with pytest.raises(FieldError):
            services.add_category(tenant, owner, "Bahan bakar")  # a built-in one's label
        assert ("Tol & parkir", "Tol & parkir") in services.category_choices(tenant.id)


def test_a_proof_is_checked_by_content_and_stored_under_a_key(db, pro):
    from app.core import storage

    tenant, owner = pro
    with tenant_scope(tenant.id, owner.id):
        saved = services.record_entry(tenant, owner, entry(), services.Proof(PNG))
        assert saved.proof_key.startswith(f"finance/{tenant.id}/") and not saved.proof_key.startswith("/")
        assert saved.proof_mime == "image/png"
        assert storage.read(saved.proof_key) == PNG
        with pytest.raises(FieldError) as caught:
            services.record_entry(tenant, owner, entry(), services.Proof(b"<html>not a photo</html>"))
        assert "proof" in caught.value.errors
        with pytest.raises(FieldError):
            services.record_entry(tenant, owner, entry(), services.Proof(PNG + bytes(services.MAX_PROOF_BYTES)))
        assert _count(db, FinanceEntry, tenant) == 1


def test_an_edit_is_in_the_activity_log(db, pro):
    from app.audit.models import ActivityLog

    tenant, owner = pro
    with tenant_scope(tenant.id, owner.id):
        saved = services.record_entry(tenant, owner, entry(amount="100000"))
        db.session.commit()
        services.update_entry(tenant, owner, saved, entry(amount="120000"))
        db.session.commit()
        lines = (
            db.session.execute(
                sa.select(ActivityLog).where(
                    ActivityLog.entity_type == "FinanceEntry", ActivityLog.entity_id == str(saved.id)
                )
            )
            .scalars()
            .all()
        )
        assert {line.action for line in lines} >= {"create", "update"}
        assert services.balance(tenant.id) == -120_000


def test_marking_paid_twice_books_one_income_and_unmarking_removes_it_visibly(db, pro, create_shipment):
    from app.audit.models import ActivityLog

    tenant, owner = pro
    first, second = create_shipment(tenant), create_shipment(tenant)
    draft = create_shipment(tenant, draft=True)
    with tenant_scope(tenant.id, owner.id):
        ids = [first.id, second.id, draft.id]
        assert services.mark_paid(tenant, owner, ids, paid_on="2026-12-01", method="transfer") == 2
        assert services.mark_paid(tenant, owner, ids, paid_on="2026-12-02", method="tunai") == 0
        entries = db.session.execute(sa.select(FinanceEntry).where(FinanceEntry.tenant_id == tenant.id)).scalars().all()
        assert sorted(e.shipment_id for e in entries) == sorted([first.id, second.id])
        assert {(e.kind, e.category, e.method) for e in entries} == {("income", "pengiriman", "transfer")}
        assert services.balance(tenant.id) == first.total_cost + second.total_cost

        assert services.unmark_paid(tenant, owner, first) is True
        assert services.balance(tenant.id) == second.total_cost
        assert services.unmark_paid(tenant, owner, first) is False
        logged = (
            db.session.execute(sa.select(ActivityLog.summary).where(ActivityLog.action == "finance.payment_unmarked"))
            .scalars()
            .all()
        )
        assert any(first.tracking_number in line for line in logged)
        assert services.mark_paid(tenant, owner, [first.id], paid_on="2026-12-03", method="qris") == 1


def test_the_paid_shipments_list_filters_and_shows_the_payment(db, pro, create_shipment):
    tenant, owner = pro
    paid = create_shipment(tenant, sender_name="Toko Sumber Rejeki")
    unpaid = create_shipment(tenant, sender_name="Bu Ani")
    with tenant_scope(tenant.id, owner.id):
        services.mark_paid(tenant, owner, [paid.id], paid_on="2026-12-01", method="qris")
        rows = services.payment_rows(tenant.id, services.PaymentFilter(state="unpaid"))
        assert [s.id for s, e in rows] == [unpaid.id]
        rows = services.payment_rows(tenant.id, services.PaymentFilter(sender="sumber"))
        assert [(s.id, e.method) for s, e in rows] == [(paid.id, "qris")]


def test_one_approval_makes_one_expense_and_a_rejection_tells_the_requester(db, pro, create_user):
    from app.notifications.services import inbox

    tenant, owner = pro
    kurir = create_user(tenant, "Kurir")
    with tenant_scope(tenant.id, owner.id):
        fuel = services.submit_request(tenant, kurir, entry(amount="120000"), services.Proof(PNG))
        services.approve_request(tenant, owner, fuel)
        with pytest.raises(FieldError):
            services.approve_request(tenant, owner, fuel)
        entries = db.session.execute(sa.select(FinanceEntry).where(FinanceEntry.tenant_id == tenant.id)).scalars().all()
        assert [(e.amount, e.expense_request_id, e.proof_key) for e in entries] == [(120_000, fuel.id, fuel.proof_key)]

        oil = services.submit_request(tenant, kurir, entry(amount="85000", category="perawatan", text="Oli"))
        with pytest.raises(FieldError) as caught:
            services.reject_request(tenant, owner, oil, "  ")
        assert "reason" in caught.value.errors
        services.reject_request(tenant, owner, oil, "Nota tidak terbaca")
        with pytest.raises(FieldError):
            services.approve_request(tenant, owner, oil)
        assert services.balance(tenant.id) == -120_000
        titles = [n.body for n, _read in inbox(kurir)]
        assert "Nota tidak terbaca" in titles


def test_a_kurir_sees_only_its_own_requests(db, pro, create_user):
    tenant, owner = pro
    kurir, other, admin = create_user(tenant, "Kurir"), create_user(tenant, "Kurir"), create_user(tenant, "Admin")
    with tenant_scope(tenant.id, owner.id):
        mine = services.submit_request(tenant, kurir, entry())
        theirs = services.submit_request(tenant, other, entry())
        by_admin = services.submit_request(tenant, admin, entry(category="operasional", text="ATK"))
        assert [r.id for r in services.list_requests(kurir)] == [mine.id]
        assert {r.id for r in services.list_requests(admin)} == {mine.id, theirs.id, by_admin.id}
        assert {r.id for r in services.list_requests(owner)} == {mine.id, theirs.id, by_admin.id}


def test_a_request_without_a_description_is_refused(db, pro, create_user):
    tenant, owner = pro
    kurir = create_user(tenant, "Kurir")
    with tenant_scope(tenant.id, owner.id):
        with pytest.raises(FieldError) as caught:
            services.submit_request(tenant, kurir, entry(text=""))
        assert "description" in caught.value.errors
        assert _count(db, ExpenseRequest, tenant) == 0


def test_filter_dates_that_do_not_parse_are_reported_not_applied():
    query = services.EntryFilter.from_args({"date_from": "kemarin", "kind": "both", "page": "-1"})
    assert query.date_from is None and "date_from" in query.errors
    assert query.kind == "" and query.page == 1
    assert services.EntryFilter.from_args({"date_to": (date(2026, 1, 1) + timedelta(days=1)).isoformat()}).date_to


def test_the_unpaid_filter_skips_paid_shipments_by_an_anti_join(db, pro):
    """The unpaid list walks the newest shipments and leaves out the paid ones as it goes (an anti-join):
    joining every shipment of the tenant to its payment first took seconds at 200k shipments."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's query plan")
    tenant, _owner = pro
    stmt = services.payment_statement(tenant.id, services.PaymentFilter(state="unpaid"))
    sql = stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    plan = "\n".join(db.session.execute(sa.text(f"EXPLAIN {sql}")).scalars())
    assert "Anti Join" in plan, plan
