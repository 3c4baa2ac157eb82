"""Every total on every finance page is the sum of the rows it stands for, read off the page as a user
reads it: the cash book (rows, all pages of a filter, the balance), paid shipments, the approval queue,
receivables (their columns, the age buckets, one debt's payments) and the report."""

import re

import lxml.html
import pytest

from app.logistics.finance import receivables, services
from app.tenancy.context import tenant_scope
from tests.conftest import login, tenant_host
from tests.support.factories import PASSWORD, create_user, owner_of

TODAY = "2026-12-07"
ENTRIES = (
    ("income", "2026-11-02", "2500000", "pengiriman"),
    ("expense", "2026-11-03", "350000", "bahan_bakar"),
    ("expense", "2026-11-20", "1200000", "sewa"),
    ("income", "2026-12-01", "180000", "lainnya"),
    ("expense", "2026-12-05", "275000", "perawatan"),
)
DEBTS = (  # name, amount, issued, due, paid
    ("Toko Sumber Rejeki", "1250000", "2026-07-01", "2026-08-15", "250000"),
    ("CV Maju Bersama", "640000", "2026-10-01", "2026-10-25", ""),
    ("Andi (kurir)", "500000", "2026-11-01", "2026-11-30", "500000"),
    ("Bu Ani", "300000", "2026-12-01", "2026-12-30", "100000"),
)


def rupiah(text: str) -> int:
    """ "Rp 1.250.000" or "-Rp 35.000" as a number; an empty cell is 0."""
    digits = re.sub(r"[^\d]", "", text)
    return (-1 if text.strip().startswith("-") else 1) * int(digits or 0)


def cells(page, xpath: str) -> list[int]:
    return [rupiah(cell.text_content()) for cell in page.xpath(xpath)]


def figure(page, element_id: str) -> int:
    return rupiah(page.get_element_by_id(element_id).text_content())


@pytest.fixture()
def books(db, create_tenant, create_shipment):
    """A Pro tenant with cash-book entries, three issued shipments (two paid), two waiting expense
    requests and four debts (paid off, partly paid, overdue, not yet due)."""
    tenant = create_tenant(plan="pro")
    owner = owner_of(tenant)
    kurir = create_user(tenant, "Kurir")
    shipments = [create_shipment(tenant, sender_name=name) for name in ("Bu Ani", "Pak Budi", "Toko Rejeki")]
    with tenant_scope(tenant.id, owner.id):
        for kind, day, amount, category in ENTRIES:
            services.record_entry(tenant, owner, services.EntryInput(kind, day, amount, "tunai", category, "Catatan"))
        services.mark_paid(tenant, owner, [s.id for s in shipments[:2]], paid_on="2026-12-06", method="transfer")
        for amount in ("87500", "120000"):
            fuel = services.EntryInput("expense", "2026-12-06", amount, "tunai", "bahan_bakar", "BBM motor")
            services.submit_request(tenant, kurir, fuel)
        for name, amount, issued, due, paid in DEBTS:
            data = receivables.ReceivableInput(
                debtor_kind="customer", debtor_name=name, amount=amount, issued_on=issued, due_on=due
            )
            debt = receivables.create_receivable(tenant, owner, data)
            if paid:
                receivables.add_receivable_payment(tenant, owner, debt, amount=paid, paid_on=due, method="tunai")
    return tenant, owner


@pytest.fixture()
def read(books, monkeypatch):
    """GET a finance page as the tenant's Super Admin on a frozen WIB today: its parsed HTML."""
    from datetime import date

    from flask import current_app

    monkeypatch.setattr(services, "wib_today", lambda: date.fromisoformat(TODAY))
    tenant, owner = books
    client = login(current_app._get_current_object(), owner.email, PASSWORD, tenant_host(tenant.slug))

    def get(url: str):
        response = client.get(url)
        assert response.status_code == 200, url
        return lxml.html.fromstring(response.get_data(as_text=True))

    return get


def test_cash_book_rows_pages_and_balance_add_up(read, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 3)  # the seven entries on three pages
    page, url, shown = read("/finance/entries/"), "/finance/entries/", {"income": 0, "expense": 0}
    while True:
        for kind in shown:
            rows = cells(page, f'//tr[@class="entry-row"]/td[contains(@class, "{kind}")]')
            assert sum(rows) == figure(page, f"page-{kind}")
            shown[kind] += sum(rows)
        following = page.xpath('//a[@id="page-next"]/@href')
        if not following:
            break
        url = following[0]
        page = read(url)
    assert shown == {"income": figure(page, "filter-income"), "expense": figure(page, "filter-expense")}
    assert figure(page, "filter-net") == figure(page, "cash-balance") == shown["income"] - shown["expense"]

    expenses = read("/finance/entries/?kind=expense&date_from=2026-11-01&date_to=2026-11-30")
    rows = cells(expenses, '//tr[@class="entry-row"]/td[contains(@class, "expense")]')
    assert sum(rows) == figure(expenses, "filter-expense") == figure(expenses, "page-expense") == 1_550_000


def test_paid_shipments_totals_are_the_rows_shown(read):
    page = read("/finance/payments/")
    paid = cells(page, '//tr[contains(@class, "payment-row") and contains(@class, "success")]/td[@class="text-right"]')
    unpaid = cells(
        page, '//tr[contains(@class, "payment-row") and not(contains(@class, "success"))]/td[@class="text-right"]'
    )
    assert (len(paid), len(unpaid)) == (2, 1)
    assert (sum(paid), sum(unpaid)) == (figure(page, "paid-total"), figure(page, "unpaid-total"))
    only_unpaid = read("/finance/payments/?state=unpaid")
    assert figure(only_unpaid, "paid-total") == 0 and figure(only_unpaid, "unpaid-total") == sum(unpaid)


def test_approval_queue_total_is_what_waits(read):
    page = read("/finance/approvals/")
    amounts = cells(page, '//tr[@class="approval-row"]/td[@class="text-right"]')
    assert sorted(amounts) == [87_500, 120_000] and sum(amounts) == figure(page, "approval-total")


@pytest.mark.parametrize("status", ["", "belum_lunas", "jatuh_tempo", "lunas"])
def test_receivable_columns_and_age_buckets_add_up(read, status):
    page = read(f"/finance/receivables/?status={status}")
    for column, total in ((4, "total-amount"), (5, "total-paid"), (6, "total-left")):
        assert sum(cells(page, f'//tr[@class="receivable-row"]/td[{column}]')) == figure(page, total)
    buckets = cells(page, '//span[@class="aging-bucket"]/strong')
    assert len(buckets) == 4 and sum(buckets) == figure(page, "total-left")


def test_one_debts_payments_add_up_to_what_is_paid(read, books):
    tenant, owner = books
    with tenant_scope(tenant.id, owner.id):
        debt = next(r.receivable for r in receivables.receivable_rows(tenant.id, services.wib_today()))
    page = read(f"/finance/receivables/{debt.id}")
    paid = cells(page, '//table[@id="receivable-payments"]/tbody/tr/td[@class="text-right"]')
    assert sum(paid) == figure(page, "payments-total") == figure(page, "receivable-paid")
    assert figure(page, "receivable-left") == debt.amount - sum(paid)


@pytest.mark.parametrize("group", ["day", "month"])
def test_report_totals_balances_and_receivables_add_up(read, group):
    page = read(f"/finance/report/?date_from=2026-11-01&date_to=2026-12-07&group={group}")
    income = cells(page, '//tr[@class="report-row"]/td[2]')
    expense = cells(page, '//tr[@class="report-row"]/td[3]')
    net = cells(page, '//tr[@class="report-row"]/td[4]')
    assert [i - e for i, e in zip(income, expense, strict=True)] == net
    assert sum(income) == figure(page, "sum-income") == figure(page, "report-income")
    assert sum(expense) == figure(page, "sum-expense") == figure(page, "report-expense")
    assert figure(page, "closing") == figure(page, "opening") + sum(net)
    owed = cells(page, '//table[@id="report-receivables"]/tbody/tr/td[4]')
    buckets = cells(page, '//p[@id="report-aging"]//strong')
    assert sum(owed) == figure(page, "receivables-left") == sum(buckets) == 1_000_000 + 640_000 + 200_000
