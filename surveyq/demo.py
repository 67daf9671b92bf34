"""The bundled demo project: a fictitious office's customer, SKM and employee surveys."""

from __future__ import annotations

from pathlib import Path

from surveyq.questionnaire import shipped_questionnaires_dir


def demo_project_path() -> Path:
    """The demo project file (questionnaires/demo/project.yaml)."""
    return shipped_questionnaires_dir() / "demo" / "project.yaml"
