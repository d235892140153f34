package mockapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestCompletion_serialisation: outputs are what JSON.parse then
// superjson.stringify make of the body (each want taken from Node running
// the SDK's own superjson on the same input).
func TestCompletion_serialisation(t *testing.T) {
	cases := []struct {
		name, data, want string
	}{
		{"compact, duplicate keys collapsed to the last in the first's place", `{ "b" : [ 1 , 2.50 ] , "a":1e2, "a":true }`, `{"json":{"b":[1,2.5],"a":true}}`},
		{"array indices first, ascending", `{"b":1,"2":2,"a":3,"1":4,"b":5}`, `{"json":{"1":4,"2":2,"b":5,"a":3}}`},
		{"numbers as JavaScript prints them", `[1e21,1e-7,123456789012345678901234,0.000001,-0,5e-324]`,
			`{"json":[1e+21,1e-7,1.2345678901234569e+23,0.000001,"-0",5e-324],"meta":{"values":{"4":["number"]}}}`},
		{"a number", `1e2`, `{"json":100}`},
		{"-0 at the root", `-0`, `{"json":"-0","meta":{"values":["number"]}}`},
		{"beyond a double", `1e400`, `{"json":"Infinity","meta":{"values":["number"]}}`},
		{"meta paths with escaped dots", `{"x":{"y.z":[1,-1e400]},"2":-0}`,
			`{"json":{"2":"-0","x":{"y.z":[1,"-Infinity"]}},"meta":{"values":{"2":["number"],"x.y\\.z.1":["number"]}}}`},
		{"meta paths in each level's property order", `{"a":[{"b":-0},-0]}`,
			`{"json":{"a":[{"b":"-0"},"-0"]},"meta":{"values":{"a.1":["number"],"a.0.b":["number"]}}}`},
		{"escapes as JSON.stringify", `{"s":"\"\\\b\f\n\r\t\u0001\u001f\u2028<&>é"}`, `{"json":{"s":"\"\\\b\f\n\r\t\u0001\u001f` + "\u2028<&>é" + `"}}`},
		{"null", `null`, `{"json":null}`},
	}
	for _, tc := range cases {
		for _, route := range []string{"complete", "callback"} {
			t.Run(route+"/"+tc.name, func(t *testing.T) {
				f := newFixture(t, 0)
				tok := f.mock.CreateToken(mockapi.TokenSpec{})
				complete(t, f, route, tok.ID, tc.data)
				got, _ := f.mock.Token(tok.ID)
				if got.Output == nil || *got.Output != tc.want || got.OutputType != "application/super+json" {
					t.Fatalf("output %v (%s), want %s", deref(got.Output), got.OutputType, tc.want)
				}
			})
		}
	}
}

// TestCompletion_emptyString: a JSON "" as data stores no output (the service
// tests the serialised value's truthiness); a superjson key it takes for
// prototype pollution fails the completion with a 500.
func TestCompletion_emptyString(t *testing.T) {
	for _, route := range []string{"complete", "callback"} {
		t.Run(route, func(t *testing.T) {
			f := newFixture(t, 0)
			tok := f.mock.CreateToken(mockapi.TokenSpec{})
			complete(t, f, route, tok.ID, `""`)
			if got, _ := f.mock.Token(tok.ID); got.Status != "COMPLETED" || got.Output != nil || got.OutputType != "application/json" {
				t.Fatalf("after completing with \"\": %+v", got)
			}
			other := f.mock.CreateToken(mockapi.TokenSpec{})
			target, body := completionTarget(f, route, other.ID, `{"a":{"constructor":1}}`)
			if r := f.call(http.MethodPost, target, body, true); r.status != http.StatusInternalServerError {
				t.Fatalf("a constructor key: %d %s", r.status, r.raw)
			}
			if got, _ := f.mock.Token(other.ID); got.Status != "WAITING" {
				t.Fatalf("a failed completion changed the token: %+v", got)
			}
		})
	}
}

// TestCompletion_storeThreshold: offloading starts at 524,288 bytes of
// serialised output; the 3 MiB limit is on the request, so a stored object
// can be a little larger.
func TestCompletion_storeThreshold(t *testing.T) {
	cases := []struct {
		name, route, body string
		stored            bool
		storedLength      int
	}{
		{"one byte under", "complete", `{"data":"` + strings.Repeat("x", 524287) + `"}`, false, 0},
		{"exactly 524,288 bytes", "complete", `{"data":"` + strings.Repeat("x", 524288) + `"}`, true, 524288},
		{"a 3 MiB body", "callback", `{"r":"` + strings.Repeat("x", 3<<20-8) + `"}`, true, 3<<20 + 9},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 0)
			tok := f.mock.CreateToken(mockapi.TokenSpec{})
			target := f.mock.CallbackURL(f.url, tok.ID)
			if tc.route == "complete" {
				target = "/api/v1/waitpoints/tokens/" + tok.ID + "/complete"
			}
			if r := f.call(http.MethodPost, target, tc.body, true); r.status != http.StatusOK {
				t.Fatalf("%d %s", r.status, r.raw)
			}
			got := f.get("/api/v1/waitpoints/tokens/" + tok.ID).body
			if (got["outputType"] == "application/store") != tc.stored {
				t.Fatalf("outputType %v, stored should be %v", got["outputType"], tc.stored)
			}
			if tc.stored {
				packet := f.get("/api/v1/packets/" + strings.ReplaceAll(got["output"].(string), "/", "%2F"))
				data := f.call(http.MethodGet, packet.body["presignedUrl"].(string), "", false)
				if len(data.raw) != tc.storedLength {
					t.Fatalf("stored %d bytes, want %d", len(data.raw), tc.storedLength)
				}
			}
		})
	}
}

// TestComplete_bodyRefusals: the route builder's checks of a complete body.
func TestComplete_bodyRefusals(t *testing.T) {
	cases := []struct {
		name, body string
		chunked    bool
		status     int
		error      string
	}{
		{"no Content-Length", `{"data":1}`, true, http.StatusRequestEntityTooLarge, "Request body too large"},
		{"empty", ``, false, http.StatusBadRequest, "Request body is empty"},
		{"null", `null`, false, http.StatusBadRequest, "Invalid JSON"},
		{"false", `false`, false, http.StatusBadRequest, "Invalid JSON"},
		{"0", `0`, false, http.StatusBadRequest, "Invalid JSON"},
		{"an array", `[1]`, false, http.StatusBadRequest, "Validation error: Expected object, received array"},
		{"a string", `"x"`, false, http.StatusBadRequest, "Validation error: Expected object, received string"},
		{"a malformed id", `{"data":1}`, false, http.StatusInternalServerError, "Internal Server Error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 0)
			tok := f.mock.CreateToken(mockapi.TokenSpec{})
			target := "/api/v1/waitpoints/tokens/" + tok.ID + "/complete"
			if tc.status == http.StatusInternalServerError {
				target = "/api/v1/waitpoints/tokens/" + tok.ID + "_x/complete"
			}
			var r response
			if tc.chunked {
				r = f.send(http.MethodPost, target, io.MultiReader(strings.NewReader(tc.body)), true)
			} else {
				r = f.call(http.MethodPost, target, tc.body, true)
			}
			if r.status != tc.status || r.body["error"] != tc.error {
				t.Fatalf("got %d %s, want %d %q", r.status, r.raw, tc.status, tc.error)
			}
		})
	}
}

// completionTarget is where route ("complete" or "callback") completes id
// with data, and the body to send.
func completionTarget(f *fixture, route, id, data string) (string, string) {
	if route == "complete" {
		return "/api/v1/waitpoints/tokens/" + id + "/complete", `{"data":` + data + `}`
	}
	return f.mock.CallbackURL(f.url, id), data
}

func complete(t *testing.T, f *fixture, route, id, data string) {
	t.Helper()
	target, body := completionTarget(f, route, id, data)
	if r := f.call(http.MethodPost, target, body, true); r.status != http.StatusOK || r.body["success"] != true {
		t.Fatalf("%s: %d %s", route, r.status, r.raw)
	}
}

func deref(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}
