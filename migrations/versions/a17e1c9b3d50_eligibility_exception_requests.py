"""eligibility exception requests: evaluation staff ask, an administrator approves or refuses (issue 17)

Revision ID: a17e1c9b3d50
Revises: e4b1c7a9d2f6
Create Date: 2026-12-06 21:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'a17e1c9b3d50'
down_revision = 'e4b1c7a9d2f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_exception_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status = 'pending' OR (decided_at IS NOT NULL AND decision_reason IS NOT NULL)", name=op.f('ck_assessment_exception_requests_decision_recorded')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'refused')", name=op.f('ck_assessment_exception_requests_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_assessment_exception_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['assessment_registrations.id'], name=op.f('fk_assessment_exception_requests_registration_id_assessment_registrations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_assessment_exception_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_exception_requests'))
    )
    with op.batch_alter_table('assessment_exception_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_exception_requests_registration_id'), ['registration_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assessment_exception_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_exception_requests_registration_id'))

    op.drop_table('assessment_exception_requests')
