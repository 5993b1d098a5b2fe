"""`python -m dbmig.lint.rules [PATH]` writes the rule catalog (default docs/rules.md)."""
import sys
from pathlib import Path

from . import render_docs

target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules.md")
target.write_text(render_docs(), encoding="utf-8")
print(f"wrote {target}")
