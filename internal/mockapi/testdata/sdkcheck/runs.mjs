// Drives the official Trigger.dev SDK's run calls against the API at
// TRIGGER_API_URL as a backend would (tasks.trigger, runs.retrieve,
// runs.cancel, runs.list), and prints what it saw as one JSON object. The mock
// scripts the tasks (see sdk_test.go). Any validation error the SDK raises on
// an answer fails the run.
import { configure, runs, tasks } from "@trigger.dev/sdk";

configure({ baseURL: process.env.TRIGGER_API_URL, secretKey: process.env.TRIGGER_SECRET_KEY });

const options = {
  idempotencyKey: "sdk-run",
  idempotencyKeyTTL: "1h",
  tags: ["sdk", "deploy:prod"],
  ttl: "10m",
  machine: "small-1x",
  maxAttempts: 2,
  maxDuration: 600,
  metadata: { by: "sdk" },
  concurrencyKey: "prod",
};
const triggered = await tasks.trigger("smoke-test", { env: "prod", at: new Date(0) }, options);
const again = await tasks.trigger("smoke-test", { env: "staging" }, options);

// The smoke test runs for one poll, then completes.
const statuses = [];
let smoke;
do {
  smoke = await runs.retrieve(triggered.id);
  statuses.push(smoke.status);
} while (!smoke.isCompleted && statuses.length < 5);

const large = await runs.retrieve((await tasks.trigger("report", {})).id);
const failed = await runs.retrieve((await tasks.trigger("migrate", {})).id);

const slow = await tasks.trigger("slow", "a text payload");
const queued = await runs.retrieve(slow.id);
const canceled = await runs.cancel(slow.id);
const afterCancel = await runs.retrieve(slow.id);

const listed = [];
for await (const run of runs.list({ taskIdentifier: "smoke-test", status: ["COMPLETED"], tag: "sdk", limit: 1 })) {
  listed.push({ id: run.id, status: run.status, tags: run.tags, env: run.env.name });
}

console.log(
  JSON.stringify({
    triggered: { id: triggered.id, hasToken: typeof triggered.publicAccessToken === "string" },
    again: { id: again.id },
    statuses,
    smoke: {
      status: smoke.status,
      output: smoke.output,
      payload: smoke.payload,
      idempotencyKey: smoke.idempotencyKey,
      tags: smoke.tags,
      ttl: smoke.ttl,
      metadata: smoke.metadata,
      attemptCount: smoke.attemptCount,
      isSuccess: smoke.isSuccess,
      startedAt: smoke.startedAt,
      finishedAt: smoke.finishedAt,
    },
    large: { status: large.status, reportLength: large.output?.report?.length },
    failed: { status: failed.status, isFailed: failed.isFailed, error: failed.error },
    queued: { status: queued.status, payload: queued.payload },
    canceled,
    afterCancel: { status: afterCancel.status, isCancelled: afterCancel.isCancelled, error: afterCancel.error },
    listed,
  }),
);
