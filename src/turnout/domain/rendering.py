"""Page images: a run's document shown page by page, as the review screen draws it.

A `PageRenderer` turns a stored source file into one image per page. Pages are numbered from 1,
as words' boxes number them (`turnout.domain.page.Word.page`). Every image comes with the page's
size in points (`width_pt`, `height_pt`), the unit of the boxes in a field's provenance and of the
text stage's words (points from the top-left corner of the page as shown), so a box lands on the
image at `left * width_px / width_pt`, `top * height_px / height_pt`.

What each kind of file gives: a PDF page rendered to PNG at the width asked for (bounded); a PNG
or JPEG served as it is (one page); each frame of a TIFF converted to PNG (browsers do not show
TIFF); an XML e-invoice has no pages (a count of 0).

Errors (both `RequestError`s, so the API answers them as such):

    NotFound
    └── PageNotFound         no such page in this document (out of range, or an e-invoice's)
    RequestError
    └── PageUnrenderable     the file cannot be opened or decoded, or is not a PDF or an image
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from turnout.domain.errors import NotFound, RequestError


@dataclass(frozen=True)
class PageImage:
    """One page as an image, with its size in pixels and in points."""

    media_type: str  # "image/png" or "image/jpeg"
    data: bytes
    width_px: int
    height_px: int
    width_pt: float  # the page's size in the unit of the words' and fields' boxes
    height_pt: float


class PageRenderer(Protocol):
    """Renders a stored source file's pages (numbered from 1) as images."""

    def page_count(self, file_name: str, data: bytes) -> int:
        """How many pages can be shown (0 for an XML e-invoice); `PageUnrenderable` for a file
        that cannot be opened."""
        ...

    def render(self, file_name: str, data: bytes, page: int, width_px: int) -> PageImage:
        """Page `page` (from 1) about `width_px` wide (a PDF's; an image is served at its own
        size); `PageNotFound` for a page the file does not have, `PageUnrenderable` for a file
        that cannot be opened or decoded."""
        ...


class PageNotFound(NotFound):
    """The document has no such page (or no pages at all: an XML e-invoice)."""


class PageUnrenderable(RequestError):
    """The document cannot be shown as images: damaged, protected or of another kind."""
