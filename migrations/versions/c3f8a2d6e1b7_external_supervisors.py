"""external supervisors: requests, appointments, department supervisor role

Revision ID: c3f8a2d6e1b7
Revises: a7c3e9f1b2d4
Create Date: 2026-12-06 23:45:50

Also widens the user_roles role CHECK for the new role dept_supervisor (人社部门质量督导员).
"""
from alembic import op
import sqlalchemy as sa


revision = 'c3f8a2d6e1b7'
down_revision = 'a7c3e9f1b2d4'
branch_labels = None
depends_on = None


OLD_ROLES = "role IN ('admin', 'institution_staff', 'evaluation_staff', 'assessor', 'enterprise_hr')"
NEW_ROLES = "role IN ('admin', 'institution_staff', 'evaluation_staff', 'assessor', 'enterprise_hr', 'dept_supervisor')"


def _roles_check(condition):
    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_roles_role'), type_='check')
        batch_op.create_check_constraint('role', condition)


def upgrade():
    _roles_check(NEW_ROLES)
    op.create_table('assessment_supervisor_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('rooms', sa.String(length=500), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name=op.f('ck_assessment_supervisor_requests_decision_recorded')),
    sa.CheckConstraint("status IN ('pending', 'appointed', 'declined', 'withdrawn')", name=op.f('ck_assessment_supervisor_requests_status')),
    sa.CheckConstraint('count BETWEEN 1 AND 50', name=op.f('ck_assessment_supervisor_requests_count')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_assessment_supervisor_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['assessment_plans.id'], name=op.f('fk_assessment_supervisor_requests_plan_id_assessment_plans'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_assessment_supervisor_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_supervisor_requests'))
    )
    with op.batch_alter_table('assessment_supervisor_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_supervisor_requests_plan_id'), ['plan_id'], unique=False)

    op.create_table('assessment_supervisor_appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('appointed_by_id', sa.Integer(), nullable=True),
    sa.Column('appointed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appointed_by_id'], ['users.id'], name=op.f('fk_assessment_supervisor_appointments_appointed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['assessment_plans.id'], name=op.f('fk_assessment_supervisor_appointments_plan_id_assessment_plans'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['request_id'], ['assessment_supervisor_requests.id'], name=op.f('fk_assessment_supervisor_appointments_request_id_assessment_supervisor_requests'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assessment_supervisor_appointments_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_supervisor_appointments')),
    sa.UniqueConstraint('plan_id', 'user_id', name='uq_assessment_supervisor_appointments_plan_user')
    )
    with op.batch_alter_table('assessment_supervisor_appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_supervisor_appointments_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_supervisor_appointments_user_id'), ['user_id'], unique=False)



def downgrade():
    op.execute("DELETE FROM user_roles WHERE role = 'dept_supervisor'")
    _roles_check(OLD_ROLES)
    with op.batch_alter_table('assessment_supervisor_appointments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_supervisor_appointments_user_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_supervisor_appointments_plan_id'))

    op.drop_table('assessment_supervisor_appointments')
    with op.batch_alter_table('assessment_supervisor_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_supervisor_requests_plan_id'))

    op.drop_table('assessment_supervisor_requests')
