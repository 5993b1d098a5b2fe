"""The MCP adapter over the engine in `skill/`: tools, resources, prompts and transports."""
from .app import build_server, serve

__all__ = ["build_server", "serve"]
