package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// grownNumbers is what the service stores for the callback body [1e20,1e20,…]
// of at most 3 MiB: each 4-byte number written out in 21 digits.
var grownNumbers = "[" + strings.Repeat("100000000000000000000,", (3<<20-2)/5-1) + "100000000000000000000]"

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
		{"at the cap", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte(strings.Repeat("x", client.MaxStoredOutputBytes)))
		}, `"` + strings.Repeat("x", client.MaxStoredOutputBytes) + `"`, ""},
		{"numbers as the service writes them", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/super+json")
			_, _ = w.Write([]byte(`{"json":` + grownNumbers + `}`))
		}, grownNumbers, ""},
		{"over the cap", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(strings.Repeat("x", client.MaxStoredOutputBytes+1)))
		}, "", fmt.Sprintf("larger than %d bytes, the most the service stores from a payload of 3145728 bytes", client.MaxStoredOutputBytes)},
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

// TestGetToken_largestCallbackBody: a callback body of exactly 3 MiB, the most
// the service accepts, is stored a few bytes larger, offloaded to object
// storage, and reads back whole.
func TestGetToken_largestCallbackBody(t *testing.T) {
	mock, c, url := newMock(t, 0, client.Config{})
	id := mock.CreateToken(mockapi.TokenSpec{}).ID
	const prefix, suffix = `{"report":"`, `"}`
	body := prefix + strings.Repeat("x", 3<<20-len(prefix)-len(suffix)) + suffix
	resp, err := http.Post(mock.CallbackURL(url, id), "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the callback answered HTTP %d to a body of %d bytes", resp.StatusCode, len(body))
	}
	tok, err := c.GetToken(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if tok.OutputType == nil || *tok.OutputType != client.OutputTypeStore {
		t.Fatalf("output type %v, want %s: the test must go through object storage", tok.OutputType, client.OutputTypeStore)
	}
	got, err := tok.OutputJSON()
	if err != nil || got == nil || *got != body {
		t.Fatalf("output_json of %d bytes (%v), want the %d-byte body", len(deref(got)), err, len(body))
	}
}
