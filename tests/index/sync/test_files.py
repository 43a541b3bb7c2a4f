"""A paper's files as the sync sees them: versions, names, and what the readers get."""

from __future__ import annotations

import pytest

from index.errors import CorpusError
from index.sync.client import Download
from index.sync.files import FileRef, file_refs, html_to_text, local_name, to_text_file

PAPER = {
    "id": "https://ris.example.de/papers/7",
    "reference": "2024/0007",
    "mainFile": {
        "id": "https://ris.example.de/files/70",
        "name": "Beschlussvorlage",
        "downloadUrl": "https://ris.example.de/dl/70.pdf",
        "accessUrl": "https://ris.example.de/a/70.pdf",
        "modified": "2024-01-01T00:00:00+01:00",
        "sha1Checksum": "abc",
    },
    "auxiliaryFile": [
        {"id": "https://ris.example.de/files/71", "accessUrl": "https://ris.example.de/a/71.pdf"},
        {"id": "https://ris.example.de/files/72", "deleted": True},
        "https://ris.example.de/files/73",  # named by URL only: fetched and embedded first
    ],
}


def test_file_refs_prefer_the_download_url_and_skip_deleted_files() -> None:
    main, aux = file_refs(PAPER)
    assert (main.url, main.reference, main.name) == (
        "https://ris.example.de/dl/70.pdf",
        "2024/0007",
        "Beschlussvorlage",
    )
    assert main.version == "2024-01-01T00:00:00+01:00||abc|" and aux.version == "|||"
    assert aux.url == "https://ris.example.de/a/71.pdf"


def test_local_names_are_readable_and_stable() -> None:
    main = file_refs(PAPER)[0]
    name = local_name(main, ".pdf")
    assert name.startswith("2024-0007_70-") and name.endswith("_beschlussvorlage.pdf")
    assert local_name(main, ".pdf") == name


REF = FileRef("f", "p", None, "Protokoll", "u", None, "")


def test_what_the_readers_get() -> None:
    assert to_text_file(Download(b"%PDF-1.4 ...", "application/octet-stream"), REF)[0] == ".pdf"
    assert to_text_file(Download("Straße".encode(), "text/plain"), REF) == (
        ".txt",
        "Straße".encode(),
    )
    page = b"<html><body><h1>TOP 3</h1><p>Der Rat beschlie&szlig;t.</p><script>x()</script></html>"
    suffix, data = to_text_file(Download(page, "text/html"), REF)
    assert suffix == ".txt" and data.decode() == "TOP 3\n\nDer Rat beschließt."
    with pytest.raises(CorpusError, match="unsupported file type image/png"):
        to_text_file(Download(b"\x89PNG", "image/png"), REF)


def test_html_to_text_keeps_paragraphs_apart() -> None:
    assert html_to_text("<div>A</div><div>B<br>C</div>") == "A\n\nB\nC"
