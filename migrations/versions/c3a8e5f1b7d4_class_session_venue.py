"""class sessions: an optional venue of their own (timetable in one go)

Revision ID: c3a8e5f1b7d4
Revises: d5e1a7c3f9b2
Create Date: 2026-12-07 00:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = "c3a8e5f1b7d4"
down_revision = "d5e1a7c3f9b2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("class_sessions") as batch_op:
        batch_op.add_column(sa.Column("venue", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("class_sessions") as batch_op:
        batch_op.drop_column("venue")
