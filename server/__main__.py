"""`python -m server [--http [--host H] [--port P]]`: the same as `dbmig serve`."""
from __future__ import annotations

import argparse

from dbmig.collector import loading

with loading():     # the SDK and the server: ~600 modules (see dbmig.collector)
    from .app import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m server", description="Run the dbmig MCP server.")
    parser.add_argument("--http", action="store_true", help="streamable HTTP instead of stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    serve(http=args.http, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
