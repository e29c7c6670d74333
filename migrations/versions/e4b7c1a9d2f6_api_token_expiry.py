"""api tokens expire: expires_at, existing tokens given 90 days from the upgrade

Revision ID: e4b7c1a9d2f6
Revises: c3a9e5d17f20
Create Date: 2026-12-06 20:30:00
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "e4b7c1a9d2f6"
down_revision = "c3a9e5d17f20"
branch_labels = None
depends_on = None

EXISTING_TOKEN_DAYS = 90  # the default lifetime of a new token (API_TOKEN_DAYS)


def upgrade():
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    expires = datetime.now(UTC) + timedelta(days=EXISTING_TOKEN_DAYS)
    if op.get_bind().dialect.name == "sqlite":
        expires = expires.replace(tzinfo=None)  # SQLite keeps naive UTC (app.database.UTCDateTime)
    tokens = sa.table("api_tokens", sa.column("expires_at", sa.DateTime(timezone=True)))
    op.execute(tokens.update().where(tokens.c.expires_at.is_(None)).values(expires_at=expires))
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.alter_column("expires_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.drop_column("expires_at")
