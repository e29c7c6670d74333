"""`flask <group> <command>` commands; thin wrappers around the same services the web uses."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.database import utcnow, write_intent
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("--with-certificates", is_flag=True,
              help="Also issue the finalised plans' certificates (renders PDFs; `make run` uses it).")
def demo_load(quiet: bool, with_certificates: bool) -> None:
    """Load the demo data set into an empty database (does nothing otherwise; refused under production)."""
    from flask import current_app

    from app.demo import DEMO_LOGINS, DEMO_PASSWORD, database_is_empty, load_demo
    from app.demo.certificates import issue_demo_certificates
    from app.tasks import issuing_context

    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException(
            "demo load refuses to run under the production configuration (JIANGCAI_CONFIG=production): it creates "
            "logins whose password is published. Load demo data only into a development or test database.")
    example = None
    with write_intent():
        if not database_is_empty(db.session):
            if not quiet:
                click.echo("Database already holds data; demo data not loaded.")
        else:
            counts = load_demo(db.session, now=utcnow())
            db.session.commit()
            if with_certificates:
                issued = issue_demo_certificates(db.session, now=utcnow(), ctx=issuing_context(current_app))
                counts["certificates"] = len(issued)
                example = (issued[0].number, issued[0].holder_name) if issued else None
                db.session.commit()
            if not quiet:
                click.echo("Demo data loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
                if example:
                    click.echo(f"Try /verify with certificate number {example[0]} and name {example[1]}.")
    if not quiet:
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, label in DEMO_LOGINS:
            click.echo(f"  {username:<10} {label}")


certificates_cli = AppGroup("certificates", help="Certificate batches and checks.")


@certificates_cli.command("issue-batch")
@click.option("--scope-type", required=True, help="e.g. assessment_plan or training_class")
@click.option("--scope-id", required=True)
@click.option("--as", "username", required=True,
              help="Login of the user issuing: staff of the issuing organisation, or a 人社 administrator.")
@click.option("--processes", type=int, default=None, help="Rendering processes (default: configuration).")
def issue_batch(scope_type: str, scope_id: str, username: str, processes: int | None) -> None:
    """Issue every certificate of a scope now, with a progress bar (resumes the job already under way)."""
    from flask import current_app

    from app.accounts.models import User
    from app.certification.batch_runs import start_batch
    from app.errors import DomainError
    from app.tasks import run_certificate_job

    with write_intent():
        actor = db.session.scalar(db.select(User).where(User.username == username))
        if actor is None:
            raise click.ClickException(f"There is no user {username!r}.")
        try:
            job_id = start_batch(db.session, actor=actor, now=utcnow(), scope_type=scope_type,
                                 scope_id=scope_id).job.id
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(f"Refused ({error.code}): {error.message}") from error
        db.session.commit()
    app = current_app._get_current_object()
    with click.progressbar(length=1, label=f"Job #{job_id}", show_pos=True) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        done, total = run_certificate_job(app, job_id, processes=processes, progress=progress)
    click.echo(f"Job #{job_id}: {done} of {total} certificates issued.")


@certificates_cli.command("resume")
@click.argument("job_id", type=int)
def resume(job_id: int) -> None:
    """Finish a job that was interrupted (numbers already reserved are used, none twice)."""
    from flask import current_app

    from app.tasks import run_certificate_job

    done, total = run_certificate_job(current_app._get_current_object(), job_id)
    click.echo(f"Job #{job_id}: {done} of {total} certificates issued.")


@certificates_cli.command("verify-pdf")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def verify_pdf(path: str) -> None:
    """Check a certificate PDF: QR signature (offline) and file hash against the database."""
    from pathlib import Path

    from flask import current_app

    from app.certification.checking import check_pdf
    from app.tasks import issuing_context

    check = check_pdf(db.session, data=Path(path).read_bytes(), keyring=issuing_context(current_app).keyring)
    click.echo(f"SHA-256:   {check.sha256}")
    click.echo(f"QR URL:    {check.qr_url or '-'}")
    click.echo(f"Signature: {'valid' if check.signature_valid else 'INVALID'}")
    if check.certificate is not None:
        c = check.certificate
        click.echo(f"Record:    {c.number} {c.holder_name} {c.occupation_name} status={c.status}")
    click.echo(f"Stored print: {check.print_found.print_serial if check.print_found else 'NOT FOUND'}")
    if not check.ok:
        for problem in check.problems:
            click.echo(f"PROBLEM:   {problem}", err=True)
        raise SystemExit(1)
    click.echo("OK: this is an issued certificate, unaltered.")


people_cli = AppGroup("people", help="People (实名制) records.")


def _parse_mapping(entries: tuple[str, ...], mapping_file: Path | None) -> dict[str, str] | None:
    """The mapping file's object, then each --map "HEADER=field" ("HEADER=" leaves the column out)."""
    from app.errors import ValidationFailed
    from app.spreadsheets import mapping_from_json

    mapping: dict[str, str] = {}
    if mapping_file is not None:
        try:
            mapping.update(mapping_from_json(mapping_file.read_text(encoding="utf-8-sig")))
        except (ValidationFailed, UnicodeDecodeError) as error:
            raise click.BadParameter(str(error), param_hint="--mapping-file") from error
    for entry in entries:
        header, equals, key = entry.rpartition("=")
        if not equals or not header.strip():
            raise click.BadParameter(f"{entry!r} should be written HEADER=field, or HEADER= to leave the column "
                                     "out.", param_hint="--map")
        mapping[header] = key.strip()
    return mapping or None


def _shell_word(text: str) -> str:
    """A word to paste into a shell: in double quotes unless it holds a character they do not protect."""
    import shlex

    return shlex.quote(text) if set(text) & set('"$`\\!') else f'"{text}"'


def _echo_refusal(result) -> None:
    """Every problem as `row N, column “X”: message` (English), then how to map unrecognised columns."""
    from app.people.import_columns import FIELDS
    from app.translation import render

    for error in result.errors:
        where = f"row {error.row}, column “{error.column}”" if error.column else f"row {error.row}"
        click.echo(f"{where}: {render(error.message)}", err=True)
    unmapped = result.layout.unmapped if result.layout is not None else []
    if unmapped:
        click.echo(f"Unrecognised columns: {', '.join(f'“{c.label}”' for c in unmapped)}. Map each one to a field "
                   "or leave it out, then run the command again with:", err=True)
        for column in unmapped:
            click.echo(f"  --map {_shell_word(column.label + '=FIELD')}   or   --map {_shell_word(column.label + '=')}"
                       "   (leave it out)", err=True)
        click.echo("  or --ignore-unmapped to leave out every unrecognised column.", err=True)
        click.echo(f"FIELD is one of: {', '.join(f.key for f in FIELDS)}.", err=True)


@people_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", required=True,
              help="Login of the user importing (staff who may register people); their organisation gets access.")
@click.option("--map", "entries", multiple=True, metavar="HEADER=FIELD",
              help='Read a column as a field, e.g. --map "受教育程度=education"; --map "备注=" leaves the column '
                   "out. Repeatable; overrides the mapping file, and both come before the header words.")
@click.option("--mapping-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='A JSON object of column headers and field keys, e.g. {"备注": null}; null leaves a column out.')
@click.option("--ignore-unmapped", is_flag=True, help="Leave out every column that no mapping or header word places.")
@click.option("--dry-run", is_flag=True, help="Check the whole sheet and show what it would do, then write nothing.")
def people_import(file: Path, username: str, entries: tuple[str, ...], mapping_file: Path | None,
                  ignore_unmapped: bool, dry_run: bool) -> None:
    """Import people with work history from an Excel or CSV sheet: every row, or nothing and every problem."""
    from app.accounts.models import User
    from app.errors import DomainError
    from app.people.importing import import_people
    from app.spreadsheets import nothing_imported
    from app.spreadsheets.reading import MAX_BYTES

    mapping = _parse_mapping(entries, mapping_file)
    with write_intent():
        actor = db.session.scalar(db.select(User).where(User.username == username))
        if actor is None:
            raise click.ClickException(f"There is no user {username!r}.")
        try:
            with file.open("rb") as source:  # one byte over the limit is enough for the reader to refuse it
                data = source.read(MAX_BYTES + 1)
            result = import_people(db.session, actor=actor, now=utcnow(), data=data, filename=file.name,
                                   mapping=mapping, ignore_unmapped=ignore_unmapped)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(f"Refused ({error.code}): {error.field or 'input'}: {error.message}") from error
        if result.errors:
            db.session.rollback()
            _echo_refusal(result)
            raise click.ClickException(str(nothing_imported(len(result.errors))))
        counts = (f"{result.created} new, {result.updated} completed, {result.unchanged} unchanged, "
                  f"{result.work_records_added} work records added")
        if dry_run:
            db.session.rollback()
            click.echo(f"Dry run of {file.name}: {counts}. Rolled back: nothing was written.")
            return
        db.session.commit()
    click.echo(f"Imported {file.name}: {counts}.")


ops_cli = AppGroup("ops", help="Backups and restores.")


@ops_cli.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
def ops_backup(dest: Path) -> None:
    """Back up the database and stored files into one archive (DEST: a file, or a folder to put it in)."""
    from flask import current_app

    from app.ops.backups import BackupError, backup

    now = utcnow()
    if dest.is_dir():
        dest = dest / f"jiangcai-{now:%Y%m%d-%H%M%S}.tar"
    try:
        manifest = backup(database_url=db.engine.url.render_as_string(hide_password=False),
                          storage_dir=Path(current_app.config["FILE_STORAGE_DIR"]), dest=dest, now=now)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(n for t, n in manifest.counts.items() if t != "alembic_version")
    click.echo(f"Backup written to {dest}: {manifest.database_kind} at revision {manifest.alembic_head}, "
               f"{len(manifest.counts)} tables, {rows} rows, {len(manifest.files)} stored files.")


@ops_cli.command("restore")
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def ops_restore(src: Path, force: bool) -> None:
    """Restore an archive made by `flask ops backup` (stop the web and worker processes first)."""
    from flask import current_app

    from app.ops.backups import BackupError, restore

    url = db.engine.url.render_as_string(hide_password=False)
    db.session.remove()
    db.engine.dispose()  # the restore replaces the database under this process's connections
    try:
        manifest = restore(archive_path=src, database_url=url,
                           storage_dir=Path(current_app.config["FILE_STORAGE_DIR"]), force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored the backup of {manifest.created_at}: revision {manifest.alembic_head}, "
               f"row counts checked in {len(manifest.counts)} tables, {len(manifest.files)} stored files.")


@ops_cli.command("init-site")
@click.option("--organisation", "organisation_name", required=True, help="Name of the 人社 department, as registered.")
@click.option("--uscc", required=True, help="Its 18-character unified social credit code (统一社会信用代码).")
@click.option("--city", "city_code", default=None, help="City code such as 2101 (Shenyang); omit for the province.")
@click.option("--username", required=True, help="Login of the first administrator.")
@click.option("--name", "display_name", required=True, help="Full name of the first administrator.")
@click.password_option(help="Password of the first administrator (asked for when not given).")
def ops_init_site(organisation_name: str, uscc: str, city_code: str | None, username: str, display_name: str,
                  password: str) -> None:
    """On a new, migrated database: seed the occupation catalogue and create the first 人社 administrator."""
    from app.errors import DomainError
    from app.ops.site import initialise_site

    with write_intent():
        try:
            started = initialise_site(db.session, now=utcnow(), organisation_name=organisation_name, uscc=uscc,
                                      city_code=city_code, username=username, display_name=display_name,
                                      password=password)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(f"{error.field or 'input'}: {error.message}") from error
        db.session.commit()
    click.echo(f"Seeded {started.occupations} occupations; created {started.organisation.name} and the "
               f"administrator {started.admin.username}. Log in and add the other organisations and users.")


reports_cli = AppGroup("reports", help="Precomputed report figures.")


@reports_cli.command("refresh-funnel")
def reports_refresh_funnel() -> None:
    """Rebuild the funnel report's per-class figures now (huey also does it every few minutes)."""
    from flask import current_app

    from app.tasks import run_funnel_refresh

    as_of, classes, milliseconds = run_funnel_refresh(current_app._get_current_object())
    click.echo(f"Funnel figures rebuilt for {classes} classes in {milliseconds / 1000:.1f} s "
               f"(as of {as_of:%Y-%m-%d %H:%M:%S} UTC).")


def register_cli(app: Flask) -> None:
    """Attach every command group to the app."""
    app.cli.add_command(demo_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(people_cli)
    app.cli.add_command(ops_cli)
    app.cli.add_command(reports_cli)
