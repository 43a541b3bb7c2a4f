"""File formats and unusable files: encodings, Markdown, PDF, directory walking, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from index.errors import CorpusError, SourceUnavailable
from index.parse import iter_source_files, parse_file
from index.parse.model import BlockKind, RefRole
from tests.support.paths import PARSE_FIXTURES as FIXTURES


def test_cp1252_text_is_detected():
    [doc] = parse_file(FIXTURES / "karlsruhe_cp1252.txt")
    assert "Änderung der Gebühren" in doc.text
    assert doc.meta.gremium == "Gemeinderat"
    assert doc.meta.meeting_date == dt.date(2015, 3, 3)
    assert doc.meta.top == "5"
    assert doc.meta.own_numbers == ["2015/0123"]
    speech = [b for b in doc.blocks if b.kind is BlockKind.SPEECH]
    assert [(b.speaker, b.faction) for b in speech] == [("Stadträtin Müller", "GRÜNE")]


def test_latin1_bytes_in_tmp_file(tmp_path):
    path = tmp_path / "alt.txt"
    path.write_bytes("Die Straße wird für 3.000.000 € saniert. Größere Schäden.".encode("cp1252"))
    [doc] = parse_file(path)
    assert "Die Straße wird für 3.000.000 € saniert." in doc.text
    assert doc.meta.references == []


def test_markdown_emphasis_and_bullets(tmp_path):
    [doc] = parse_file(FIXTURES / "dortmund_markdown.md", root=FIXTURES)
    assert doc.source_path == "dortmund_markdown.md"
    assert "*Die" not in doc.text and "**" not in doc.text
    assert "Die Verwaltung berichtet über den Stand." in doc.text
    assert "Mitarbeiter*innen" in doc.text  # gender star is not emphasis
    meta = doc.meta
    assert meta.title == "Radweg an der Möllerbrücke"
    assert meta.session_kind == "nicht öffentlich" and not meta.public
    assert meta.kind == "Kenntnisnahme"
    assert [(r.number, r.raw, r.role) for r in meta.references] == [
        ("05185-03-BA", "05185-03BA", RefRole.OWN),
        ("18828-20-E5", "18828-20-E5", RefRole.MENTIONED),
    ]
    items = [doc.text[b.start : b.end] for b in doc.blocks if b.kind is BlockKind.LIST_ITEM]
    assert items == ["- erster Punkt", "- zweiter Punkt"]


def test_pdf_text_layer_and_pages():
    [doc] = parse_file(FIXTURES / "ka_anfrage_two_pages.pdf")
    assert doc.meta.own_numbers == ["2025/0657"]
    assert doc.meta.kind == "Anfrage"
    assert doc.meta.meeting_date == dt.date(2025, 9, 30)
    assert "Die Verwaltung nutzt das DMS-System enaio für die Stellungnahme und die E-Akte" in (
        doc.text
    )
    assert "in allen Ämtern, damit die Digitalisierung gelingt." in doc.text
    assert "– 2 –" not in doc.text and " of 2 --" not in doc.text
    assert max(b.page for b in doc.blocks) == 2


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\n \t\n", "empty file"),
        ("garbage.txt", bytes(range(256)) * 8, "not a text file"),
        ("nul.txt", b"Vorlage Nr.: 2025/0657\x00\x00\x00 text", "NUL bytes"),
        ("ka.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "damaged PDF"),
        ("fake.pdf", b"this is not a pdf at all", "damaged PDF"),
        ("empty.pdf", b"", "empty file"),
        ("data.json", b'{"type": "https://schema.oparl.org/1.1/Paper"}', "OParl"),
    ],
)
def test_unusable_files_raise_corpus_error(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CorpusError) as info:
        parse_file(path)
    message = str(info.value)
    assert message.startswith(f"{name}: ")
    assert reason in message
    assert "\n" not in message


def test_truncated_pdf(tmp_path):
    data = (FIXTURES / "ka_anfrage_two_pages.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(CorpusError, match=r"^cut\.pdf: "):
        parse_file(path)


def test_encrypted_pdf(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(FIXTURES / "ka_anfrage_two_pages.pdf")
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    try:
        writer.encrypt(user_password="geheim", owner_password="geheim", algorithm="RC4-128")
    except Exception as exc:  # pragma: no cover - depends on optional crypto backends
        pytest.skip(f"pypdf cannot encrypt here: {exc}")
    path = tmp_path / "secret.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(CorpusError, match=r"^secret\.pdf: encrypted PDF$"):
        parse_file(path)


def test_pdf_without_text_layer(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(CorpusError, match=r"^scan\.pdf: PDF has no text layer \(scanned\?\)$"):
        parse_file(path)


def test_missing_file_is_source_unavailable(tmp_path):
    with pytest.raises(SourceUnavailable, match=r"^nope\.txt: file not found$"):
        parse_file(tmp_path / "nope.txt")


def test_iter_source_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / ".hidden").mkdir()
    for rel in ["a.txt", "b/c.md", "b/deep/d.pdf", "b/e.json", "b/f.docx", ".x.txt",
                ".hidden/g.txt", "b/deep/h.TXT", "README.md", "b/SOURCES.md", "LICENSE.txt",
                "b/readme.txt", "b/o.json"]:  # fmt: skip
        (tmp_path / rel).write_text("x")
    (tmp_path / "b" / "o.json").write_text('{"type": "https://schema.oparl.org/1.1/Paper"}')
    single = tmp_path / "b" / "f.docx"
    named = tmp_path / "README.md"
    found = iter_source_files([tmp_path, single, named])
    rels = [p.relative_to(tmp_path).as_posix() for p in found]
    assert rels == sorted(rels)
    # from a folder: documents and OParl JSON only; named files whatever they are
    assert rels == ["README.md", "a.txt", "b/c.md", "b/deep/d.pdf", "b/deep/h.TXT", "b/f.docx",
                    "b/o.json"]  # fmt: skip


def test_source_path_without_root(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("Ein Satz.", encoding="utf-8")
    [doc] = parse_file(path)
    assert doc.source_path == path.as_posix()
    [doc] = parse_file(path, root=tmp_path)
    assert doc.source_path == "x.txt"
    assert Path(doc.source_path).name == "x.txt"
