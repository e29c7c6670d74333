"""enrolments: a trainee can be expelled from a class (除名), with a reason, as well as withdraw

Revision ID: e7b3d9f5a1c2
Revises: f6a2c8d4e0b1
Create Date: 2026-12-07 04:00:00
"""
from alembic import op

revision = "e7b3d9f5a1c2"
down_revision = "f6a2c8d4e0b1"
branch_labels = None
depends_on = None

OLD = "status IN ('enrolled', 'in_training', 'completed', 'withdrawn')"
NEW = "status IN ('enrolled', 'in_training', 'completed', 'withdrawn', 'expelled')"


def _status_check(condition):
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_enrolments_status"), type_="check")
        batch_op.create_check_constraint("status", condition)


def upgrade():
    _status_check(NEW)


def downgrade():
    # An expelled trainee becomes withdrawn (both left the class; the reason is kept).
    op.execute("UPDATE enrolments SET status = 'withdrawn' WHERE status = 'expelled'")
    _status_check(OLD)
