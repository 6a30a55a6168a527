"""Command line: ``python -m api …`` or ``cixi-api …``."""

from typing import Annotated

import typer

from api.coverage import coverage_report
from api.ingest.read import Bundle, SeedValidationError, read_bundle
from api.settings import get_settings

app = typer.Typer(help="Cixi 2021 government work report: open-data API.", no_args_is_help=True)
seed_app = typer.Typer(help="Validate and load the curated data in seed/.")
app.add_typer(seed_app, name="seed")


@app.callback()
def main() -> None:
    """Every command reads DATABASE_URL (default: an SQLite file in the user data folder)."""


def _read_or_exit() -> Bundle:
    try:
        return read_bundle(get_settings().seed_dir)
    except SeedValidationError as error:
        for problem in error.errors:
            typer.echo(str(problem), err=True)
        typer.echo(f"{len(error.errors)} problem(s); nothing was loaded.", err=True)
        raise typer.Exit(1) from None


@seed_app.callback(invoke_without_command=True)
def seed(
    context: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")] = False,
) -> None:
    """Validate every seed file, then load them in one transaction."""
    if context.invoked_subcommand is not None:
        return
    bundle = _read_or_exit()
    counts = ", ".join(f"{count} {table}" for table, count in bundle.counts().items())
    typer.echo(f"valid: {counts}")
    if dry_run:
        return


@seed_app.command("coverage")
def seed_coverage(
    show: Annotated[str, typer.Option(help="Which numbers to list: uncovered, excluded, covered or all.")] = "uncovered",
) -> None:
    """List every number of the report and whether a record or an exclusion accounts for it."""
    bundle = _read_or_exit()
    valued = bundle.tables["observations"] + bundle.tables["livelihood_items"]
    report = coverage_report(bundle.text, valued, bundle.tables["coverage_exclusions"])
    for number in report.numbers:
        if show in ("all", number.state):
            detail = ", ".join(number.covered_by) or number.reason or ""
            typer.echo(f"{number.char_start:>6} {number.state:<9} {number.text:<8} …{number.context}…  {detail}")
    summary = report.summary()
    typer.echo(
        f"{summary['numbers']} numbers: {summary['covered']} covered, {summary['excluded']} excluded, "
        f"{summary['uncovered']} uncovered ({summary['percent_accounted']}% accounted for)"
    )
    if report.uncovered:
        raise typer.Exit(1)
