"""Command line: ``python -m api …`` or ``cixi-api …``. Every command reads DATABASE_URL."""

import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import uvicorn
from sqlalchemy import Engine, make_url

from api import migrate
from api.db import create_db_engine, create_roles, is_sqlite
from api.settings import get_settings

if TYPE_CHECKING:
    from api.ingest.read import Bundle

# The seed pipeline and the coverage report are imported by the commands that use them: serving a
# seeded database needs neither, and `serve` starts faster without them.

app = typer.Typer(help="Cixi 2021 government work report: open-data API.", no_args_is_help=True)
db_app = typer.Typer(help="Schema migrations (Alembic).", no_args_is_help=True)
seed_app = typer.Typer(help="Validate and load the curated data in seed/.")
app.add_typer(db_app, name="db")
app.add_typer(seed_app, name="seed")

OPENAPI_DIR = Path(__file__).resolve().parent.parent / "openapi"


@app.callback()
def main() -> None:
    """Every command reads DATABASE_URL (default: an SQLite file in the user data folder)."""


def run() -> None:
    """The entry point of ``python -m api`` and ``cixi-api``: a database that cannot be reached or
    used is one line on stderr and exit code 1, not a traceback."""
    from sqlalchemy.exc import DBAPIError

    try:
        app()
    except DBAPIError as error:
        cause = " ".join(str(error.orig).split())
        url = make_url(get_settings().writer_database_url).render_as_string(hide_password=True)
        typer.echo(f"error: database {url}: {cause}", err=True)
        raise SystemExit(1) from None


def _read_or_exit() -> "Bundle":
    from api.ingest.read import SeedValidationError, read_bundle

    try:
        return read_bundle(get_settings().seed_dir)
    except SeedValidationError as error:
        for problem in error.errors:
            typer.echo(str(problem), err=True)
        typer.echo(f"{len(error.errors)} problem(s); nothing was loaded.", err=True)
        raise typer.Exit(1) from None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default PORT or 8000).")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the API. An embedded SQLite database is created, migrated and seeded (or its release stored)
    first if needed, through a read-write connection closed before serving: the API itself opens it read-only."""
    settings = get_settings()
    if is_sqlite(settings.database_url):
        prepare_embedded_database(create_db_engine(settings.writer_database_url))
    signal.signal(signal.SIGTERM, _exit_cleanly)
    uvicorn.run(
        "api.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level,
        workers=workers,
        server_header=False,
    )


def _exit_cleanly(_signal: int, _frame: object) -> None:
    """On SIGTERM uvicorn stops accepting, lets the requests in flight finish, then raises the signal
    again with the handler that was there before it: this one, so that a graceful stop exits 0."""
    sys.exit(0)


def prepare_embedded_database(engine: Engine) -> None:
    """Migrate, then seed an empty database, or store the release of a seeded one that has none
    stored at this schema revision (loaded by an older version, or migrated just now)."""
    if not migrate.is_up_to_date(engine):
        migrate.upgrade(engine)
        typer.echo("database migrated to the newest revision")
    if _is_empty(engine):
        from api.ingest.load import load_bundle

        result = load_bundle(engine, _read_or_exit())
        typer.echo(f"embedded database seeded: {result.changed} rows")
    else:
        _store_missing_release(engine)
    engine.dispose()


def _is_empty(engine: Engine) -> bool:
    from sqlmodel import Session, func, select

    from api.models import Report

    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Report)).one() == 0


def _store_missing_release(engine: Engine) -> None:
    from sqlmodel import Session

    from api import release

    with Session(engine) as session:
        if release.stored_release(session) is None:
            typer.echo(f"release {release.store_release(session).version} stored")
            session.commit()


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Migrate the schema up to REVISION (default: the newest), as SEED_DATABASE_URL (default DATABASE_URL);
    at the newest, store the release of data already loaded if none is stored at it."""
    engine = create_db_engine(get_settings().writer_database_url)
    migrate.upgrade(engine, revision)
    typer.echo(f"at revision {migrate.current_revision(engine)}")
    if migrate.is_up_to_date(engine) and not _is_empty(engine):
        _store_missing_release(engine)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "base") -> None:
    """Migrate the schema down to REVISION (default: base, an empty database)."""
    engine = create_db_engine(get_settings().writer_database_url)
    migrate.downgrade(engine, revision)
    typer.echo(f"at revision {migrate.current_revision(engine) or 'base'}")


@db_app.command("create-roles")
def db_create_roles(
    reader: Annotated[str, typer.Option(help="The role the API serves as (DATABASE_URL): SELECT only.")] = "cixi_reader",
    writer: Annotated[str, typer.Option(help="The role that migrates and seeds (SEED_DATABASE_URL): owns the tables.")] = "cixi_writer",
    admin_url: Annotated[
        str | None, typer.Option(help="A role that may create roles and grant (default: SEED_DATABASE_URL or DATABASE_URL).")
    ] = None,
) -> None:
    """PostgreSQL: create the reader and writer roles if missing, and grant them what they need (idempotent)."""
    url = admin_url or get_settings().writer_database_url
    if is_sqlite(url):
        typer.echo("SQLite has no roles: the API opens the file read-only (mode=ro).", err=True)
        raise typer.Exit(1)
    engine = create_db_engine(url)
    with engine.begin() as connection:
        for statement in create_roles(connection, reader=reader, writer=writer):
            typer.echo(f"{statement};")
    engine.dispose()


@seed_app.callback(invoke_without_command=True)
def seed(
    context: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate, and count what would change; write nothing.")] = False,
) -> None:
    """Validate every seed file, then load them in one transaction (a second run changes nothing)."""
    if context.invoked_subcommand is not None:
        return
    bundle = _read_or_exit()
    counts = ", ".join(f"{count} {table}" for table, count in bundle.counts().items())
    typer.echo(f"valid: {counts}")
    engine = create_db_engine(get_settings().writer_database_url)
    if dry_run and not _has_schema(engine):
        return
    if not dry_run:
        _refuse_unless_migrated(engine)
    from api.ingest.load import load_bundle

    result = load_bundle(engine, bundle, dry_run=dry_run)
    typer.echo(result.summary())
    typer.echo(f"{'would change' if dry_run else 'changed'} {result.changed} rows")


def _refuse_unless_migrated(engine: Engine) -> None:
    current, head = migrate.current_revision(engine), migrate.head_revision()
    if current != head:
        state = "has no schema" if current is None else f"is at revision {current}, not {head}"
        typer.echo(f"the database {state}: run `python -m api db upgrade` first; nothing was loaded.", err=True)
        raise typer.Exit(1)


def _has_schema(engine: object) -> bool:
    return migrate.current_revision(engine) is not None  # type: ignore[arg-type]


@seed_app.command("coverage")
def seed_coverage(
    show: Annotated[str, typer.Option(help="Which numbers to list: uncovered, excluded, covered or all.")] = "uncovered",
    start: Annotated[int, typer.Option(help="List only numbers at or after this character offset.")] = 0,
    end: Annotated[int | None, typer.Option(help="List only numbers before this character offset.")] = None,
) -> None:
    """List every number of the report and whether a record or an exclusion accounts for it."""
    from api.coverage import coverage_report

    bundle = _read_or_exit()
    report = coverage_report(bundle.text, bundle.valued_rows(), bundle.tables["coverage_exclusions"])
    for number in report.numbers:
        in_range = start <= number.char_start and (end is None or number.char_start < end)
        if in_range and show in ("all", number.state):
            detail = ", ".join(number.covered_by) or number.reason or ""
            typer.echo(f"{number.char_start:>6} {number.state:<9} {number.text:<8} …{number.context}…  {detail}")
    summary = report.summary()
    typer.echo(
        f"{summary['numbers']} numbers: {summary['covered']} covered, {summary['excluded']} excluded, "
        f"{summary['uncovered']} uncovered ({summary['percent_accounted']}% accounted for)"
    )
    if report.uncovered:
        raise typer.Exit(1)


@app.command("export-schema")
def export_schema(
    directory: Annotated[Path, typer.Option(help="Where to write openapi.json and schema.graphql.")] = OPENAPI_DIR,
) -> None:
    """Write the OpenAPI document and the GraphQL SDL (committed, and checked for drift by the tests)."""
    from api.contracts import graphql_sdl, openapi_json

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "openapi.json").write_text(openapi_json(), encoding="utf-8")
    (directory / "schema.graphql").write_text(graphql_sdl(), encoding="utf-8")
    typer.echo(f"wrote {directory / 'openapi.json'} and {directory / 'schema.graphql'}")


@app.command()
def screenshots(
    out: Annotated[Path, typer.Option(help="Folder for the PNG files (created if missing).")] = Path("screenshots"),
    chromium: Annotated[Path, typer.Option(help="The Chromium to drive.")] = Path("/usr/bin/chromium"),
) -> None:
    """Screenshots of the web pages at desktop (1280 px) and phone (390 px) width, from a throwaway
    database seeded from seed/, in headless Chromium (needs Playwright: pip install -e '.[test]')."""
    from api.web.screenshots import PlaywrightMissing, take_screenshots

    try:
        written = take_screenshots(out, seed_dir=get_settings().seed_dir, chromium=chromium)
    except (PlaywrightMissing, FileNotFoundError) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"wrote {len(written)} screenshots to {out}")
