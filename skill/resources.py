"""Where the non-Python files live: the checkout's top level (an editable install), or
`<prefix>/share/dbmig` where a wheel installs them (see pyproject's data-files)."""
from __future__ import annotations

import sys
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[1]
_INSTALLED = Path(sys.prefix) / "share" / "dbmig"


def resource_root() -> Path:
    return _CHECKOUT if (_CHECKOUT / "templates").is_dir() else _INSTALLED
