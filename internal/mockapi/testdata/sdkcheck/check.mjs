// Drives the official Trigger.dev SDK against the API at TRIGGER_API_URL, as a
// task or a backend would, and prints what it saw as one JSON object. Any
// validation error the SDK raises on an answer fails the run.
import { configure, wait } from "@trigger.dev/sdk";

configure({ baseURL: process.env.TRIGGER_API_URL, secretKey: process.env.TRIGGER_SECRET_KEY });

const created = await wait.createToken({
  idempotencyKey: "sdk-check",
  idempotencyKeyTTL: "1h",
  timeout: "1h",
  tags: ["sdk", "deploy:prod"],
});
const again = await wait.createToken({ idempotencyKey: "sdk-check", tags: ["other"] });
const text = await wait.createToken({ tags: "sdk" });
const large = await wait.createToken({ tags: ["sdk"] });
const waiting = await wait.createToken({});

const completed = await wait.completeToken(created, { approved: true, by: "sdk" });
await wait.completeToken(text, "ship it");
await wait.completeToken(large, { report: "x".repeat(600 * 1024) });

const retrieved = await wait.retrieveToken(created.id);
const retrievedText = await wait.retrieveToken(text.id);
const retrievedLarge = await wait.retrieveToken(large.id);
const retrievedWaiting = await wait.retrieveToken(waiting);

const listed = [];
for await (const token of wait.listTokens({ status: ["COMPLETED"], tags: ["sdk"], limit: 2 })) {
  listed.push({ id: token.id, status: token.status, tags: token.tags });
}

console.log(
  JSON.stringify({
    created: { id: created.id, isCached: created.isCached, url: created.url },
    again: { id: again.id, isCached: again.isCached },
    completed,
    retrieved: { id: retrieved.id, status: retrieved.status, output: retrieved.output, tags: retrieved.tags, timeoutAt: retrieved.timeoutAt },
    text: { status: retrievedText.status, output: retrievedText.output },
    large: { status: retrievedLarge.status, reportLength: retrievedLarge.output?.report?.length },
    waiting: { id: retrievedWaiting.id, status: retrievedWaiting.status, output: retrievedWaiting.output ?? null },
    listed,
  }),
);
