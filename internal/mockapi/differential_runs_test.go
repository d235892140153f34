package mockapi_test

import (
	"net/http"
	"strings"
)

// The task-run routes TestDifferential compares. Every run is of the test
// run's own task ({run}-task), with its own keys and tags: on the service a
// key is scoped to the environment and the task.
const (
	triggerPath = "/api/v1/tasks/{run}-task/trigger"
	runPath     = "/api/v3/runs/"
)

func trigger(name, body string) step {
	return step{name: name, method: http.MethodPost, path: triggerPath, body: body, creates: true}
}

// requestKeyed is a trigger with the run's request-level idempotency key,
// which a client sends again when it retries the request (and which the
// service, hashing it before it checks that it is a v4 UUID, ignores).
func requestKeyed(name, path, body string) step {
	return step{name: name, method: http.MethodPost, path: path, body: body, headers: map[string]string{"X-Trigger-Request-Idempotency-Key": "{uuid}"}, creates: true}
}

func cancelRun(name, id string) step {
	return post(name, "/api/v2/runs/"+id+"/cancel", ``)
}

var triggerSteps = []step{
	trigger("trigger every option", `{"payload":{"n":1e2,"s":"x"},"options":{"idempotencyKey":"{run}-k","idempotencyKeyTTL":"1h",`+
		`"tags":["{run}","b:c","a"],"queue":{"name":"{run}-q"},"concurrencyKey":"ck","delay":"1h","ttl":"2h","maxAttempts":3,`+
		`"maxDuration":60,"machine":"small-1x","metadata":{"m":1,"nested":{"b":[1,2]}}}}`),
	trigger("trigger cached", `{"payload":{"other":true},"options":{"idempotencyKey":"{run}-k","tags":["{run}","other"]}}`),
	{name: "trigger cached by header", method: http.MethodPost, path: triggerPath, body: `{"payload":1}`, headers: map[string]string{"Idempotency-Key": "{run}-k"}, creates: true},
	{name: "trigger key in header", method: http.MethodPost, path: triggerPath, body: `{"payload":1,"options":{"tags":["{run}"]}}`, headers: map[string]string{"Idempotency-Key": "{run}-h", "Idempotency-Key-Ttl": "10m"}, creates: true},
	{name: "trigger key of another task", method: http.MethodPost, path: "/api/v1/tasks/{run}-other/trigger", body: `{"options":{"idempotencyKey":"{run}-k"}}`, creates: true},
	requestKeyed("trigger with request key", triggerPath, `{"payload":1}`),
	requestKeyed("trigger replayed request", triggerPath, `{"payload":2,"options":{"tags":["{run}"]}}`),
	requestKeyed("trigger request key of another task", "/api/v1/tasks/{run}-other/trigger", `{}`),
	{name: "trigger request key not a UUID", method: http.MethodPost, path: triggerPath, body: `{}`, headers: map[string]string{"X-Trigger-Request-Idempotency-Key": "{run}-r"}, creates: true},
	{name: "trigger request key not a UUID again", method: http.MethodPost, path: triggerPath, body: `{}`, headers: map[string]string{"X-Trigger-Request-Idempotency-Key": "{run}-r"}, creates: true},
	trigger("trigger queued", `{"payload":{"x":1},"options":{"tags":["{run}"]}}`),
	trigger("trigger no payload", `{}`),
	trigger("trigger null payload", `{"payload":null,"options":{}}`),
	trigger("trigger string payload", `{"payload":"hello"}`),
	trigger("trigger tag string", `{"options":{"tags":"{run}"}}`),
	trigger("trigger blank tag", `{"options":{"tags":["{run}"," ",""]}}`),
	trigger("trigger ttl seconds", `{"options":{"ttl":3661}}`),
	trigger("trigger ttl zero", `{"options":{"ttl":0}}`),
	// Before the short ttl's run: its expiry, which the test awaits, comes
	// after this key's second has passed.
	trigger("trigger short key ttl", `{"options":{"idempotencyKey":"{run}-s","idempotencyKeyTTL":"1s"}}`),
	trigger("trigger short ttl", `{"options":{"ttl":"1s","tags":["{run}"],"idempotencyKey":"{run}-e"}}`),
	// As the official SDK sends a trigger: a hashed key, the user's key
	// apart, and a superjson payload.
	trigger("trigger as the SDK", `{"payload":"{\"json\":{\"when\":\"2026-01-01T00:00:00.000Z\",\"n\":1},\"meta\":{\"values\":{\"when\":[\"Date\"]}}}",`+
		`"options":{"payloadType":"application/super+json","idempotencyKey":"{run}-sdk-hash","idempotencyKeyOptions":{"key":"{run}-sdk","scope":"global"},"tags":["{run}"]}}`),
	trigger("trigger text payload", `{"payload":"plain words","options":{"payloadType":"text/plain"}}`),
	trigger("trigger object payload of another type", `{"payload":{"a":1},"options":{"payloadType":"application/x-other"}}`),
	trigger("trigger delay date", `{"options":{"delay":"2999-01-01T00:00:00Z"}}`),
	trigger("trigger delay ms", `{"options":{"delay":32503680000000}}`),
	trigger("trigger past delay", `{"options":{"delay":"2001-01-01T00:00:00Z"}}`),
	trigger("trigger invalid delay", `{"options":{"delay":"soon"}}`),
	trigger("trigger numeric concurrency key", `{"options":{"concurrencyKey":5}}`),
	trigger("trigger invalid key ttl", `{"options":{"idempotencyKey":"{run}-t","idempotencyKeyTTL":"ten minutes"}}`),
	trigger("trigger max duration clamped", `{"options":{"maxDuration":1}}`),
	trigger("trigger null metadata", `{"options":{"metadata":null}}`),
	trigger("trigger to cancel", `{"options":{"tags":["{run}"]}}`),
	trigger("trigger for admin", `{}`),
	trigger("trigger delayed to cancel", `{"options":{"delay":"1d"}}`),
	{name: "trigger odd task id", method: http.MethodPost, path: "/api/v1/tasks/{run}%20x.y_z/trigger", body: `{}`, creates: true},
	post("trigger lock to version", triggerPath, `{"options":{"lockToVersion":"20990101.1"}}`),
	post("trigger empty body", triggerPath, ``),
	post("trigger null body", triggerPath, `null`),
	post("trigger array body", triggerPath, `[]`),
	post("trigger number body", triggerPath, `5`),
	post("trigger invalid JSON", triggerPath, `{"payload":`),
	post("trigger options not object", triggerPath, `{"options":"x"}`),
	post("trigger bad options", triggerPath, `{"options":{"maxAttempts":"3","maxDuration":"x","machine":"huge","queue":{},"ttl":-1,"idempotencyKey":5}}`),
	post("trigger float attempts", triggerPath, `{"options":{"maxAttempts":1.5,"ttl":1.5}}`),
	post("trigger numeric machine", triggerPath, `{"options":{"machine":5}}`),
	post("trigger bad union options", triggerPath, `{"options":{"delay":{},"ttl":{},"concurrencyKey":{},"queue":"q"}}`),
	post("trigger eleven tags", triggerPath, `{"options":{"tags":["1","2","3","4","5","6","7","8","9","10","11"]}}`),
	post("trigger long tag", triggerPath, `{"options":{"tags":["`+strings.Repeat("t", 129)+`"]}}`),
	post("trigger numeric tag", triggerPath, `{"options":{"tags":["{run}",5]}}`),
	post("trigger long key", triggerPath, `{"options":{"idempotencyKey":"`+strings.Repeat("k", 2049)+`"}}`),
	post("trigger large metadata", triggerPath, `{"options":{"metadata":{"m":"`+strings.Repeat("m", 300<<10)+`"}}}`),
	post("trigger bad key options", triggerPath, `{"options":{"idempotencyKeyOptions":{"key":5,"scope":"task"}}}`),
	post("trigger key options without scope", triggerPath, `{"options":{"idempotencyKeyOptions":{"key":"k"}}}`),
	post("trigger key options not object", triggerPath, `{"options":{"idempotencyKeyOptions":"k"}}`),
	post("trigger too large", triggerPath, `{"payload":"`+strings.Repeat("p", 3<<20)+`"}`),
	get("trigger with GET", triggerPath),
	post("trigger no task", "/api/v1/tasks//trigger", `{}`),
	post("trigger trailing slash", triggerPath+"/", `{}`),
}

var runRetrieveSteps = []step{
	get("retrieve delayed run", runPath+"{id:trigger every option}"),
	get("retrieve queued run", runPath+"{id:trigger queued}"),
	get("retrieve header key run", runPath+"{id:trigger key in header}"),
	get("retrieve other task's run", runPath+"{id:trigger key of another task}"),
	get("retrieve no payload", runPath+"{id:trigger no payload}"),
	get("retrieve null payload", runPath+"{id:trigger null payload}"),
	get("retrieve string payload", runPath+"{id:trigger string payload}"),
	get("retrieve tag string", runPath+"{id:trigger tag string}"),
	get("retrieve blank tag", runPath+"{id:trigger blank tag}"),
	get("retrieve ttl seconds", runPath+"{id:trigger ttl seconds}"),
	get("retrieve ttl zero", runPath+"{id:trigger ttl zero}"),
	get("retrieve expired", runPath+"{id:trigger short ttl}"),
	get("retrieve delay date", runPath+"{id:trigger delay date}"),
	get("retrieve delay ms", runPath+"{id:trigger delay ms}"),
	get("retrieve past delay", runPath+"{id:trigger past delay}"),
	get("retrieve invalid delay", runPath+"{id:trigger invalid delay}"),
	get("retrieve numeric concurrency key", runPath+"{id:trigger numeric concurrency key}"),
	get("retrieve max duration clamped", runPath+"{id:trigger max duration clamped}"),
	get("retrieve null metadata", runPath+"{id:trigger null metadata}"),
	get("retrieve odd task id", runPath+"{id:trigger odd task id}"),
	get("retrieve replayed request", runPath+"{id:trigger replayed request}"),
	get("retrieve as the SDK", runPath+"{id:trigger as the SDK}"),
	get("retrieve text payload", runPath+"{id:trigger text payload}"),
	get("retrieve object payload of another type", runPath+"{id:trigger object payload of another type}"),
	// The key's second has passed: a new run; the expired run lets its key go.
	trigger("trigger expired key", `{"options":{"idempotencyKey":"{run}-s"}}`),
	trigger("trigger expired run's key", `{"options":{"idempotencyKey":"{run}-e"}}`),
	get("retrieve expired run after its key went", runPath+"{id:trigger short ttl}"),
	trigger("trigger as the SDK again", `{"payload":"{\"json\":null}","options":{"payloadType":"application/super+json","idempotencyKey":"{run}-sdk-hash","idempotencyKeyOptions":{"key":"{run}-sdk","scope":"global"}}}`),
	{name: "retrieve as the SDK's API version", method: http.MethodGet, path: runPath + "{id:trigger every option}", headers: map[string]string{"X-Trigger-Api-Version": "2025-07-16"}},
	{name: "retrieve expired as the SDK's API version", method: http.MethodGet, path: runPath + "{id:trigger short ttl}", headers: map[string]string{"X-Trigger-Api-Version": "2025-07-16"}},
	get("retrieve unknown run", runPath+"run_zzzzzzzzzzzzzzzzzzzzzzzzzz"),
	get("retrieve malformed run", runPath+"nope"),
	get("retrieve run trailing slash", runPath+"{id:trigger queued}/"),
	{name: "retrieve run with POST", method: http.MethodPost, path: runPath + "{id:trigger queued}", body: `{}`},
}

var cancelSteps = []step{
	cancelRun("cancel", "{id:trigger to cancel}"),
	cancelRun("cancel again", "{id:trigger to cancel}"),
	cancelRun("cancel delayed", "{id:trigger delayed to cancel}"),
	cancelRun("cancel expired", "{id:trigger short ttl}"),
	cancelRun("cancel unknown", "run_zzzzzzzzzzzzzzzzzzzzzzzzzz"),
	cancelRun("cancel malformed", "nope"),
	{name: "cancel with body", method: http.MethodPost, path: "/api/v2/runs/{id:trigger to cancel}/cancel", body: `{"reason":"x"}`},
	get("cancel with GET", "/api/v2/runs/{id:trigger to cancel}/cancel"),
}

var afterCancelSteps = []step{
	get("retrieve cancelled", runPath+"{id:trigger to cancel}"),
	get("retrieve cancelled delayed", runPath+"{id:trigger delayed to cancel}"),
	get("retrieve expired after cancel", runPath+"{id:trigger short ttl}"),
	trigger("trigger cancelled run's key", `{"options":{"idempotencyKey":"{run}-k"}}`),
}

// withToken is a request with a public token of the environment with scopes.
func withToken(method, name, path, scopes string) step {
	st := step{name: name, method: method, path: path, headers: map[string]string{"Authorization": "Bearer {pat:" + scopes + "}"}}
	if method == http.MethodPost {
		st.body = `{}`
	}
	return st
}

// runAuthSteps need the run's own wrong key, as authSteps do.
func runAuthSteps(run string) []step {
	wrong := map[string]string{"Authorization": "Bearer tr_dev_wrong_" + run}
	public := map[string]string{"Authorization": "Bearer {jwt:trigger queued}"}
	return []step{
		{name: "trigger without key", method: http.MethodPost, path: triggerPath, body: `{}`, noKey: true},
		{name: "trigger wrong key", method: http.MethodPost, path: triggerPath, body: `{}`, headers: wrong},
		{name: "retrieve run without key", method: http.MethodGet, path: runPath + "{id:trigger queued}", noKey: true},
		{name: "retrieve run wrong key", method: http.MethodGet, path: runPath + "{id:trigger queued}", headers: wrong},
		{name: "retrieve run by its public token", method: http.MethodGet, path: runPath + "{id:trigger queued}", headers: public},
		{name: "retrieve another run by a public token", method: http.MethodGet, path: runPath + "{id:trigger no payload}", headers: public},
		{name: "cancel without key", method: http.MethodPost, path: "/api/v2/runs/{id:trigger queued}/cancel", noKey: true},
		{name: "cancel wrong key", method: http.MethodPost, path: "/api/v2/runs/{id:trigger queued}/cancel", headers: wrong},
		{name: "cancel by public token", method: http.MethodPost, path: "/api/v2/runs/{id:trigger queued}/cancel", headers: public},
		{name: "trigger by public token", method: http.MethodPost, path: triggerPath, body: `{}`, headers: public},
		withToken(http.MethodGet, "retrieve by a tag's scope", runPath+"{id:trigger every option}", "read:tags:b:c"),
		withToken(http.MethodGet, "retrieve by another tag's scope", runPath+"{id:trigger every option}", "read:tags:b"),
		withToken(http.MethodGet, "retrieve by the task's scope", runPath+"{id:trigger no payload}", "read:tasks:{run}-task"),
		withToken(http.MethodGet, "retrieve by all runs' scope", runPath+"{id:trigger no payload}", "read:runs"),
		withToken(http.MethodGet, "retrieve by read all", runPath+"{id:trigger no payload}", "read:all"),
		withToken(http.MethodGet, "retrieve by any action", runPath+"{id:trigger no payload}", "*:runs:{id:trigger no payload}"),
		withToken(http.MethodGet, "retrieve by a write scope", runPath+"{id:trigger no payload}", "write:runs:{id:trigger no payload}"),
		withToken(http.MethodGet, "retrieve with no scopes", runPath+"{id:trigger no payload}", ""),
		withToken(http.MethodPost, "cancel by admin", "/api/v2/runs/{id:trigger for admin}/cancel", "admin"),
		withToken(http.MethodPost, "cancel by the task's write scope", "/api/v2/runs/{id:trigger numeric concurrency key}/cancel", "write:tasks:{run}-task"),
		withToken(http.MethodPost, "cancel by a read scope", "/api/v2/runs/{id:trigger queued}/cancel", "read:all"),
		withToken(http.MethodPost, "trigger by the task's scope", triggerPath, "trigger:tasks:{run}-task"),
		withToken(http.MethodPost, "trigger by another task's scope", triggerPath, "trigger:tasks:{run}-other"),
		withToken(http.MethodGet, "retrieve by a token without issuer and audience", runPath+"{id:trigger queued}", "read:all;bare"),
		withToken(http.MethodGet, "retrieve by a token without expiry", runPath+"{id:trigger queued}", "read:all;forever"),
		withToken(http.MethodGet, "retrieve by an expired token", runPath+"{id:trigger queued}", "read:all;expired"),
		withToken(http.MethodGet, "retrieve by a token of two audiences", runPath+"{id:trigger queued}", "read:all;audiences"),
		withToken(http.MethodGet, "retrieve by a token not yet valid", runPath+"{id:trigger queued}", "read:all;not yet"),
		get("list runs", "/api/v1/runs?filter[tag]={run}"),
	}
}
