"""`export.webhook`: POST the invoice and its decision as JSON to a URL, with retries.

The request body is `{"run_id", "config_version", "source_file", "vendor_id", "invoice",
"decision"}` (UTF-8 JSON, the same bytes on every attempt; `source_file` is the file's name as
received, `vendor_id` the matched vendor or null, `decision` its `outcome` and `reasons`, with
`decided_by` and `final` for a person's decision: see `turnout.modules.export.explanation`), sent with `Content-Type: application/json` and
`Idempotency-Key: <run_id>:<stage>` (`<run_id>:<stage>:r<N>` once a person's review has
corrected or decided the run for the Nth time: the corrected invoice is a new delivery). The key
is the same on every retry and every re-run of the run, so a receiver that honours it (as payment and ERP APIs do) books the invoice once however
often it is delivered: that is this module's idempotency guarantee, and it needs the receiver's
help, since HTTP itself cannot take a request back.

In a trial run (`RunContext.trial`) the request body is built and nothing is sent.

Delivery (see `turnout.modules.export.delivery`): a 2xx answer is success; no answer (refused
connection, timeout, reset), a 5xx or a 429 is retried with exponential backoff (`backoff_s`,
doubled each time, a `Retry-After` of the receiver honoured up to 30 s) at most `retries` times;
any other answer (4xx, 3xx) is final: a 4xx raises `InputRejected` with the status and the start
of the body, so the runner does not retry it either.

Settings:
- `url` (string, required): http:// or https:// address, without user:password (put credentials
  in `headers`).
- `headers` (object of strings, default {}): extra request headers, e.g. `Authorization`.
- `timeout_s` (number, default 10): per attempt, for connecting and for each read.
- `retries` (integer 0-10, default 3): further attempts after the first.
- `backoff_s` (number, default 0.5): wait before the first retry; doubled for each next one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from turnout.authoring import (
    EXPORT,
    Artifact,
    Artifacts,
    InvoiceArtifact,
    ModuleError,
    ModuleSpec,
    Receipt,
    RunContext,
    StageModule,
    settings_with_defaults,
)
from turnout.modules.export.delivery import RetryPolicy, deliver, request_headers, webhook_url
from turnout.modules.export.explanation import MATCH_INPUT, Explanation
from turnout.modules.export.http_transport import HttpTransport, UrllibTransport

MODULE_ID = "export.webhook"
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF_S = 0.5

SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["url"],
    "properties": {
        "url": {
            "type": "string",
            "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/@]+(?:[/?#]\\S*)?$",
            "description": "Where to POST: an http:// or https:// URL without user:password. "
            "No default.",
        },
        "headers": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "default": {},
            "description": "Extra request headers (e.g. Authorization); default none. "
            "Idempotency-Key, Content-Type, Content-Length and Host are set by the module.",
        },
        "timeout_s": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 300,
            "default": DEFAULT_TIMEOUT_S,
            "description": f"Seconds per attempt to connect and per read; default {DEFAULT_TIMEOUT_S:g}.",
        },
        "retries": {
            "type": "integer",
            "minimum": 0,
            "maximum": 10,
            "default": DEFAULT_RETRIES,
            "description": "Further attempts after a connection error, a 5xx or a 429; "
            f"default {DEFAULT_RETRIES}.",
        },
        "backoff_s": {
            "type": "number",
            "minimum": 0,
            "maximum": 60,
            "default": DEFAULT_BACKOFF_S,
            "description": "Seconds before the first retry, doubled for each next one; "
            f"default {DEFAULT_BACKOFF_S:g}.",
        },
    },
}


class WebhookExport(StageModule):
    """POST the invoice and decision as JSON to `url` with an `Idempotency-Key` header."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        EXPORT,
        module_id=MODULE_ID,
        name="Webhook (HTTP POST)",
        version="1.1.0",
        description="POSTs {run_id, config_version, source_file, vendor_id, invoice, decision} "
        "as JSON with `Idempotency-Key: <run_id>:<stage>`; retries connection errors, 5xx and 429 with "
        "exponential backoff; a 4xx is final.",
        extra_inputs=(MATCH_INPUT,),
        settings_schema=SETTINGS_SCHEMA,
    )

    def __init__(
        self, settings: Mapping[str, Any] | None = None, transport: HttpTransport | None = None
    ) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        url = self.settings.get("url")
        self.url = webhook_url(MODULE_ID, str(url)) if url is not None else None
        self.headers = request_headers(MODULE_ID, with_defaults["headers"])
        self.timeout_s = float(with_defaults["timeout_s"])
        self.policy = RetryPolicy(
            retries=int(with_defaults["retries"]),
            backoff_s=float(with_defaults["backoff_s"]),
        )
        self.transport: HttpTransport = transport or UrllibTransport()

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """POST the run's invoice and decision; a `Receipt` with the URL, key and status."""
        if self.url is None:
            raise ModuleError(
                f"{MODULE_ID} has no URL to post to; set the `url` setting of the export stage"
            )
        headers = {
            **self.headers,
            "Content-Type": "application/json",
            "Idempotency-Key": context.idempotency_key,
        }
        body = self.body(inputs, context)
        if context.trial:  # a trial run: the request is built, never sent
            return [
                Receipt(
                    target="webhook",
                    location=self.url,
                    key=context.idempotency_key,
                    details={"trial": "not sent", "bytes": str(len(body))},
                )
            ]
        response, attempts = deliver(
            self.transport,
            self.url,
            body,
            headers,
            self.timeout_s,
            self.policy,
        )
        return [
            Receipt(
                target="webhook",
                location=self.url,
                key=context.idempotency_key,
                details={"status": str(response.status), "attempts": str(attempts)},
            )
        ]

    def body(self, inputs: Artifacts, context: RunContext) -> bytes:
        """The request body: the same bytes for the same run and inputs."""
        explanation = Explanation.of(inputs, context)
        document = {
            "run_id": context.run_id,
            "config_version": context.config_version,
            "source_file": explanation.source_file,
            "vendor_id": explanation.vendor_id,
            "invoice": inputs.require(InvoiceArtifact).invoice.to_dict(),
            "decision": explanation.decision.to_dict(),
        }
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
