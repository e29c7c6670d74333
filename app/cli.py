"""`flask <group> <command>` commands; thin wrappers around the same services the web uses."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.database import utcnow, write_intent
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def demo_load(quiet: bool) -> None:
    """Load the demo data set into an empty database (does nothing otherwise)."""
    from app.demo import DEMO_LOGINS, DEMO_PASSWORD, database_is_empty, load_demo

    with write_intent():
        if not database_is_empty(db.session):
            if not quiet:
                click.echo("Database already holds data; demo data not loaded.")
        else:
            counts = load_demo(db.session, now=utcnow())
            db.session.commit()
            if not quiet:
                click.echo("Demo data loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if not quiet:
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, label in DEMO_LOGINS:
            click.echo(f"  {username:<10} {label}")


def register_cli(app: Flask) -> None:
    """Attach every command group to the app."""
    app.cli.add_command(demo_cli)
