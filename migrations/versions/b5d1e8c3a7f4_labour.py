"""labour: seasonal demand curves, available workers with injury cover, schedule runs and assignments,
seasonal contracts, hours, wage payments, notifications; shared employment; weekend engineers

Revision ID: b5d1e8c3a7f4
Revises: c0a1b2c3d4e5
Create Date: 2026-12-07 11:53:32.860185

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5d1e8c3a7f4'
down_revision = 'c0a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('labour_allowance_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('max_level_digit', sa.Integer(), nullable=False),
    sa.Column('per_hour', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('per_visit', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('solved_bonus', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.CheckConstraint('max_level_digit BETWEEN 1 AND 5', name=op.f('ck_labour_allowance_rules_max_level_digit')),
    sa.CheckConstraint('per_hour >= 0 AND per_visit >= 0 AND solved_bonus >= 0', name=op.f('ck_labour_allowance_rules_amounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_allowance_rules'))
    )
    op.create_table('labour_demands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('task', sa.String(length=20), nullable=False),
    sa.Column('city_code', sa.String(length=4), nullable=False),
    sa.Column('county', sa.String(length=50), nullable=False),
    sa.Column('township', sa.String(length=50), nullable=False),
    sa.Column('pay_kind', sa.String(length=10), nullable=False),
    sa.Column('pay_rate', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('hours_per_half_day', sa.Integer(), nullable=False),
    sa.Column('required_certificate', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("pay_kind IN ('day', 'piece')", name=op.f('ck_labour_demands_pay_kind')),
    sa.CheckConstraint("status IN ('posted', 'closed')", name=op.f('ck_labour_demands_status')),
    sa.CheckConstraint("task IN ('seedling', 'transplanting', 'spraying', 'harvest', 'sorting', 'packing', 'guiding', 'processing')", name=op.f('ck_labour_demands_task')),
    sa.CheckConstraint('hours_per_half_day BETWEEN 1 AND 6', name=op.f('ck_labour_demands_hours_per_half_day')),
    sa.CheckConstraint('pay_rate > 0', name=op.f('ck_labour_demands_pay_rate')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_labour_demands_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['organisations.id'], name=op.f('fk_labour_demands_enterprise_id_organisations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_demands'))
    )
    with op.batch_alter_table('labour_demands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_demands_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index('ix_labour_demands_place', ['city_code', 'county', 'status'], unique=False)

    op.create_table('labour_experts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('occupation_code', sa.String(length=10), nullable=False),
    sa.Column('occupation_name', sa.String(length=100), nullable=False),
    sa.Column('level_digit', sa.Integer(), nullable=False),
    sa.Column('titles', sa.String(length=200), nullable=True),
    sa.Column('home_city_code', sa.String(length=4), nullable=False),
    sa.Column('cities', sa.JSON(), nullable=False),
    sa.Column('availability', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('level_digit BETWEEN 1 AND 5', name=op.f('ck_labour_experts_level_digit')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_labour_experts_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_labour_experts_person_id_people'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_experts')),
    sa.UniqueConstraint('person_id', name=op.f('uq_labour_experts_person_id'))
    )
    op.create_table('labour_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('sms_backend', sa.String(length=20), nullable=True),
    sa.Column('sms_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_labour_notifications_person_id_people'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_notifications'))
    )
    with op.batch_alter_table('labour_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_notifications_person_id'), ['person_id'], unique=False)

    op.create_table('labour_schedule_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_code', sa.String(length=4), nullable=False),
    sa.Column('county', sa.String(length=50), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('time_limit_seconds', sa.Integer(), nullable=False),
    sa.Column('solver_status', sa.String(length=20), nullable=True),
    sa.Column('demanded', sa.Integer(), nullable=False),
    sa.Column('covered', sa.Integer(), nullable=False),
    sa.Column('kept', sa.Integer(), nullable=False),
    sa.Column('unmet', sa.JSON(), nullable=False),
    sa.Column('conflicts', sa.JSON(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'solved', 'failed', 'published')", name=op.f('ck_labour_schedule_runs_status')),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_labour_schedule_runs_dates')),
    sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_labour_schedule_runs_progress')),
    sa.CheckConstraint('time_limit_seconds BETWEEN 1 AND 600', name=op.f('ck_labour_schedule_runs_time_limit')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_labour_schedule_runs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_labour_schedule_runs_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_schedule_runs'))
    )
    with op.batch_alter_table('labour_schedule_runs', schema=None) as batch_op:
        batch_op.create_index('ix_labour_schedule_runs_place', ['city_code', 'county', 'created_at'], unique=False)

    op.create_table('labour_shared_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lender_id', sa.Integer(), nullable=False),
    sa.Column('borrower_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('weekly_hours_cap', sa.Integer(), nullable=False),
    sa.Column('safety_duties', sa.Text(), nullable=False),
    sa.Column('charge', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('cost', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('lender_pays_wages', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('active', 'ended')", name=op.f('ck_labour_shared_agreements_status')),
    sa.CheckConstraint('charge >= 0 AND charge <= cost', name=op.f('ck_labour_shared_agreements_at_cost')),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_labour_shared_agreements_dates')),
    sa.CheckConstraint('lender_id != borrower_id', name=op.f('ck_labour_shared_agreements_two_firms')),
    sa.CheckConstraint('lender_pays_wages', name=op.f('ck_labour_shared_agreements_lender_pays_wages')),
    sa.CheckConstraint('weekly_hours_cap BETWEEN 1 AND 44', name=op.f('ck_labour_shared_agreements_weekly_hours_cap')),
    sa.ForeignKeyConstraint(['borrower_id'], ['organisations.id'], name=op.f('fk_labour_shared_agreements_borrower_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_labour_shared_agreements_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lender_id'], ['organisations.id'], name=op.f('fk_labour_shared_agreements_lender_id_organisations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_shared_agreements'))
    )
    with op.batch_alter_table('labour_shared_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_shared_agreements_borrower_id'), ['borrower_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_shared_agreements_lender_id'), ['lender_id'], unique=False)

    op.create_table('labour_shared_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('occupation_code', sa.String(length=10), nullable=True),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('city_code', sa.String(length=4), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('open', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('surplus', 'shortage')", name=op.f('ck_labour_shared_posts_kind')),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_labour_shared_posts_dates')),
    sa.CheckConstraint('headcount BETWEEN 1 AND 1000', name=op.f('ck_labour_shared_posts_headcount')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_labour_shared_posts_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_labour_shared_posts_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_shared_posts'))
    )
    with op.batch_alter_table('labour_shared_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_shared_posts_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('labour_workers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('city_code', sa.String(length=4), nullable=False),
    sa.Column('county', sa.String(length=50), nullable=False),
    sa.Column('home_township', sa.String(length=50), nullable=False),
    sa.Column('townships', sa.JSON(), nullable=False),
    sa.Column('tasks', sa.JSON(), nullable=False),
    sa.Column('preferred_tasks', sa.JSON(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('registered_by_org_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("channel IN ('direct', 'township')", name=op.f('ck_labour_workers_channel')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_labour_workers_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_labour_workers_person_id_people'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['registered_by_org_id'], ['organisations.id'], name=op.f('fk_labour_workers_registered_by_org_id_organisations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_workers')),
    sa.UniqueConstraint('person_id', name=op.f('uq_labour_workers_person_id'))
    )
    with op.batch_alter_table('labour_workers', schema=None) as batch_op:
        batch_op.create_index('ix_labour_workers_place', ['city_code', 'county'], unique=False)

    op.create_table('labour_demand_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('half', sa.String(length=2), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.CheckConstraint("half IN ('am', 'pm')", name=op.f('ck_labour_demand_slots_half')),
    sa.CheckConstraint('headcount BETWEEN 1 AND 500', name=op.f('ck_labour_demand_slots_headcount')),
    sa.ForeignKeyConstraint(['demand_id'], ['labour_demands.id'], name=op.f('fk_labour_demand_slots_demand_id_labour_demands'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_demand_slots')),
    sa.UniqueConstraint('demand_id', 'day', 'half', name='uq_labour_demand_slots_demand_day_half')
    )
    with op.batch_alter_table('labour_demand_slots', schema=None) as batch_op:
        batch_op.create_index('ix_labour_demand_slots_day', ['day'], unique=False)

    op.create_table('labour_expert_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('occupation_code', sa.String(length=10), nullable=True),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('city_code', sa.String(length=4), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status = 'open' OR expert_id IS NOT NULL", name=op.f('ck_labour_expert_requests_assigned_expert')),
    sa.CheckConstraint("status IN ('open', 'assigned', 'closed')", name=op.f('ck_labour_expert_requests_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_labour_expert_requests_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['organisations.id'], name=op.f('fk_labour_expert_requests_enterprise_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['expert_id'], ['labour_experts.id'], name=op.f('fk_labour_expert_requests_expert_id_labour_experts'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_expert_requests'))
    )
    with op.batch_alter_table('labour_expert_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_expert_requests_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('labour_injury_covers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('insurer', sa.String(length=100), nullable=False),
    sa.Column('policy_number', sa.String(length=50), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('work_injury', 'occupational_injury')", name=op.f('ck_labour_injury_covers_kind')),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_labour_injury_covers_dates')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_labour_injury_covers_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['worker_id'], ['labour_workers.id'], name=op.f('fk_labour_injury_covers_worker_id_labour_workers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_injury_covers'))
    )
    with op.batch_alter_table('labour_injury_covers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_injury_covers_worker_id'), ['worker_id'], unique=False)

    op.create_table('labour_shared_workers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('monthly_wage', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('monthly_social_insurance', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('consented_on', sa.Date(), nullable=False),
    sa.Column('consent_method', sa.String(length=10), nullable=False),
    sa.CheckConstraint("consent_method IN ('online', 'sms_code', 'in_person')", name=op.f('ck_labour_shared_workers_consent_method')),
    sa.CheckConstraint('monthly_wage > 0 AND monthly_social_insurance >= 0', name=op.f('ck_labour_shared_workers_amounts')),
    sa.ForeignKeyConstraint(['agreement_id'], ['labour_shared_agreements.id'], name=op.f('fk_labour_shared_workers_agreement_id_labour_shared_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_labour_shared_workers_person_id_people'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_shared_workers')),
    sa.UniqueConstraint('agreement_id', 'person_id', name='uq_labour_shared_workers_agreement_person')
    )
    with op.batch_alter_table('labour_shared_workers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_shared_workers_person_id'), ['person_id'], unique=False)

    op.create_table('labour_worker_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_labour_worker_periods_dates')),
    sa.ForeignKeyConstraint(['worker_id'], ['labour_workers.id'], name=op.f('fk_labour_worker_periods_worker_id_labour_workers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_worker_periods'))
    )
    with op.batch_alter_table('labour_worker_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_worker_periods_worker_id'), ['worker_id'], unique=False)

    op.create_table('labour_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('proposed', 'published', 'confirmed')", name=op.f('ck_labour_assignments_status')),
    sa.ForeignKeyConstraint(['run_id'], ['labour_schedule_runs.id'], name=op.f('fk_labour_assignments_run_id_labour_schedule_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['slot_id'], ['labour_demand_slots.id'], name=op.f('fk_labour_assignments_slot_id_labour_demand_slots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['labour_workers.id'], name=op.f('fk_labour_assignments_worker_id_labour_workers'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_assignments')),
    sa.UniqueConstraint('slot_id', 'worker_id', name='uq_labour_assignments_slot_worker')
    )
    with op.batch_alter_table('labour_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_assignments_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_assignments_worker_id'), ['worker_id'], unique=False)

    op.create_table('labour_contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('cover_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('half_days', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('employer_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('employer_confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('employer_method', sa.String(length=10), nullable=True),
    sa.Column('worker_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('worker_confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('worker_method', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("employer_method IS NULL OR employer_method IN ('online', 'sms_code', 'in_person')", name=op.f('ck_labour_contracts_employer_method')),
    sa.CheckConstraint("status != 'confirmed' OR (employer_confirmed_at IS NOT NULL AND worker_confirmed_at IS NOT NULL)", name=op.f('ck_labour_contracts_both_confirmed')),
    sa.CheckConstraint("status IN ('draft', 'confirmed')", name=op.f('ck_labour_contracts_status')),
    sa.CheckConstraint("worker_method IS NULL OR worker_method IN ('online', 'sms_code', 'in_person')", name=op.f('ck_labour_contracts_worker_method')),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_labour_contracts_dates')),
    sa.ForeignKeyConstraint(['cover_id'], ['labour_injury_covers.id'], name=op.f('fk_labour_contracts_cover_id_labour_injury_covers'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['demand_id'], ['labour_demands.id'], name=op.f('fk_labour_contracts_demand_id_labour_demands'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['employer_confirmed_by_id'], ['users.id'], name=op.f('fk_labour_contracts_employer_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['worker_confirmed_by_id'], ['users.id'], name=op.f('fk_labour_contracts_worker_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['worker_id'], ['labour_workers.id'], name=op.f('fk_labour_contracts_worker_id_labour_workers'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_contracts')),
    sa.UniqueConstraint('demand_id', 'worker_id', name='uq_labour_contracts_demand_worker')
    )
    with op.batch_alter_table('labour_contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_contracts_worker_id'), ['worker_id'], unique=False)

    op.create_table('labour_expert_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('solved', sa.Boolean(), nullable=False),
    sa.Column('allowance', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('confirmed_at IS NULL OR allowance IS NOT NULL', name=op.f('ck_labour_expert_visits_allowance_on_confirm')),
    sa.CheckConstraint('hours > 0 AND hours <= 16', name=op.f('ck_labour_expert_visits_hours')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_labour_expert_visits_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['expert_id'], ['labour_experts.id'], name=op.f('fk_labour_expert_visits_expert_id_labour_experts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_labour_expert_visits_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['labour_expert_requests.id'], name=op.f('fk_labour_expert_visits_request_id_labour_expert_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['labour_allowance_rules.id'], name=op.f('fk_labour_expert_visits_rule_id_labour_allowance_rules'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_expert_visits'))
    )
    with op.batch_alter_table('labour_expert_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_expert_visits_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_expert_visits_request_id'), ['request_id'], unique=False)

    op.create_table('labour_wage_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('due', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('difference', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_labour_wage_payments_amount')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_labour_wage_payments_period')),
    sa.ForeignKeyConstraint(['contract_id'], ['labour_contracts.id'], name=op.f('fk_labour_wage_payments_contract_id_labour_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_labour_wage_payments_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_wage_payments'))
    )
    with op.batch_alter_table('labour_wage_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_wage_payments_contract_id'), ['contract_id'], unique=False)

    op.create_table('labour_work_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.Column('pieces', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('worker_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('worker_method', sa.String(length=10), nullable=True),
    sa.CheckConstraint("worker_method IS NULL OR worker_method IN ('online', 'sms_code', 'in_person')", name=op.f('ck_labour_work_logs_worker_method')),
    sa.CheckConstraint('hours > 0 AND hours <= 10', name=op.f('ck_labour_work_logs_hours')),
    sa.CheckConstraint('pieces IS NULL OR pieces >= 0', name=op.f('ck_labour_work_logs_pieces')),
    sa.ForeignKeyConstraint(['contract_id'], ['labour_contracts.id'], name=op.f('fk_labour_work_logs_contract_id_labour_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_labour_work_logs_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_work_logs')),
    sa.UniqueConstraint('contract_id', 'day', name='uq_labour_work_logs_contract_day')
    )


def downgrade():
    op.drop_table('labour_work_logs')
    with op.batch_alter_table('labour_wage_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_wage_payments_contract_id'))

    op.drop_table('labour_wage_payments')
    with op.batch_alter_table('labour_expert_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_expert_visits_request_id'))
        batch_op.drop_index(batch_op.f('ix_labour_expert_visits_expert_id'))

    op.drop_table('labour_expert_visits')
    with op.batch_alter_table('labour_contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_contracts_worker_id'))

    op.drop_table('labour_contracts')
    with op.batch_alter_table('labour_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_assignments_worker_id'))
        batch_op.drop_index(batch_op.f('ix_labour_assignments_run_id'))

    op.drop_table('labour_assignments')
    with op.batch_alter_table('labour_worker_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_worker_periods_worker_id'))

    op.drop_table('labour_worker_periods')
    with op.batch_alter_table('labour_shared_workers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_shared_workers_person_id'))

    op.drop_table('labour_shared_workers')
    with op.batch_alter_table('labour_injury_covers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_injury_covers_worker_id'))

    op.drop_table('labour_injury_covers')
    with op.batch_alter_table('labour_expert_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_expert_requests_enterprise_id'))

    op.drop_table('labour_expert_requests')
    with op.batch_alter_table('labour_demand_slots', schema=None) as batch_op:
        batch_op.drop_index('ix_labour_demand_slots_day')

    op.drop_table('labour_demand_slots')
    with op.batch_alter_table('labour_workers', schema=None) as batch_op:
        batch_op.drop_index('ix_labour_workers_place')

    op.drop_table('labour_workers')
    with op.batch_alter_table('labour_shared_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_shared_posts_organisation_id'))

    op.drop_table('labour_shared_posts')
    with op.batch_alter_table('labour_shared_agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_shared_agreements_lender_id'))
        batch_op.drop_index(batch_op.f('ix_labour_shared_agreements_borrower_id'))

    op.drop_table('labour_shared_agreements')
    with op.batch_alter_table('labour_schedule_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_labour_schedule_runs_place')

    op.drop_table('labour_schedule_runs')
    with op.batch_alter_table('labour_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_notifications_person_id'))

    op.drop_table('labour_notifications')
    op.drop_table('labour_experts')
    with op.batch_alter_table('labour_demands', schema=None) as batch_op:
        batch_op.drop_index('ix_labour_demands_place')
        batch_op.drop_index(batch_op.f('ix_labour_demands_enterprise_id'))

    op.drop_table('labour_demands')
    op.drop_table('labour_allowance_rules')
