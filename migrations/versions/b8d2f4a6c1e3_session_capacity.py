"""assessment sessions: capacity (seats) of a room, optional

Revision ID: b8d2f4a6c1e3
Revises: c3f8a2d6e1b7
Create Date: 2026-12-06 23:55:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b8d2f4a6c1e3"
down_revision = "c3f8a2d6e1b7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessment_sessions") as batch_op:
        batch_op.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
        batch_op.create_check_constraint("capacity", "capacity IS NULL OR capacity > 0")


def downgrade():
    with op.batch_alter_table("assessment_sessions") as batch_op:
        batch_op.drop_constraint("capacity", type_="check")
        batch_op.drop_column("capacity")
