// Drives the official Trigger.dev SDK against the API at TRIGGER_API_URL, as a
// task or a backend would, and prints what it saw as one JSON object. Any
// validation error the SDK raises on an answer fails the run.
// SDKCHECK_TAG (default "sdk") tags the run's tokens and names its
// idempotency key, so that runs on a shared environment never meet;
// SDKCHECK_LARGE=0 leaves out the output that needs an object store.
import { configure, wait } from "@trigger.dev/sdk";

configure({ baseURL: process.env.TRIGGER_API_URL, secretKey: process.env.TRIGGER_SECRET_KEY });

const tag = process.env.SDKCHECK_TAG || "sdk";
const withLarge = process.env.SDKCHECK_LARGE !== "0";

const created = await wait.createToken({
  idempotencyKey: `${tag}-check`,
  idempotencyKeyTTL: "1h",
  timeout: "1h",
  tags: [tag, "deploy:prod"],
});
const again = await wait.createToken({ idempotencyKey: `${tag}-check`, tags: ["other"] });
const text = await wait.createToken({ tags: tag });
const large = withLarge ? await wait.createToken({ tags: [tag] }) : undefined;
const waiting = await wait.createToken({ tags: [`${tag}-waiting`] });

const completed = await wait.completeToken(created, { approved: true, by: "sdk" });
await wait.completeToken(text, "ship it");
if (large) await wait.completeToken(large, { report: "x".repeat(600 * 1024) });

const retrieved = await wait.retrieveToken(created.id);
const retrievedText = await wait.retrieveToken(text.id);
const retrievedLarge = large ? await wait.retrieveToken(large.id) : undefined;
const retrievedWaiting = await wait.retrieveToken(waiting);

const listed = [];
for await (const token of wait.listTokens({ status: ["COMPLETED"], tags: [tag], limit: 2 })) {
  listed.push({ id: token.id, status: token.status, tags: token.tags });
}

console.log(
  JSON.stringify({
    created: { id: created.id, isCached: created.isCached, url: created.url },
    again: { id: again.id, isCached: again.isCached },
    completed,
    retrieved: { id: retrieved.id, status: retrieved.status, output: retrieved.output, tags: retrieved.tags, timeoutAt: retrieved.timeoutAt },
    text: { status: retrievedText.status, output: retrievedText.output },
    large: retrievedLarge && { status: retrievedLarge.status, reportLength: retrievedLarge.output?.report?.length },
    waiting: { id: retrievedWaiting.id, status: retrievedWaiting.status, output: retrievedWaiting.output ?? null },
    listed,
  }),
);
