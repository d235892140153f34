package mockapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestCreate_timeoutValues: a past date is no timeout; null, a number or a
// boolean is taken as a date (epoch 0, epoch ms), so the token times out at
// once; durations take the service's units in any order.
func TestCreate_timeoutValues(t *testing.T) {
	cases := []struct {
		name, timeout string
		status        string
		timeoutAt     string // "": none
	}{
		{"a past RFC 3339 date", `"2026-01-05T09:59:59.000Z"`, "WAITING", ""},
		{"now", `"2026-01-05T10:00:00.000Z"`, "WAITING", ""},
		{"null", `null`, "TIMED_OUT", "1970-01-01T00:00:00.000Z"},
		{"epoch ms", `1767600000000.9`, "TIMED_OUT", "2026-01-05T08:00:00.000Z"},
		{"true", `true`, "TIMED_OUT", "1970-01-01T00:00:00.001Z"},
		{"hr and any order", `"30m1hr"`, "WAITING", "2026-01-05T11:30:00.000Z"},
		{"an empty string", `""`, "WAITING", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 0)
			r := f.call(http.MethodPost, createPath, `{"timeout":`+tc.timeout+`}`, true)
			if r.status != http.StatusOK {
				t.Fatalf("create: %d %s", r.status, r.raw)
			}
			got := f.get(createPath + "/" + r.body["id"].(string)).body
			if got["status"] != tc.status || str(got["timeoutAt"]) != tc.timeoutAt {
				t.Fatalf("status %v timeoutAt %v, want %s %q", got["status"], got["timeoutAt"], tc.status, tc.timeoutAt)
			}
			if tc.status == "TIMED_OUT" && !strings.Contains(str(got["output"]), "Waitpoint timed out at "+tc.timeoutAt) {
				t.Fatalf("output %v", got["output"])
			}
		})
	}
}

// TestCreate_wrongTypes: null (or another type) for any field but timeout is
// a 400 naming the field, in zod's words as the service's schema gives them
// (checked by running that schema under its zod): a timeout or tags of the
// wrong type fails both forms each takes, and zod lists both.
func TestCreate_wrongTypes(t *testing.T) {
	long := strings.Repeat("t", 129)
	for body, want := range map[string]string{
		`{"idempotencyKey":null}`:     `Validation error: Expected string, received null at "idempotencyKey"`,
		`{"idempotencyKeyTTL":null}`:  `Validation error: Expected string, received null at "idempotencyKeyTTL"`,
		`{"tags":null}`:               `Validation error: Expected string, received null at "tags", or Expected array, received null at "tags"`,
		`{"tags":[1]}`:                `Validation error: Expected string, received array at "tags", or Expected string, received number at "tags[0]"`,
		`{"tags":["` + long + `",5]}`: `Validation error: Expected string, received array at "tags", or Tags must be less than 128 characters at "tags[0]"; Expected string, received number at "tags[1]"`,
		`{"tags":["` + long + `"]}`:   `Validation error: Tags must be less than 128 characters at "tags[0]"`,
		`{"tags":"` + long + `"}`:     `Validation error: Tags must be less than 128 characters at "tags"`,
		`{"timeout":{}}`:              `Validation error: Expected string, received object at "timeout", or Invalid date at "timeout"`,
		`{"timeout":1e300}`:           `Validation error: Expected string, received number at "timeout", or Invalid date at "timeout"`,
		`{"idempotencyKey":5,"tags":5}`: `Validation error: Expected string, received number at "idempotencyKey"; ` +
			`Expected string, received number at "tags", or Expected array, received number at "tags"`,
		`null`: `Invalid JSON`,
		`[]`:   `Validation error: Expected object, received array`,
	} {
		t.Run(body, func(t *testing.T) {
			f := newFixture(t, 0)
			r := f.call(http.MethodPost, createPath, body, true)
			if r.status != http.StatusBadRequest || str(r.body["error"]) != want {
				t.Fatalf("got %d %s, want 400 %q", r.status, r.raw, want)
			}
			if len(f.mock.Tokens()) != 0 {
				t.Fatal("a refused create made a token")
			}
		})
	}
}

// TestCreate_tagsAsGiven: tags are stored exactly as given, duplicates and
// blanks included, listed sorted; 128 is counted in UTF-16 code units.
func TestCreate_tagsAsGiven(t *testing.T) {
	f := newFixture(t, 0)
	given := []string{"b", "a", "b", "", " ", strings.Repeat("é", 128), strings.Repeat("😀", 64)}
	raw, _ := json.Marshal(map[string]any{"tags": given})
	r := f.call(http.MethodPost, createPath, string(raw), true)
	if r.status != http.StatusOK {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	id := r.body["id"].(string)
	if got := f.get(createPath + "/" + id).body["tags"]; fmt.Sprint(got) != fmt.Sprint(given) {
		t.Fatalf("retrieve tags %q, want %q", got, given)
	}
	items, _ := f.list(t, "")
	want := []string{"", " ", "😀😀", "a", "b", "b", "éé"}
	var got []string
	for _, tag := range items[0]["tags"].([]any) {
		s := tag.(string)
		got = append(got, s[:min(len(s), len(want[len(got)]))])
	}
	if !slices.Equal(got, want) {
		t.Fatalf("list tags (prefixes) %q, want %q", got, want)
	}
	if r := f.call(http.MethodPost, createPath, `{"tags":"`+strings.Repeat("😀", 65)+`"}`, true); r.status != http.StatusBadRequest {
		t.Fatalf("a tag of 130 UTF-16 code units: %d", r.status)
	}
}

// TestCreate_ttlWithoutKey: a TTL without a key still sets
// idempotencyKeyExpiresAt (retrieve and list), with no user key: retrieve
// shows the key the service generates, 24 characters of [A-Za-z0-9_-].
var generatedKey = regexp.MustCompile(`^[A-Za-z0-9_-]{24}$`)

func TestCreate_ttlWithoutKey(t *testing.T) {
	f := newFixture(t, 0)
	id := f.call(http.MethodPost, createPath, `{"idempotencyKeyTTL":"1h"}`, true).body["id"].(string)
	got := f.get(createPath + "/" + id).body
	if got["idempotencyKeyExpiresAt"] != "2026-01-05T11:00:00.000Z" || got["userProvidedIdempotencyKey"] != false || !generatedKey.MatchString(str(got["idempotencyKey"])) {
		t.Fatalf("retrieve: %v", got)
	}
	items, _ := f.list(t, "")
	if _, hasKey := items[0]["idempotencyKey"]; hasKey || items[0]["idempotencyKeyExpiresAt"] != "2026-01-05T11:00:00.000Z" {
		t.Fatalf("list item: %v", items[0])
	}
}

// TestCreate_emptyKey: idempotencyKey "" is one shared literal key: every such
// create answers the same token, not marked cached.
func TestCreate_emptyKey(t *testing.T) {
	f := newFixture(t, 0)
	first := f.call(http.MethodPost, createPath, `{"idempotencyKey":"","tags":["a"]}`, true).body
	second := f.call(http.MethodPost, createPath, `{"idempotencyKey":"","tags":["b"]}`, true).body
	if first["id"] != second["id"] || first["isCached"] != false || second["isCached"] != false {
		t.Fatalf("two creates with the key \"\": %v then %v", first, second)
	}
	got := f.get(createPath + "/" + first["id"].(string)).body
	if key, ok := got["idempotencyKey"]; !ok || key != "" || got["userProvidedIdempotencyKey"] != false || fmt.Sprint(got["tags"]) != "[a]" {
		t.Fatalf("retrieve: %v", got)
	}
	if other := f.call(http.MethodPost, createPath, `{}`, true).body; other["id"] == first["id"] {
		t.Fatal("a create without a key got the \"\" key's token")
	}
}

// TestCreate_publicToken: a create answers x-trigger-jwt, an HS256 JWT signed
// with the secret key, scoped to completing the new token for 24 h, and
// x-trigger-jwt-claims.
func TestCreate_publicToken(t *testing.T) {
	f := newFixture(t, 0)
	r := f.call(http.MethodPost, createPath, `{}`, true)
	parts := strings.Split(r.header.Get("x-trigger-jwt"), ".")
	if len(parts) != 3 {
		t.Fatalf("x-trigger-jwt %q is not a JWT", r.header.Get("x-trigger-jwt"))
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if base64.RawURLEncoding.EncodeToString(mac.Sum(nil)) != parts[2] {
		t.Fatal("the JWT's signature is not HS256 with the secret key")
	}
	var header, payload, claims map[string]any
	for part, dst := range map[string]*map[string]any{parts[0]: &header, parts[1]: &payload} {
		raw, _ := base64.RawURLEncoding.DecodeString(part)
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatal(err)
		}
	}
	if err := json.Unmarshal([]byte(r.header.Get("x-trigger-jwt-claims")), &claims); err != nil {
		t.Fatal(err)
	}
	scopes := fmt.Sprint(payload["scopes"])
	switch {
	case header["alg"] != "HS256":
		t.Fatalf("header %v", header)
	case scopes != "[write:waitpoints:"+r.body["id"].(string)+"]" || payload["pub"] != true:
		t.Fatalf("payload %v", payload)
	case payload["exp"].(float64)-payload["iat"].(float64) != 24*3600 || payload["iat"] != float64(f.now.Unix()):
		t.Fatalf("payload times %v %v", payload["iat"], payload["exp"])
	case claims["sub"] != payload["sub"] || claims["pub"] != true || len(claims) != 2:
		t.Fatalf("claims %v, payload %v", claims, payload)
	}
}

// TestComplete_publicToken: complete takes the public token a create answered
// with, for that token only (403 for another), and no other route takes it.
func TestComplete_publicToken(t *testing.T) {
	f := newFixture(t, 0)
	first := f.call(http.MethodPost, createPath, `{}`, true)
	second := f.call(http.MethodPost, createPath, `{}`, true)
	jwt := first.header.Get("x-trigger-jwt")
	send := func(method, path, body string) response {
		req, err := http.NewRequest(method, f.url+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		bearer := jwt
		if strings.HasSuffix(path, "?tamper") {
			bearer += "x" // the signature no longer matches
		}
		req.Header.Set("Authorization", "Bearer "+bearer)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = res.Body.Close() }()
		raw, _ := io.ReadAll(res.Body)
		out := response{status: res.StatusCode, raw: raw}
		_ = json.Unmarshal(raw, &out.body)
		return out
	}
	cases := []struct {
		name, method, path string
		status             int
		error              string
	}{
		{"another token", http.MethodPost, createPath + "/" + str(second.body["id"]) + "/complete", http.StatusForbidden, "Unauthorized"},
		{"its token", http.MethodPost, createPath + "/" + str(first.body["id"]) + "/complete", http.StatusOK, ""},
		{"retrieve", http.MethodGet, createPath + "/" + str(first.body["id"]), http.StatusUnauthorized, "Invalid API key"},
		{"tampered", http.MethodPost, createPath + "/" + str(first.body["id"]) + "/complete?tamper", http.StatusUnauthorized, "Public Access Token is invalid"},
		{"list", http.MethodGet, createPath, http.StatusUnauthorized, "Invalid API key"},
	}
	for _, tc := range cases {
		r := send(tc.method, tc.path, `{"data":1}`)
		if r.status != tc.status || tc.error != "" && r.body["error"] != tc.error {
			t.Errorf("%s: got %d %s, want %d %q", tc.name, r.status, r.raw, tc.status, tc.error)
		}
	}
	if tok, _ := f.mock.Token(str(first.body["id"])); tok.Status != "COMPLETED" {
		t.Errorf("the token is %s after its public token completed it", tok.Status)
	}
}

// TestComplete_publicTokenRateLimit: a public token's requests are limited
// on their own, to 60 a minute, as the service limits public tokens.
func TestComplete_publicTokenRateLimit(t *testing.T) {
	f := newFixture(t, 0)
	created := f.call(http.MethodPost, createPath, `{}`, true)
	req, _ := http.NewRequest(http.MethodPost, f.url+createPath+"/"+str(created.body["id"])+"/complete", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+created.header.Get("x-trigger-jwt"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("x-ratelimit-limit") != "60" || res.Header.Get("x-ratelimit-remaining") != "59" {
		t.Fatalf("%d limit %s remaining %s, want 200 with 60 and 59", res.StatusCode, res.Header.Get("x-ratelimit-limit"), res.Header.Get("x-ratelimit-remaining"))
	}
	if r := f.get(createPath); r.header.Get("x-ratelimit-limit") != "750" || r.header.Get("x-ratelimit-remaining") != "748" {
		t.Fatalf("the secret key's bucket: limit %s remaining %s, want 750 and 748", r.header.Get("x-ratelimit-limit"), r.header.Get("x-ratelimit-remaining"))
	}
}
