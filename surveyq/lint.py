"""Scorecard design checks: a lint for a set of IKU (key performance indicators).

:func:`lint_scorecard` reads an IKU design table and reports every finding at once, as a
DataFrame (code, severity, subject, message), instead of stopping at the first: the IKU
count against best practice and Kemenkeu's maxima, IKU per strategic objective,
perspective proportions, disallowed type x controllability combinations, missing targets,
weights that do not sum to 1, and validity or controllability weights that do not match
the IKU's type. The rules are data (module constants) with their sources: the Kemenkeu
guidance as docs/methods.md section 7 summarises it, and Sembiring & Fadli's (2016) design example.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import pandas as pd

from surveyq.errors import InputError
from surveyq.messages import msg
from surveyq.scorecard_math import WEIGHT_TOLERANCE, _as_series

__all__ = [
    "BEST_PRACTICE_COUNT",
    "CONTRACT_MAXIMA",
    "CONTROLLABILITY_WEIGHTS",
    "FORBIDDEN_COMBINATIONS",
    "IKU_PER_OBJECTIVE",
    "MAX_COUNT",
    "PERSPECTIVE_GUIDANCE",
    "SHARE_TOLERANCE",
    "SMART_C_CHECKS",
    "VALIDITY_WEIGHTS",
    "lint_iku_manual",
    "lint_scorecard",
]

#: Best-practice number of IKU in a scorecard (Kaplan & Norton 2001, via Sembiring & Fadli (2016)).
BEST_PRACTICE_COUNT = (20, 25)
#: Most IKU a scorecard should have (Sembiring & Fadli (2016)).
MAX_COUNT = 30
#: Kemenkeu's maximum IKU per performance contract, by contract level (docs/methods.md s. 7).
CONTRACT_MAXIMA: dict[str, int] = {"eselon-1": 25, "eselon-2": 20, "eselon-3": 20, "other": 10}
#: IKU per strategic objective (Sembiring & Fadli (2016)).
IKU_PER_OBJECTIVE = (1, 2)
#: Guidance share of IKU per perspective, percent (low, high) (Sembiring & Fadli (2016) Tabel 2).
PERSPECTIVE_GUIDANCE: dict[str, tuple[float, float]] = {
    "financial": (22.0, 22.0),
    "customer": (22.0, 22.0),
    "internal": (34.0, 44.0),
    "learning": (22.0, 22.0),
}
#: A perspective share further than this many percentage points from its guidance warns.
SHARE_TOLERANCE = 10.0
#: Validity weight by IKU type (Sembiring & Fadli's 2016 design example; "project" has none).
VALIDITY_WEIGHTS: dict[str, float] = {"exact": 0.50, "proxy": 0.35, "activity": 0.20}
#: Weight by degree of controllability (Sembiring & Fadli's (2016) design example).
CONTROLLABILITY_WEIGHTS: dict[str, float] = {"high": 0.50, "moderate": 0.35, "low": 0.20}
#: (type, controllability) pairs Kemenkeu guidance disallows: for every unit, and in
#: addition for strategy-map owners (docs/methods.md section 7).
FORBIDDEN_COMBINATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "all": (("activity", "low"), ("exact", "high")),
    "strategy_map_owner": (("activity", "high"),),
}

_TYPES = ("exact", "proxy", "activity", "project")
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

#: Column aliases (lower case, spaces and dashes as underscores) -> canonical name.
_ALIASES: dict[str, tuple[str, ...]] = {
    "perspective": ("perspective", "perspektif"),
    "objective": ("objective", "strategic_objective", "sasaran_strategis", "sasaran"),
    "iku": ("iku", "indicator", "kpi", "name"),
    "type": ("type", "iku_type", "jenis", "jenis_iku", "validity"),
    "controllability": ("controllability", "degree_of_controllability"),
    "validity_weight": ("validity_weight", "bobot_validity"),
    "controllability_weight": ("controllability_weight", "bobot_controllability"),
    "target": ("target",),
    "weight": ("weight", "bobot", "iku_weight"),
}

#: Perspective names -> canonical perspective, first match wins (learning before the rest,
#: so "Pembelajaran dan Pertumbuhan" is not read as anything else).
_PERSPECTIVE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("learning", ("pembelajaran", "learning", "pertumbuhan")),
    ("customer", ("pelanggan", "customer", "costumer")),
    ("internal", ("proses", "process", "internal")),
    ("financial", ("keuangan", "financial", "finance", "stakeholder")),
)


def _finding(code: str, severity: str, subject: Any, message: str) -> dict[str, Any]:
    return {"code": code, "severity": severity, "subject": subject, "message": message}


def _frame(indicators: Any) -> pd.DataFrame:
    if isinstance(indicators, pd.DataFrame):
        frame = indicators.copy()
    elif isinstance(indicators, Sequence) and not isinstance(indicators, str):
        frame = pd.DataFrame(list(indicators))
    else:
        raise InputError(msg("lint.indicators_type"))
    if frame.empty:
        raise InputError(msg("lint.indicators_empty"))
    rename = {}
    for column in frame.columns:
        key = str(column).strip().lower().replace(" ", "_").replace("-", "_")
        for canonical, aliases in _ALIASES.items():
            if key in aliases and canonical not in rename.values():
                rename[column] = canonical
    frame = frame.rename(columns=rename)
    for required in ("perspective", "iku"):
        if required not in frame.columns:
            raise InputError(msg("lint.indicators_column", column=repr(required),
                                 aliases=str(list(_ALIASES[required]))))
    return frame.reset_index(drop=True)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _word(value: Any) -> str:
    return "" if _blank(value) else str(value).strip().lower()


def _canonical_perspective(name: Any) -> str | None:
    text = _word(name)
    for canonical, words in _PERSPECTIVE_WORDS:
        if any(word in text for word in words):
            return canonical
    return None


# --------------------------------------------------------------------------- checks


def _count_findings(n: int, contract_level: str | None) -> list[dict[str, Any]]:
    low, high = BEST_PRACTICE_COUNT
    if n > MAX_COUNT:
        found = [_finding("iku-count", "error", "scorecard",
                          msg("lint.count_above_max", n=n, max=MAX_COUNT, low=low, high=high))]
    elif n > high:
        found = [_finding("iku-count", "warning", "scorecard",
                          msg("lint.count_above", n=n, max=MAX_COUNT, low=low, high=high))]
    elif n < low:
        found = [_finding("iku-count", "info", "scorecard",
                          msg("lint.count_below", n=n, low=low, high=high))]
    else:
        found = [_finding("iku-count", "info", "scorecard",
                          msg("lint.count_within", n=n, low=low, high=high))]
    if contract_level is not None:
        if contract_level not in CONTRACT_MAXIMA:
            raise InputError(msg("lint.contract_level_unknown", value=repr(contract_level),
                                 known=str(list(CONTRACT_MAXIMA))))
        maximum = CONTRACT_MAXIMA[contract_level]
        if n > maximum:
            found.append(_finding(
                "iku-count-contract", "error", "scorecard",
                msg("lint.count_contract", n=n, max=maximum, level=contract_level),
            ))
    return found


def _objective_findings(frame: pd.DataFrame) -> list[dict[str, Any]]:
    if "objective" not in frame.columns:
        return [_finding("objective-missing", "info", "scorecard",
                         msg("lint.no_objective_column"))]
    found = []
    blank = frame["objective"].map(_blank)
    for iku in frame.loc[blank, "iku"]:
        found.append(_finding("objective-missing", "warning", iku,
                              msg("lint.objective_missing")))
    low, high = IKU_PER_OBJECTIVE
    counts = frame.loc[~blank, "objective"].value_counts(sort=False)
    for objective, count in counts.items():
        if count > high:
            found.append(_finding(
                "objective-iku-count", "warning", objective,
                msg("lint.objective_count", count=count, low=low, high=high),
            ))
    return found


def _share_findings(frame: pd.DataFrame) -> list[dict[str, Any]]:
    canonical = frame["perspective"].map(_canonical_perspective)
    unknown = sorted({str(name) for name in frame.loc[canonical.isna(), "perspective"]})
    if unknown:
        return [_finding(
            "perspective-unknown", "info", ", ".join(unknown),
            msg("lint.perspective_unknown"),
        )]
    found = []
    shares = canonical.value_counts() / len(frame) * 100
    for perspective, (low, high) in PERSPECTIVE_GUIDANCE.items():
        share = float(shares.get(perspective, 0.0))
        distance = max(low - share, share - high, 0.0)
        if distance > SHARE_TOLERANCE:
            found.append(_finding(
                "perspective-share", "warning", perspective,
                msg("lint.share_single" if low == high else "lint.share_range", share=share,
                    perspective=msg(f"lint.perspective_{perspective.replace(' ', '_')}"),
                    low=low, high=high, distance=distance),
            ))
    return found


def _quality_findings(frame: pd.DataFrame, strategy_map_owner: bool) -> list[dict[str, Any]]:
    if "type" not in frame.columns or "controllability" not in frame.columns:
        return [_finding("quality-unchecked", "info", "scorecard",
                         msg("lint.quality_unchecked"))]
    forbidden = set(FORBIDDEN_COMBINATIONS["all"])
    if strategy_map_owner:
        forbidden |= set(FORBIDDEN_COMBINATIONS["strategy_map_owner"])
    found = []
    for _, row in frame.iterrows():
        kind, control = _word(row["type"]), _word(row["controllability"])
        if kind not in _TYPES:
            found.append(_finding("type-unknown", "error", row["iku"],
                                  msg("lint.type_unknown", type=repr(row["type"]),
                                      allowed=str(list(_TYPES)))))
        if control not in CONTROLLABILITY_WEIGHTS:
            found.append(_finding(
                "controllability-unknown", "error", row["iku"],
                msg("lint.controllability_unknown", value=repr(row["controllability"]),
                    allowed=str(list(CONTROLLABILITY_WEIGHTS))),
            ))
        if (kind, control) in forbidden:
            found.append(_finding(
                "forbidden-combination", "error", row["iku"],
                msg("lint.forbidden_combination", type=_named("type", kind),
                    control=_named("controllability", control)),
            ))
    return found


def _weight_match_findings(frame: pd.DataFrame, column: str, key: str,
                           expected: Mapping[str, float]) -> list[dict[str, Any]]:
    if column not in frame.columns or key not in frame.columns:
        return []
    found = []
    for _, row in frame.iterrows():
        kind = _word(row[key])
        if kind not in expected or _blank(row[column]):
            continue
        given = _to_float(row[column])
        if given is None:
            found.append(_finding(f"{column.replace('_', '-')}-invalid", "error", row["iku"],
                                  msg(f"lint.{column}_invalid", value=repr(row[column]))))
        elif abs(given - expected[kind]) > 1e-9:
            found.append(_finding(
                f"{column.replace('_', '-')}-mismatch", "warning", row["iku"],
                msg(f"lint.{column}_mismatch", given=given, kind=_named(key, kind),
                    expected=expected[kind]),
            ))
    return found


def _named(key: str, word: str) -> Any:
    """An IKU type or controllability as a message, so it prints in the document's language
    (``activity``, ``low``; ``rendah`` in Indonesian)."""
    return msg(f"lint.{key}_{word}")


def _to_float(value: Any) -> float | None:
    """A number from a number or text ("0,35" and "0.35" both read as 0.35), else None."""
    text = str(value).strip().replace(",", ".") if isinstance(value, str) else value
    number = pd.to_numeric(pd.Series([text]), errors="coerce").iloc[0]
    return None if pd.isna(number) else float(number)


def _target_findings(frame: pd.DataFrame) -> list[dict[str, Any]]:
    if "target" not in frame.columns:
        return [_finding("missing-target", "error", "scorecard",
                         msg("lint.no_target_column"))]
    return [
        _finding("missing-target", "error", iku, msg("lint.target_missing"))
        for iku in frame.loc[frame["target"].map(_blank), "iku"]
    ]


def _sums_to_one(total: float) -> bool:
    return abs(total - 1.0) <= WEIGHT_TOLERANCE or abs(total - 100.0) <= WEIGHT_TOLERANCE * 100


def _weight_findings(frame: pd.DataFrame,
                     perspective_weights: Mapping[Hashable, float] | None) -> list[dict[str, Any]]:
    found = []
    if perspective_weights is not None:
        total = float(_as_series(perspective_weights, "perspective_weights").sum())
        if not _sums_to_one(total):
            found.append(_finding("weights-sum", "error", "perspectives",
                                  msg("lint.perspective_weights_sum", total=total)))
    if "weight" not in frame.columns:
        return found
    blank = frame["weight"].map(_blank)
    for iku in frame.loc[blank, "iku"]:
        found.append(_finding("missing-weight", "error", iku, msg("lint.weight_missing")))
    numbers = frame["weight"].map(_to_float)
    for iku in frame.loc[~blank & numbers.isna(), "iku"]:
        found.append(_finding("weight-invalid", "error", iku, msg("lint.weight_invalid")))
    if numbers.isna().any():
        return found
    weights = numbers.astype(float)
    by_perspective = weights.groupby(frame["perspective"].to_numpy(), sort=False).sum()
    if not _sums_to_one(float(weights.sum())) and not all(map(_sums_to_one, by_perspective)):
        found.append(_finding(
            "weights-sum", "error", "indicators",
            msg("lint.iku_weights_sum", total=float(weights.sum()),
                by_perspective=str({str(k): round(float(v), 4)
                                    for k, v in by_perspective.items()})),
        ))
    return found


def lint_scorecard(
    indicators: pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    perspective_weights: Mapping[Hashable, float] | None = None,
    contract_level: str | None = None,
    strategy_map_owner: bool = False,
) -> pd.DataFrame:
    """Check an IKU design against scorecard guidance; report every finding.

    Parameters
    ----------
    indicators : DataFrame or list of dicts
        One row per IKU. Needs ``perspective`` and ``iku`` (name); checks the others when
        present: ``objective`` (strategic objective), ``type`` (exact / proxy / activity /
        project), ``controllability`` (high / moderate / low), ``validity_weight``,
        ``controllability_weight``, ``target``, ``weight``. Column names are matched
        ignoring case, and Indonesian aliases (perspektif, sasaran_strategis, bobot...)
        are accepted.
    perspective_weights : mapping, optional
        Perspective weights, checked to sum to 1 (or 100).
    contract_level : {"eselon-1", "eselon-2", "eselon-3", "other"}, optional
        Checks the count against Kemenkeu's maximum for that contract (25, 20, 20, 10).
    strategy_map_owner : bool, default False
        The unit owns a strategy map: activity-high IKU are then disallowed too.

    Returns
    -------
    DataFrame
        Columns ``code``, ``severity`` ("error", "warning", "info"), ``subject`` (the IKU,
        objective, perspective or "scorecard") and ``message``; errors first.

    Raises
    ------
    InputError
        No rows, no perspective or iku column, or an unknown contract level.

    Notes
    -----
    Checks and codes:

    - ``iku-count``: best practice 20-25 IKU (info inside or below), warning above 25,
      error above 30; ``iku-count-contract``: above Kemenkeu's maximum per contract (25
      for Eselon I strategy-map owners, 20 for Eselon II/III, 10 for others).
    - ``objective-iku-count``: more than 2 IKU for one strategic objective (guidance 1-2).
    - ``perspective-share``: a perspective's share of IKU more than 10 points from about
      22% financial / 22% customer / 34-44% internal process / 22% learning & growth.
    - ``forbidden-combination``: activity-low and exact-high; for strategy-map owners
      also activity-high.
    - ``missing-target``, ``missing-weight``, ``weights-sum`` (IKU weights must sum to 1
      overall or within each perspective; perspective weights to 1).
    - ``validity-weight-mismatch``: exact 0.50, proxy 0.35, activity 0.20;
      ``controllability-weight-mismatch``: high 0.50, moderate 0.35, low 0.20 (Sembiring &
      Fadli's 2016 design example, not a regulation).

    The disallowed combinations and contract maxima are Kemenkeu guidance as docs/methods.md
    section 7 states it; we could not confirm them in the KMK text itself.

    References
    ----------
    .. [1] KMK 467/KMK.01/2014 and KMK 300/KMK.01/2022, Pengelolaan Kinerja di Lingkungan
       Kementerian Keuangan.
    .. [2] Sembiring & Fadli (2016, student paper), Tabel 2-5: KPPBC Tanjung Perak IKU design;
       Kaplan & Norton (2001) proportions.
    .. [3] docs/methods.md section 7; docs/methods.md example E10.

    Examples
    --------
    >>> findings = lint_scorecard([
    ...     {"perspective": "Keuangan", "objective": "Pendapatan optimal", "iku": "Penerimaan",
    ...      "type": "Exact", "controllability": "Moderate", "validity_weight": 0.50,
    ...      "target": "100%"},
    ...     {"perspective": "Pembelajaran", "objective": "SDM", "iku": "Downtime",
    ...      "type": "Activity", "controllability": "Low", "validity_weight": 0.35,
    ...      "target": 6},
    ... ])
    >>> findings.loc[findings.severity == "error", ["code", "subject"]]
                        code   subject
    0  forbidden-combination  Downtime
    >>> findings.loc[findings.code == "validity-weight-mismatch", "message"].item()
    'validity weight 0.35 does not match type activity (0.20)'
    """
    frame = _frame(indicators)
    findings = (
        _count_findings(len(frame), contract_level)
        + _objective_findings(frame)
        + _share_findings(frame)
        + _quality_findings(frame, strategy_map_owner)
        + _weight_match_findings(frame, "validity_weight", "type", VALIDITY_WEIGHTS)
        + _weight_match_findings(frame, "controllability_weight", "controllability",
                                 CONTROLLABILITY_WEIGHTS)
        + _target_findings(frame)
        + _weight_findings(frame, perspective_weights)
    )
    result = pd.DataFrame(findings, columns=["code", "severity", "subject", "message"])
    # object dtype keeps each Message (pandas would make it a plain str) for translation
    result["message"] = pd.Series([f["message"] for f in findings], dtype=object)
    order = result["severity"].map(_SEVERITY_ORDER)
    return result.iloc[order.argsort(kind="stable")].reset_index(drop=True)


#: IKU manual checks: code -> (severity, manual key(s) that must be filled, what is missing).
#: ``manual-*`` are the manual's own fields; ``smart-*`` the SMART-C criteria a field can show:
#: Specific (a description of what is measured), Measurable (a unit and a formula),
#: Achievable (a person or unit in charge), Relevant (a link to a strategic objective),
#: Time-bound (a reporting period). Continuously improve is a review practice with no field.
SMART_C_CHECKS: dict[str, tuple[str, tuple[str, ...], str]] = {
    code: (severity, keys, msg(f"lint.{code.replace('-', '_')}"))
    for code, severity, keys in (
        ("manual-formula-missing", "warning", ("formula",)),
        ("manual-source-missing", "warning", ("data_source",)),
        ("smart-specific", "info", ("description",)),
        ("smart-measurable", "warning", ("unit",)),
        ("smart-achievable", "info", ("responsible",)),
        ("smart-relevant", "warning", ("objective",)),
        ("smart-time-bound", "info", ("reporting_period",)),
    )
}


def lint_iku_manual(definitions: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Check each IKU's manual: missing formula or data source, and SMART-C gaps.

    Parameters
    ----------
    definitions : list of dicts
        One per IKU with ``id`` and the manual fields ``description``, ``formula``,
        ``unit``, ``data_source``, ``responsible``, ``reporting_period``, ``objective``
        (blank or None when missing).

    Returns
    -------
    DataFrame
        Columns ``code``, ``severity``, ``subject`` (the IKU id) and ``message``, one row
        per IKU and gap (codes in :data:`SMART_C_CHECKS`), warnings first.

    Notes
    -----
    The Kemenkeu IKU manual (manual IKU) records for each IKU its description, formula,
    degree of controllability, type, who measures it, data source, unit, consolidation,
    polarity and reporting period; IKU should satisfy SMART-C (Specific, Measurable,
    Achievable, Relevant, Time-bounded, Continuously improve). A field can only show that a
    criterion was considered, not that it is met, so the gaps are findings for a person to
    review. Continuously improve has no field and is not checked.

    References
    ----------
    .. [1] KMK 467/KMK.01/2014, Pengelolaan Kinerja di Lingkungan Kementerian Keuangan
       (manual IKU, SMART-C), as summarised in the 2016 public-sector Balanced Scorecard
       paper's design example (KPPBC Tanjung Perak).

    Examples
    --------
    >>> lint_iku_manual([{"id": "1a", "unit": "%", "objective": "SS1", "formula": "a/b",
    ...                   "data_source": "SIMPEG", "description": None,
    ...                   "responsible": "Kasubbag", "reporting_period": "quarterly"}]
    ...                 )[["code", "subject"]]
                 code subject
    0  smart-specific      1a
    """
    findings = []
    for row in definitions:
        for code, (severity, keys, message) in SMART_C_CHECKS.items():
            if all(_blank(row.get(key)) for key in keys):
                findings.append(_finding(code, severity, row.get("id"), message))
    result = pd.DataFrame(findings, columns=["code", "severity", "subject", "message"])
    # object dtype keeps each Message (pandas would make it a plain str) for translation
    result["message"] = pd.Series([f["message"] for f in findings], dtype=object)
    order = result["severity"].map(_SEVERITY_ORDER)
    return result.iloc[order.argsort(kind="stable")].reset_index(drop=True)
