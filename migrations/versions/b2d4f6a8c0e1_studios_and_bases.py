"""studios and bases: registry, application materials and annual plans/summaries, members, funding ledger,
master-apprentice agreements, activities, teaching links to class sessions, classes and assessment plans held
at bases, assessment rounds

Revision ID: b2d4f6a8c0e1
Revises: b5d1e8c3a7f4
Create Date: 2026-12-07 12:27:19.795625

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2d4f6a8c0e1'
down_revision = 'b5d1e8c3a7f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('studio_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('round_kind', sa.String(length=8), nullable=False),
    sa.Column('rubric', sa.JSON(), nullable=False),
    sa.Column('excellent_cap_percent', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("round_kind IN ('annual', 'cycle')", name=op.f('ck_studio_rounds_round_kind')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_studio_rounds_status')),
    sa.CheckConstraint('excellent_cap_percent BETWEEN 0 AND 100', name=op.f('ck_studio_rounds_excellent_cap_percent')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_studio_rounds_opened_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_rounds')),
    sa.UniqueConstraint('year', 'round_kind', name='uq_studio_rounds_year')
    )
    op.create_table('studios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('tier', sa.String(length=12), nullable=False),
    sa.Column('host_org_id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('occupations', sa.String(length=300), nullable=False),
    sa.Column('premises', sa.Text(), nullable=True),
    sa.Column('equipment', sa.Text(), nullable=True),
    sa.Column('floor_area_band', sa.String(length=12), nullable=True),
    sa.Column('trade_count_band', sa.String(length=12), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('notice_ends_on', sa.Date(), nullable=True),
    sa.Column('cycle_end', sa.Date(), nullable=True),
    sa.Column('decision_note', sa.String(length=500), nullable=True),
    sa.Column('delisted_on', sa.Date(), nullable=True),
    sa.Column('reapply_from', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("floor_area_band IS NULL OR floor_area_band IN ('under_1000', '1000_3000', '3000_10000', 'over_10000')", name=op.f('ck_studios_floor_area_band')),
    sa.CheckConstraint("kind = 'base' OR leader_id IS NOT NULL", name=op.f('ck_studios_studio_leader')),
    sa.CheckConstraint("kind = 'studio' OR (floor_area_band IS NOT NULL AND trade_count_band IS NOT NULL)", name=op.f('ck_studios_base_bands')),
    sa.CheckConstraint("kind IN ('studio', 'base')", name=op.f('ck_studios_kind')),
    sa.CheckConstraint("status != 'delisted' OR (delisted_on IS NOT NULL AND reapply_from > delisted_on)", name=op.f('ck_studios_delisted_dates')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'notice', 'listed', 'rejected', 'delisted')", name=op.f('ck_studios_status')),
    sa.CheckConstraint("status NOT IN ('notice', 'listed', 'delisted') OR (approved_on IS NOT NULL AND notice_ends_on IS NOT NULL AND cycle_end IS NOT NULL)", name=op.f('ck_studios_approved_dates')),
    sa.CheckConstraint("tier IN ('national', 'provincial', 'city')", name=op.f('ck_studios_tier')),
    sa.CheckConstraint("trade_count_band IS NULL OR trade_count_band IN ('1_5', '6_10', 'over_10')", name=op.f('ck_studios_trade_count_band')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_studios_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['host_org_id'], ['organisations.id'], name=op.f('fk_studios_host_org_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['leader_id'], ['people.id'], name=op.f('fk_studios_leader_id_people'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studios'))
    )
    with op.batch_alter_table('studios', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studios_host_org_id'), ['host_org_id'], unique=False)
        batch_op.create_index('ix_studios_status', ['status', 'kind'], unique=False)

    op.create_table('studio_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('dated_on', sa.Date(), nullable=False),
    sa.Column('benefit', sa.String(length=500), nullable=True),
    sa.Column('benefit_yuan', sa.Integer(), nullable=True),
    sa.Column('people_reached', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind != 'problem' OR benefit IS NOT NULL", name=op.f('ck_studio_activities_problem_benefit')),
    sa.CheckConstraint("kind IN ('problem', 'exchange', 'social_service')", name=op.f('ck_studio_activities_kind')),
    sa.CheckConstraint('benefit_yuan IS NULL OR benefit_yuan >= 0', name=op.f('ck_studio_activities_benefit_yuan')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_studio_activities_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_studio_activities_studio_id_studios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_activities'))
    )
    with op.batch_alter_table('studio_activities', schema=None) as batch_op:
        batch_op.create_index('ix_studio_activities_studio', ['studio_id', 'dated_on'], unique=False)

    op.create_table('studio_apprenticeships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('master_id', sa.Integer(), nullable=False),
    sa.Column('apprentice_id', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.Column('goal', sa.String(length=300), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('active', 'ended')", name=op.f('ck_studio_apprenticeships_status')),
    sa.CheckConstraint('end_on > start_on', name=op.f('ck_studio_apprenticeships_dates')),
    sa.CheckConstraint('master_id != apprentice_id', name=op.f('ck_studio_apprenticeships_not_self')),
    sa.ForeignKeyConstraint(['apprentice_id'], ['people.id'], name=op.f('fk_studio_apprenticeships_apprentice_id_people'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_studio_apprenticeships_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['master_id'], ['people.id'], name=op.f('fk_studio_apprenticeships_master_id_people'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_studio_apprenticeships_studio_id_studios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_apprenticeships')),
    sa.UniqueConstraint('studio_id', 'apprentice_id', 'start_on', name='uq_studio_apprenticeships_apprentice')
    )
    with op.batch_alter_table('studio_apprenticeships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_apprenticeships_apprentice_id'), ['apprentice_id'], unique=False)
        batch_op.create_index('ix_studio_apprenticeships_studio', ['studio_id', 'start_on'], unique=False)

    op.create_table('studio_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('measured', sa.JSON(), nullable=False),
    sa.Column('panel_scores', sa.JSON(), nullable=False),
    sa.Column('total', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('grade', sa.String(length=10), nullable=True),
    sa.Column('graded_by_id', sa.Integer(), nullable=True),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("grade IS NULL OR grade IN ('excellent', 'pass', 'fail')", name=op.f('ck_studio_assessments_grade')),
    sa.ForeignKeyConstraint(['graded_by_id'], ['users.id'], name=op.f('fk_studio_assessments_graded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['studio_rounds.id'], name=op.f('fk_studio_assessments_round_id_studio_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_studio_assessments_studio_id_studios'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_assessments')),
    sa.UniqueConstraint('round_id', 'studio_id', name='uq_studio_assessments_studio')
    )
    with op.batch_alter_table('studio_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_assessments_studio_id'), ['studio_id'], unique=False)

    op.create_table('studio_fund_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('entry_kind', sa.String(length=6), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('dated_on', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('file_path', sa.String(length=200), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(entry_kind = 'spend') = (category IS NOT NULL)", name=op.f('ck_studio_fund_entries_spend_category')),
    sa.CheckConstraint("category IS NULL OR category IN ('equipment', 'training', 'research', 'exchange', 'other')", name=op.f('ck_studio_fund_entries_category')),
    sa.CheckConstraint("entry_kind IN ('grant', 'spend')", name=op.f('ck_studio_fund_entries_entry_kind')),
    sa.CheckConstraint("source IN ('national', 'provincial', 'city', 'host')", name=op.f('ck_studio_fund_entries_source')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_studio_fund_entries_amount')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_studio_fund_entries_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_studio_fund_entries_studio_id_studios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_fund_entries'))
    )
    with op.batch_alter_table('studio_fund_entries', schema=None) as batch_op:
        batch_op.create_index('ix_studio_fund_entries_studio', ['studio_id', 'dated_on'], unique=False)

    op.create_table('studio_materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('file_path', sa.String(length=200), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind IN ('annual_plan', 'annual_summary')) = (year IS NOT NULL)", name=op.f('ck_studio_materials_annual_year')),
    sa.CheckConstraint("kind IN ('application_form', 'leader_record', 'premises_proof', 'work_plan', 'training_plan', 'annual_plan', 'annual_summary')", name=op.f('ck_studio_materials_kind')),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_studio_materials_studio_id_studios'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_studio_materials_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_materials'))
    )
    with op.batch_alter_table('studio_materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_materials_studio_id'), ['studio_id'], unique=False)

    op.create_table('studio_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('is_leader', sa.Boolean(), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_studio_members_person_id_people'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_studio_members_studio_id_studios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_members')),
    sa.UniqueConstraint('studio_id', 'person_id', name='uq_studio_members_person')
    )
    with op.batch_alter_table('studio_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_members_person_id'), ['person_id'], unique=False)

    op.create_table('studio_hosted',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(class_id IS NULL) != (plan_id IS NULL)', name=op.f('ck_studio_hosted_class_or_plan')),
    sa.ForeignKeyConstraint(['class_id'], ['training_classes.id'], name=op.f('fk_studio_hosted_class_id_training_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['assessment_plans.id'], name=op.f('fk_studio_hosted_plan_id_assessment_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_studio_hosted_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_studio_hosted_studio_id_studios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_hosted')),
    sa.UniqueConstraint('studio_id', 'class_id', name='uq_studio_hosted_class'),
    sa.UniqueConstraint('studio_id', 'plan_id', name='uq_studio_hosted_plan')
    )
    op.create_table('studio_teaching',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_studio_teaching_person_id_people'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_studio_teaching_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['class_sessions.id'], name=op.f('fk_studio_teaching_session_id_class_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_studio_teaching_studio_id_studios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_teaching')),
    sa.UniqueConstraint('studio_id', 'person_id', 'session_id', name='uq_studio_teaching_session')
    )
    with op.batch_alter_table('studio_teaching', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_teaching_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('studio_teaching', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_teaching_session_id'))

    op.drop_table('studio_teaching')
    op.drop_table('studio_hosted')
    with op.batch_alter_table('studio_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_members_person_id'))

    op.drop_table('studio_members')
    with op.batch_alter_table('studio_materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_materials_studio_id'))

    op.drop_table('studio_materials')
    with op.batch_alter_table('studio_fund_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_studio_fund_entries_studio')

    op.drop_table('studio_fund_entries')
    with op.batch_alter_table('studio_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_assessments_studio_id'))

    op.drop_table('studio_assessments')
    with op.batch_alter_table('studio_apprenticeships', schema=None) as batch_op:
        batch_op.drop_index('ix_studio_apprenticeships_studio')
        batch_op.drop_index(batch_op.f('ix_studio_apprenticeships_apprentice_id'))

    op.drop_table('studio_apprenticeships')
    with op.batch_alter_table('studio_activities', schema=None) as batch_op:
        batch_op.drop_index('ix_studio_activities_studio')

    op.drop_table('studio_activities')
    with op.batch_alter_table('studios', schema=None) as batch_op:
        batch_op.drop_index('ix_studios_status')
        batch_op.drop_index(batch_op.f('ix_studios_host_org_id'))

    op.drop_table('studios')
    op.drop_table('studio_rounds')
