"""imports: saved column mappings per organisation; declared work years; 民族, 户籍所在地, 毕业学校 on people

Revision ID: b5d7e2c91a40
Revises: 7c2e9a41d5b3
Create Date: 2026-12-06 07:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b5d7e2c91a40"
down_revision = "7c2e9a41d5b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saved_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_saved_mappings_organisation_id_organisations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_saved_mappings_updated_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_mappings")),
        sa.UniqueConstraint("organisation_id", "kind", name=op.f("uq_saved_mappings_organisation_id_kind")),
    )
    with op.batch_alter_table("people") as batch_op:
        batch_op.add_column(sa.Column("ethnicity", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("household_place", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("school_name", sa.String(length=100), nullable=True))
    with op.batch_alter_table("work_records") as batch_op:
        batch_op.add_column(sa.Column("declared_years", sa.Numeric(precision=4, scale=1), nullable=True))
        batch_op.add_column(sa.Column("declared_on", sa.Date(), nullable=True))
        batch_op.alter_column("start_date", existing_type=sa.Date(), nullable=True)
        batch_op.create_check_constraint(
            "dated_or_declared", "start_date IS NOT NULL OR (declared_years IS NOT NULL AND declared_on IS NOT NULL)")
        batch_op.create_check_constraint(
            "declared_years", "declared_years IS NULL OR (declared_years > 0 AND declared_on IS NOT NULL)")


def downgrade():
    op.execute("DELETE FROM work_records WHERE start_date IS NULL")
    with op.batch_alter_table("work_records") as batch_op:
        batch_op.drop_constraint("declared_years", type_="check")
        batch_op.drop_constraint("dated_or_declared", type_="check")
        batch_op.alter_column("start_date", existing_type=sa.Date(), nullable=False)
        batch_op.drop_column("declared_on")
        batch_op.drop_column("declared_years")
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_column("school_name")
        batch_op.drop_column("household_place")
        batch_op.drop_column("ethnicity")
    op.drop_table("saved_mappings")
