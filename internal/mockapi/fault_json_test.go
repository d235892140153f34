package mockapi_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestParseFault: each field of Fault has its JSON form, and a fault that
// is malformed or does nothing is refused with the field named.
func TestParseFault(t *testing.T) {
	valid := []struct {
		in   string
		want mockapi.Fault
	}{
		{`{"status":502,"count":2}`, mockapi.Fault{Status: 502, Count: 2}},
		{`{"latency":"1.5s"}`, mockapi.Fault{Latency: 1500 * time.Millisecond}},
		{`{"rateLimitReset":"10s"}`, mockapi.Fault{RateLimitReset: 10 * time.Second}},
		{`{"status":503,"header":{"x-should-retry":"false"}}`, mockapi.Fault{Status: 503, Header: http.Header{"X-Should-Retry": {"false"}}}},
		{`{"body":"<html>","contentType":"text/html","status":502}`, mockapi.Fault{Body: "<html>", ContentType: "text/html", Status: 502}},
		{`{"truncate":true}`, mockapi.Fault{Truncate: true}},
		{`{"reset":true,"afterWork":true}`, mockapi.Fault{Reset: true, AfterWork: true}},
		{`{"status":502,"afterWork":true}`, mockapi.Fault{Status: 502, AfterWork: true}},
	}
	for _, c := range valid {
		got, err := mockapi.ParseFault([]byte(c.in))
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	invalid := []struct{ in, want string }{
		{`{"stauts":502}`, `unknown field "stauts"`},
		{`[{"status":502}]`, "a fault is a JSON object"},
		{`{"status":502}{"status":503}`, "one JSON object"},
		{`{}`, "the fault does nothing"},
		{`{"count":-1,"status":500}`, "count must be 1 or more"},
		{`{"status":99}`, "status must be an HTTP status from 200 to 599, got 99"},
		{`{"latency":"soon"}`, `latency must be a positive Go duration such as "2s", got "soon"`},
		{`{"rateLimitReset":"-1s"}`, `rateLimitReset must be a positive Go duration`},
		{`{"contentType":"text/html","status":502}`, "contentType needs a body"},
		{`{"afterWork":true,"latency":"1s"}`, "afterWork needs an answer"},
	}
	for _, c := range invalid {
		if _, err := mockapi.ParseFault([]byte(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.in, err, c.want)
		}
	}
}
