package mockapi

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
)

var utf8BOM = []byte("\uFEFF")

// completionRoute is what differs between the two routes that complete a
// token: the stored object's name and the answer when completing fails.
type completionRoute struct{ storeBase, failure string }

var (
	completeRoute = completionRoute{"token", "Failed to complete waitpoint token"}
	callbackRoute = completionRoute{"http-callback", "Failed to complete HTTP callback"}
)

// serveCallback is the token's callback url: no API key, the hash in the path
// instead; the body, whatever it holds, completes the token. The checks come
// in the service's order: method, Content-Length, size, id, hash.
func (s *Server) serveCallback(w http.ResponseWriter, r *http.Request, id, hash string) {
	switch {
	case isRead(r):
		writeRouteError(w, http.StatusBadRequest) // the route has no loader
		return
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	case r.ContentLength < 0 || r.Header.Get("Content-Length") == "":
		writeError(w, http.StatusLengthRequired, "Content-Length header is required")
		return
	case r.ContentLength > maxPayload:
		writeError(w, http.StatusRequestEntityTooLarge, "Request body too large")
		return
	case malformedID(id):
		// The id is parsed outside the route's error handling: the framework's 500.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "Unexpected Server Error")
		return
	}
	s.mu.Lock()
	rec := s.lookup(id)
	s.mu.Unlock()
	if rec == nil {
		writeError(w, http.StatusNotFound, "Waitpoint not found")
		return
	}
	valid, err := s.validCallbackHash(rec.ID, hash)
	switch {
	case err != nil:
		writeError(w, http.StatusInternalServerError, callbackRoute.failure)
	case !valid:
		writeError(w, http.StatusUnauthorized, "Invalid URL, hash doesn't match")
	default:
		if body, ok := readBody(w, r, maxPayload); ok {
			s.finishCompletion(w, rec.ID, callbackData(body), true, callbackRoute)
		}
	}
}

// serveComplete is POST …/{id}/complete with {"data": …}; the route's action
// takes any method but GET, whose loader answers 405 with no body. It takes
// the secret key or the public token the token's create answered with.
func (s *Server) serveComplete(w http.ResponseWriter, r *http.Request, id string) {
	if isRead(r) {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	scopes, ok := s.authenticate(w, r, true)
	if !ok {
		return
	}
	body, ok := readAPIBody(w, r, maxPayload)
	if !ok {
		return
	}
	// A public token must be scoped to this id, as the path gives it.
	if scopes != nil && !permits(scopes, "write", resource{"waitpoints", id}) {
		writeUnauthorized(w)
		return
	}
	if malformedID(id) {
		// The id is parsed before the route's own error handling: the
		// route builder's 500.
		writeError(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	data, present := body.values["data"]
	s.finishCompletion(w, id, data, present, completeRoute)
}

func (s *Server) finishCompletion(w http.ResponseWriter, id string, data any, present bool, route completionRoute) {
	s.mu.Lock()
	res := s.complete(id, data, present, route)
	s.mu.Unlock()
	if res.status != http.StatusOK {
		writeError(w, res.status, res.message)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// readAPIBody reads a JSON object body as the service's route builder does:
// 413 without Content-Length or above limit, then 400 for an empty body, a
// body that is not JSON or is falsy (null, false, 0, ""), and one that is not
// an object.
func readAPIBody(w http.ResponseWriter, r *http.Request, limit int) (*jsObject, bool) {
	if r.ContentLength < 0 || r.Header.Get("Content-Length") == "" || r.ContentLength > int64(limit) {
		writeError(w, http.StatusRequestEntityTooLarge, "Request body too large")
		return nil, false
	}
	raw, ok := readBody(w, r, limit)
	if !ok {
		return nil, false
	}
	raw = bytes.TrimPrefix(raw, utf8BOM)
	if len(raw) == 0 {
		writeError(w, http.StatusBadRequest, "Request body is empty")
		return nil, false
	}
	v, err := parseJS(raw)
	if err != nil || jsFalsy(v) {
		writeError(w, http.StatusBadRequest, "Invalid JSON")
		return nil, false
	}
	obj, isObject := v.(*jsObject)
	if !isObject {
		writeError(w, http.StatusBadRequest, "Validation error: Expected object, received "+jsTypeName(v))
		return nil, false
	}
	return obj, true
}

// readBody reads a request body of at most limit bytes, answering 413 above it.
func readBody(w http.ResponseWriter, r *http.Request, limit int) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	switch {
	case err != nil:
		writeError(w, http.StatusBadRequest, "Could not read the request body")
		return nil, false
	case len(body) > limit:
		writeError(w, http.StatusRequestEntityTooLarge, "Request body too large")
		return nil, false
	}
	return body, true
}

// malformedID is a friendly id the service cannot turn into an internal id
// (waitpoint_ and not exactly one non-empty body): its routes answer 500.
func malformedID(id string) bool {
	body, friendly := strings.CutPrefix(id, "waitpoint_")
	return friendly && (body == "" || strings.Contains(body, "_"))
}

// callbackHash is the capability in a token's callback url, as the service
// computes it: the hex HMAC-SHA256 of the internal id (the friendly id
// without waitpoint_), keyed by the environment's secret key.
func (s *Server) callbackHash(id string) string {
	return hex.EncodeToString(s.mac(strings.TrimPrefix(id, "waitpoint_")))
}

// validCallbackHash compares as the service does: 64 hex digits of either
// case; hex it cannot decode makes its comparison throw (an error here).
func (s *Server) validCallbackHash(id, hash string) (bool, error) {
	if len(hash) != hex.EncodedLen(sha256.Size) {
		return false, nil
	}
	got, err := hex.DecodeString(hash)
	if err != nil {
		return false, fmt.Errorf("callback hash is not hex: %w", err)
	}
	return hmac.Equal(got, s.mac(strings.TrimPrefix(id, "waitpoint_"))), nil
}

func (s *Server) mac(msg string) []byte {
	m := hmac.New(sha256.New, []byte(s.opts.APIKey))
	m.Write([]byte(msg))
	return m.Sum(nil)
}
