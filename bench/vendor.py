"""Generator, vendor side: clients (tenants with settings, modules, subscription), invoices with
lines and payments, helpdesk tickets. Set-based INSERT ... SELECT generate_series: no Python rows."""

BENCH_SLUG = "bench-%"
INVOICE_PREFIX = "BENCH/INV/"
TICKET_PREFIX = "BENCH-"


def ordered_tenant_ids(conn) -> list[int]:
    """demo first (the largest tenant), contoh second, then the generated clients."""
    rows = conn.execute(
        """SELECT id FROM tenant WHERE slug IN ('demo', 'contoh') OR slug LIKE %s
           ORDER BY CASE slug WHEN 'demo' THEN 0 WHEN 'contoh' THEN 1 ELSE 2 END, slug""",
        (BENCH_SLUG,),
    ).fetchall()
    return [row[0] for row in rows]


def ensure_clients(conn, wanted: int, log) -> list[int]:
    have = len(ordered_tenant_ids(conn))
    if wanted > have:
        log(f"clients: creating {wanted - have:,} tenants")
        _create_tenants(conn, have + 1, wanted)
    return ordered_tenant_ids(conn)[:wanted] if wanted else ordered_tenant_ids(conn)


def _create_tenants(conn, first: int, last: int) -> None:
    demo = conn.execute("SELECT id FROM tenant WHERE slug = 'demo'").fetchone()[0]
    conn.execute(
        """INSERT INTO tenant (name, slug, client_type, status, contact_name, email, phone, address, joined_on,
                               created_at, subscription_state, subscription_ends_at)
           SELECT (ARRAY['PT','CV','Koperasi','UD'])[1 + n %% 4] || ' Kirim Nusantara ' || n,
                  'bench-' || lpad(n::text, 5, '0'),
                  (ARRAY['logistik','koperasi','bumdes','umkm'])[1 + n %% 4],
                  CASE WHEN n %% 17 = 0 THEN 'overdue' WHEN n %% 29 = 0 THEN 'inactive' ELSE 'active' END,
                  'Kontak ' || n, 'owner@bench-' || n || '.test', '021' || lpad(n::text, 7, '0'),
                  'Jl. Industri No. ' || n || ', Jakarta',
                  current_date - (n %% 900), now() - (n %% 900) * interval '1 day', 'active',
                  now() + interval '30 days'
           FROM generate_series(%s::int, %s::int) AS n""",
        (first, last),
    )
    new = "SELECT id, slug FROM tenant t WHERE slug LIKE 'bench-%%' AND NOT EXISTS"
    conn.execute(
        f"""INSERT INTO tenant_settings (tenant_id, tracking_prefix, tracking_padding, next_sequence, volume_divisor,
                rounding_mode, rounding_tolerance, minimum_weight, company_name, updated_at)
            SELECT t.id, 'BT' || substr(t.slug, 7), s.tracking_padding, 1, s.volume_divisor, s.rounding_mode,
                   s.rounding_tolerance, s.minimum_weight, 'Bench ' || t.slug, now()
            FROM ({new} (SELECT 1 FROM tenant_settings x WHERE x.tenant_id = t.id)) t
            JOIN tenant_settings s ON s.tenant_id = %s""",
        (demo,),
    )
    conn.execute(
        f"""INSERT INTO tenant_module (tenant_id, module_code, enabled_at)
            SELECT t.id, m.module_code, now()
            FROM ({new} (SELECT 1 FROM tenant_module x WHERE x.tenant_id = t.id)) t
            JOIN tenant_module m ON m.tenant_id = %s""",
        (demo,),
    )
    conn.execute(
        f"""INSERT INTO billing_subscription (tenant_id, plan_id, status, started_on, period_end)
            SELECT t.id, s.plan_id, 'active', current_date - 10, current_date + 20
            FROM ({new} (SELECT 1 FROM billing_subscription x WHERE x.tenant_id = t.id)) t
            JOIN billing_subscription s ON s.tenant_id = %s""",
        (demo,),
    )
    conn.commit()


def assign_plans(conn, tenant_ids: list[int], shipping_ids: list[int]) -> None:
    """Tenants that get shipments are on the unlimited Business plan (thousands of shipments a
    month); the other clients rotate over Free / Pro / Business. Quotas follow the plan."""
    conn.execute(
        """UPDATE billing_subscription s SET plan_id = CASE
               WHEN s.tenant_id = ANY(%(shipping)s) THEN (SELECT id FROM billing_plan WHERE code = 'business')
               ELSE (SELECT id FROM billing_plan WHERE code = (ARRAY['free','pro','business'])[1 + s.tenant_id %% 3])
           END
           WHERE s.tenant_id = ANY(%(all)s)""",
        {"shipping": shipping_ids, "all": tenant_ids},
    )
    conn.execute(
        """UPDATE tenant t SET shipment_quota = p.shipment_quota, user_quota = p.user_quota
           FROM billing_subscription s JOIN billing_plan p ON p.id = s.plan_id
           WHERE s.tenant_id = t.id AND t.id = ANY(%s)""",
        (tenant_ids,),
    )
    conn.commit()


def _count(conn, sql: str, prefix: str) -> int:
    return conn.execute(sql, (prefix + "%",)).fetchone()[0]


def top_up_invoices(conn, wanted: int, tenant_ids: list[int], log) -> None:
    have = _count(conn, "SELECT count(*) FROM billing_invoice WHERE number LIKE %s", INVOICE_PREFIX)
    if wanted <= have:
        return
    log(f"invoices: {wanted - have:,} with lines and payments")
    conn.execute(
        """INSERT INTO billing_invoice (tenant_id, number, issue_date, due_date, bill_to_name, bill_to_address,
                bill_to_email, subtotal, discount, tax_base, tax, total, paid_amount, tax_rate,
                tax_base_numerator, tax_base_denominator, created_at)
           SELECT t.id, %(prefix)s || lpad(n::text, 7, '0'), d, d + 14, t.name, t.address, t.email,
                  amount, 0, amount * 11 / 12, round(amount * 11 / 12 * 0.12), amount + round(amount * 11 / 12 * 0.12),
                  CASE WHEN n %% 10 < 7 OR d + 14 < current_date - 60 THEN amount + round(amount * 11 / 12 * 0.12)
                       ELSE 0 END,
                  0.12, 11, 12, d::timestamp + interval '9 hours'
           FROM generate_series(%(first)s::int, %(last)s::int) AS n
           CROSS JOIN LATERAL (SELECT (ARRAY[149000, 299000, 449000, 999000])[1 + n %% 4]::numeric AS amount,
                                      current_date - (n %% 730) AS d) v
           JOIN tenant t ON t.id = (%(ids)s::int[])[1 + ((n::bigint * 7919) %% %(count)s)::int]""",
        {"prefix": INVOICE_PREFIX, "first": have + 1, "last": wanted, "ids": tenant_ids, "count": len(tenant_ids)},
    )
    conn.execute(
        """INSERT INTO billing_invoice_line (tenant_id, invoice_id, position, description, quantity, unit_price, amount)
           SELECT i.tenant_id, i.id, 0, 'Langganan SiLogistik (30 hari)', 1, i.subtotal, i.subtotal
           FROM billing_invoice i WHERE i.number LIKE %s
             AND NOT EXISTS (SELECT 1 FROM billing_invoice_line l WHERE l.invoice_id = i.id)""",
        (INVOICE_PREFIX + "%",),
    )
    conn.execute(
        """INSERT INTO billing_payment
               (tenant_id, invoice_id, method, paid_at, amount, net_amount, reference, created_at)
           SELECT i.tenant_id, i.id, (ARRAY['transfer','qris','virtual_account','cash'])[1 + i.id %% 4],
                  i.issue_date + (i.id %% 14), i.paid_amount,
                  coalesce(round(i.paid_amount * (i.total - i.tax) / nullif(i.total, 0), 2), 0),
                  'TRF-' || i.id, i.created_at + interval '2 days'
           FROM billing_invoice i WHERE i.number LIKE %s AND i.paid_amount > 0
             AND NOT EXISTS (SELECT 1 FROM billing_payment p WHERE p.invoice_id = i.id)""",
        (INVOICE_PREFIX + "%",),
    )
    conn.commit()


def top_up_tickets(conn, wanted: int, tenant_ids: list[int], log) -> None:
    have = _count(conn, "SELECT count(*) FROM helpdesk_ticket WHERE number LIKE %s", TICKET_PREFIX)
    if wanted <= have:
        return
    log(f"tickets: {wanted - have:,}")
    conn.execute(
        """INSERT INTO helpdesk_ticket (tenant_id, number, title, description, category, priority, status,
                created_at, updated_at, first_response_at, resolved_at)
           SELECT (%(ids)s::int[])[1 + ((n::bigint * 104729) %% %(count)s)::int], %(prefix)s || lpad(n::text, 7, '0'),
                  (ARRAY['Tidak bisa cetak resi', 'Tagihan ganda', 'Lupa kata sandi', 'Minta fitur laporan',
                         'Ongkir tidak muncul'])[1 + n %% 5],
                  'Deskripsi tiket ' || n,
                  (ARRAY['bug','pembayaran','akun','fitur','lainnya'])[1 + n %% 5],
                  (ARRAY['rendah','sedang','sedang','tinggi'])[1 + n %% 4],
                  s, c, c + interval '3 hours', c + interval '3 hours',
                  CASE WHEN s = 'selesai' THEN c + interval '2 days' END
           FROM generate_series(%(first)s::int, %(last)s::int) AS n
           CROSS JOIN LATERAL (SELECT now()::timestamp - (n %% 600) * interval '1 day'
                                      - (n %% 24) * interval '1 hour' AS c,
                  CASE WHEN n %% 600 > 20 OR n %% 3 = 0 THEN 'selesai'
                       ELSE (ARRAY['terbuka','dalam_proses','menunggu_klien'])[1 + n %% 3] END AS s) v""",
        {"prefix": TICKET_PREFIX, "first": have + 1, "last": wanted, "ids": tenant_ids, "count": len(tenant_ids)},
    )
    conn.commit()
