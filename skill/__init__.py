"""dbmig: database migrations an engineer would ship (DESIGN.md)."""
from .lazysqlglot import extend_sqlglot

extend_sqlglot()
