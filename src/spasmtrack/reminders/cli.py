"""`spasmtrack reminders`: queue and send due reminders, once (`tick`) or every N seconds
(`--loop`). Any number may run side by side (see `spasmtrack.reminders.scheduler`)."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `spasmtrack` command."""
    app.command("reminders")(reminders)


def reminders(
    loop: Annotated[bool, typer.Option("--loop", help="Keep running; stop with SIGTERM.")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between ticks with --loop.")] = 30.0,
) -> None:
    """Send the reminders that are due (push, e-mail); one tick unless --loop."""
    import signal
    import threading

    from spasmtrack.cli_kit import ensure_migrated, fail, setup_django

    if interval <= 0:
        fail("--interval must be more than 0 seconds", 2)
    setup_django()
    ensure_migrated()
    from spasmtrack.reminders import scheduler

    worker = scheduler.worker_id()
    if not loop:
        queued, handled = scheduler.tick(worker)
        typer.echo(f"Queued {queued} reminder deliveries, handled {handled}.")
        return
    stop = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    typer.echo(f"Reminders: worker {worker}, a tick every {interval:g} s (SIGTERM stops).")
    scheduler.run_loop(stop, interval, worker)
    typer.echo("Reminders: stopped.")
