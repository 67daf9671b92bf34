"""From uploaded files to a job's project: store, propose (as ``surveyq init``), check, confirm.

The state of a job before it runs is its YAML: the upload writes what ``surveyq init`` would
(:func:`surveyq.infer_write.write_proposal`), the confirm page reads it back with
:func:`surveyq.project.load_project`, and the confirmed form is written by the same writer.
An uploaded project (a zip holding project.yaml) is run as it is, after every path it names
has been confined to its own folder.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from surveyq.errors import InputError
from surveyq.messages import msg
from surveyq.readers.detect import EXTENSIONS
from surveyq.web.jobs import Job
from surveyq.web.safety import check_project_paths, confine, extract_zip_safely, safe_filename

#: What the upload accepts: every export a reader exists for, or one project zip.
ACCEPTED = (*EXTENSIONS, ".zip")
KINDS = ("skm", "ikm", "servqual", "employee", "generic")
ROLES = ("item", "field", "text", "ignored")
#: Analyses the form offers as boxes; any other analysis a project asks for is kept.
EDITABLE_ANALYSES = ("validity", "reliability", "servqual", "ipa", "csi", "ikm")
MAX_ZIP_FILES = 200
#: Largest expansion of one zip entry over 1 MiB; CSV exports compress about 5-20-fold.
MAX_ZIP_RATIO = 200
_TODO = re.compile(r"^\s*TODO\b")


@dataclass
class Upload:
    """One uploaded file: the name the browser sent (display only) and its content."""

    name: str
    content: IO[bytes]


# ------------------------------------------------------------------ receiving an upload


def receive(job: Job, uploads: list[Upload], lang: str, max_bytes: int) -> None:
    """Store the uploads in the job's input folder and write its project YAML.

    Raises
    ------
    InputError
        A file of a type no reader exists for, an unsafe zip, or an export ``surveyq init``
        cannot read (its one-line message).
    """
    if not uploads:
        raise InputError(msg("upload.none_chosen"))
    for upload in uploads:
        suffix = Path(safe_filename(upload.name)).suffix.lower()
        if suffix not in ACCEPTED:
            raise InputError(msg("upload.not_an_export", file=upload.name,
                                 accepted=", ".join(ACCEPTED)))
    stored = _store(job, uploads)
    job.save_meta(uploads=[{"name": u.name, "stored": p.name} for u, p in zip(uploads, stored,
                                                                               strict=True)])
    zips = [p for p in stored if p.suffix.lower() == ".zip"]
    if zips and len(stored) > 1:
        raise InputError(msg("upload.zip_with_others"))
    if zips:
        _receive_zip(job, zips[0], lang, max_bytes)
    else:
        _propose(job, stored, lang)


def _store(job: Job, uploads: list[Upload]) -> list[Path]:
    paths: list[Path] = []
    taken: set[str] = set()
    for upload in uploads:
        name = safe_filename(upload.name)
        stem, suffix = Path(name).stem, Path(name).suffix
        counter = 2
        while name.lower() in taken:
            name, counter = f"{stem}-{counter}{suffix}", counter + 1
        taken.add(name.lower())
        target = confine(job.input / name, job.input)
        with open(target, "wb") as sink:
            shutil.copyfileobj(upload.content, sink)
        paths.append(target)
    return paths


def _propose(job: Job, exports: list[Path], lang: str) -> None:
    from surveyq.infer import propose
    from surveyq.infer_write import write_proposal
    from surveyq.readers import read_raw

    proposal = propose(exports, language=lang)
    write_proposal(proposal, job.input)
    surveys = {}
    for name, survey in proposal.surveys.items():
        surveys[name] = {
            "headers": [str(h) for h in read_raw(survey.file).columns],
            "decisions": [asdict(d) for d in survey.decisions],
            "notes": survey.notes, "based_on": survey.based_on, "period": survey.period,
        }
    job.save_meta(kind="exports", project="project.yaml", surveys=surveys)


def _receive_zip(job: Job, archive: Path, lang: str, max_bytes: int) -> None:
    folder = job.input / "project"
    files = extract_zip_safely(archive, folder, max_bytes=max_bytes, max_files=MAX_ZIP_FILES,
                               max_ratio=MAX_ZIP_RATIO)
    archive.unlink()
    projects = sorted((p for p in files if p.name.lower() == "project.yaml"),
                      key=lambda p: len(p.parts))
    if not projects:
        exports = [p for p in files if p.suffix.lower() in EXTENSIONS]
        if not exports:
            raise InputError(msg("upload.zip_empty", file=archive.name))
        _propose(job, exports, lang)
        return
    project = projects[0]
    from surveyq.project import load_project

    check_project_paths(project, job.input)  # before any file the YAML names is opened
    load_project(project, root=job.input)    # every problem of the files, as `surveyq check`
    job.save_meta(kind="project", project=project.relative_to(job.input).as_posix(), surveys={})


# ------------------------------------------------------------------ the confirm form


@dataclass
class ColumnRow:
    """One column of an export as the form shows it."""

    header: str
    role: str                      # item, field, text or ignored
    ident: str = ""
    rating: str = ""               # item role when not plain: expectation, perception ...
    scale: str = ""
    reverse: bool = False
    group: str = ""                # element (SKM/IKM) or dimension
    text: str = ""
    problems: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)   # what init decided about it, to check


@dataclass
class SurveyForm:
    name: str
    title: str
    kind: str
    file: str
    population: str
    analyses: list[str]
    scales: list[str]
    rows: list[ColumnRow]
    problems: list[str] = field(default_factory=list)
    decisions: list[dict[str, str]] = field(default_factory=list)
    fatal: int = 0


def _fold(text: str) -> str:
    from surveyq.questionnaire import normalise_label

    return normalise_label(text)


def column_rows(questionnaire: Any, headers: Iterable[str], lang: str) -> list[ColumnRow]:
    """Each export column with its role in the questionnaire, in the file's order."""
    by_header: dict[str, ColumnRow] = {}
    for item in questionnaire.items:
        header = item.column or (item.columns[0] if item.columns else item.column_pattern or "")
        by_header[_fold(header)] = ColumnRow(
            header, "item", item.id, "" if item.role == "item" else item.role, item.scale,
            item.reverse, item.element or item.dimension or "", item.text.get(lang))
    for fld in questionnaire.fields:
        header = fld.column or (fld.columns[0] if fld.columns else fld.column_pattern or "")
        by_header.setdefault(_fold(header), ColumnRow(
            header, "text" if fld.kind == "suggestion" else "field", fld.id,
            text=fld.text.get(lang)))
    rows = []
    for header in headers:
        rows.append(by_header.pop(_fold(header), None) or ColumnRow(header, "ignored"))
    return rows + list(by_header.values())   # columns named by pattern or absent from the file


def confirm_form(job: Job, lang: str, words: Mapping[str, str] | None = None
                 ) -> tuple[dict[str, Any], list[SurveyForm]]:
    """The project's fields and each survey's form, with `surveyq check`'s problems placed.

    ``words`` holds the page's ``row`` ("row {row}") and ``fatal`` tag in its language.
    """
    words = {"row": "row {row}", "fatal": "FATAL", **(words or {})}
    from surveyq.messages import translate
    from surveyq.pipeline import check_project

    project, logs = check_project(job.project_file)
    meta = job.meta.get("surveys") or {}
    spec = project.spec
    organisation = project.organisation(lang)
    period = "" if spec.period is None or _TODO.match(str(spec.period)) else str(spec.period)
    head = {"organisation": "" if _TODO.match(organisation) else organisation,
            "period": period or _year_in_names(job),
            "language": spec.language, "editable": job.meta.get("kind") == "exports"}
    forms = []
    for name, survey in spec.surveys.items():
        q = project.questionnaires[name]
        headers = meta.get(name, {}).get("headers") or []
        rows = column_rows(q, headers, lang)
        index = {_fold(row.header): row for row in rows}
        form = SurveyForm(
            name=name, title=(survey.title or q.title).get(lang), kind=q.kind,
            file=Path(survey.responses).name,
            population="" if survey.population is None else str(survey.population),
            analyses=list(survey.analyses or []), scales=list(q.scales), rows=rows,
            decisions=meta.get(name, {}).get("decisions") or [])
        for decision in form.decisions:     # a decision about one column is shown beside it
            row = index.get(_fold(decision["subject"]))
            if row is not None and decision["topic"] != "field":
                row.decisions.append(f"{decision['choice']} ({decision['evidence']})")
        for log_name, log in logs.items():
            if log_name != name and not log_name.startswith(f"{name} ("):
                continue
            seen: dict[tuple[str, str], int] = {}
            for entry in log.entries:
                if entry.action.value == "cell_missing":
                    continue
                text = job.display(translate(entry.message, lang))
                if entry.fatal:
                    form.fatal += 1
                    text = f"{words['fatal']} {text}"
                row = index.get(_fold(str(entry.column))) if entry.column else None
                key = (row.header if row else "", text)
                seen[key] = seen.get(key, 0) + 1
                if seen[key] > 1:
                    continue
                prefix = "" if log_name == name else f"{log_name}: "
                if row is not None and log_name == name:
                    row.problems.append(text)
                else:
                    where = (" (" + words["row"].format(row=entry.row) + ")"
                             if entry.row is not None else "")
                    form.problems.append(f"{prefix}{Path(str(entry.file)).name}{where}: {text}")
            for row in rows:   # the same message on many rows: once, with its count
                row.problems = [p + (f" (×{seen[(row.header, p)]})"
                                     if seen.get((row.header, p), 0) > 1 else "")
                                for p in row.problems]
        forms.append(form)
    return head, forms


def _year_in_names(job: Job) -> str:
    """A suggestion for an empty period: the latest year named in the uploaded files' names
    (``skm-2025.xlsx``), shown in the form for the person to confirm or change."""
    years = [int(y) for u in job.meta.get("uploads") or []
             for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", str(u.get("name", "")))]
    return str(max(years)) if years else ""


def apply_form(job: Job, form: Mapping[str, str]) -> None:
    """Write the confirmed choices as the project's YAML (the same writer as ``surveyq init``).

    Raises
    ------
    InputError
        A choice the questionnaire model refuses (its one-line message).
    """
    if job.meta.get("kind") != "exports":
        job.save_meta(confirmed=True)     # an uploaded project runs as it was written
        return
    from surveyq.infer import Decision, Proposal, SurveyProposal
    from surveyq.infer_write import write_proposal
    from surveyq.project import load_project

    project = load_project(job.project_file)
    meta = job.meta.get("surveys") or {}
    surveys = {}
    for index, (name, spec) in enumerate(project.spec.surveys.items()):
        q = project.questionnaires[name]
        info = meta.get(name, {})
        prefix = f"s{index}_"
        questionnaire = _edited_questionnaire(q, column_rows(q, info.get("headers") or [], "en"),
                                              form, prefix)
        editable = [a for a in EDITABLE_ANALYSES if form.get(f"{prefix}a_{a}")]
        analyses = editable + [a for a in spec.analyses or [] if a not in EDITABLE_ANALYSES]
        population = form.get(f"{prefix}population", "").strip().replace(".", "")
        if population and not population.isdigit():
            raise InputError(msg("upload.population_not_whole", survey=name,
                                 population=repr(population)))
        new_spec = spec.model_copy(update={
            "population": int(population) if population and int(population) > 0 else None,
            "analyses": analyses or None})
        surveys[name] = SurveyProposal(
            name, str(job.input / spec.responses), questionnaire, new_spec,
            [Decision(**d) for d in info.get("decisions") or []], info.get("notes") or {},
            info.get("based_on"), info.get("period"))
    organisation = form.get("organisation", "").strip()
    period = form.get("period", "").strip()
    if not organisation or _TODO.match(organisation):
        raise InputError(msg("upload.organisation_missing"))
    if not period or _TODO.match(period):
        raise InputError(msg("upload.period_missing"))
    language = form.get("language") if form.get("language") in ("id", "en") else \
        project.spec.language
    project_spec = project.spec.model_copy(update={
        "organisation": organisation, "period": period, "language": language})
    write_proposal(Proposal(project_spec, surveys), job.input)
    load_project(job.project_file)      # what was written reads back
    job.save_meta(confirmed=True)
    job.set_status(state="confirmed", rows_read=0, step="", message="")   # earlier outputs
    # belong to the earlier choices: the page offers a new run


def _edited_questionnaire(q: Any, rows: list[ColumnRow], form: Mapping[str, str],
                          prefix: str) -> Any:
    from surveyq.questionnaire import parse_questionnaire

    kind = form.get(f"{prefix}kind")
    kind = kind if kind in KINDS else q.kind
    group_key = "element" if kind in ("skm", "ikm") else "dimension"
    items_by_id = {item.id: item for item in q.items}
    fields_by_id = {f.id: f for f in q.fields}
    taken = set(items_by_id) | set(fields_by_id)
    items, fields = [], []
    for j, row in enumerate(rows):
        at = f"{prefix}c{j}_"
        role = form.get(at + "role", row.role)
        role = role if role in ROLES else row.role
        if role == "ignored":
            continue
        ident = row.ident or _new_id(row.header, taken)
        text = (items_by_id.get(ident) or fields_by_id.get(ident))
        text_value = text.text.model_dump() if text else row.header
        if role == "item":
            scale = form.get(at + "scale", row.scale)
            scale = scale if scale in q.scales else (row.scale or next(iter(q.scales)))
            base = items_by_id[ident].model_dump(exclude_none=True) if ident in items_by_id \
                else {"id": ident, "text": text_value, "column": row.header}
            base.update(scale=scale, reverse=bool(form.get(at + "reverse")))
            group = form.get(at + "group", row.group).strip()
            base.pop("element", None) if group_key == "dimension" else None
            base.pop("dimension", None) if group_key == "element" else None
            if group:
                base[group_key] = group
            else:
                base.pop(group_key, None)
            items.append(base)
        else:
            kind_of = "suggestion" if role == "text" else None
            if ident in fields_by_id:
                entry = fields_by_id[ident].model_dump(exclude_none=True)
                if kind_of or entry.get("kind") == "suggestion":
                    entry["kind"] = kind_of or "other"
            else:
                entry = {"id": ident, "kind": kind_of or "other", "text": text_value,
                         "column": row.header}
            fields.append(entry)
    data = q.model_dump(exclude_none=True, exclude={"path"})
    data.update(kind=kind, items=items, fields=fields)
    if not items:
        raise InputError(msg("upload.no_items"))
    return parse_questionnaire(data, f"{q.id}.yaml")


def _new_id(header: str, taken: set[str]) -> str:
    base = re.sub(r"\W+", "_", header, flags=re.ASCII).strip("_")[:24] or "column"
    ident, counter = base, 2
    while ident in taken:
        ident, counter = f"{base}_{counter}", counter + 1
    taken.add(ident)
    return ident
