"""registration route label keeps a marked (translatable) label: no length limit

Revision ID: 7c2e9a41d5b3
Revises: fc516ba5484b
Create Date: 2026-12-06 03:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = "7c2e9a41d5b3"
down_revision = "fc516ba5484b"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessment_registrations") as batch_op:
        batch_op.alter_column("route_label", existing_type=sa.String(length=300), type_=sa.String(),
                              existing_nullable=True)


def downgrade():
    with op.batch_alter_table("assessment_registrations") as batch_op:
        batch_op.alter_column("route_label", existing_type=sa.String(), type_=sa.String(length=300),
                              existing_nullable=True)
