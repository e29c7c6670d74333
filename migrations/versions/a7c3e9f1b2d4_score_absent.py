"""assessment scores: absent (缺考) marked explicitly on a cell

Revision ID: a7c3e9f1b2d4
Revises: a17e1c9b3d50
Create Date: 2026-12-06 21:25:00
"""
import sqlalchemy as sa
from alembic import op

revision = "a7c3e9f1b2d4"
down_revision = "a17e1c9b3d50"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessment_scores") as batch_op:
        batch_op.add_column(sa.Column("absent", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_check_constraint("absent_unscored", "NOT absent OR value IS NULL")


def downgrade():
    with op.batch_alter_table("assessment_scores") as batch_op:
        batch_op.drop_constraint("absent_unscored", type_="check")
        batch_op.drop_column("absent")
