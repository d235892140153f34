package mockapi

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
)

const (
	tokensPath  = "/api/v1/waitpoints/tokens"
	packetsPath = "/api/v1/packets/"
	storagePath = "/storage/"
	// maxPayload is the most the service accepts as a completion payload.
	maxPayload = 3 << 20
)

// serve applies faults, the rate limit and auth, then routes.
func (s *Server) serve(w *statusWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()})
	logged, epoch := len(s.requests)-1, s.requestsEpoch
	defer func() {
		s.mu.Lock()
		if s.requestsEpoch == epoch { // not forgotten by ResetRequests meanwhile
			s.requests[logged].Status = w.status
		}
		s.mu.Unlock()
	}()
	fault, faulted := s.nextFault()
	var limitedUntil int64
	if rateLimited(r.URL.EscapedPath()) {
		limitedUntil = s.takeRateLimit(w.Header())
	}
	s.mu.Unlock()

	if faulted && fault.Latency > 0 && !sleep(r.Context(), fault.Latency) {
		w.status = 0
		return
	}
	if faulted {
		for k, vs := range fault.Header {
			w.Header()[k] = vs
		}
		if fault.Reset {
			w.status = 0
		}
		if fault.answers() {
			s.writeFault(w, fault)
			return
		}
	}
	if limitedUntil != 0 {
		writeRateLimited(w, limitedUntil)
		return
	}
	target := http.ResponseWriter(w)
	var cut *truncatingWriter
	if faulted && fault.Truncate {
		cut = &truncatingWriter{ResponseWriter: w}
		target = cut
	}
	s.route(target, r)
	if cut != nil {
		cut.flush()
	}
}

// rateLimited reports whether the service rate-limits a route: not the
// callback URL, the packets route nor object storage, which send no
// rate-limit headers either.
func rateLimited(path string) bool {
	return !strings.HasPrefix(path, storagePath) && !strings.HasPrefix(path, packetsPath) && !strings.Contains(path, "/callback/")
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	switch {
	case strings.HasPrefix(path, storagePath) && r.Method == http.MethodGet:
		s.serveStorage(w, r)
	case strings.Contains(path, "/callback/") && strings.HasPrefix(path, tokensPath+"/") && r.Method == http.MethodPost:
		s.serveCallback(w, r)
	case !s.authorized(r):
		writeError(w, http.StatusUnauthorized, "Invalid or Missing API key")
	case path == tokensPath && r.Method == http.MethodGet:
		s.serveList(w, r)
	case strings.HasPrefix(path, packetsPath) && r.Method == http.MethodGet:
		s.servePacket(w, r)
	case strings.HasPrefix(path, tokensPath+"/") && strings.HasSuffix(path, "/complete") && r.Method == http.MethodPost:
		s.serveComplete(w, r, strings.TrimSuffix(strings.TrimPrefix(path, tokensPath+"/"), "/complete"))
	case strings.HasPrefix(path, tokensPath+"/") && r.Method == http.MethodGet:
		s.serveRetrieve(w, r, strings.TrimPrefix(path, tokensPath+"/"))
	default:
		writeError(w, http.StatusNotFound, "Not found")
	}
}

func (s *Server) authorized(r *http.Request) bool {
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && s.opts.APIKey != "" && subtle.ConstantTimeCompare([]byte(key), []byte(s.opts.APIKey)) == 1
}

func (s *Server) serveRetrieve(w http.ResponseWriter, r *http.Request, escapedID string) {
	id, err := url.PathUnescape(escapedID)
	s.mu.Lock()
	rec := s.lookup(id)
	var body retrieveJSON
	if rec != nil {
		body = rec.retrieveJSON(baseURLOf(r), s.callbackHash(rec.ID))
	}
	s.mu.Unlock()
	if err != nil || rec == nil {
		s.writeUnknownID(w)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// writeUnknownID answers a retrieve of an id the environment does not have: the
// real service's presenter throws, and its route answers a bare 500.
func (s *Server) writeUnknownID(w http.ResponseWriter) {
	if s.opts.UnknownIDStatus == http.StatusNotFound {
		writeError(w, http.StatusNotFound, "Waitpoint not found")
		return
	}
	writeError(w, http.StatusInternalServerError, "Internal Server Error")
}

func (s *Server) serveList(w http.ResponseWriter, r *http.Request) {
	q, details := parseListQuery(r.URL.Query(), s.now())
	if len(details) > 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Query Error", "details": details})
		return
	}
	s.mu.Lock()
	page := s.list(q, baseURLOf(r))
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, page)
}

func (s *Server) serveCallback(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.EscapedPath(), tokensPath+"/")
	id, hash, _ := strings.Cut(rest, "/callback/")
	if !hmac.Equal([]byte(hash), []byte(s.callbackHash(id))) {
		writeError(w, http.StatusUnauthorized, "Invalid callback URL")
		return
	}
	body, ok := readPayload(w, r)
	if !ok {
		return
	}
	s.finishCompletion(w, id, body, "http-callback.json")
}

func (s *Server) serveComplete(w http.ResponseWriter, r *http.Request, id string) {
	raw, ok := readPayload(w, r)
	if !ok {
		return
	}
	var req struct {
		Data json.RawMessage `json:"data"`
	}
	if len(bytes.TrimSpace(raw)) > 0 && json.Unmarshal(raw, &req) != nil {
		writeError(w, http.StatusBadRequest, "Invalid request body")
		return
	}
	if string(req.Data) == "null" {
		req.Data = nil
	}
	s.finishCompletion(w, id, req.Data, "token.json")
}

func (s *Server) finishCompletion(w http.ResponseWriter, id string, payload []byte, storeName string) {
	s.mu.Lock()
	res := s.complete(id, payload, storeName)
	s.mu.Unlock()
	if res.status != http.StatusOK {
		writeError(w, res.status, res.message)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// storedObject finds the stored output named by the path after prefix, which
// holds the object's name percent-encoded as one segment.
func (s *Server) storedObject(r *http.Request, prefix string) (string, blob, bool) {
	name, err := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), prefix))
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.blobs[name]
	return name, b, ok && err == nil
}

func (s *Server) servePacket(w http.ResponseWriter, r *http.Request) {
	name, _, ok := s.storedObject(r, packetsPath)
	if !ok {
		writeError(w, http.StatusNotFound, "Packet not found")
		return
	}
	presigned := baseURLOf(r) + storagePath + url.PathEscape(name) + "?signature=" + s.sign(name)
	writeJSON(w, http.StatusOK, map[string]string{"presignedUrl": presigned})
}

func (s *Server) serveStorage(w http.ResponseWriter, r *http.Request) {
	name, b, ok := s.storedObject(r, storagePath)
	if !ok || !hmac.Equal([]byte(r.URL.Query().Get("signature")), []byte(s.sign(name))) {
		writeError(w, http.StatusForbidden, "Invalid or expired signature")
		return
	}
	w.Header().Set("Content-Type", b.contentType)
	_, _ = w.Write(b.data)
}

// callbackHash is the capability in a token's callback url: an HMAC of the id
// keyed by the environment's secret key, as the service computes it.
func (s *Server) callbackHash(id string) string {
	return s.sign("callback:" + id)
}

func (s *Server) sign(msg string) string {
	mac := hmac.New(sha256.New, []byte(s.opts.APIKey))
	mac.Write([]byte(msg))
	return hex.EncodeToString(mac.Sum(nil))[:40]
}

func readPayload(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPayload+1))
	switch {
	case err != nil:
		writeError(w, http.StatusBadRequest, "Could not read the request body")
		return nil, false
	case len(body) > maxPayload:
		writeError(w, http.StatusRequestEntityTooLarge, "Payload too large: the limit is 3 MB")
		return nil, false
	}
	return body, true
}

// redactPath keeps capabilities out of logs: a callback hash, and nothing of the
// storage signature (which is in the query, never logged).
func redactPath(path string) string {
	if i := strings.Index(path, "/callback/"); i >= 0 {
		return path[:i] + "/callback/[redacted]"
	}
	return path
}
