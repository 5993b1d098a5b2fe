"""The baseline of benchmarks/mcp_latency.py: a bare one-tool `MCPServer` of the same SDK, run
over stdio the way `dbmig serve` is. Its cold start and echo round trip are the floor any
Python MCP server on this SDK has."""
from mcp.server.mcpserver import MCPServer

server = MCPServer("bare")


@server.tool()
def echo(text: str) -> str:
    """Return the text."""
    return text


if __name__ == "__main__":
    server.run("stdio")
