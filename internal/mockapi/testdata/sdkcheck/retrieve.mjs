// Reads tokens with the official SDK's wait.retrieveToken, whose output is what
// a task's wait.forToken resumes with, and prints them as one JSON array:
// node retrieve.mjs ID... (TRIGGER_API_URL and TRIGGER_SECRET_KEY set).
// hasOutput tells no output (undefined) from a null one.
import { configure, wait } from "@trigger.dev/sdk";

configure({ baseURL: process.env.TRIGGER_API_URL, secretKey: process.env.TRIGGER_SECRET_KEY });

const seen = [];
for (const id of process.argv.slice(2)) {
  const token = await wait.retrieveToken(id);
  seen.push({
    id: token.id,
    status: token.status,
    hasOutput: token.output !== undefined,
    output: token.output ?? null,
    error: token.error?.message ?? null,
    tags: token.tags,
    idempotencyKey: token.idempotencyKey ?? null,
    createdAt: token.createdAt,
    timeoutAt: token.timeoutAt ?? null,
    idempotencyKeyExpiresAt: token.idempotencyKeyExpiresAt ?? null,
  });
}
console.log(JSON.stringify(seen));
