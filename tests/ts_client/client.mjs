// Drive dbmig's MCP server with the official TypeScript SDK client, as an agent built on it would.
// stdin: {"command": [...], "cwd": "..."} (stdio) or {"url": "http://..."} (streamable HTTP), and
// "calls": [{"name", "arguments"}]. stdout: {"tools": [...], "calls": [{"result"} | {"exception", "code"}]}.
// Client.callTool checks structuredContent against the tool's outputSchema (errors included), so an
// exception here is exactly what an agent on this SDK would hit.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function transportFor(plan) {
  if (plan.url) return new StreamableHTTPClientTransport(new URL(plan.url));
  const [command, ...args] = plan.command;
  return new StdioClientTransport({ command, args, cwd: plan.cwd, stderr: "ignore" });
}

const plan = await readStdin();
const client = new Client({ name: "dbmig-ts-test", version: "1.0.0" });
await client.connect(transportFor(plan));
const out = { tools: (await client.listTools()).tools, calls: [] };
for (const call of plan.calls) {
  try {
    const result = await client.callTool({ name: call.name, arguments: call.arguments }, undefined,
                                         { timeout: 300000 });
    out.calls.push({ result });
  } catch (error) {
    out.calls.push({ exception: String(error), code: error.code ?? null });
  }
}
await client.close();
process.stdout.write(JSON.stringify(out));
