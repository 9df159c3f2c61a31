from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `spasmtrack` command."""
