"""people import jobs: an import larger than the interactive size runs on the task queue, with progress

Revision ID: e4b1c7a9d2f6
Revises: e4b7c1a9d2f6
Create Date: 2026-12-06 20:04:17
"""
from alembic import op
import sqlalchemy as sa


revision = 'e4b1c7a9d2f6'
down_revision = 'e4b7c1a9d2f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('people_import_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('upload_token', sa.String(length=64), nullable=True),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('ignore_unmapped', sa.Boolean(), nullable=False),
    sa.Column('remember_mapping', sa.Boolean(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=True),
    sa.Column('updated', sa.Integer(), nullable=True),
    sa.Column('unchanged', sa.Integer(), nullable=True),
    sa.Column('work_records_added', sa.Integer(), nullable=True),
    sa.Column('error_count', sa.Integer(), nullable=True),
    sa.Column('report_token', sa.String(length=64), nullable=True),
    sa.Column('problems_token', sa.String(length=64), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("channel IN ('web', 'api')", name=op.f('ck_people_import_jobs_channel')),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'invalid', 'failed')", name=op.f('ck_people_import_jobs_status')),
    sa.CheckConstraint('done >= 0 AND done <= total', name=op.f('ck_people_import_jobs_progress')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_people_import_jobs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_people_import_jobs_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people_import_jobs'))
    )
    with op.batch_alter_table('people_import_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_import_jobs_created_by_id'), ['created_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('people_import_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_import_jobs_created_by_id'))

    op.drop_table('people_import_jobs')
