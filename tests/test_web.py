"""The local web page (``surveyq serve``, issue 15): every route over HTTP.

Starlette's test client for the routes, and a real uvicorn on a loopback port for the
concurrent load test. Forms are filled the way a browser submits them (the inputs' values,
checked boxes and selected options of the page as served), so a test posts what a person
would.
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("multipart")
import warnings  # noqa: E402

import httpx  # noqa: E402

with warnings.catch_warnings():   # Starlette 1.x prefers httpx2; httpx is what CI installs
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from live_server import live_server  # noqa: E402

from surveyq.web.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "questionnaires" / "demo"
BASE = "http://127.0.0.1"


class _Form(HTMLParser):
    """What a browser would submit from the form whose action ends with ``action``."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("action") or "").endswith(self.action)
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value", "on")
            elif a.get("type") != "file":
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and (
                "selected" in a or self.select not in self.fields):
            self.fields[self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        if tag == "select":
            self.select = None


def form_of(html: str, action: str) -> dict[str, str]:
    parser = _Form(action)
    parser.feed(html)
    return parser.fields


def make_client(data: Path, **options) -> TestClient:
    return TestClient(create_app(data, **options), base_url=BASE)


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return make_client(tmp_path / "data")


def upload(client: TestClient | httpx.Client, files: list[tuple[str, bytes]]) -> httpx.Response:
    page = client.get("/")
    token = form_of(page.text, "/upload")["csrf_token"]
    return client.post("/upload", data={"csrf_token": token}, follow_redirects=False,
                       files=[("files", (name, content)) for name, content in files])


def confirm(client, confirm_url: str, **changes: str) -> httpx.Response:
    page = client.get(confirm_url)
    assert page.status_code == 200, page.text
    form = form_of(page.text, confirm_url)
    if "organisation" in form:   # what a person types into the two required fields
        form["organisation"] = form["organisation"] or "Kantor Uji"
        form["period"] = form["period"] or "2025"
    form.update(changes)
    for name, value in list(form.items()):
        if value is None:
            del form[name]
    return client.post(confirm_url, data=form, follow_redirects=False)


def run_and_wait(client, job_url: str, timeout: float = 120) -> dict:
    page = client.get(job_url)
    token = form_of(page.text, "/run")["csrf_token"]
    answer = client.post(f"{job_url}/run", data={"csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"{job_url}/status").json()
        assert set(status) == {"state", "rows_read", "step", "message"}
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"{job_url} did not finish: {status}")


def demo_files(*names: str) -> list[tuple[str, bytes]]:
    return [(name, (DEMO / name).read_bytes()) for name in names]


def small_skm_csv(n: int, seed: int = 0) -> bytes:
    """An SKM tabulation of ``n`` respondents (codes 1-4 under headers U1..U9)."""
    rows = ["No,Jenis Kelamin," + ",".join(f"U{i}" for i in range(1, 10))]
    for r in range(n):
        codes = [str(2 + (r * 7 + i * 3 + seed) % 3) for i in range(9)]
        rows.append(f"{r + 1},{'L' if r % 2 else 'P'}," + ",".join(codes))
    return ("\n".join(rows) + "\n").encode()


def small_scale_csv(n: int, seed: int = 0) -> bytes:
    """A four-item research scale of ``n`` respondents (codes 1-5), the quickest to run."""
    rows = ["Q1,Q2,Q3,Q4"]
    for r in range(n):
        rows.append(",".join(str(1 + (r * 3 + i * 2 + seed) % 5) for i in range(4)))
    return ("\n".join(rows) + "\n").encode()


# ------------------------------------------------------------------ the whole way through


def test_upload_confirm_run_download_equals_the_cli(client: TestClient, tmp_path: Path) -> None:
    answer = upload(client, demo_files("skm-2025.xlsx", "employee-2025.csv"))
    assert answer.status_code == 303
    confirm_url = answer.headers["location"]
    job_url = confirm_url.removesuffix("/confirm")
    assert re.fullmatch(r"/jobs/[0-9a-f]{32}/confirm", confirm_url)

    page = client.get(confirm_url)
    # the inferred questionnaire as a form: roles, scales, check's problems beside the column
    assert "U1" in page.text and "Jenis Kelamin" in page.text
    assert "baris 407" in page.text          # the summary row under column No, from check
    assert '<div class="decision">not reversed: check the wording' in page.text   # P13's
    form = form_of(page.text, confirm_url)
    columns = re.findall(r'<tr class="role-(\w+)[^"]*">\s*<td class="header"><span '
                         r'class="colname">([^<]*)</span>', page.text)
    index = {(survey, header): n for survey, rows in enumerate(_split_surveys(page.text))
             for n, (_, header) in enumerate(rows)}
    assert columns
    assert form["period"] == "2025"       # suggested from the files' names, to confirm
    p13 = f"s1_c{index[(1, 'P13')]}_"
    job_field = f"s0_c{index[(0, 'Pekerjaan')]}_role"
    assert form[p13 + "role"] == "item" and p13 + "reverse" not in form
    changed = confirm(client, confirm_url, period="2025", organisation="Kantor <Contoh>",
                      s1_population="75", **{p13 + "reverse": "1", job_field: "ignored"})
    assert changed.status_code == 303 and changed.headers["location"] == job_url

    from surveyq.project import load_project

    data = tmp_path / "data" / "jobs" / job_url.rsplit("/", 1)[1] / "input"
    project = load_project(data / "project.yaml")
    assert project.spec.period == "2025" and project.spec.organisation == "Kantor <Contoh>"
    assert project.spec.surveys["employee-2025"].population == 75
    assert project.questionnaires["employee-2025"].item("P13").reverse is True
    assert "occupation" not in [f.id for f in project.questionnaires["skm-2025"].fields]

    status = run_and_wait(client, job_url)
    assert status["state"] == "done", status
    assert status["rows_read"] > 400
    page = client.get(job_url)
    assert '<iframe src="' + job_url + '/files/report.html"' in page.text
    assert "Kantor &lt;Contoh&gt;" in client.get(f"{job_url}/files/report.html").text
    for name in ("report.html", "skm-publication.html", "appendix.xlsx", "appendix.docx",
                 "results.json", "cleaning-log.csv", "project.yaml", "employee-2025.yaml"):
        got = client.get(f"{job_url}/files/{name}?download=1")
        assert got.status_code == 200, name
        assert got.headers["content-disposition"].startswith("attachment"), name
        assert got.content, name
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{job_url}/project.zip").content))
    assert sorted(archive.namelist()) == ["employee-2025.yaml", "project.yaml", "skm-2025.yaml"]

    # the CLI's `surveyq run` of the same confirmed project gives the same results.json
    from typer.testing import CliRunner

    from surveyq.cli import app

    out = tmp_path / "cli"
    done = CliRunner().invoke(app, ["run", str(data / "project.yaml"), "--out", str(out)])
    assert done.exit_code in (0, 1), done.output
    web = client.get(f"{job_url}/files/results.json").json()
    cli = json.loads((out / "results.json").read_text("utf-8"))
    for results in (web, cli):
        results.pop("generated_at")
    assert web == cli


def _split_surveys(html: str) -> list[list[tuple[str, str]]]:
    return [re.findall(r'<tr class="role-(\w+)[^"]*">\s*<td class="header"><span '
                       r'class="colname">([^<]*)</span>', part)
            for part in html.split('<fieldset class="card survey"')[1:]]


def test_language_switch_and_default(client: TestClient) -> None:
    assert "Unggah data survei" in client.get("/").text
    english = client.get("/?lang=en")
    assert "Upload survey data" in english.text and english.cookies.get("surveyq_lang") == "en"
    assert "Earlier runs" in client.get("/history").text    # the cookie keeps it
    assert "Riwayat analisis" in client.get("/history?lang=id").text
    assert make_client(Path(client.app.state.store.root.parent), lang="en").get(
        "/").text.count("Upload survey data") == 2


def test_both_catalogues_have_the_same_keys() -> None:
    from surveyq.report.i18n import labels

    def leaves(value, prefix=""):
        if not isinstance(value, dict):
            return {prefix: value}
        return {k: v for key, item in value.items() for k, v in leaves(item, f"{prefix}.{key}")
                .items()}

    english, indonesian = leaves(labels("en", "web")), leaves(labels("id", "web"))
    assert english.keys() == indonesian.keys()
    assert all(isinstance(v, str) for v in [*english.values(), *indonesian.values()])


# ------------------------------------------------------------------ safety


def test_csrf_and_origin(client: TestClient) -> None:
    files = [("files", ("a.csv", small_skm_csv(12)))]
    assert client.post("/upload", files=files).status_code == 403           # no token at all
    client.get("/")
    assert client.post("/upload", files=files, data={"csrf_token": "x" * 43}).status_code == 403
    token = client.cookies["surveyq_csrf"]
    other = client.post("/upload", files=files, data={"csrf_token": token},
                        headers={"Origin": "http://evil.example"})
    assert other.status_code == 403
    answer = client.post("/upload", files=files, data={"csrf_token": token},
                         headers={"Origin": BASE}, follow_redirects=False)
    assert answer.status_code == 303
    confirm_url = answer.headers["location"]
    job_url = confirm_url.removesuffix("/confirm")
    assert client.post(confirm_url, data={"period": "2025"}).status_code == 403
    assert client.post(f"{job_url}/run", data={}).status_code == 403
    assert client.post(f"{job_url}/run", data={"csrf_token": token},
                       headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    foreign = TestClient(client.app, base_url="http://attacker.example")   # DNS rebinding
    assert foreign.get("/").status_code == 400
    assert foreign.get("/", headers={"Host": "127.0.0.1.attacker.example"}).status_code == 400
    for host in ("localhost:8765", "[::1]:8765", "127.0.0.1"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host


def test_upload_errors_speak_the_page_language(tmp_path: Path) -> None:
    """The one-line error the CLI prints, in the page's language (Indonesian by default)."""
    client = make_client(tmp_path / "data")
    indonesian = upload(client, [("kosong.csv", b"")])
    assert indonesian.status_code == 400
    assert "berkas ini kosong" in indonesian.text and "the file is empty" not in indonesian.text
    client.get("/?lang=en")   # the switch is kept in a cookie
    english = upload(client, [("empty.csv", b"")])
    assert english.status_code == 400 and "the file is empty" in english.text


def test_bad_uploads(tmp_path: Path) -> None:
    client = make_client(tmp_path / "data", max_upload_mb=1)
    junk = upload(client, [("answers.csv", bytes(range(256)) * 40)])
    assert junk.status_code == 400 and "Traceback" not in junk.text
    assert 'role="alert"' in junk.text
    wrong = upload(client, [("tool.exe", b"MZ\x90\x00")])
    assert wrong.status_code == 400 and "tool.exe" in wrong.text
    big = upload(client, [("big.csv", b"1," * 600_000)])
    assert big.status_code == 413 and "1 MB" in big.text
    token = client.cookies["surveyq_csrf"]

    def chunked():   # no Content-Length: counted as it arrives
        yield (b'--xx\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
               + token.encode() + b'\r\n--xx\r\nContent-Disposition: form-data; name="files";'
               b' filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n')
        for _ in range(40):
            yield b"1,2,3\n" * 10_000
        yield b"\r\n--xx--\r\n"

    streamed = client.post("/upload", content=chunked(),
                           headers={"content-type": "multipart/form-data; boundary=xx"})
    assert streamed.status_code == 413
    none = upload(client, [])
    assert none.status_code in (400, 403)
    # nothing of a refused upload stays behind
    assert list((tmp_path / "data" / "jobs").iterdir()) == []

    named_like_the_project = upload(client, [("Project.csv", small_skm_csv(15))])
    assert named_like_the_project.status_code == 303
    assert client.get(named_like_the_project.headers["location"]).status_code == 200

    sneaky = upload(client, [("../../etc/passwd.csv", small_skm_csv(15))])
    assert sneaky.status_code == 303
    folder = tmp_path / "data" / "jobs" / sneaky.headers["location"].split("/")[2]
    assert sorted(p.name for p in (folder / "input").iterdir()) == [
        "passwd.csv", "passwd.yaml", "project.yaml"]
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    assert meta["uploads"] == [{"name": "../../etc/passwd.csv", "stored": "passwd.csv"}]
    assert "../../etc/passwd.csv" in client.get(
        sneaky.headers["location"].removesuffix("/confirm")).text.replace("&#34;", '"')

    escape = io.BytesIO()
    with zipfile.ZipFile(escape, "w") as archive:
        archive.writestr("../outside.csv", small_skm_csv(10).decode())
    refused = upload(client, [("project.zip", escape.getvalue())])
    assert refused.status_code == 400 and not (tmp_path / "data" / "outside.csv").exists()

    reaching = io.BytesIO()
    with zipfile.ZipFile(reaching, "w") as archive:
        archive.writestr("survey/project.yaml", "organisation: X\nsurveys:\n  s:\n"
                         "    questionnaire: skm-permenpanrb-14-2017\n"
                         "    responses: ../../../../etc/hostname\n")
    refused = upload(client, [("project.zip", reaching.getvalue())])
    # The refusal is a message code (load_project(root=)), so the Indonesian page words it in
    # Indonesian; it was a fixed English line before.
    assert refused.status_code == 400 and "di luar folder unggahan" in refused.text


def test_unknown_jobs_and_files_outside_the_whitelist(client: TestClient) -> None:
    answer = upload(client, [("a.csv", small_skm_csv(12))])
    job_url = answer.headers["location"].removesuffix("/confirm")
    for url in ("/jobs/" + "0" * 32, "/jobs/" + "0" * 32 + "/status",
                "/jobs/nothex/confirm", "/jobs/..%2F..%2Fetc/status",
                f"{job_url}/files/meta.json", f"{job_url}/files/status.json",
                f"{job_url}/files/a.csv", f"{job_url}/files/..%2Fmeta.json",
                f"{job_url}/files/..%2F..%2F..%2Fetc%2Fpasswd",
                f"{job_url}/files/report.html",          # whitelisted, but not made yet
                f"{job_url}/project.zip",                # not confirmed yet
                "/static/../app.py"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"{job_url}/status").json()["state"] == "new"


def test_uploaded_project_zip_reruns_the_same_way(client: TestClient) -> None:
    answer = upload(client, [("skm.csv", small_skm_csv(30))])
    confirm_url = answer.headers["location"]
    assert confirm(client, confirm_url, period="2025").status_code == 303
    job_url = confirm_url.removesuffix("/confirm")
    assert run_and_wait(client, job_url)["state"] == "done"
    first = client.get(f"{job_url}/files/results.json").json()

    saved = zipfile.ZipFile(io.BytesIO(client.get(f"{job_url}/project.zip").content))
    again = io.BytesIO()
    with zipfile.ZipFile(again, "w") as archive:
        for name in saved.namelist():
            archive.writestr(f"office/{name}", saved.read(name))
        archive.writestr("office/skm.csv", small_skm_csv(30))
    answer = upload(client, [("office-2025.zip", again.getvalue())])
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"])
    assert "disabled" in page.text                         # run as written, not re-edited
    assert confirm(client, answer.headers["location"]).status_code == 303
    second_url = answer.headers["location"].removesuffix("/confirm")
    assert run_and_wait(client, second_url)["state"] == "done"
    second = client.get(f"{second_url}/files/results.json").json()
    assert second["surveys"]["skm"]["analyses"]["ikm"]["summary"] == \
        first["surveys"]["skm"]["analyses"]["ikm"]["summary"]


def test_history_lists_runs_and_the_trend_across_periods(client: TestClient) -> None:
    jobs = {}
    for period, name in (("2024", "skm-2024.xlsx"), ("2025", "skm-2025.xlsx")):
        answer = upload(client, demo_files(name))
        assert confirm(client, answer.headers["location"], period=period,
                       organisation="KPPT Kota Contoh").status_code == 303
        jobs[period] = answer.headers["location"].removesuffix("/confirm")
        assert run_and_wait(client, jobs[period])["state"] == "done"
    page = client.get("/history?lang=en")
    assert page.status_code == 200
    assert "Trend:" in page.text and '<img src="data:image/svg+xml;base64,' in page.text
    results = {p: client.get(f"{url}/files/results.json").json() for p, url in jobs.items()}
    for period, result in results.items():
        summary = next(iter(result["surveys"].values()))["analyses"]["ikm"]["summary"]
        assert f"{summary['converted']:.2f}" in page.text
        assert f'href="{jobs[period]}">{period}</a>' in page.text
    # the demo's 2024 office scored lower (its README): the change is printed with its sign
    change = (next(iter(results["2025"]["surveys"].values()))["analyses"]["ikm"]["summary"]
              ["converted"] - next(iter(results["2024"]["surveys"].values()))["analyses"]
              ["ikm"]["summary"]["converted"])
    assert change > 0 and f"+{change:.2f}" in page.text
    # another office's run of the same questionnaire is no point of this office's trend
    answer = upload(client, [("other.csv", small_skm_csv(8))])
    assert confirm(client, answer.headers["location"], period="2023",
                   organisation="Kantor Lain").status_code == 303
    assert run_and_wait(client, answer.headers["location"].removesuffix("/confirm"))[
        "state"] == "done"
    page = client.get("/history?lang=en").text
    trend = page.split('<section class="card trend">')[1].split("</section>")[0]
    assert ">2023</a>" not in trend and ">2024</a>" in trend


def test_confirm_asks_for_organisation_and_period_and_a_new_choice_resets_the_run(
        client: TestClient) -> None:
    answer = upload(client, [("skm.csv", small_skm_csv(20))])
    confirm_url = answer.headers["location"]
    blank = confirm(client, confirm_url, period="")
    # the page speaks Indonesian by default, and so does the error on it
    assert blank.status_code == 400 and "periode: isi periode survei" in blank.text
    assert confirm(client, confirm_url, period="2024", s0_a_servqual="1").status_code == 303
    job_url = confirm_url.removesuffix("/confirm")
    assert run_and_wait(client, job_url)["state"] == "done"
    # SERVQUAL asked of a survey without expectation items: said, in the page's language
    problems = client.get(job_url).text.split("tidak dapat dihitung dari data ini:")[1]
    problems = problems.split("</ul>")[0]
    assert "skm: " in problems and "SERVQUAL" in problems
    english = client.get(f"{job_url}?lang=en").text.split("not computed from these data:")[1]
    assert english.split("</ul>")[0] != problems
    assert confirm(client, confirm_url, period="2025").status_code == 303
    assert client.get(f"{job_url}/status").json()["state"] == "confirmed"
    page = client.get("/history?lang=en").text
    assert "Not finished" in page and "confirmed, not run" in page


def test_a_failed_run_shows_the_one_line_error(client: TestClient) -> None:
    answer = upload(client, [("skm.csv", small_skm_csv(20))])
    confirm_url = answer.headers["location"]
    assert confirm(client, confirm_url).status_code == 303
    job_url = confirm_url.removesuffix("/confirm")
    folder = Path(client.app.state.store.root) / job_url.rsplit("/", 1)[1] / "input"
    (folder / "skm.csv").write_bytes(b"\x00\x01garbage")
    started = client.post(f"{job_url}/run", headers={"Accept": "application/json"},
                          data={"csrf_token": client.cookies["surveyq_csrf"]})
    assert started.status_code == 202 and started.json()["state"] in ("queued", "running",
                                                                      "failed")
    while (status := client.get(f"{job_url}/status").json())["state"] in ("queued", "running"):
        time.sleep(0.2)
    assert status["state"] == "failed" and "\n" not in status["message"]
    assert str(folder) not in status["message"]
    assert "Traceback" not in client.get(job_url).text


# ------------------------------------------------------------------ the command


def test_serve_without_the_extra_says_how_to_install_it() -> None:
    import subprocess
    import sys

    code = ("import sys; sys.modules['uvicorn'] = None\n"
            "from surveyq.cli import entry\nentry(['serve', '--no-browser'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert 'pip install "surveyq[web]"' in done.stderr and "Traceback" not in done.stderr


def test_serve_warns_off_loopback(monkeypatch, tmp_path: Path, capsys) -> None:
    import uvicorn

    from surveyq.web import server

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    server.serve(host="127.0.0.1", port=9, data_dir=tmp_path, open_browser=False)
    assert "Warning" not in capsys.readouterr().err
    server.serve(host="0.0.0.0", port=9, data_dir=tmp_path, open_browser=False)
    assert "Warning: listening on 0.0.0.0" in capsys.readouterr().err
    assert [c["host"] for c in calls] == ["127.0.0.1", "0.0.0.0"]
    monkeypatch.setenv("SURVEYQ_DATA", str(tmp_path / "d"))
    assert server.default_data_dir() == tmp_path / "d"


# ------------------------------------------------------------------ load


def test_concurrent_uploads_and_runs_on_a_real_server(tmp_path: Path) -> None:
    """20 offices at once on loopback: every job ends done with its own respondents."""
    with live_server(create_app(tmp_path / "data")) as base:
        answers = _offices_at_once(base, 20)
    assert [got for _, got in answers] == [wanted for wanted, _ in answers]
    assert len(list((tmp_path / "data" / "jobs").iterdir())) == 20


def _offices_at_once(base: str, count: int) -> list[tuple[int, int]]:
    """Each office uploads, confirms and runs its own export: (respondents sent, n read)."""

    def office(index: int) -> tuple[int, int]:
        n = 10 + index
        with httpx.Client(base_url=base, timeout=120) as browser:
            answer = upload(browser, [(f"office {index}.csv", small_scale_csv(n, seed=index))])
            assert answer.status_code == 303, answer.text
            assert confirm(browser, answer.headers["location"],
                           period=str(2000 + index)).status_code == 303
            job_url = answer.headers["location"].removesuffix("/confirm")
            assert run_and_wait(browser, job_url, timeout=180)["state"] == "done"
            results = browser.get(f"{job_url}/files/results.json").json()
            assert results["project"]["period"] == str(2000 + index)
            return n, next(iter(results["surveys"].values()))["n"]

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(office, range(count)))


@pytest.mark.parametrize("name", ["survey.sav", "kobo_export.xlsx", "gforms_id.csv",
                                  "office_tabulation.xls"])
def test_each_export_kind_reaches_the_confirm_page(client: TestClient, name: str) -> None:
    answer = upload(client, [(name, (ROOT / "tests" / "fixtures" / name).read_bytes())])
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"])
    assert page.status_code == 200 and 'class="role-item' in page.text


def test_headers_and_names_are_escaped_and_a_zip_of_exports_is_proposed(
        client: TestClient) -> None:
    hostile = small_skm_csv(12).replace(b"Jenis Kelamin", b"<script>alert(1)</script>")
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("exports/<b>2025</b>.csv", hostile)
    answer = upload(client, [("<img src=x onerror=alert(1)>.zip", bundle.getvalue())])
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"]).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    job = client.get(answer.headers["location"].removesuffix("/confirm")).text
    assert "<img src=x" not in job and "&lt;img src=x onerror=alert(1)&gt;.zip" in job
    assert "default-src 'self'" in client.get("/").headers["content-security-policy"]


def test_two_skm_surveys_get_one_publication_sheet_each(client: TestClient) -> None:
    answer = upload(client, [("north.csv", small_skm_csv(12)), ("south.csv",
                                                               small_skm_csv(14, seed=1))])
    confirm_url = answer.headers["location"]
    assert confirm(client, confirm_url).status_code == 303
    job_url = confirm_url.removesuffix("/confirm")
    assert run_and_wait(client, job_url)["state"] == "done"
    page = client.get(job_url).text
    for name in ("skm-publication-north.html", "skm-publication-south.html"):
        assert f"/files/{name}?download=1" in page
        assert client.get(f"{job_url}/files/{name}").status_code == 200
    assert client.get(f"{job_url}/files/skm-publication-west.html").status_code == 404
    assert client.get(f"{job_url}/files/skm-publication-north.exe").status_code == 404
