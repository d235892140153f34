package provider

import (
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// TestRunModel_matchesTable: the typed model (its embedded runState
// included) has exactly the attributes of the table every run schema is
// built from, and each has a schema attribute of its type.
func TestRunModel_matchesTable(t *testing.T) {
	var fields []string
	var collect func(reflect.Type)
	collect = func(typ reflect.Type) {
		for i := range typ.NumField() {
			if f := typ.Field(i); f.Anonymous {
				collect(f.Type)
			} else {
				fields = append(fields, f.Tag.Get("tfsdk"))
			}
		}
	}
	collect(reflect.TypeFor[runModel]())
	want := slices.Sorted(maps.Keys(runModelTypes))
	slices.Sort(fields)
	if !slices.Equal(fields, want) {
		t.Fatalf("runModel has %v, the table %v", fields, want)
	}
	for _, a := range runAttributes {
		if got := runSchemaAttributes()[a.name].GetType(); !got.Equal(a.typ) {
			t.Errorf("%s: schema type %s, want %s", a.name, got, a.typ)
		}
	}
}

// TestNewRunModel: every attribute of a run that has them all, and the nulls
// of one just queued.
func TestNewRunModel(t *testing.T) {
	created := time.Date(2026, 1, 5, 10, 0, 0, 123e6, time.UTC)
	started, finished := created.Add(time.Second), created.Add(time.Minute)
	key := "release-42"
	ended := client.Run{
		ID: "run_1", TaskIdentifier: "smoke-test", Status: client.RunFailed, IdempotencyKey: &key,
		Tags: []string{"a", "b"}, CreatedAt: created, StartedAt: &started, FinishedAt: &finished, AttemptCount: 3,
		Error: &client.RunError{Message: "Error: the task threw"}, Output: json.RawMessage(`{"passed":false}`),
	}
	m, diags := newRunModel(context.Background(), ended)
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := runModel{
		Task: types.StringValue("smoke-test"), Tags: stringList([]string{"a", "b"}), IdempotencyKey: types.StringValue(key),
		runState: runState{
			Status: types.StringValue("FAILED"), Error: types.StringValue("Error: the task threw"),
			CreatedAt: serviceTime(&created), StartedAt: serviceTime(&started), FinishedAt: serviceTime(&finished),
			Attempts: types.Int64Value(3), OutputJSON: types.StringValue(`{"passed":false}`),
		},
	}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("got %+v, want %+v", m, want)
	}
	if m.CreatedAt.ValueString() != "2026-01-05T10:00:00.123Z" {
		t.Fatalf("created_at %s: the service's precision is lost", m.CreatedAt)
	}
	queued, diags := newRunModel(context.Background(), client.Run{ID: "run_2", TaskIdentifier: "t", Status: client.RunQueued, CreatedAt: created})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if !queued.Error.IsNull() || !queued.StartedAt.IsNull() || !queued.FinishedAt.IsNull() || !queued.OutputJSON.IsNull() || !queued.IdempotencyKey.IsNull() ||
		queued.Attempts.ValueInt64() != 0 || len(queued.Tags.Elements()) != 0 {
		t.Fatalf("a queued run: %+v", queued)
	}
}
