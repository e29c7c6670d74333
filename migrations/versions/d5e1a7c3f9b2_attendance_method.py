"""attendance records: how each was taken (staff, sign-in sheet, the trainee's own sign-in)

Revision ID: d5e1a7c3f9b2
Revises: b8d2f4a6c1e3
Create Date: 2026-12-07 00:35:00
"""
import sqlalchemy as sa
from alembic import op

revision = "d5e1a7c3f9b2"
down_revision = "b8d2f4a6c1e3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attendance_records") as batch_op:
        batch_op.add_column(sa.Column("method", sa.String(length=10), nullable=False, server_default="staff"))
        batch_op.create_check_constraint("method", "method IN ('staff', 'sheet', 'self')")


def downgrade():
    with op.batch_alter_table("attendance_records") as batch_op:
        batch_op.drop_constraint("method", type_="check")
        batch_op.drop_column("method")
