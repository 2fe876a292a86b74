"""Multipart uploads read while they stream in: a file over the size limit is refused (413) as
soon as its bytes pass the limit, without reading the rest of the request.

The whole request is read and checked before any file is run, so an upload is all-or-nothing
as far as the request goes: a refusal (size, count, an empty file, a NUL in a name) stores none
of its files. Used by POST /api/v1/runs and the dashboard's upload form. File names are kept as metadata only:
the last component of what the client sent, never used as a path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header

from turnout.api.errors import PayloadTooLarge
from turnout.domain.errors import RequestError

MAX_FILES = 100
"""The most files one request may carry."""
MAX_FIELD_BYTES = 64 * 1024
"""The largest plain (non-file) form field, such as the dashboard's CSRF token."""


@dataclass
class UploadedForm:
    """The files of a multipart request, as (display name, bytes), and its plain fields."""

    files: list[tuple[str, bytes]] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)


class _Reader:
    """python-multipart callbacks collecting parts and enforcing the limits as bytes arrive."""

    def __init__(self, limit: int, file_field: str) -> None:
        self.limit = limit
        self.file_field = file_field
        self.form = UploadedForm()
        self.part = _Part()
        self._header_name = b""
        self._header_value = b""

    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self.part.headers[self._header_name.lower()] = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.part.headers.get(b"content-disposition", b""))
        if b"name" not in options:
            raise RequestError(
                "a part of the multipart body has no `name` in its Content-Disposition header; "
                "send each file as a form field named `files`"
            )
        self.part.name = options[b"name"].decode("utf-8", "replace")
        if b"filename" in options:
            name = options[b"filename"].decode("utf-8", "replace")
            if "\x00" in name:
                # Refused while parsing, before any file of the request is run or stored.
                raise RequestError(
                    "a file name contains a NUL character, which cannot be stored; rename the "
                    "file and upload the request again (none of its files was stored)"
                )
            self.part.filename = display_name(name)
            if len(self.form.files) >= MAX_FILES:
                raise RequestError(
                    f"more than {MAX_FILES} files in one upload; send them in several requests"
                )

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.part
        size = len(part.data) + (end - start)
        if part.filename is not None and size > self.limit:
            raise PayloadTooLarge(
                f"`{part.filename}` is larger than {self.limit} bytes; split it, or start the "
                "server with a larger --max-upload-mb"
            )
        if part.filename is None and size > MAX_FIELD_BYTES:
            raise RequestError(
                f"form field `{part.name}` is larger than {MAX_FIELD_BYTES} bytes; "
                "send invoices as files"
            )
        part.data += data[start:end]

    def on_part_end(self) -> None:
        part = self.part
        if part.filename is None:
            self.form.fields[part.name] = part.data.decode("utf-8", "replace")
        elif part.name == self.file_field:
            if not part.data:
                raise RequestError(f"`{part.filename}` is empty; upload the invoice file itself")
            self.form.files.append((part.filename, bytes(part.data)))


async def read_upload(request: Request, limit: int, file_field: str = "files") -> UploadedForm:
    """The files (form field `file_field`) and plain fields of a multipart/form-data request.

    Raises PayloadTooLarge as soon as one file passes `limit` bytes, RequestError for a body that
    is not multipart, and a 422 validation error when no file was sent."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or not options.get(b"boundary"):
        raise RequestValidationError(
            [
                {
                    "loc": ("body", file_field),
                    "msg": "send the invoices as multipart/form-data, one form field "
                    f"`{file_field}` per file",
                    "type": "missing",
                }
            ]
        )
    reader = _Reader(limit, file_field)
    parser = MultipartParser(
        options[b"boundary"],
        {
            "on_part_begin": reader.on_part_begin,
            "on_header_field": reader.on_header_field,
            "on_header_value": reader.on_header_value,
            "on_header_end": reader.on_header_end,
            "on_headers_finished": reader.on_headers_finished,
            "on_part_data": reader.on_part_data,
            "on_part_end": reader.on_part_end,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise RequestError(
            f"the multipart body cannot be read ({exc}); send the invoices as "
            f"multipart/form-data, one form field `{file_field}` per file"
        ) from exc
    if not reader.form.files:
        raise RequestValidationError(
            [{"loc": ("body", file_field), "msg": "Field required", "type": "missing"}]
        )
    return reader.form


def display_name(name: str) -> str:
    """The last component of the client's file name: metadata, never used as a path."""
    return name.replace("\\", "/").rsplit("/", 1)[-1][:255] or "upload"
