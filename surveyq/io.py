"""Reading questionnaire exports: :func:`read_raw` -> :class:`RawTable`.

The readers live in :mod:`surveyq.readers` (one module per concern); this module is the
public entry point named in docs/methods.md ("io: read the file, keep every
cell as it was").
"""

from __future__ import annotations

from surveyq.readers import FORMATS, RawTable, read_raw

__all__ = ["FORMATS", "RawTable", "read_raw"]
