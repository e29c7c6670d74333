"""worker accounts: the worker role, users without an organisation, person accounts and activation codes

Revision ID: a9d4c2e6f8b1
Revises: b2d4f6a8c0e1
Create Date: 2026-12-07 12:00:00

Registrations may come from the person's own account (source 'self', 个人报名).
The skill upgrading subsidy may be claimed by the person (subsidy_claims.organisation_id empty).
A worker may express interest in an open job demand (demand_interests).
Share links may be made by the holder's own account (no organisation) and may hide the ID number.
Widens the user_roles role CHECK for the new role worker (a person's own account) and lets users.organisation_id
be empty: a worker account belongs to a person, not to an organisation.
"""
from alembic import op
import sqlalchemy as sa



revision = 'a9d4c2e6f8b1'
down_revision = 'b2d4f6a8c0e1'
branch_labels = None
depends_on = None


OLD_ROLES = "role IN ('admin', 'institution_staff', 'evaluation_staff', 'assessor', 'enterprise_hr', 'dept_supervisor')"
NEW_ROLES = ("role IN ('admin', 'institution_staff', 'evaluation_staff', 'assessor', 'enterprise_hr', "
             "'dept_supervisor', 'worker')")


def _roles_check(condition):
    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_roles_role'), type_='check')
        batch_op.create_check_constraint('role', condition)


OLD_SOURCES = "source IN ('individual', 'enrolment', 'apprenticeship')"
NEW_SOURCES = "source IN ('individual', 'enrolment', 'apprenticeship', 'self')"


def _sources_check(condition):
    with op.batch_alter_table('assessment_registrations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_assessment_registrations_source'), type_='check')
        batch_op.create_check_constraint('source', condition)


def upgrade():
    _roles_check(NEW_ROLES)
    _sources_check(NEW_SOURCES)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=True)

    op.create_table('person_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_accounts_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_person_accounts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_accounts')),
    sa.UniqueConstraint('person_id', name=op.f('uq_person_accounts_person_id')),
    sa.UniqueConstraint('user_id', name=op.f('uq_person_accounts_user_id'))
    )
    op.create_table('activation_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_activation_codes_attempts')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_activation_codes_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activation_codes'))
    )
    with op.batch_alter_table('activation_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activation_codes_person_id'), ['person_id'], unique=False)
    # Share links made by the holder's own account belong to no organisation; the holder may hide the ID number.
    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('hide_id_number', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('demand_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['demand_id'], ['job_demands.id'], name=op.f('fk_demand_interests_demand_id_job_demands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_demand_interests_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_interests')),
    sa.UniqueConstraint('demand_id', 'person_id', name='uq_demand_interests_demand_person')
    )
    with op.batch_alter_table('demand_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_interests_demand_id'), ['demand_id'], unique=False)
    # 技能提升补贴 claimed by the individual: no organisation prepared it.
    with op.batch_alter_table('subsidy_claims', schema=None) as batch_op:
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    with op.batch_alter_table('demand_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_interests_demand_id'))
    op.drop_table('demand_interests')
    # A self-application stays a registration: it becomes an individual one (the person applied in person).
    op.execute("UPDATE assessment_registrations SET source = 'individual' WHERE source = 'self'")
    _sources_check(OLD_SOURCES)
    # The check log keeps its rows (they hold no personal data); they lose the link to the holder's share link.
    op.execute("UPDATE verification_log SET share_link_id = NULL WHERE share_link_id IN "
               "(SELECT id FROM share_links WHERE organisation_id IS NULL)")
    op.execute("DELETE FROM share_links WHERE organisation_id IS NULL")
    # A claim the person made cannot stay without an organisation; the audit log keeps its history.
    op.execute("DELETE FROM subsidy_claims WHERE organisation_id IS NULL")
    with op.batch_alter_table('subsidy_claims', schema=None) as batch_op:
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.drop_column('hide_id_number')
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('activation_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activation_codes_person_id'))
    op.drop_table('activation_codes')
    op.drop_table('person_accounts')
    # Worker accounts go with the role: they belong to no organisation and cannot stay.
    op.execute("DELETE FROM users WHERE organisation_id IS NULL")
    op.execute("DELETE FROM user_roles WHERE role = 'worker'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=False)
    _roles_check(OLD_ROLES)
