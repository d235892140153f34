package provider

import (
	"context"
	"fmt"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// runLeftRunning is what a wait that ended early, by its timeout or an
// interrupt, leaves of a run: it is never cancelled, as the provider cannot
// know whether stopping the task half way (a migration) is safe, and a
// cancelled run keeps its idempotency key, so the next trigger with that key
// would get the cancelled run back instead of waiting for the one going on.
const runLeftRunning = "The run was not cancelled: it goes on in Trigger.dev until it ends, or until someone cancels it from the dashboard"

// runGate is the gate's view of a task run: the trigger action, the task run
// resource and the run data source's `wait` poll runs through it.
var runGate = gateKind[client.Run]{
	waitKind: waitKind{
		noun:     "run",
		short:    "run",
		answered: "ends",
		statuses: runStatuses,
		final:    func(status string) bool { return client.RunStatus(status).Final() },
		success:  string(client.RunCompleted),
		statusesDescription: "The statuses that let the apply go on, usually final ones: `COMPLETED`, `CANCELED`, `FAILED`, `CRASHED`, `SYSTEM_FAILURE`, `EXPIRED` or `TIMED_OUT` " +
			"(or a status the run passes through, such as `EXECUTING`, to go on once it started). A listed status is always a success, a listed `FAILED` included; " +
			"a run that reaches another final status fails the apply, naming its status and error. Defaults to `COMPLETED`.",
		afterEarlyEnd: runLeftRunning,
	},
	status:        func(r client.Run) string { return string(r.Status) },
	outputIsError: func(client.Run) bool { return false }, // a run's error is apart from its output, and ends it in a status other than COMPLETED
	outputJSON:    client.Run.OutputJSON,
	endReason: func(r client.Run) string {
		if r.Error == nil {
			return ""
		}
		return r.Error.Message
	},
}

// runPoller is the wait loop's read of run id.
func runPoller(c *client.Client, id string) poller[client.Run] {
	return func(ctx context.Context) (client.Run, error) { return c.RetrieveRun(ctx, id) }
}

// runName names a run in messages and progress, with its task when known,
// so that a user can find it in the dashboard.
func runName(id, task string) string {
	if task == "" {
		return fmt.Sprintf("%q", id)
	}
	return fmt.Sprintf("%q of task %q", id, task)
}
