package mockapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestRoutes_otherMethods: each route's answer to the methods it does not serve.
func TestRoutes_otherMethods(t *testing.T) {
	cases := []struct {
		name, method, target string
		status               int
		allow, body          string // body: "" means empty
	}{
		{"create route PUT", http.MethodPut, "/api/v1/waitpoints/tokens", 405, "POST", `{"error":"Method not allowed"}`},
		{"create route DELETE", http.MethodDelete, "/api/v1/waitpoints/tokens", 405, "POST", `{"error":"Method not allowed"}`},
		{"complete GET", http.MethodGet, "/api/v1/waitpoints/tokens/{id}/complete", 405, "", ""},
		{"retrieve POST", http.MethodPost, "/api/v1/waitpoints/tokens/{id}", 405, "", `{"message":"Unexpected Server Error"}`},
		{"callback GET", http.MethodGet, "{callback}", 400, "", `{"message":"Unexpected Server Error"}`},
		{"callback PATCH", http.MethodPatch, "{callback}", 405, "POST", `{"error":"Method not allowed"}`},
		{"callback DELETE", http.MethodDelete, "{callback}", 405, "POST", `{"error":"Method not allowed"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 0)
			tok := f.mock.CreateToken(mockapi.TokenSpec{})
			target := strings.NewReplacer("{callback}", f.mock.CallbackURL(f.url, tok.ID), "{id}", tok.ID).Replace(tc.target)
			r := f.call(tc.method, target, "", true)
			if r.status != tc.status || r.header.Get("Allow") != tc.allow || strings.TrimSpace(string(r.raw)) != tc.body {
				t.Fatalf("got %d Allow %q %s", r.status, r.header.Get("Allow"), r.raw)
			}
			if got, _ := f.mock.Token(tok.ID); got.Status != "WAITING" {
				t.Fatal("the token changed")
			}
		})
	}
}

// TestRoutes_noRoute: a path no API route serves is the dashboard's HTML 404
// page, as on the service, whatever its method.
func TestRoutes_noRoute(t *testing.T) {
	f := newFixture(t, 0)
	for _, target := range []string{"/api/v1/tasks//trigger", "/api/v2/runs/run_x/stop", "/api/v1/waitpoints/tokens/waitpoint_x/y", "/api/v9/nothing"} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			r := f.call(method, target, "", true)
			if r.status != http.StatusNotFound || r.header.Get("Content-Type") != "text/html; charset=utf-8" || !strings.HasPrefix(string(r.raw), "<!DOCTYPE html>") {
				t.Errorf("%s %s: %d %s %s", method, target, r.status, r.header.Get("Content-Type"), r.raw)
			}
		}
	}
}

// TestPackets_anySafePath: the packets route presigns any safe path, stored
// or not (storage then answers 404), a storage protocol prefix stripped, and
// refuses unsafe ones.
func TestPackets_anySafePath(t *testing.T) {
	f := newFixture(t, 0)
	for _, path := range []string{"waitpoint_none/token.json", "s3://waitpoint_none/token.json", "a b/c%25d.txt"} {
		packet := f.get("/api/v1/packets/" + url.PathEscape(path))
		presigned, _ := packet.body["presignedUrl"].(string)
		if packet.status != http.StatusOK || presigned == "" {
			t.Fatalf("%s: %d %s", path, packet.status, packet.raw)
		}
		if r := f.call(http.MethodGet, presigned, "", false); r.status != http.StatusNotFound {
			t.Fatalf("%s: storage answered %d for an object never stored", path, r.status)
		}
	}
	for _, path := range []string{"../x", "a//b", "a/./b", "/abs", `a\b`, "a/%2E%2E/b", "a/%2Fb"} {
		if r := f.get("/api/v1/packets/" + url.PathEscape(path)); r.status != http.StatusBadRequest || r.body["error"] != "Invalid packet storage path" {
			t.Errorf("%s: %d %s", path, r.status, r.raw)
		}
	}
}

// TestCallbackHash: the hash is the 64-hex-digit HMAC-SHA256 of the internal
// id keyed by the secret key; upper-case hex works; 64 characters that are
// not hex make the service's comparison throw (500).
func TestCallbackHash(t *testing.T) {
	f := newFixture(t, 0)
	tok := f.mock.CreateToken(mockapi.TokenSpec{})
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(strings.TrimPrefix(tok.ID, "waitpoint_")))
	want := hex.EncodeToString(mac.Sum(nil))
	callback := f.mock.CallbackURL(f.url, tok.ID)
	if !strings.HasSuffix(callback, "/callback/"+want) {
		t.Fatalf("callback url %s, want the hash %s", callback, want)
	}
	base := strings.TrimSuffix(callback, want)
	if r := f.call(http.MethodPost, base+strings.Repeat("z", 64), `{}`, false); r.status != http.StatusInternalServerError {
		t.Fatalf("a non-hex hash: %d %s", r.status, r.raw)
	}
	if r := f.call(http.MethodPost, base+strings.ToUpper(want), `{"ok":1}`, false); r.status != http.StatusOK {
		t.Fatalf("the upper-case hash: %d %s", r.status, r.raw)
	}
	if got, _ := f.mock.Token(tok.ID); got.Status != "COMPLETED" {
		t.Fatalf("after the callback: %+v", got)
	}
}

// TestAuth_edges: the bare key (no scheme) is accepted; the no-header answer
// is exactly the rate limiter's body, with no rate-limit headers; the packets
// route (not rate-limited) answers a missing header itself.
func TestAuth_edges(t *testing.T) {
	f := newFixture(t, 1)
	req, _ := http.NewRequest(http.MethodGet, f.url+"/api/v1/waitpoints/tokens", nil)
	for _, header := range []string{key, "Bearer  " + key + " "} { // bare, and trimmed
		req.Header.Set("Authorization", header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("Authorization %q: %d", strings.Replace(header, key, "KEY", 1), resp.StatusCode)
		}
	}

	r := f.call(http.MethodGet, "/api/v1/waitpoints/tokens", "", false)
	want := `{"title":"Unauthorized","status":401,"type":"https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/401","detail":"No authorization header provided","error":"No authorization header provided"}`
	if r.status != http.StatusUnauthorized || compact(t, r.raw) != want || r.header.Get("x-ratelimit-limit") != "" || r.header.Get("x-ratelimit-remaining") != "" {
		t.Fatalf("no header: %d %v %s", r.status, r.header, r.raw)
	}
	if r := f.call(http.MethodGet, "/api/v1/packets/waitpoint_a%2Ftoken.json", "", false); r.status != http.StatusUnauthorized || r.body["error"] != "Invalid or Missing API key" {
		t.Fatalf("packets without a header: %d %s", r.status, r.raw)
	}
}

// TestRateLimit_fractionalReset: secondsUntilReset is fractional, and the
// detail says it as JavaScript prints it.
func TestRateLimit_fractionalReset(t *testing.T) {
	f := newFixture(t, 1, func(o *mockapi.Options) {
		o.RateLimit = &mockapi.RateLimit{Burst: 1, Refill: 1, Period: 10 * time.Second}
	})
	f.get("/api/v1/waitpoints/tokens")
	f.now = f.now.Add(2500 * time.Millisecond)
	r := f.get("/api/v1/waitpoints/tokens")
	detail := "Rate limit exceeded 0/1 requests remaining. Retry in 7.5 seconds."
	if r.status != http.StatusTooManyRequests || r.body["secondsUntilReset"] != 7.5 || r.body["detail"] != detail || r.body["error"] != detail {
		t.Fatalf("got %d %s", r.status, r.raw)
	}
}

// TestPagination_backwardShortPage: a page read with page[before] that is
// shorter than the page size has no next; a full one has.
func TestPagination_backwardShortPage(t *testing.T) {
	f := newFixture(t, 10)
	_, second := f.list(t, "page[size]=3&page[after]="+url.QueryEscape(firstNext(t, f)))
	short, pagination := f.list(t, "page[size]=5&page[before]="+url.QueryEscape(second["previous"].(string)))
	if _, ok := pagination["next"]; len(short) != 3 || ok {
		t.Fatalf("a short backward page: %d items, pagination %v", len(short), pagination)
	}
	full, pagination := f.list(t, "page[size]=2&page[before]="+url.QueryEscape(second["previous"].(string)))
	if len(full) != 2 || pagination["next"] == nil {
		t.Fatalf("a full backward page: %d items, pagination %v", len(full), pagination)
	}
}

func firstNext(t *testing.T, f *fixture) string {
	t.Helper()
	_, pagination := f.list(t, "page[size]=3")
	return pagination["next"].(string)
}

// TestListFilters_statusList: a repeated status counts once, so it tells
// COMPLETED from TIMED_OUT as a single status does; nothing is trimmed.
func TestListFilters_statusList(t *testing.T) {
	f := newFixture(t, 40)
	items, _ := f.list(t, "filter[status]=COMPLETED,COMPLETED&page[size]=100")
	if len(items) == 0 {
		t.Fatal("no COMPLETED tokens")
	}
	for _, item := range items {
		if item["status"] != "COMPLETED" {
			t.Fatalf("COMPLETED,COMPLETED listed a %v token", item["status"])
		}
	}
	for query, message := range map[string]string{"filter[status]=WAITING,": "Invalid status values: ", "filter[status]=WAITING,%20COMPLETED": "Invalid status values:  COMPLETED"} {
		r := f.get("/api/v1/waitpoints/tokens?" + query)
		details, _ := r.body["details"].([]any)
		if r.status != http.StatusBadRequest || len(details) != 1 || details[0].(map[string]any)["message"] != message {
			t.Fatalf("%s: %d %s", query, r.status, r.raw)
		}
	}
}

// TestRoutes_trailingSlash: a path ending in a slash is redirected to the
// path without it, query kept, before the rate limiter and authentication,
// as the service's web server does.
func TestRoutes_trailingSlash(t *testing.T) {
	f := newFixture(t, 1)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]string{
		"/api/v1/waitpoints/tokens/?page[size]=1": "/api/v1/waitpoints/tokens?page[size]=1",
		"/api/v1/waitpoints/tokens/waitpoint_x/":  "/api/v1/waitpoints/tokens/waitpoint_x",
		"/api//v1/waitpoints//tokens//":           "/api/v1/waitpoints/tokens/", // one slash taken, then runs made one
	} {
		res, err := client.Post(f.url+path, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != want || res.Header.Get("x-ratelimit-limit") != "" {
			t.Errorf("%s: %d Location %q, want 301 to %q without rate-limit headers", path, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
}
