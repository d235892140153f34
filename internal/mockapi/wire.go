package mockapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// listItemJSON is a list item as the service sends it: absent values omitted, no
// output fields, and the idempotency key only when the user gave one.
type listItemJSON struct {
	ID                      string   `json:"id"`
	URL                     string   `json:"url"`
	Status                  string   `json:"status"`
	IdempotencyKey          string   `json:"idempotencyKey,omitempty"`
	IdempotencyKeyExpiresAt string   `json:"idempotencyKeyExpiresAt,omitempty"`
	TimeoutAt               string   `json:"timeoutAt,omitempty"`
	CompletedAt             string   `json:"completedAt,omitempty"`
	CompletedAfter          string   `json:"completedAfter,omitempty"`
	Tags                    []string `json:"tags"`
	CreatedAt               string   `json:"createdAt"`
}

// retrieveJSON is the retrieve answer, with the service's extra keys.
type retrieveJSON struct {
	listItemJSON
	IdempotencyKey             string  `json:"idempotencyKey"` // always, even "" (shadows the list item's)
	Type                       string  `json:"type"`
	UserProvidedIdempotencyKey bool    `json:"userProvidedIdempotencyKey"`
	InactiveIdempotencyKey     string  `json:"inactiveIdempotencyKey,omitempty"`
	Output                     *string `json:"output,omitempty"`
	OutputType                 string  `json:"outputType"`
	OutputIsError              bool    `json:"outputIsError"`
}

// listItemJSON is the token as a list item: tags sorted as the service sorts
// them, and the user's key (the expired one if any) only when they gave one.
func (r *record) listItemJSON(baseURL, hash string) listItemJSON {
	item := r.itemJSON(baseURL, hash)
	item.Tags = slices.Clone(r.Tags)
	slices.SortFunc(item.Tags, localeCompare)
	if r.createdKey {
		item.IdempotencyKey = r.listKey()
	}
	return item
}

// itemJSON holds what list items and retrieve share, tags in stored order.
func (r *record) itemJSON(baseURL, hash string) listItemJSON {
	return listItemJSON{
		ID:                      r.ID,
		URL:                     baseURL + tokensPath + "/" + r.ID + "/callback/" + hash,
		Status:                  r.Status,
		IdempotencyKeyExpiresAt: formatTimePtr(r.IdempotencyKeyExpiresAt),
		TimeoutAt:               formatTimePtr(r.TimeoutAt),
		CompletedAt:             formatTimePtr(r.CompletedAt),
		CompletedAfter:          formatTimePtr(r.TimeoutAt),
		Tags:                    r.Tags,
		CreatedAt:               formatTime(r.CreatedAt),
	}
}

// retrieveJSON is the retrieve answer: tags in stored order, and always a key,
// made up by the service when the user gave none (or "", the literal key "").
func (r *record) retrieveJSON(baseURL, hash string) retrieveJSON {
	out := retrieveJSON{
		listItemJSON:               r.itemJSON(baseURL, hash),
		Type:                       "MANUAL",
		UserProvidedIdempotencyKey: r.createdKey,
		InactiveIdempotencyKey:     r.inactiveKey,
		Output:                     r.Output,
		OutputType:                 r.OutputType,
		OutputIsError:              r.OutputIsError,
	}
	out.IdempotencyKey = r.IdempotencyKey
	if !r.createdKey {
		out.IdempotencyKey = r.generated
	}
	return out
}

// tagCollator orders tags as JavaScript's localeCompare does in the service's
// en-US locale (ICU's collation; the same order as Node's sort on every tag
// tried, accents, case, punctuation and ligatures included). A Collator is
// not safe for concurrent use.
var tagCollator = struct {
	sync.Mutex
	*collate.Collator
}{Collator: collate.New(language.AmericanEnglish)}

func localeCompare(a, b string) int {
	tagCollator.Lock()
	defer tagCollator.Unlock()
	return tagCollator.CompareString(a, b)
}

func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func formatTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatTime(*t)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"error": message})
}

func baseURLOf(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
