"""POST /api/v1/configurations with a body whose shape is wrong: one answer lists the shape
problems and every problem of what could be read (an unknown fallback module)."""

from __future__ import annotations

from support.api import Api


def test_a_bad_trigger_and_an_unknown_fallback_are_refused_in_one_answer(api: Api) -> None:
    active = api.get("/api/v1/configurations/active").json()
    body = {
        "summary": "bad policy",
        "selections": active["selections"],
        "policies": {"text": {"fallback": "text.ocrr", "triggers": ["empty_outpt"]}},
    }
    refused = api.post("/api/v1/configurations", role="operator", json=body)
    assert refused.status_code == 400, refused.text
    detail = refused.json()["detail"]
    assert "stage `text`: unknown trigger `empty_outpt`" in detail
    assert "stage `text`, module `text.ocrr`: fallback module is not installed" in detail
    assert [c["version"] for c in api.get("/api/v1/configurations").json()] == [1]
