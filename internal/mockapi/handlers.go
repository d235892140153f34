package mockapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	tokensPath  = "/api/v1/waitpoints/tokens"
	packetsPath = "/api/v1/packets/"
	storagePath = "/storage/"
	// maxPayload is the most the service accepts as a completion payload.
	maxPayload = 3 << 20
	// presignedLifetime is how long a presigned storage URL stays valid.
	presignedLifetime = 300 * time.Second
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
		close(s.answered)
		s.answered = make(chan struct{})
		s.mu.Unlock()
	}()
	fault, faulted := s.nextFault()
	var limitedUntil int64
	if rateLimited(r.URL.EscapedPath()) {
		limitedUntil = s.takeRateLimit(w.Header())
	}
	s.mu.Unlock()

	if latency := s.opts.Latency + fault.Latency; latency > 0 && !sleep(r.Context(), latency) {
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
		s.writeRateLimited(w, limitedUntil)
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
	case strings.Contains(path, "/callback/") && strings.HasPrefix(path, tokensPath+"/"):
		s.serveCallback(w, r)
	case !s.authorized(w, r):
	case path == tokensPath && r.Method == http.MethodGet:
		s.serveList(w, r)
	case path == tokensPath && r.Method == http.MethodPost:
		s.serveCreate(w, r)
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

// authorized checks the bearer key, answering 401 as the service does for
// each way of getting it wrong.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	header, present := r.Header["Authorization"]
	key, bearer := strings.CutPrefix(strings.Join(header, ""), "Bearer ")
	switch {
	case !present:
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"title": "Unauthorized", "status": http.StatusUnauthorized,
			"error": "No authorization header provided", "detail": "Provide the API key in the Authorization header: Bearer <key>.",
		})
	case !bearer || strings.TrimSpace(key) == "":
		writeError(w, http.StatusUnauthorized, "Invalid or Missing API key")
	case s.opts.APIKey == "" || subtle.ConstantTimeCompare([]byte(key), []byte(s.opts.APIKey)) != 1:
		writeError(w, http.StatusUnauthorized, "Invalid API key")
	default:
		return true
	}
	return false
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

// serveCallback is the token's callback url: no API key, the hash in the path
// instead; the body, whatever it holds, completes the token.
func (s *Server) serveCallback(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.EscapedPath(), tokensPath+"/")
	id, hash, _ := strings.Cut(rest, "/callback/")
	s.mu.Lock()
	known := s.lookup(id) != nil
	s.mu.Unlock()
	switch {
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed")
	case !known:
		writeError(w, http.StatusNotFound, "Waitpoint not found")
	case !hmac.Equal([]byte(hash), []byte(s.callbackHash(id))):
		writeError(w, http.StatusUnauthorized, "Invalid callback URL")
	case r.ContentLength < 0 || r.Header.Get("Content-Length") == "":
		writeError(w, http.StatusLengthRequired, "Content-Length required")
	default:
		if body, ok := readBody(w, r, maxPayload); ok {
			s.finishCompletion(w, id, callbackData(body), "http-callback")
		}
	}
}

// serveComplete completes a token with the request's data: {"data": null}
// stores null, {} stores no output, and a body that is not a JSON object is
// refused.
func (s *Server) serveComplete(w http.ResponseWriter, r *http.Request, id string) {
	raw, ok := readBody(w, r, maxPayload)
	if !ok {
		return
	}
	var req struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid request body")
		return
	}
	s.finishCompletion(w, id, req.Data, "token")
}

func (s *Server) finishCompletion(w http.ResponseWriter, id string, data json.RawMessage, storeBase string) {
	s.mu.Lock()
	res := s.complete(id, data, storeBase)
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
	expires := strconv.FormatInt(s.now().Add(presignedLifetime).Unix(), 10)
	presigned := baseURLOf(r) + storagePath + url.PathEscape(name) + "?expires=" + expires + "&signature=" + s.sign(name+"\n"+expires)
	writeJSON(w, http.StatusOK, map[string]string{"presignedUrl": presigned})
}

// serveStorage is object storage: a presigned URL's signature and expiry are
// checked, no API key.
func (s *Server) serveStorage(w http.ResponseWriter, r *http.Request) {
	name, b, ok := s.storedObject(r, storagePath)
	expires := r.URL.Query().Get("expires")
	deadline, err := strconv.ParseInt(expires, 10, 64)
	switch {
	case !ok || err != nil || !hmac.Equal([]byte(r.URL.Query().Get("signature")), []byte(s.sign(name+"\n"+expires))):
		writeError(w, http.StatusForbidden, "Invalid signature")
	case s.now().Unix() >= deadline:
		writeError(w, http.StatusForbidden, "Request has expired")
	default:
		w.Header().Set("Content-Type", b.contentType)
		_, _ = w.Write(b.data)
	}
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

// readBody reads a request body of at most limit bytes, answering 413 above it.
func readBody(w http.ResponseWriter, r *http.Request, limit int) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	switch {
	case err != nil:
		writeError(w, http.StatusBadRequest, "Could not read the request body")
		return nil, false
	case len(body) > limit:
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("Payload too large: the limit is %d bytes", limit))
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
