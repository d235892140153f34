package client

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzDecodeResponse: whatever the body, decoding never yields a token without
// an id and a status, nor a page without its data, and the error message
// extracted from a failure is never empty.
func FuzzDecodeResponse(f *testing.F) {
	for _, seed := range []string{
		`{"id":"waitpoint_a","status":"WAITING","tags":[],"createdAt":"2026-01-05T10:00:00.000Z"}`,
		`{"data":[{"id":"waitpoint_a","status":"COMPLETED","createdAt":"2026-01-05T10:00:00.123Z"}],"pagination":{"next":"c1"}}`,
		`{"error":"Invalid request","details":[{"path":["filter[status]",0],"message":"bad"}]}`,
		`{"title":"Rate Limit Exceeded","detail":"Retry later"}`,
		`<html>502</html>`, `{}`, `[]`, `null`, `{"data":null}`, `{"id":"x","status":null}`, `{"error":"","details":"x"}`,
	} {
		f.Add(500, []byte(seed))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		var tok Token
		if err := decodeBody(body, &tok); err == nil && (tok.ID == "" || tok.Status == "") {
			t.Fatalf("decoded a token without id or status from %q", body)
		}
		var page listPage[Token, *Token]
		if err := decodeBody(body, &page); err == nil {
			if page.Data == nil {
				t.Fatalf("decoded a page without data from %q", body)
			}
			for _, item := range page.Data {
				if item.ID == "" || item.Status == "" {
					t.Fatalf("decoded an item without id or status from %q", body)
				}
			}
		}
		var e struct {
			Error string `json:"error"`
		}
		msg := errorMessage(status, body)
		if msg == "" {
			t.Fatalf("empty message for %d %q", status, body)
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" && !strings.HasPrefix(msg, e.Error) {
			t.Fatalf("message %q does not start with the server's error %q", msg, e.Error)
		}
	})
}

// FuzzOutputJSON: the normalised output is always valid JSON, and a text
// output reads back as the text.
func FuzzOutputJSON(f *testing.F) {
	for _, seed := range [][2]string{
		{OutputTypeSuperJSON, `{"json":{"approved":true},"meta":{"values":{"at":["Date"]}}}`},
		{OutputTypeSuperJSON, `{"meta":{}}`},
		{OutputTypeJSON, `{"a":[1,2,{"b":null}]}`},
		{OutputTypeText, "approved <by> \"ops\" & co\n\x00\xff"},
		{OutputTypeStore, "packets/proj/run/token.json"},
		{"", `"plain"`},
		{"application/x-unknown", `{`},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, outputType, output string) {
		tok := Token{ID: "waitpoint_fuzz", Output: &output}
		if outputType != "" {
			tok.OutputType = &outputType
		}
		got, err := tok.OutputJSON()
		if err != nil || got == nil {
			if outputType == OutputTypeText && err != nil {
				t.Fatalf("text output %q refused: %v", output, err)
			}
			return
		}
		if !json.Valid([]byte(*got)) {
			t.Fatalf("%s output %q gave invalid JSON %q", outputType, output, *got)
		}
		if outputType == OutputTypeText && utf8.ValidString(output) {
			var back string
			if err := json.Unmarshal([]byte(*got), &back); err != nil || back != output {
				t.Fatalf("text %q came back as %q (%v)", output, back, err)
			}
		}
	})
}

// FuzzListQuery: the encoded query carries each filter as exactly the value
// given, under its own key, whatever characters the values hold: no value can
// add a parameter or end the query.
func FuzzListQuery(f *testing.F) {
	f.Add("COMPLETED", "team:a,b", "key&page[size]=1", "7d", 50)
	f.Add("WAITING", "x#y", "k?l=m", "1h30m", 0)
	f.Add("DONE", "", "%2F../", "", 101)
	f.Fuzz(func(t *testing.T, status, tags, key, period string, size int) {
		p := ListParams{IdempotencyKey: key, CreatedPeriod: period, PageSize: size}
		if status != "" {
			p.Statuses = []Status{Status(status)}
		}
		if tags != "" {
			p.Tags = strings.Split(tags, ",")
		}
		from := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
		p.CreatedFrom = &from
		q, err := p.query()
		if err != nil {
			if size >= 0 && size <= 100 && (status == "" || slices.Contains(Statuses, Status(status))) {
				t.Fatalf("refused valid params %+v: %v", p, err)
			}
			return
		}
		encoded := q.Encode()
		if strings.ContainsAny(encoded, "#? ") {
			t.Fatalf("unescaped separator in %q", encoded)
		}
		back, err := url.ParseQuery(encoded)
		if err != nil {
			t.Fatalf("query %q does not parse: %v", encoded, err)
		}
		want := url.Values{"filter[createdAt][from]": {"2026-01-05T10:00:00.000Z"}}
		set := func(k, v string) {
			if v != "" {
				want[k] = []string{v}
			}
		}
		set("filter[status]", status)
		set("filter[tags]", tags)
		set("filter[idempotencyKey]", key)
		set("filter[createdAt][period]", period)
		if size > 0 {
			want["page[size]"] = []string{q.Get("page[size]")}
		}
		if back.Encode() != want.Encode() {
			t.Fatalf("query %q reads back as %v, want %v", encoded, back, want)
		}
	})
}
