"""The gate's name for the SQL statement checker, which lives in dbmig.sqlcheck (planners and
intake use it too, and must not import the gate)."""
from ..sqlcheck import check_statement, split_statements

__all__ = ["check_statement", "split_statements"]
