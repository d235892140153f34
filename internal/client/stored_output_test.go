package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// TestGetToken_storedOutput: an application/store output is fetched through
// the packets endpoint and a presigned URL on another host, which never sees
// the API key and never appears in an error.
func TestGetToken_storedOutput(t *testing.T) {
	cases := []struct {
		name        string
		storage     http.HandlerFunc
		outputJSON  string // when the read succeeds
		errContains string // when it fails
	}{
		{"superjson", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/super+json; charset=utf-8")
			_, _ = w.Write([]byte(`{"json":{"approved":true},"meta":{}}`))
		}, `{"approved":true}`, ""},
		{"text", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte(`ship <it>`))
		}, `"ship <it>"`, ""},
		{"expired or forbidden", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "<Error><Code>AccessDenied</Code></Error>", http.StatusForbidden)
		}, "", "the presigned URL answered HTTP 403 (Forbidden): it may have expired"},
		{"over the cap", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(strings.Repeat("x", client.MaxStoredOutputBytes+1)))
		}, "", "larger than 3145728 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "" {
					t.Errorf("the storage host got an Authorization header")
				}
				tc.storage(w, r)
			}))
			defer storage.Close()
			presigned := storage.URL + "/bucket/waitpoint_a/token.json?X-Amz-Signature=secret-signature"
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.EscapedPath() {
				case "/api/v1/waitpoints/tokens/waitpoint_a":
					_, _ = w.Write([]byte(`{"id":"waitpoint_a","url":"u","status":"COMPLETED","tags":[],"createdAt":"2026-01-05T10:00:00.000Z","output":"waitpoint_a/token.json","outputType":"application/store","outputIsError":false}`))
				case "/api/v1/packets/waitpoint_a%2Ftoken.json": // the path as one escaped segment
					_, _ = w.Write([]byte(`{"presignedUrl":"` + presigned + `"}`))
				default:
					http.Error(w, `{"error":"Not found"}`, http.StatusNotFound)
				}
			}))
			defer api.Close()
			tok, err := newClient(t, api.URL, client.Config{}).GetToken(context.Background(), "waitpoint_a")
			if tc.errContains != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errContains) || strings.Contains(err.Error(), "secret-signature") {
					t.Fatalf("got %v, want an error with %q and without the presigned URL", err, tc.errContains)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := tok.OutputJSON()
			if err != nil || got == nil || *got != tc.outputJSON || *tok.Output != "waitpoint_a/token.json" || *tok.OutputType != client.OutputTypeStore {
				t.Fatalf("output_json %v (%v), output %q %q", got, err, *tok.Output, *tok.OutputType)
			}
		})
	}
}
