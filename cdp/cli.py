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

    summary = gen.generate_world(out_dir=out, n_events=events, seed=seed, force=force)
    typer.echo(summary)


@app.command("import")
def import_(
    fmt: str = typer.Argument(..., help="ga4 | rees46 | olist | uci | segment"),
    path: Path = typer.Argument(..., help="File or folder of the real export."),
    landing: Path = typer.Option(Path("data/landing"), help="Landing folder to write into."),
    source_name: str = typer.Option(None, help="Sub-folder under landing/segment (default: the format)."),
) -> None:
    """Convert a real export into Segment-spec landing files."""
    from cdp.importers import run_import

    summary = run_import(fmt, path, landing, source_name=source_name)
    typer.echo(summary)


if __name__ == "__main__":
    app()
