"""From a file to its documents: read, clean, split, find the metadata."""

from __future__ import annotations

from pathlib import Path

from index.errors import CorpusError
from index.facts import find_references
from index.parse.blocks import classify
from index.parse.clean import normalise_chars
from index.parse.layout import Line, build_paragraphs, page_segments, split_documents
from index.parse.meta import extract_meta, find_header_end, own_in_head, own_label_end
from index.parse.model import Block, BlockKind, ParsedDocument, Reference, RefRole
from index.parse.readers import decode_text, read_bytes, read_pdf

TEXT_SUFFIXES = frozenset({".txt", ".md"})
# Hostile or broken input must not exhaust memory: refuse before reading/decoding.
# A 2,000-page Vorlage has about 5 million characters; PDFs carry images too.
MAX_TEXT_CHARS = 8_000_000
MAX_TEXT_BYTES = 4 * MAX_TEXT_CHARS  # UTF-8/16 worst case, checked before decoding
MAX_PDF_BYTES = 150 * 1024 * 1024
SOURCE_SUFFIXES = frozenset({".txt", ".md", ".pdf", ".json"})
# what a folder of documents holds besides documents: read-me and provenance files
NOT_DOCUMENTS = frozenset(
    {"readme", "sources", "quellen", "license", "licence", "lizenz", "copying", "notice",
     "changelog", "changes", "authors", "contributing", "code_of_conduct", "security"}
)  # fmt: skip
_OPARL_MARK = b"schema.oparl.org/"
_OPARL_SNIFF = 64 * 1024
_SEPARATOR = "\n\n"


def iter_source_files(paths: list[Path]) -> list[Path]:
    """Source files under ``paths`` (files as given, directories walked), sorted.

    In a folder, hidden files and directories are skipped and only documents
    count: .txt, .md and .pdf files except README, SOURCES, LICENSE and their
    kin (:data:`NOT_DOCUMENTS`, any suffix), and .json files that are OParl
    (their first 64 KB name an ``https://schema.oparl.org/`` type). A file named
    explicitly is kept whatever it is, so parse_file can say why it cannot be read.
    """
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for candidate in path.rglob("*"):
                rel = candidate.relative_to(path).parts
                if any(part.startswith(".") for part in rel):
                    continue
                if candidate.is_file() and is_document_file(candidate):
                    found.add(candidate)
        else:
            found.add(path)
    return sorted(found)


def is_document_file(path: Path) -> bool:
    """Whether a file met in a folder is a council document (see :func:`iter_source_files`)."""
    suffix = path.suffix.lower()
    if suffix not in SOURCE_SUFFIXES:
        return False
    if path.name.split(".")[0].lower() in NOT_DOCUMENTS:
        return False
    return suffix != ".json" or is_oparl_json(path)


def is_oparl_json(path: Path) -> bool:
    """A JSON file that names an OParl type (``"type": "https://schema.oparl.org/1.1/Paper"``)."""
    try:
        with path.open("rb") as f:
            head = f.read(_OPARL_SNIFF)
    except OSError:
        return True  # the import says why it cannot be read
    return _OPARL_MARK in head.replace(b"\\/", b"/")


def parse_file(path: Path, *, root: Path | None = None) -> list[ParsedDocument]:
    """Parse one source file into its documents (part 0, 1, ...).

    Raises :class:`CorpusError` (or its subclass ``SourceUnavailable``) with a one-line
    message naming the file when the file cannot be used.
    """
    source = source_path_for(path, root)
    suffix = path.suffix.lower()
    if suffix == ".json":
        raise CorpusError(f"{path.name}: OParl import not supported yet")
    if suffix not in TEXT_SUFFIXES and suffix != ".pdf":
        raise CorpusError(f"{path.name}: unsupported file type {suffix or '(none)'}")
    _check_size(path, MAX_PDF_BYTES if suffix == ".pdf" else MAX_TEXT_BYTES)
    data = read_bytes(path)
    text = read_pdf(data, path.name) if suffix == ".pdf" else decode_text(data, path.name)
    if len(text) > MAX_TEXT_CHARS:
        raise CorpusError(
            f"{path.name}: text too long ({len(text):,} characters, at most {MAX_TEXT_CHARS:,})"
        )
    docs = parse_text(text, source)
    if not docs:
        raise CorpusError(f"{path.name}: no text after cleaning")
    return docs


def _check_size(path: Path, limit: int) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        return  # read_bytes says why the file cannot be read
    if size > limit:
        raise CorpusError(
            f"{path.name}: file too large ({size / 2**20:.0f} MB, at most {limit / 2**20:.0f} MB)"
        )


def source_path_for(path: Path, root: Path | None) -> str:
    """The path relative to ``root`` (posix) when the file lies inside it: the document key."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def parse_text(text: str, source_path: str) -> list[ParsedDocument]:
    """Parse already decoded text; used by parse_file and handy in tests."""
    docs: list[ParsedDocument] = []
    for lines in split_documents(normalise_chars(text)):
        docs.append(_build_document(lines, source_path, len(docs)))
    return docs


def _build_document(lines: list[Line], source_path: str, part: int) -> ParsedDocument:
    raw = [x.text for x in lines]
    header_end = find_header_end(raw)
    pieces: list[str] = []
    blocks: list[Block] = []
    offset = 0
    if header_end >= 0:
        header = "\n".join(x.text.replace("\t", " ") for x in lines[: header_end + 1])
        pieces.append(header)
        blocks.append(Block(0, len(header), lines[0].page, BlockKind.HEADER))
        offset = len(header) + len(_SEPARATOR)
    header_len = len(pieces[0]) if pieces else 0
    paragraphs = build_paragraphs(lines[header_end + 1 :])
    for para, (kind, speaker, faction) in zip(paragraphs, classify(paragraphs), strict=True):
        for start, end, page in page_segments(para):
            blocks.append(Block(offset + start, offset + end, page, kind, speaker, faction))
        pieces.append(para.text)
        offset += len(para.text) + len(_SEPARATOR)
    text = _SEPARATOR.join(pieces)
    meta = extract_meta(raw, text)
    meta.references = _references(text, header_len)
    return ParsedDocument(source_path, part, text, blocks, meta)


def _references(text: str, header_len: int) -> list[Reference]:
    """Every paper number once; the one labelled in the header is the document's own."""
    label_end = own_label_end(text[:header_len]) if header_len else None
    own: str | None = None
    refs: list[Reference] = []
    seen: set[str] = set()
    for raw, number, start, _end in find_references(text):
        if own is None and label_end is not None and label_end <= start < header_len:
            own = number
            refs.append(Reference(number, raw, RefRole.OWN))
            seen.add(number)
        elif number not in seen:
            seen.add(number)
            refs.append(Reference(number, raw, RefRole.MENTIONED))
    if own is None and (found := own_in_head(text, header_len)) is not None:
        own = found
        refs = [
            Reference(r.number, r.raw, RefRole.OWN if r.number == own else r.role) for r in refs
        ]
    if own is not None:
        refs = [r for r in refs if r.role is RefRole.OWN or r.number != own]
    return refs
