package provider

import (
	"context"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// differentialFixtures cover every optional attribute of a token both null and
// set, every output type, and an output offloaded to storage.
const differentialFixtures = `[
	{"id":"waitpoint_bare"},
	{"id":"waitpoint_full","status":"COMPLETED","idempotencyKey":"release-1","idempotencyKeyExpiresAt":"2026-12-01T00:00:00.123Z",
	 "timeoutAt":"2026-12-02T00:00:00.000Z","completedAt":"2026-11-23T16:00:12.266Z","tags":["team:b","approval"],
	 "output":"{\"json\":{\"approved\":true,\"by\":\"alice\"}}","outputType":"application/super+json"},
	{"id":"waitpoint_text","status":"COMPLETED","completedAt":"2026-11-23T16:00:00.000Z","output":"ship it","outputType":"text/plain","tags":["approval"]},
	{"id":"waitpoint_json","status":"COMPLETED","completedAt":"2026-11-23T16:00:00.000Z","output":"{\"build\":7}","tags":["deploy:prod"]},
	{"id":"waitpoint_empty","status":"COMPLETED","completedAt":"2026-11-23T16:00:00.000Z"},
	{"id":"waitpoint_timedout","status":"TIMED_OUT","completedAt":"2026-11-23T16:00:00.000Z","outputIsError":true,
	 "output":"{\"code\":\"TRIGGER_WAITPOINT_TIMEOUT\"}","tags":["approval","deploy:prod"]},
	{"id":"waitpoint_stored","status":"COMPLETED","completedAt":"2026-11-23T16:00:00.000Z","output":"` + "{\\\"json\\\":{\\\"report\\\":\\\"%REPORT%\\\"}}" + `","outputType":"application/super+json"}
]`

// TestReadTokensFast_matchesFramework: the fast path's state is the
// framework's, value for value, for every kind of configuration and token.
func TestReadTokensFast_matchesFramework(t *testing.T) {
	fixtures, err := mockapi.ParseFixtures([]byte(strings.Replace(differentialFixtures, "%REPORT%", strings.Repeat("r", 600<<10), 1)))
	if err != nil {
		t.Fatal(err)
	}
	_, fixturesURL := startMock(t, 0, func(o *mockapi.Options) { o.Fixtures = fixtures })
	_, seededURL := startMock(t, 250)
	list := func(items ...string) tftypes.Value {
		values := make([]tftypes.Value, len(items))
		for i, s := range items {
			values[i] = tftypes.NewValue(tftypes.String, s)
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, values)
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	num := func(n int64) tftypes.Value { return tftypes.NewValue(tftypes.Number, n) }
	cases := []struct {
		name   string
		url    string
		config map[string]tftypes.Value
		want   int // tokens
	}{
		{"every token, no output", fixturesURL, nil, 7},
		{"every token with outputs", fixturesURL, map[string]tftypes.Value{"include_output": tftypes.NewValue(tftypes.Bool, true)}, 7},
		{"no token", fixturesURL, map[string]tftypes.Value{"idempotency_key": str("none")}, 0},
		{"every filter set", fixturesURL, map[string]tftypes.Value{
			"statuses": list("COMPLETED", "TIMED_OUT"), "tags": list("approval", "deploy:prod"), "tags_match": str("all"),
			"created_period": str("1h"), "max_items": num(5), "page_size": num(2), "include_output": tftypes.NewValue(tftypes.Bool, false),
		}, 1},
		{"created bounds", fixturesURL, map[string]tftypes.Value{"created_from": str("2000-01-01T00:00:00Z"), "created_to": str("2100-01-01T00:00:00.5Z")}, 7},
		{"pages, has_more", seededURL, map[string]tftypes.Value{"max_items": num(230)}, 230},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			server := configuredServer(t, tc.url)
			req := &tfprotov6.ReadDataSourceRequest{TypeName: tokensTypeName, Config: tokensProtocolConfig(t, tc.config)}
			fast, ok := server.readTokensFast(context.Background(), req)
			if !ok {
				t.Fatal("the fast path declined a configured read")
			}
			framework, err := server.frameworkServer.ReadDataSource(context.Background(), req)
			if err != nil || len(fast.Diagnostics) > 0 || len(framework.Diagnostics) > 0 {
				t.Fatalf("diagnostics: fast %v, framework %v (%v)", fast.Diagnostics, framework.Diagnostics, err)
			}
			typ := tokensStateShape().typ
			got, err1 := fast.State.Unmarshal(typ)
			want, err2 := framework.State.Unmarshal(typ)
			if err1 != nil || err2 != nil {
				t.Fatalf("decoding: fast %v, framework %v", err1, err2)
			}
			if !got.Equal(want) {
				diffs, _ := want.Diff(got)
				t.Fatalf("the fast path's state differs from the framework's at %d places, first at %s", len(diffs), diffs[0].Path)
			}
			var state map[string]tftypes.Value
			var tokens []tftypes.Value
			if got.As(&state) != nil || state["tokens"].As(&tokens) != nil || len(tokens) != tc.want {
				t.Fatalf("%d tokens, want %d", len(tokens), tc.want)
			}
		})
	}
}

// TestReadTokensFast_declines: what the fast path leaves to the framework.
func TestReadTokensFast_declines(t *testing.T) {
	unconfigured, err := NewServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	req := &tfprotov6.ReadDataSourceRequest{TypeName: tokensTypeName, Config: tokensProtocolConfig(t, nil)}
	if _, ok := unconfigured.(*protocolServer).readTokensFast(context.Background(), req); ok {
		t.Error("the fast path read for an unconfigured provider")
	}
	resp, err := unconfigured.ReadDataSource(context.Background(), req)
	if err != nil || len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "Missing Trigger.dev API key" {
		t.Errorf("the framework's answer for an unconfigured provider: %v %v", resp.Diagnostics, err)
	}
	_, url := startMock(t, 3)
	unknown := map[string]tftypes.Value{"max_items": tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)}
	if _, ok := configuredServer(t, url).readTokensFast(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: tokensTypeName, Config: tokensProtocolConfig(t, unknown)}); ok {
		t.Error("the fast path read a configuration not wholly known")
	}
}

// TestStateShape_refusesUnknownAttributes: an attribute added to the schema
// that the fast path does not fill turns it off, rather than leave the
// attribute out of the state.
func TestStateShape_refusesUnknownAttributes(t *testing.T) {
	var resp datasource.SchemaResponse
	NewWaitpointTokensDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	if shape := newStateShape(context.Background(), resp.Schema); shape.err != nil {
		t.Fatalf("today's schema: %v", shape.err)
	}
	withAttribute := resp.Schema
	withAttribute.Attributes = maps.Clone(resp.Schema.Attributes)
	withAttribute.Attributes["next_cursor"] = schema.StringAttribute{Computed: true}
	withTokenAttribute := resp.Schema
	withTokenAttribute.Attributes = maps.Clone(resp.Schema.Attributes)
	elem := maps.Clone(tokenAttrTypes)
	elem["priority"] = types.Int64Type
	withTokenAttribute.Attributes["tokens"] = schema.ListAttribute{Computed: true, ElementType: types.ObjectType{AttrTypes: elem}}
	for name, s := range map[string]schema.Schema{"a computed attribute": withAttribute, "a token attribute": withTokenAttribute} {
		if shape := newStateShape(context.Background(), s); shape.err == nil {
			t.Errorf("with %s the fast path still runs", name)
		}
	}
}

// readBench is one ReadDataSource of the list data source over n seeded
// tokens from an in-process mock, by the fast path or the framework's.
func readBench(tb testing.TB, n int) (read func(framework bool) *tfprotov6.ReadDataSourceResponse) {
	tb.Helper()
	_, url := startMock(tb, n, unlimited)
	server := configuredServer(tb, url)
	req := &tfprotov6.ReadDataSourceRequest{TypeName: tokensTypeName,
		Config: tokensProtocolConfig(tb, map[string]tftypes.Value{"max_items": tftypes.NewValue(tftypes.Number, n)})}
	return func(framework bool) *tfprotov6.ReadDataSourceResponse {
		var resp *tfprotov6.ReadDataSourceResponse
		if framework {
			resp, _ = server.frameworkServer.ReadDataSource(context.Background(), req)
		} else {
			resp, _ = server.ReadDataSource(context.Background(), req)
		}
		if resp == nil || resp.State == nil || len(resp.Diagnostics) > 0 {
			tb.Fatalf("read failed: %v", resp)
		}
		return resp
	}
}

// BenchmarkReadDataSource_tokens10000 is a plan's whole read of 10,000 tokens
// in the provider: 100 list requests to the in-process mock (whose own work
// the allocations include), decoding, and the state's encoding.
func BenchmarkReadDataSource_tokens10000(b *testing.B) {
	for _, path := range []struct {
		name      string
		framework bool
	}{{"fast", false}, {"framework", true}} {
		b.Run(path.name, func(b *testing.B) {
			read := readBench(b, 10000)
			b.ReportAllocs()
			for b.Loop() {
				read(path.framework)
			}
		})
	}
}

// fastReadAllocsCeiling bounds the allocations of a 10,000-token read by the
// fast path, the mock's serving of 100 pages included: 0.89 million measured
// (go test -bench ReadDataSource_tokens10000), against 14.7 million by the
// framework's path.
const fastReadAllocsCeiling = 1_200_000

// TestReadTokensFast_allocations holds the fast path to its ceiling, and to
// allocating a fifth of the framework's path at most, so that a change which
// sends the read back through the framework fails here, not in a plan.
func TestReadTokensFast_allocations(t *testing.T) {
	if testing.Short() || raceEnabled() {
		t.Skip("allocation counts: not under -short or the race detector")
	}
	read := readBench(t, 10000)
	var tokens []tftypes.Value
	state, err := read(false).State.Unmarshal(tokensStateShape().typ)
	var values map[string]tftypes.Value
	if err != nil || state.As(&values) != nil || values["tokens"].As(&tokens) != nil || len(tokens) != 10000 {
		t.Fatalf("the read returned %d tokens (%v)", len(tokens), err)
	}
	if allocs := testing.AllocsPerRun(2, func() { read(false) }); allocs > fastReadAllocsCeiling || allocs < 10000 {
		t.Errorf("a 10,000-token fast read made %.0f allocations, ceiling %d", allocs, fastReadAllocsCeiling)
	}
	small := readBench(t, 1000)
	fast := testing.AllocsPerRun(2, func() { small(false) })
	framework := testing.AllocsPerRun(2, func() { small(true) })
	if framework < 5*fast {
		t.Errorf("1,000 tokens: the fast path made %.0f allocations, the framework's %.0f: less than five times as many", fast, framework)
	}
}

// raceEnabled reports whether the test binary was built with -race, which
// changes what allocations cost and count.
func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	return ok && slices.ContainsFunc(info.Settings, func(s debug.BuildSetting) bool { return s.Key == "-race" && s.Value == "true" })
}
