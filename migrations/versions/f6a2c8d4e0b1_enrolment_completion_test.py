"""enrolments: the completion test a class may record per trainee (score and date)

Revision ID: f6a2c8d4e0b1
Revises: c3a8e5f1b7d4
Create Date: 2026-12-07 00:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "f6a2c8d4e0b1"
down_revision = "c3a8e5f1b7d4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("enrolments") as batch_op:
        batch_op.add_column(sa.Column("test_score", sa.Numeric(4, 1), nullable=True))
        batch_op.add_column(sa.Column("test_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("enrolments") as batch_op:
        batch_op.drop_column("test_on")
        batch_op.drop_column("test_score")
