"""billing: product modules, plans, subscriptions, invoices, payments, numbering

Revision ID: 0003_billing
Revises: 0002_logistics
"""
from alembic import op
import sqlalchemy as sa


revision = "0003_billing"
down_revision = "0002_logistics"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('billing_invoice_counter',
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('period')
    )
    op.create_table('billing_module',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('monthly_price', sa.Numeric(precision=18, scale=0), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('billing_module', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_module_category'), ['category'], unique=False)

    op.create_table('billing_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('price', sa.Numeric(precision=18, scale=0), nullable=False),
    sa.Column('period_days', sa.Integer(), nullable=False),
    sa.Column('shipment_quota', sa.Integer(), nullable=True),
    sa.Column('user_quota', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('billing_plan_module',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['billing_module.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['billing_plan.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'module_id')
    )
    op.create_table('billing_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['billing_plan.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', name='uq_billing_subscription_tenant')
    )
    with op.batch_alter_table('billing_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_subscription_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_subscription_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('billing_invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('bill_to_name', sa.String(length=150), nullable=False),
    sa.Column('bill_to_address', sa.Text(), nullable=True),
    sa.Column('bill_to_npwp', sa.String(length=32), nullable=True),
    sa.Column('bill_to_email', sa.String(length=320), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('subtotal', sa.Numeric(precision=18, scale=0), nullable=False),
    sa.Column('discount', sa.Numeric(precision=18, scale=0), nullable=False),
    sa.Column('tax_base', sa.Numeric(precision=18, scale=0), nullable=False),
    sa.Column('tax', sa.Numeric(precision=18, scale=0), nullable=False),
    sa.Column('total', sa.Numeric(precision=18, scale=0), nullable=False),
    sa.Column('paid_amount', sa.Numeric(precision=18, scale=0), nullable=False),
    sa.Column('tax_rate', sa.Numeric(precision=6, scale=4), nullable=False),
    sa.Column('tax_base_numerator', sa.Integer(), nullable=False),
    sa.Column('tax_base_denominator', sa.Integer(), nullable=False),
    sa.Column('email_state', sa.String(length=10), nullable=True),
    sa.Column('email_job_id', sa.String(length=36), nullable=True),
    sa.Column('email_state_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('billing_invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_invoice_bill_to_name'), ['bill_to_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_invoice_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_invoice_issue_date'), ['issue_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_invoice_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_invoice_total'), ['total'], unique=False)

    op.create_table('billing_invoice_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=18, scale=0), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=0), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['billing_invoice.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('billing_invoice_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_invoice_line_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_invoice_line_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('billing_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=30), nullable=False),
    sa.Column('paid_at', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=0), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['billing_invoice.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['ab_user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('billing_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_payment_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_payment_tenant_id'), ['tenant_id'], unique=False)



def downgrade():
    with op.batch_alter_table('billing_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_payment_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_billing_payment_invoice_id'))

    op.drop_table('billing_payment')
    with op.batch_alter_table('billing_invoice_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_invoice_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_billing_invoice_line_invoice_id'))

    op.drop_table('billing_invoice_line')
    with op.batch_alter_table('billing_invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_invoice_total'))
        batch_op.drop_index(batch_op.f('ix_billing_invoice_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_billing_invoice_issue_date'))
        batch_op.drop_index(batch_op.f('ix_billing_invoice_due_date'))
        batch_op.drop_index(batch_op.f('ix_billing_invoice_bill_to_name'))

    op.drop_table('billing_invoice')
    with op.batch_alter_table('billing_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_subscription_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_billing_subscription_plan_id'))

    op.drop_table('billing_subscription')
    op.drop_table('billing_plan_module')
    op.drop_table('billing_plan')
    with op.batch_alter_table('billing_module', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_module_category'))

    op.drop_table('billing_module')
    op.drop_table('billing_invoice_counter')
