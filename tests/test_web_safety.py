"""Uploads cannot reach outside their folder (issue 15, safety): names, links, zips, projects.

Every hostile zip is built here by hand with the zipfile module (and, where zipfile will not
write the lie, by patching the header bytes), so each refusal is shown on a file that really
carries the attack.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import struct
import unicodedata
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveyq.errors import InputError
from surveyq.project import load_project
from surveyq.web.safety import (
    WINDOWS_RESERVED,
    UnsafeUploadError,
    _copy_entry,
    check_project_paths,
    confine,
    extract_zip_safely,
    safe_filename,
)

DEMO = Path(__file__).resolve().parents[1] / "questionnaires" / "demo"
LIMITS = {"max_bytes": 50 * 2**20, "max_files": 100, "max_ratio": 100}


def make_zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]],
             compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": the duplicate is the attack
        with zipfile.ZipFile(path, "w", compression) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    return path


def refused(tmp_path: Path, entries, code: str, **limits) -> UnsafeUploadError:
    """Extract a zip of ``entries``; assert it is refused with ``code`` and leaves nothing."""
    archive = make_zip(tmp_path / "upload.zip", entries)
    with pytest.raises(UnsafeUploadError) as caught:
        extract_zip_safely(archive, tmp_path / "out", **{**LIMITS, **limits})
    assert caught.value.message.code == code, str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["upload.zip"]  # nothing left behind
    return caught.value


def patch(path: Path, signature: bytes, offset: int, fmt: str, value: int) -> None:
    """Overwrite a field at ``offset`` in every header starting with ``signature``."""
    data = bytearray(path.read_bytes())
    start = data.find(signature)
    assert start >= 0
    while start >= 0:
        struct.pack_into(fmt, data, start + offset, value)
        start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))


LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"


# --------------------------------------------------------------------------- file names


@pytest.mark.parametrize(("name", "expected"), [
    ("data.csv", "data.csv"),
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\win.ini", "win.ini"),
    ("C:\\Users\\ani\\SKM 2025.xlsx", "SKM 2025.xlsx"),
    ("/abs/path/hasil survei.sav", "hasil survei.sav"),
    (".bashrc", "bashrc"),
    ("...", "upload"),
    ("", "upload"),
    ("dir/", "upload"),
    ("con.csv", "_con.csv"),
    ("NUL", "_NUL"),
    ("com1.xlsx", "_com1.xlsx"),
    ("lpt9", "_lpt9"),
    ("console.csv", "console.csv"),  # only the exact device names are reserved
    ("a\x00b\nc\x1b.csv", "abc.csv"),
    ("invoice\u202egpj.exe", "invoicegpj.exe"),  # right-to-left override dropped
    ('a<b>c:d"e|f?g*h.csv', "abcdefgh.csv"),
    ("report. ", "report"),
    ("a\udc80b.csv", "ab.csv"),  # an undecodable byte of the client's name
    ("Survei Kepuasan — Dinas Pendidikan.xlsx", "Survei Kepuasan — Dinas Pendidikan.xlsx"),
])
def test_safe_filename_examples(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_keeps_the_extension_of_a_long_name() -> None:
    long = "é" * 300 + ".xlsx"
    result = safe_filename(long)
    assert result.endswith(".xlsx") and len(result.encode("utf-8")) <= 255


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=()), max_size=300))
def test_safe_filename_is_one_plain_name(name: str) -> None:
    result = safe_filename(name)  # any code point, lone surrogates included
    assert result and result == safe_filename(result)  # never empty; idempotent
    assert "/" not in result and "\\" not in result and ":" not in result
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in result)
    assert result[0] not in ". " and result[-1] not in ". "
    assert len(result.encode("utf-8")) <= 255
    assert result.split(".")[0].rstrip(" ").upper() not in WINDOWS_RESERVED
    root = Path("/srv/uploads/job")
    assert (root / result).parent == root and result not in (".", "..")


@settings(max_examples=200, deadline=None)
@given(folders=st.lists(st.text(min_size=1, max_size=20), max_size=4),
       stem=st.text(alphabet=st.characters(whitelist_categories=("L", "N")), min_size=1,
                    max_size=40),
       extension=st.sampled_from(["csv", "xlsx", "sav", "zip", "yaml", "json"]),
       separator=st.sampled_from(["/", "\\"]))
def test_safe_filename_keeps_the_last_name_and_extension(folders, stem, extension, separator):
    name = separator.join([*folders, f"{stem}.{extension}"])
    result = safe_filename(name)
    assert result.endswith(f".{extension}")
    assert unicodedata.normalize("NFC", stem) in result


# --------------------------------------------------------------------------- confine


def test_confine_accepts_inside_and_refuses_outside(tmp_path: Path) -> None:
    root = tmp_path / "job"
    (root / "sub").mkdir(parents=True)
    assert confine("sub/a.csv", root) == root.resolve() / "sub" / "a.csv"
    assert confine(root / "sub", root) == root.resolve() / "sub"
    for outside in ("../x", "sub/../../x", "/etc/passwd", tmp_path):
        with pytest.raises(UnsafeUploadError):
            confine(outside, root)


def test_confine_follows_links(tmp_path: Path) -> None:
    root = tmp_path / "job"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (root / "inner.csv").write_text("x")
    (root / "out").symlink_to(tmp_path / "secret.txt")
    (root / "folder").symlink_to(tmp_path)
    (root / "in").symlink_to(root / "inner.csv")
    (root / "loop").symlink_to(root / "loop")
    assert confine("in", root) == (root / "inner.csv").resolve()
    for link in ("out", "folder/secret.txt", "loop"):
        with pytest.raises(UnsafeUploadError):
            confine(link, root)


# --------------------------------------------------------------------------- zips


def test_a_plain_project_zip_is_extracted(tmp_path: Path) -> None:
    entries = [("proj/", b""), ("proj/project.yaml", b"organisation: x\n"),
               ("proj/data/skm.csv", b"a,b\n1,2\n"), ("proj\\win.csv", b"1\n")]
    archive = make_zip(tmp_path / "p.zip", entries)
    files = extract_zip_safely(archive, tmp_path / "out", **LIMITS)
    out = tmp_path / "out"
    assert sorted(p.relative_to(out).as_posix() for p in files) == [
        "proj/data/skm.csv", "proj/project.yaml", "proj/win.csv"]
    assert (out / "proj" / "data" / "skm.csv").read_bytes() == b"a,b\n1,2\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_hidden_and_system_entries_are_skipped(tmp_path: Path) -> None:
    entries = [("p/project.yaml", b"x"), ("__MACOSX/p/._project.yaml", b"junk"),
               ("p/.DS_Store", b"junk"), ("p/.git/config", b"junk"), ("p/._skm.csv", b"junk")]
    files = extract_zip_safely(make_zip(tmp_path / "p.zip", entries), tmp_path / "out", **LIMITS)
    assert [p.name for p in files] == ["project.yaml"]
    assert not (tmp_path / "out" / "__MACOSX").exists()


def test_a_nested_zip_stays_a_file(tmp_path: Path) -> None:
    inner = make_zip(tmp_path / "inner.zip", [("../../evil.csv", b"x")])
    archive = make_zip(tmp_path / "p.zip", [("p/inner.zip", inner.read_bytes())])
    files = extract_zip_safely(archive, tmp_path / "out", **LIMITS)
    assert [p.name for p in files] == ["inner.zip"]
    assert files[0].read_bytes() == inner.read_bytes()
    assert not (tmp_path / "evil.csv").exists()


@pytest.mark.parametrize("name", ["/etc/cron.d/x", "\\windows\\x.csv", "//server/share/x"])
def test_absolute_paths_are_refused(tmp_path: Path, name: str) -> None:
    refused(tmp_path, [("ok.csv", b"1"), (name, b"x")], "upload.absolute_path")


@pytest.mark.parametrize("name", ["C:/x.csv", "C:\\Windows\\x.csv", "c:x.csv"])
def test_drive_letters_are_refused(tmp_path: Path, name: str) -> None:
    refused(tmp_path, [(name, b"x")], "upload.absolute_path")


@pytest.mark.parametrize("name", ["../x.csv", "a/../../x.csv", "a\\..\\..\\x.csv", "..",
                                  "a/b/../../../x"])
def test_traversal_is_refused(tmp_path: Path, name: str) -> None:
    refused(tmp_path, [(name, b"x")], "upload.traversal")


@pytest.mark.parametrize("kind", [stat.S_IFLNK, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO,
                                  stat.S_IFSOCK])
def test_links_and_special_files_are_refused(tmp_path: Path, kind: int) -> None:
    link = zipfile.ZipInfo("p/responses.csv")
    link.create_system = 3  # Unix: the mode lives in the high 16 bits of external_attr
    link.external_attr = (kind | 0o777) << 16
    error = refused(tmp_path, [("p/project.yaml", b"x"), (link, b"/etc/passwd")], "upload.link")
    assert "p/responses.csv" in str(error)


@pytest.mark.parametrize(("name", "stored"), [
    ("CON.csv", "_CON.csv"), ("p/aux", "p/_aux"), ("p/lpt1/x.csv", "p/_lpt1/x.csv"),
    ("a.csv:stream", "a.csvstream"), ("a\nb.csv", "ab.csv"), ("x.csv.", "x.csv"),
    ("x.csv ", "x.csv"), ("exports/<b>2025</b>.csv", "exports/b2025/b.csv"),
    ("p/" + "x" * 300 + ".csv", "p/" + "x" * 251 + ".csv"),
])
def test_names_a_system_cannot_store_are_made_safe(tmp_path: Path, name: str,
                                                   stored: str) -> None:
    archive = make_zip(tmp_path / "p.zip", [(name, b"1")])
    files = extract_zip_safely(archive, tmp_path / "out", **LIMITS)
    assert [p.relative_to(tmp_path / "out").as_posix() for p in files] == [stored]
    assert files[0].read_bytes() == b"1"


def test_a_path_too_long_to_create_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, [("/".join(["folder" * 30] * 6) + "/x.csv", b"1")],
                    "upload.path_too_long")
    assert len(str(error)) < 300


def test_entry_names_print_on_one_line(tmp_path: Path) -> None:
    error = refused(tmp_path, [("../a\nb.csv", b"1")], "upload.traversal")
    assert "\n" not in str(error) and "'../a\\nb.csv'" in str(error)


@pytest.mark.parametrize("names", [("p/a.csv", "p/a.csv"), ("p/A.csv", "p/a.csv"),
                                   ("p/a", "p/a/b.csv"), ("p/a<.csv", "p/a>.csv"),
                                   ("p/con", "p/_CON")])
def test_the_same_name_twice_is_refused(tmp_path: Path, names: tuple[str, str]) -> None:
    first, second = names
    refused(tmp_path, [(first, b"1"), (second, b"2")], "upload.duplicate_entry")


def test_too_many_entries_are_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, [(f"p/{i}.csv", b"1") for i in range(11)],
                    "upload.too_many_entries", max_files=10)
    assert "11" in str(error) and "10" in str(error)


def test_too_many_declared_bytes_are_refused(tmp_path: Path) -> None:
    entries = [(f"p/{i}.csv", os.urandom(600_000)) for i in range(2)]
    refused(tmp_path, entries, "upload.too_large", max_bytes=2**20)


def test_a_decompression_bomb_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, [("p/skm.csv", b"0" * (8 * 2**20))], "upload.bomb")
    assert "100" in str(error)
    assert "bom dekompresi" in error.text("id")


def test_a_small_repetitive_file_is_not_a_bomb(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "p.zip", [("p/skm.csv", b"5,5,5,5\n" * 20_000)])
    assert len(extract_zip_safely(archive, tmp_path / "out", **LIMITS)) == 1


def test_a_header_understating_the_size_is_refused(tmp_path: Path) -> None:
    """A bomb whose headers declare 1 KiB passes every declared check; its real bytes do not."""
    archive = make_zip(tmp_path / "upload.zip", [("p/skm.csv", b"0" * (4 * 2**20))])
    patch(archive, LOCAL, 22, "<I", 1024)  # uncompressed size in the local header
    patch(archive, CENTRAL, 24, "<I", 1024)  # ... and in the central directory
    assert zipfile.ZipFile(archive).infolist()[0].file_size == 1024
    with pytest.raises(UnsafeUploadError) as caught:
        extract_zip_safely(archive, tmp_path / "out", **LIMITS)
    assert caught.value.message.code == "upload.size_lie"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["upload.zip"]


def test_bytes_beyond_the_declared_size_stop_the_copy(tmp_path: Path) -> None:
    """The byte count itself, whatever the zip reader does: a reader handing out more bytes
    than the header declares is stopped at the first chunk past it."""
    class Liar:
        def open(self, info):
            return io.BytesIO(b"x" * 300_000)

    info = zipfile.ZipInfo("p/skm.csv")
    info.file_size = 10
    with pytest.raises(UnsafeUploadError) as caught:
        _copy_entry(Liar(), info, tmp_path / "skm.csv", "upload.zip", budget=2**30)
    assert caught.value.message.code == "upload.size_lie"
    with pytest.raises(UnsafeUploadError) as caught:
        info.file_size = 2**30
        _copy_entry(Liar(), info, tmp_path / "other.csv", "upload.zip", budget=1000)
    assert caught.value.message.code == "upload.too_large"


def test_an_encrypted_entry_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "upload.zip", [("p/skm.csv", b"1,2\n")])
    patch(archive, LOCAL, 6, "<H", 1)
    patch(archive, CENTRAL, 8, "<H", 1)
    with pytest.raises(UnsafeUploadError) as caught:
        extract_zip_safely(archive, tmp_path / "out", **LIMITS)
    assert caught.value.message.code == "upload.encrypted"


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04" + b"\x00" * 40])
def test_what_is_not_a_zip_is_refused(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "upload.zip").write_bytes(content)
    with pytest.raises(UnsafeUploadError) as caught:
        extract_zip_safely(tmp_path / "upload.zip", tmp_path / "out", **LIMITS)
    assert caught.value.message.code == "upload.not_a_zip"
    assert "\n" not in str(caught.value)


def test_a_truncated_zip_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "upload.zip", [("p/skm.csv", os.urandom(50_000))])
    archive.write_bytes(archive.read_bytes()[:30_000])
    with pytest.raises(UnsafeUploadError):
        extract_zip_safely(archive, tmp_path / "out", **LIMITS)


def test_refusals_read_in_both_languages(tmp_path: Path) -> None:
    error = refused(tmp_path, [("../x.csv", b"x")], "upload.traversal")
    assert str(error) == "upload.zip: entry ../x.csv points outside the folder (..): zip the " \
                         "folder again"
    assert error.text("id").startswith("upload.zip: entri ../x.csv menunjuk ke luar folder")
    assert isinstance(error, InputError)  # the CLI prints it as one Error: line


# --------------------------------------------------------------------------- projects


def demo_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "upload" / "demo"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("*.py", "README.md"))
    return folder


def rewrite(project: Path, old: str, new: str) -> None:
    text = project.read_text("utf-8")
    assert old in text
    project.write_text(text.replace(old, new, 1), "utf-8")


def test_the_demo_project_stays_inside_its_folder(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    check_project_paths(folder / "project.yaml", folder)  # a shipped questionnaire id too
    project = load_project(folder / "project.yaml", root=folder)
    assert set(project.questionnaires) == {"customer", "skm", "employee"}


def test_a_zipped_demo_project_loads_confined(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    archive = shutil.make_archive(str(tmp_path / "demo"), "zip", folder.parent)
    out = tmp_path / "job"
    extract_zip_safely(archive, out, **LIMITS)
    check_project_paths(out / "demo" / "project.yaml", out)
    assert load_project(out / "demo" / "project.yaml", root=out).spec.period == "2025"


@pytest.mark.parametrize(("old", "new", "key"), [
    ("responses: skm-2025.xlsx", "responses: ../../skm-2025.xlsx", "surveys.skm.responses"),
    ("responses: skm-2025.xlsx", "responses: /etc/passwd", "surveys.skm.responses"),
    ('{"2024": skm-2024.xlsx}', '{"2024": ../skm-2024.xlsx}', "surveys.skm.previous.2024"),
    ("questionnaire: employee-satisfaction-demo.yaml", "questionnaire: ../q.yaml",
     "surveys.employee.questionnaire"),
    ("scorecard: scorecard.yaml", "scorecard: ../../scorecard.yaml", "scorecard"),
    ("actuals: actuals.csv", "actuals: /tmp/actuals.csv", "actuals"),
])
def test_a_project_naming_a_file_outside_is_refused(tmp_path: Path, old: str, new: str,
                                                    key: str) -> None:
    folder = demo_copy(tmp_path)
    rewrite(folder / "project.yaml", old, new)
    with pytest.raises(UnsafeUploadError) as caught:
        check_project_paths(folder / "project.yaml", folder)
    assert caught.value.message.code == "upload.path_outside"
    assert str(caught.value).startswith(f"{key}: ")
    with pytest.raises(InputError, match=key):
        load_project(folder / "project.yaml", root=folder)


def test_a_link_out_of_the_project_folder_is_refused(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    (tmp_path / "secret.csv").write_text("a\n1\n")
    (folder / "skm-2025.xlsx").unlink()
    (folder / "skm-2025.xlsx").symlink_to(tmp_path / "secret.csv")
    with pytest.raises(UnsafeUploadError, match="surveys.skm.responses"):
        check_project_paths(folder / "project.yaml", folder)


def test_a_questionnaire_id_is_never_looked_up_in_the_working_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = demo_copy(tmp_path)
    rewrite(folder / "project.yaml", "questionnaire: skm-permenpanrb-14-2017",
            "questionnaire: notes")
    elsewhere = tmp_path / "server"
    elsewhere.mkdir()
    (elsewhere / "notes").write_text("secret: 1\n")
    monkeypatch.chdir(elsewhere)
    with pytest.raises(UnsafeUploadError) as caught:
        check_project_paths(folder / "project.yaml", folder)
    assert caught.value.message.code == "upload.questionnaire_unknown"
    with pytest.raises(InputError, match="surveys.skm.questionnaire"):
        load_project(folder / "project.yaml", root=folder)


def test_a_project_file_outside_the_root_is_refused(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    with pytest.raises(UnsafeUploadError):
        check_project_paths(folder / "project.yaml", folder / "other")


# --------------------------------------------------------------------------- through the page


def upload_zip(tmp_path: Path, folder: Path) -> tuple[int, str]:
    """POST a zip of ``folder`` to the page's /upload as a browser does: (status, body)."""
    pytest.importorskip("starlette")
    pytest.importorskip("multipart")
    import re

    from starlette.testclient import TestClient

    from surveyq.web.app import create_app

    archive = Path(shutil.make_archive(str(tmp_path / "project"), "zip", folder.parent))
    client = TestClient(create_app(tmp_path / "data", lang="en"), base_url="http://127.0.0.1")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
    answer = client.post("/upload", data={"csrf_token": token}, follow_redirects=False,
                         files=[("files", ("project.zip", archive.read_bytes()))])
    return answer.status_code, answer.text


def test_the_page_refuses_a_project_zip_naming_a_file_outside(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    rewrite(folder / "project.yaml", "responses: skm-2025.xlsx", "responses: ../../../x.xlsx")
    status, body = upload_zip(tmp_path, folder)
    assert status == 400
    assert "surveys.skm.responses: ../../../x.xlsx lies outside the uploaded folder" in body
    assert list((tmp_path / "data" / "jobs").iterdir()) == []  # the refused job is discarded


def test_the_page_accepts_the_zipped_demo_project(tmp_path: Path) -> None:
    status, _ = upload_zip(tmp_path, demo_copy(tmp_path))
    assert status == 303


PARTS = st.sampled_from(["..", ".", "", "a", "B", "C:", "c:x", "con", "x.csv", ".git", "~",
                         "é", " ", "a b", "..."])
ENTRY_NAMES = (st.lists(PARTS, min_size=1, max_size=5).map("/".join)
               | st.lists(PARTS, min_size=1, max_size=5).map("\\".join)
               | st.text(max_size=30)).filter(lambda name: name and "\x00" not in name)


@settings(max_examples=150, deadline=None)
@given(st.lists(ENTRY_NAMES, min_size=1, max_size=6))
def test_whatever_the_entry_names_nothing_lands_outside(names: list[str]) -> None:
    """Any mix of hostile names: the zip is refused, or every file lands inside ``dest``."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "a" / "b"
        root.mkdir(parents=True)
        archive = make_zip(root / "upload.zip", [(name, b"1") for name in names])
        dest = root / "job" / "out"
        try:
            files = extract_zip_safely(archive, dest, **LIMITS)
        except UnsafeUploadError as error:
            assert "\n" not in str(error)
            files = []
        written = {p for p in Path(scratch).rglob("*") if p.is_file()}
        assert written == {archive, *files}
        assert all(p.resolve().is_relative_to(dest.resolve()) for p in files)


def overlapping_zip(path: Path, copies: int) -> Path:
    """One compressed stream named by ``copies`` central-directory records (Fifield 2019)."""
    make_zip(path, [("p/a000.csv", b"0" * 900_000)])  # each entry under the 1 MiB floor
    data = path.read_bytes()
    start, end = data.index(CENTRAL), data.index(b"PK\x05\x06")
    record = data[start:end]
    records = b"".join(record.replace(b"p/a000.csv", f"p/a{i:03d}.csv".encode())
                       for i in range(copies))
    tail = bytearray(data[end:])
    struct.pack_into("<HHI", tail, 8, copies, copies, len(records))  # counts, size
    path.write_bytes(data[:start] + records + bytes(tail))
    return path


def test_overlapping_entries_are_refused_as_a_whole(tmp_path: Path) -> None:
    archive = overlapping_zip(tmp_path / "upload.zip", copies=60)
    assert len(zipfile.ZipFile(archive).infolist()) == 60
    with pytest.raises(UnsafeUploadError) as caught:
        extract_zip_safely(archive, tmp_path / "out", **{**LIMITS, "max_bytes": 2**30})
    assert caught.value.message.code == "upload.bomb_total"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["upload.zip"]


def test_every_path_outside_is_named_at_once(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    rewrite(folder / "project.yaml", "responses: skm-2025.xlsx", "responses: ../a.xlsx")
    rewrite(folder / "project.yaml", "actuals: actuals.csv", "actuals: /b.csv")
    with pytest.raises(UnsafeUploadError) as caught:
        check_project_paths(folder / "project.yaml", folder)
    assert "surveys.skm.responses: ../a.xlsx" in str(caught.value)
    assert "actuals: /b.csv" in str(caught.value)
    assert "actuals: /b.csv berada di luar folder unggahan" in caught.value.text("id")
