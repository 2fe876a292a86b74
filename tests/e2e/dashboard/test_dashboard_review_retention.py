"""The dashboard's review screen of a run whose source file was deleted after the installation's
source retention: it says so (as the API does), instead of taking the document for an XML."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from e2e.dashboard.dashboard_support import Dashboard, example
from support.api import ADMIN
from turnout.persistence.tables import runs, sources


def test_a_run_whose_source_was_deleted_after_the_retention_says_so(dash: Dashboard) -> None:
    run = dash.app.runner.run_bytes(*example("invoice-acme-en.pdf"))
    client = dash.session("viewer")
    assert f'src="/review/{run.run_id}/pages/1?width=' in client.get(f"/review/{run.run_id}").text
    dash.app.installation.set("source_retention_days", "30", ADMIN)
    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)  # stands for forty days passing
    with dash.app.database.engine.begin() as conn:
        conn.execute(update(sources).values(created_at=then))
        conn.execute(update(runs).where(runs.c.run_id == run.run_id).values(created_at=then))
    assert dash.app.installation.prune_sources() == 1

    page = client.get(f"/review/{run.run_id}").text
    assert "deleted after the installation&#39;s source_retention_days" in page
    assert "XML e-invoice" not in page and f"/review/{run.run_id}/pages/1" not in page
    image = client.get(f"/review/{run.run_id}/pages/1")
    assert image.status_code == 404 and "source_retention_days" in image.text
