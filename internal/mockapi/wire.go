package mockapi

import (
	"encoding/json"
	"net/http"
	"time"
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
	Tags                    []string `json:"tags"`
	CreatedAt               string   `json:"createdAt"`
}

// retrieveJSON is the retrieve answer, with the service's extra keys.
type retrieveJSON struct {
	listItemJSON
	Type                       string  `json:"type"`
	UserProvidedIdempotencyKey bool    `json:"userProvidedIdempotencyKey"`
	CompletedAfter             string  `json:"completedAfter,omitempty"`
	Output                     *string `json:"output,omitempty"`
	OutputType                 string  `json:"outputType"`
	OutputIsError              bool    `json:"outputIsError"`
}

func (r *record) listItemJSON(baseURL, hash string) listItemJSON {
	item := listItemJSON{
		ID:          r.ID,
		URL:         baseURL + tokensPath + "/" + r.ID + "/callback/" + hash,
		Status:      r.Status,
		TimeoutAt:   formatTimePtr(r.TimeoutAt),
		CompletedAt: formatTimePtr(r.CompletedAt),
		Tags:        r.Tags,
		CreatedAt:   formatTime(r.CreatedAt),
	}
	if r.createdKey {
		item.IdempotencyKey = r.IdempotencyKey
		item.IdempotencyKeyExpiresAt = formatTimePtr(r.IdempotencyKeyExpiresAt)
	}
	return item
}

func (r *record) retrieveJSON(baseURL, hash string) retrieveJSON {
	out := retrieveJSON{
		listItemJSON:               r.listItemJSON(baseURL, hash),
		Type:                       "MANUAL",
		UserProvidedIdempotencyKey: r.createdKey,
		CompletedAfter:             formatTimePtr(r.TimeoutAt),
		Output:                     r.Output,
		OutputType:                 r.OutputType,
		OutputIsError:              r.OutputIsError,
	}
	if !r.createdKey { // retrieve always carries a key: the service makes one up
		out.IdempotencyKey = r.generated
	}
	return out
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
	w.Header().Set("Content-Type", "application/json")
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
