// The approval task that ../main.tf triggers: it asks on Slack and returns
// the decision, {"approved": true|false, "by": "…"}, as its output.
import { task, wait } from "@trigger.dev/sdk";

type Decision = { approved: boolean; by: string };

export const releaseApproval = task({
  id: "release-approval",
  run: async (payload: { release: string; channel: string }): Promise<Decision> => {
    // The approver's answer is the body they POST to the token's URL.
    const token = await wait.createToken({ timeout: "23h", tags: [`release:${payload.release}`] });
    await fetch(process.env.SLACK_WEBHOOK_URL!, {
      method: "POST",
      body: JSON.stringify({
        channel: payload.channel,
        text: `Approve ${payload.release}? POST {"approved": true, "by": "<you>"} to ${token.url}`,
      }),
    });
    const answer = await wait.forToken<Decision>(token);
    return answer.ok ? answer.output : { approved: false, by: "nobody: the approval timed out" };
  },
});
