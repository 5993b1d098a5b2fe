"""The MCP adapter over the engine in `skill/`: tools, resources, prompts and transports."""

__all__ = ["build_server", "serve"]


def __getattr__(name: str):
    # imported on first use: `python -m dbmig.server.published` and the budget helpers need no MCP server
    if name in __all__:
        from . import app
        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
