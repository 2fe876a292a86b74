"""`turnout init`: create or upgrade the database and register everything (idempotent)."""

from __future__ import annotations

from turnout.cli.common import ActorOpt, JsonOpt, actor, console, emit_json, get_app


def init(as_: ActorOpt = None, json_: JsonOpt = False) -> None:
    """Create or upgrade the database, register stages, contracts and modules, and activate the
    default configuration on a new database."""
    app = get_app(initialized=False)
    report = app.init(actor(as_))
    data = {
        "database": app.database.display_url,
        "stages": report.stages,
        "modules_available": report.modules_available,
        "modules_unavailable": list(report.modules_unavailable),
        "admin_created": report.admin_created,
        "activated_version": report.activated_version,
        "default_problems": list(report.default_problems),
    }
    if json_:
        emit_json(data)
        return
    console.print(f"database ready: {data['database']}", markup=False)
    console.print(f"{report.stages} stages, {report.modules_available} modules available")
    if report.modules_unavailable:
        console.print(
            f"[yellow]unavailable:[/yellow] {', '.join(report.modules_unavailable)} "
            "(see `turnout modules`)"
        )
    if report.admin_created:
        console.print(f"user {report.admin_created} is admin and maintainer", markup=False)
    if report.activated_version:
        console.print(f"default configuration version {report.activated_version} is active")
    for problem in report.default_problems:
        console.print(f"[yellow]default configuration not activated:[/yellow] {problem}")
