"""certificate jobs: a heartbeat, so that a batch whose worker died is noticed and resumed

Revision ID: c3a9e5d17f20
Revises: b5d7e2c91a40
Create Date: 2026-12-06 08:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "c3a9e5d17f20"
down_revision = "b5d7e2c91a40"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificate_jobs") as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("certificate_jobs") as batch_op:
        batch_op.drop_column("heartbeat_at")
