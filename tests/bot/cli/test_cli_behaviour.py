"""A command line that behaves: exit codes, closed pipes, errors naming their object,
one language per output, --version, German dates, stable ids and tombstones, which
files a folder ingest takes, and where uploads live."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.chat.questions import resolve_in_corpus
from bot.cli import cli
from bot.settings import REPO_CORPUS, Settings
from tests.support.hostile_files import hostile_files
from tests.support.paths import HUND, REPO, SEED, require_realdocs

GERMAN_ONLY = ("Dokumente", "Abschnitte", "Fehler", "Speicher", "neu,", "unverändert")
ENGLISH_ONLY = ("documents", "passages", "Error", "store and index", "new,", "unchanged")
OPARL_PAPER = {
    "id": "https://oparl.example.org/paper/1",
    "type": "https://schema.oparl.org/1.1/Paper",
    "name": "Hundesteuer",
    "reference": "2021/0001",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private corpus folder with the bundled Dortmund minutes."""
    d = tmp_path / "corpus"
    d.mkdir()
    shutil.copy(SEED, d / SEED.name)
    return d


def _env(tmp_path: Path, corpus: Path | None, lang: str = "C.UTF-8") -> dict[str, str | None]:
    return {
        "RATSBOT_DATA_DIR": str(tmp_path / "data"),
        "RATSBOT_EMBEDDER": "fake",
        "RATSBOT_CORPUS_DIRS": str(corpus or tmp_path / "no-corpus"),
        "LANG": lang,
        "LC_ALL": None,
        "LC_MESSAGES": None,
    }


def run(args: list[str], tmp_path: Path, corpus: Path | None = None, lang: str = "C.UTF-8",
        **kw: object) -> Result:  # fmt: skip
    return CliRunner().invoke(
        cli, args, env=_env(tmp_path, corpus, lang), catch_exceptions=False, **kw
    )


# -- exit codes and errors that name their object ---------------------------------------


def test_ingest_exits_1_when_any_file_failed_and_names_each(tmp_path: Path, corpus: Path) -> None:
    bad = tmp_path / "kaputt.pdf"
    bad.write_bytes(b"this is no pdf")
    missing = tmp_path / "fehlt.txt"
    r = run(["ingest", str(corpus), str(bad), str(missing)], tmp_path)
    assert r.exit_code == 1, r.output
    assert "2 neu" in r.output and "2 fehlgeschlagen" in r.output  # the good file went in
    assert "Fehler: kaputt.pdf: beschädigte PDF-Datei" in r.output
    assert f"Fehler: Datei oder Ordner nicht gefunden: {missing}" in r.output
    assert "internal error" not in r.output
    ok = run(["ingest", str(corpus)], tmp_path)
    assert ok.exit_code == 0 and "Nichts geändert" in ok.output


def test_reindex_exits_1_when_a_corpus_file_failed(tmp_path: Path, corpus: Path) -> None:
    (corpus / "leer.txt").write_text("")
    r = run(["reindex"], tmp_path, corpus)
    assert r.exit_code == 1 and "Fehler: leer.txt: leere Datei" in r.output


def test_remove_of_an_unknown_id_names_it(tmp_path: Path) -> None:
    r = run(["remove", "4711"], tmp_path)
    assert r.exit_code == 1 and r.output.strip() == "Fehler: kein Dokument mit der Id 4711"
    r = run(["remove", "4711", "--lang", "en"], tmp_path)
    assert r.output.strip() == "Error: no document with id 4711"


# -- closed pipes ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["docs", "stats"])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, corpus: Path, command: str) -> None:
    assert run(["ingest", str(corpus)], tmp_path).exit_code == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RATSBOT_", "LC_"))}
    env.update({k: v for k, v in _env(tmp_path, corpus).items() if v is not None})
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", command],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line (`| head -0`)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert err == "", err  # no "internal error (BrokenPipeError …)", no traceback


def test_output_to_a_reader_that_stops_early(tmp_path: Path, corpus: Path) -> None:
    """`ratsbot docs | head -1` as a shell runs it: head's line, then quiet."""
    assert run(["ingest", str(corpus)], tmp_path).exit_code == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RATSBOT_", "LC_"))}
    env.update({k: v for k, v in _env(tmp_path, corpus).items() if v is not None})
    sh = f"set -o pipefail; '{sys.executable}' -m bot docs | head -1"
    done = subprocess.run(["bash", "-c", sh], cwd=REPO, env=env, capture_output=True, timeout=120)
    assert done.stdout.decode().count("\n") == 1
    assert done.returncode in (0, 141) and done.stderr == b""


# -- check, languages, version, dates ------------------------------------------------------


def test_check_on_an_empty_store_says_so_in_one_language(tmp_path: Path) -> None:
    r = run(["check"], tmp_path)
    assert r.exit_code == 0, r.output
    assert "None" not in r.output
    assert "Index: noch keine Indexdateien" in r.output and "noch kein Embedder" in r.output
    assert not any(w in r.output for w in ENGLISH_ONLY), r.output
    en = run(["check", "--lang", "en"], tmp_path)
    assert "None" not in en.output and "Index: no index files yet" in en.output
    assert not any(w in en.output for w in GERMAN_ONLY), en.output


def test_outputs_are_german_by_default_and_english_on_request(tmp_path: Path, corpus: Path) -> None:
    de = [run(["ingest", str(corpus)], tmp_path)]
    de += [run([c], tmp_path, corpus) for c in ("check", "stats", "docs", "reindex")]
    for r in de:
        assert r.exit_code == 0, r.output
        assert not any(w in r.output for w in ENGLISH_ONLY), r.output
    assert "ok: Speicher und Index stimmen überein" in de[1].output
    assert "Abschnitte mit Vektor:" in de[2].output
    by_option = [run(["--lang", "en", c], tmp_path, corpus) for c in ("check", "stats", "docs")]
    by_option.append(run(["reindex", "--lang", "en"], tmp_path, corpus))
    by_locale = [run([c], tmp_path, corpus, lang="en_GB.UTF-8") for c in ("check", "stats")]
    for r in by_option + by_locale:
        assert r.exit_code == 0, r.output
        assert not any(w in r.output for w in GERMAN_ONLY), r.output
    assert "ok: store and index agree" in by_option[0].output
    assert "0 new, 0 changed, 2 unchanged, 0 failed" in by_option[3].output
    assert "passages with vectors:" in by_locale[1].output
    # the command's --lang wins over the locale
    r = run(["check", "--lang", "de"], tmp_path, corpus, lang="en_US.UTF-8")
    assert "Speicher und Index stimmen überein" in r.output


def test_version(tmp_path: Path) -> None:
    r = run(["--version"], tmp_path)
    assert r.exit_code == 0 and r.output.strip() == f"ratsbot {version('ratsbot')}"


def test_dates_as_dd_mm_yyyy_and_iso(tmp_path: Path, corpus: Path) -> None:
    assert run(["ingest", str(corpus)], tmp_path).exit_code == 0
    question = ["ask", "Wie viele Planstellen sollen eingereicht werden?", "--json"]
    dates = {}
    spans = (("10.12.2020", "31.12.2020"), ("2020-12-10", "2020-12-31"), ("1.1.2020", "9.12.2020"))
    for frm, to in spans:
        r = run([*question, "--from", frm, "--to", to], tmp_path, corpus)
        assert r.exit_code == 0, r.output
        dates[frm] = {s["date"] for s in json.loads(r.output)["sources"]}
    assert dates["10.12.2020"] == dates["2020-12-10"] == {"2020-12-17"}
    assert dates["1.1.2020"] == {"2020-12-03"}
    for bad in ("31.02.2020", "12/03/2020", "gestern"):
        r = run([*question, "--from", bad], tmp_path, corpus)
        assert r.exit_code == 2
        assert r.output == f"Fehler: --from: '{bad}' ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT)\n"
    r = run([*question, "--from", "gestern", "--lang", "en"], tmp_path, corpus)
    assert r.output == "Error: --from: 'gestern' is not a date (DD.MM.YYYY or YYYY-MM-DD)\n"


# -- stable ids and tombstones ----------------------------------------------------------------


def _ids(tmp_path: Path, corpus: Path) -> dict[str, int]:
    r = run(["docs", "--json"], tmp_path, corpus)
    return {d["key"]: d["id"] for d in json.loads(r.output)}


def test_ids_are_stable_across_full_reindex_and_never_reused(tmp_path: Path, corpus: Path) -> None:
    assert run(["reindex"], tmp_path, corpus).exit_code == 0
    first = _ids(tmp_path, corpus)
    assert len(first) == 2
    full = run(["reindex", "--full"], tmp_path, corpus)
    assert full.exit_code == 0 and "0 neu, 0 geändert, 2 unverändert" in full.output
    assert _ids(tmp_path, corpus) == first
    # a changed file keeps its id too
    seed = corpus / SEED.name
    seed.write_text(seed.read_text(encoding="utf-8") + "\nNachtrag.\n", encoding="utf-8")
    changed = run(["reindex"], tmp_path, corpus)
    assert "geändert" in changed.output and _ids(tmp_path, corpus) == first
    # a removed document's id is never handed out again, even to a new file
    shutil.copy(HUND, corpus / "hund.txt")
    assert run(["reindex"], tmp_path, corpus).exit_code == 0
    hund = _ids(tmp_path, corpus)["hund.txt#0"]
    assert hund > max(first.values())
    assert run(["remove", str(hund)], tmp_path, corpus).exit_code == 0
    (corpus / "hund.txt").unlink()
    shutil.copy(HUND, corpus / "hund2.txt")
    assert run(["reindex"], tmp_path, corpus).exit_code == 0
    assert _ids(tmp_path, corpus)["hund2.txt#0"] > hund


def test_a_removed_corpus_document_stays_removed(tmp_path: Path, corpus: Path) -> None:
    assert run(["reindex"], tmp_path, corpus).exit_code == 0
    ids = _ids(tmp_path, corpus)
    rat = ids[f"{SEED.name}#1"]
    r = run(["remove", str(rat)], tmp_path, corpus)
    assert r.exit_code == 0
    assert f"Dokument {rat} entfernt ({SEED.name})." in r.output
    assert "Es bleibt entfernt" in r.output and "ratsbot ingest <Datei>" in r.output
    for args in (["reindex"], ["reindex", "--full"], ["ingest", str(corpus)]):
        again = run(args, tmp_path, corpus)
        assert again.exit_code == 0 and "1 bleiben entfernt" in again.output, args
        assert f"{SEED.name}#1" not in _ids(tmp_path, corpus)
    # naming the file brings it back, with its old id
    back = run(["ingest", str(corpus / SEED.name)], tmp_path, corpus)
    assert back.exit_code == 0 and "1 neu" in back.output
    assert _ids(tmp_path, corpus) == ids


# -- which files a folder ingest takes; documents outside the corpus ------------------------


def test_folder_ingest_takes_documents_and_oparl_only(tmp_path: Path) -> None:
    folder = tmp_path / "papiere"
    folder.mkdir()
    shutil.copy(HUND, folder / "hund.txt")
    (folder / "README.md").write_text("# Papiere\n\nQuelle: Ratsinformationssystem Dortmund.\n")
    (folder / "SOURCES.md").write_text("Sources: downloaded 2026 from the city of Dortmund.\n")
    (folder / "settings.json").write_text('{"theme": "dark"}')
    (folder / "paper.json").write_text(json.dumps(OPARL_PAPER))
    r = run(["ingest", str(folder), "--json"], tmp_path)
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert sorted(out["added"]) == ["hund.txt#0", "paper.json#oparl"]
    assert out["failed"] == []
    named = run(["ingest", str(folder / "README.md"), "--json"], tmp_path)
    assert json.loads(named.output)["added"] == ["README.md#0"]  # named: taken as asked


def test_documents_from_outside_the_corpus_are_no_warning(tmp_path: Path, corpus: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(HUND, elsewhere / "hund.txt")
    assert run(["reindex"], tmp_path, corpus).exit_code == 0
    assert run(["ingest", str(elsewhere)], tmp_path, corpus).exit_code == 0
    r = run(["check"], tmp_path, corpus)
    assert r.exit_code == 0 and "Warnung" not in r.output, r.output
    (corpus / SEED.name).unlink()  # a corpus document's file gone: that is worth a warning
    r = run(["check"], tmp_path, corpus)
    assert "Warnung: 1 Dokumente haben keine Quelldatei mehr" in r.output, r.output


# -- uploads ----------------------------------------------------------------------------------


def test_uploads_live_under_the_data_dir_or_the_configured_folder(tmp_path: Path) -> None:
    s = Settings.from_env({"RATSBOT_DATA_DIR": str(tmp_path / "d")})
    assert s.upload_folder == tmp_path / "d" / "uploads"
    assert not s.upload_folder.resolve().is_relative_to(REPO_CORPUS.resolve())
    s = Settings.from_env({"RATSBOT_UPLOAD_DIR": str(tmp_path / "up")})
    assert s.upload_folder == tmp_path / "up" and s.upload_folder in s.document_folders


def test_uploaded_files_are_reindexed_and_checked(tmp_path: Path, corpus: Path) -> None:
    uploads = tmp_path / "data" / "uploads" / "nichtoeffentlich"
    uploads.mkdir(parents=True)
    shutil.copy(HUND, uploads / "hund.txt")
    assert run(["reindex"], tmp_path, corpus).exit_code == 0
    docs = json.loads(run(["docs", "--json"], tmp_path, corpus).output)
    [hund] = [d for d in docs if d["key"] == "uploads/nichtoeffentlich/hund.txt#0"]
    assert hund["public"] is False  # the folder is the flag, as before
    assert "Warnung" not in run(["check"], tmp_path, corpus).output
    (uploads / "hund.txt").unlink()
    assert "1 Dokumente haben keine Quelldatei" in run(["check"], tmp_path, corpus).output


def test_broken_files_get_one_german_line_each(tmp_path: Path) -> None:
    folder = tmp_path / "kaputt"
    folder.mkdir()
    for name, data, _reason in hostile_files():
        (folder / name).write_bytes(data)
    r = run(["ingest", str(folder)], tmp_path)
    assert r.exit_code == 1
    errors = [line for line in r.output.splitlines() if line.startswith("Fehler")]
    assert len(errors) == len(hostile_files())
    for name, _data, _reason in hostile_files():
        [line] = [e for e in errors if e.startswith(f"Fehler: {name}: ")]
        english = ("empty file", "not a text file", "damaged PDF", "encrypted", "no text layer")
        assert not any(w in line for w in english), line


def test_readme_lists_every_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = {line.split("`")[1].split()[1] for line in readme.splitlines()
            if line.startswith("| `ratsbot ")}  # fmt: skip
    assert set(cli.commands) <= rows, set(cli.commands) - rows
    assert "--version" in rows


def test_an_upload_named_like_a_corpus_file_is_another_document(
    tmp_path: Path, corpus: Path
) -> None:
    uploads = tmp_path / "data" / "uploads"
    uploads.mkdir(parents=True)
    shutil.copy(SEED, uploads / SEED.name)
    r = run(["reindex"], tmp_path, corpus)
    assert r.exit_code == 0 and "4 neu" in r.output, r.output
    keys = set(_ids(tmp_path, corpus))
    assert {f"{SEED.name}#0", f"uploads/{SEED.name}#0"} <= keys
    assert "Warnung" not in run(["check"], tmp_path, corpus).output
    settings = Settings(data_dir=tmp_path / "data", corpus_dirs=(corpus,))
    sent = resolve_in_corpus(settings.corpus_dirs, f"uploads/{SEED.name}", settings.upload_folder)
    assert sent == (uploads / SEED.name).resolve()  # the "Dokument" button finds the upload
    assert (
        resolve_in_corpus(settings.corpus_dirs, "ratsbot.sqlite3", settings.upload_folder) is None
    )


@pytest.mark.slow
def test_realdocs_as_a_corpus_folder_skips_its_sources_file(tmp_path: Path) -> None:
    realdocs = require_realdocs()
    r = run(["reindex"], tmp_path, realdocs)
    assert r.exit_code == 0, r.output
    docs = json.loads(run(["docs", "--json"], tmp_path, realdocs).output)
    paths = {d["source_path"] for d in docs}
    assert paths and not any(Path(p).name.upper().startswith("SOURCES") for p in paths), paths
    assert "Warnung" not in run(["check"], tmp_path, realdocs).output
