"""Command-line entry point `cdp`. Thin: parses arguments and calls the plain modules."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    help="Warehouse-native CDP tools: generate the sample world, import real exports, look up profiles.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def generate(
    out: Path = typer.Option(Path("data"), help="Output folder; landing files go to OUT/landing."),
    events: int = typer.Option(200_000, help="Approximate number of Segment messages to generate."),
    seed: int = typer.Option(42, help="Random seed; the same seed and size give byte-identical files."),
    force: bool = typer.Option(False, help="Replace a previously generated world in OUT."),
) -> None:
    """Generate the deterministic sample shop world (events, catalog, competitor data, ground truth)."""
    from cdp import generate as gen

    try:
        summary = gen.generate_world(out_dir=out, n_events=events, seed=seed, force=force)
    except FileExistsError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(summary)


@app.command("import")
def import_(
    fmt: str = typer.Argument(..., help="ga4 | rees46 | olist | uci | segment | cdnow | amazon_in | tiki_shopee"),
    path: Path = typer.Argument(..., help="File or folder of the real export."),
    landing: Path = typer.Option(Path("data/landing"), help="Landing folder to write into."),
    source_name: str = typer.Option(None, help="Sub-folder under landing/segment (default: the format)."),
) -> None:
    """Convert a real export into landing files: Segment-spec events, or competitor CSVs (amazon_in, tiki_shopee)."""
    from cdp.importers import run_import
    from cdp.importers._common import ImporterError

    try:
        summary = run_import(fmt, path, landing, source_name=source_name)
    except ImporterError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(summary)


# ---------------------------------------------------------------------------------------------
# Identity resolution commands (owned by the identity work: cdp/profile.py, cdp/identity_quality.py)
# ---------------------------------------------------------------------------------------------


def _default_warehouse() -> Path:
    import os

    return Path(os.environ.get("CDP_DUCKDB_PATH", "warehouse/cdp.duckdb"))


@app.command()
def profile(
    identifier: str = typer.Argument(
        ..., help="<type>:<value>, e.g. email:jane@example.com or profile_id:prf_..."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    db: Path = typer.Option(None, help="Warehouse file (default: $CDP_DUCKDB_PATH or warehouse/cdp.duckdb)."),
    events: int = typer.Option(10, help="How many of the latest events to show."),
) -> None:
    """Look up a profile like Segment's Profile API: identifiers, traits and latest events (read-only)."""
    import duckdb

    from cdp.profile import ProfileNotFound, profile_command

    try:
        typer.echo(profile_command(identifier, db or _default_warehouse(), as_json=as_json, events=events))
    except (ProfileNotFound, ValueError, FileNotFoundError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    except duckdb.IOException as error:  # the warehouse is locked by a writer (dbt build, cdp export)
        typer.echo(f"error: cannot open the warehouse read-only while another process writes it; retry when"
                   f" that build or export has finished ({str(error).splitlines()[0]})", err=True)  # fmt: skip
        raise typer.Exit(1) from error


@app.command("identity-quality")
def identity_quality(
    db: Path = typer.Option(None, help="Warehouse file (default: $CDP_DUCKDB_PATH or warehouse/cdp.duckdb)."),
    truth: Path = typer.Option(
        Path("data/ground_truth"), help="Folder with the generator's messages.csv.gz."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    min_precision: float = typer.Option(0.999, help="Target pairwise precision."),
    min_recall: float = typer.Option(0.99, help="Target pairwise recall."),
) -> None:
    """Pairwise precision/recall of profiles vs the generator's ground truth; exits 1 when a target is missed."""
    from cdp.identity_quality import report

    try:
        text, ok = report(
            db or _default_warehouse(),
            truth,
            as_json=as_json,
            min_precision=min_precision,
            min_recall=min_recall,
        )
    except FileNotFoundError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(text)
    if not ok:
        raise typer.Exit(1)


# ---------------------------------------------------------------------------------------------
# Reverse-ETL exports (owned by the export work: cdp/export/, docs/exports.md)
# ---------------------------------------------------------------------------------------------


@app.command("export")
def export_(
    destination: str = typer.Option(..., help="klaviyo | meta | google_ads | mailchimp | csv | parquet"),
    out: Path = typer.Option(..., help="Folder the file(s) and the manifest are written to."),
    audience: str = typer.Option(None, help="Audience key (marts.audience_memberships), e.g. cart_abandoners_7d."),
    mart: str = typer.Option(None, help="Instead of an audience: any mart (schema.table), to csv or parquet."),
    key: str = typer.Option(None, help="With --mart: the column identifying a record."),
    mode: str = typer.Option("full", help="full (the whole list) or diff (changes since the last successful export)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be exported; opens the warehouse read-only."),
    warehouse: Path = typer.Option(None, help="Warehouse file (default: $CDP_DUCKDB_PATH or warehouse/cdp.duckdb)."),
) -> None:
    """Export an audience (or a mart) as a destination's upload file, validated, with a manifest and sync state."""
    from cdp.export import ExportError, ExportValidationError, run_export

    try:
        result = run_export(
            warehouse=warehouse or _default_warehouse(),
            destination=destination,
            out_dir=out,
            audience=audience,
            mart=mart,
            key=key,
            mode=mode,
            dry_run=dry_run,
        )
    except (ExportError, ExportValidationError, RuntimeError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(result.summary())


if __name__ == "__main__":
    app()
