package client_test

import (
	"strings"
	"testing"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

func TestOutputJSON(t *testing.T) {
	ptr := func(s string) *string { return &s }
	cases := []struct {
		name, outputType string
		output           *string
		want             *string
		wantErr          bool
	}{
		{name: "superjson unwrapped", outputType: client.OutputTypeSuperJSON, output: ptr(`{"json":{"approved":true},"meta":{"values":{}}}`), want: ptr(`{"approved":true}`)},
		{name: "superjson without json member", outputType: client.OutputTypeSuperJSON, output: ptr(`{"meta":{}}`), want: ptr(`null`)},
		{name: "superjson malformed", outputType: client.OutputTypeSuperJSON, output: ptr(`{"json":`), wantErr: true},
		{name: "json as is", outputType: client.OutputTypeJSON, output: ptr(`{"build":7}`), want: ptr(`{"build":7}`)},
		{name: "json malformed", outputType: client.OutputTypeJSON, output: ptr(`{"build"`), wantErr: true},
		{name: "text as a JSON string", outputType: client.OutputTypeText, output: ptr(`approved "yes"`), want: ptr(`"approved \"yes\""`)},
		{name: "text keeps <, > and &", outputType: client.OutputTypeText, output: ptr("a<b & c>d\n"), want: ptr(`"a<b & c>d\n"`)},
		{name: "timed out", outputType: client.OutputTypeJSON, output: ptr(`{"code":"TRIGGER_WAITPOINT_TIMEOUT","message":"Waitpoint timed out at 2026-01-05T10:00:00.000Z"}`),
			want: ptr(`{"code":"TRIGGER_WAITPOINT_TIMEOUT","message":"Waitpoint timed out at 2026-01-05T10:00:00.000Z"}`)},
		{name: "superjson with null json", outputType: client.OutputTypeSuperJSON, output: ptr(`{"json":null}`), want: ptr(`null`)},
		{name: "superjson not an object", outputType: client.OutputTypeSuperJSON, output: ptr(`[1]`), wantErr: true},
		{name: "store is a path, not data", outputType: client.OutputTypeStore, output: ptr(`waitpoint_a/token.json`)},
		{name: "no output", outputType: client.OutputTypeJSON},
		{name: "no output type means json", output: ptr(`[1,2]`), want: ptr(`[1,2]`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok := client.Token{ID: "waitpoint_a", Output: tc.output}
			if tc.outputType != "" {
				tok.OutputType = &tc.outputType
			}
			got, err := tok.OutputJSON()
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error: %v", err, tc.wantErr)
			}
			if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
				t.Fatalf("got %v, want %v", deref(got), deref(tc.want))
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// BenchmarkOutputJSON normalises one output of each type to plain JSON: a
// decision object as the SDK stores it, JSON text, plain text, and a 600 KB
// superjson document (what a stored output holds once fetched).
func BenchmarkOutputJSON(b *testing.B) {
	large := `{"json":{"report":"` + strings.Repeat("r", 600<<10) + `"},"meta":{"values":{}}}`
	for _, tc := range []struct{ name, outputType, output string }{
		{"superjson", client.OutputTypeSuperJSON, `{"json":{"approved":true,"by":"alice","ticket":"OPS-1042"},"meta":{"values":{}}}`},
		{"json", client.OutputTypeJSON, `{"status":"deployed","build":142}`},
		{"text", client.OutputTypeText, "approved by alice <ops@example.com>"},
		{"superjson 600 KB", client.OutputTypeSuperJSON, large},
	} {
		b.Run(tc.name, func(b *testing.B) {
			tok := client.Token{ID: "waitpoint_a", Output: &tc.output, OutputType: &tc.outputType}
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.output)))
			for b.Loop() {
				if got, err := tok.OutputJSON(); err != nil || got == nil {
					b.Fatalf("%v %v", got, err)
				}
			}
		})
	}
}
