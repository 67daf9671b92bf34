"""Helpers shared by several test files (pytest puts this folder on sys.path)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: The four-point SKM answer labels the test questionnaires use.
LABELS = ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]


def skm_questionnaire(qid: str, items: Sequence[str], **scale_extra: Any) -> dict:
    """A small SKM questionnaire: ``items`` on one four-point scale (``scale_extra`` adds
    keys to it, such as ``aliases``) and a free-text suggestion field read from "Saran"."""
    return {
        "id": qid, "title": {"id": "Uji", "en": "Test"}, "kind": "skm",
        "scales": {"four": {"points": [1, 2, 3, 4],
                            "labels": {"id": LABELS, "en": ["Poor", "Fair", "Good", "Very good"]},
                            **scale_extra}},
        "items": [{"id": item, "element": item, "scale": "four", "column": item,
                   "text": {"id": f"Unsur {item}", "en": f"Element {item}"}} for item in items],
        "fields": [{"id": "saran", "kind": "suggestion", "column": "Saran",
                    "text": {"id": "Saran", "en": "Suggestion"}}],
    }
