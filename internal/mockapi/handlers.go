package mockapi

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
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

// unlimitedPath is what the service's rate limiter lets through without a
// look at the Authorization header: the callback URL and the packets routes.
var unlimitedPath = regexp.MustCompile(`^/api/v1/waitpoints/tokens/[^/]+/callback/[^/]+$|^/api/v1/packets/`)

// serve applies faults, the rate limiter and auth, then routes.
func (s *Server) serve(w *statusWriter, r *http.Request) {
	if s.opts.Control && strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r) // not logged, not rate-limited, not faulted
		return
	}
	s.mu.Lock()
	answered := s.log.Begin(r)
	defer func() { answered(w.status) }()
	if path := r.URL.EscapedPath(); len(path) > 1 && strings.HasSuffix(path, "/") {
		s.mu.Unlock()
		redirectWithoutSlash(w, r, path)
		return
	}
	fault, faulted := s.nextFault()
	path := r.URL.EscapedPath()
	limited := strings.HasPrefix(path, "/api") && !unlimitedPath.MatchString(path)
	// The rate limiter answers a request without the header itself, before
	// spending anything from the bucket.
	noHeader := limited && r.Header.Get("Authorization") == ""
	var limitedUntil int64
	var limit int
	if limited && !noHeader {
		limitedUntil, limit = s.takeRateLimit(w.Header(), r.Header.Get("Authorization"))
	}
	s.mu.Unlock()

	if latency := s.opts.Latency + fault.Latency; latency > 0 && !sleep(r.Context(), latency) {
		w.status = 0
		return
	}
	if faulted && fault.replaces() {
		fault.apply(w)
		s.writeFault(w, fault)
		return
	}
	target, finish := s.faultedWriter(w, fault, faulted)
	switch {
	case noHeader:
		writeNoHeader(target)
	case limitedUntil != 0:
		s.writeRateLimited(target, limitedUntil, limit)
	default:
		s.route(target, r)
	}
	finish()
}

// redirectWithoutSlash is the service's first answer to a path ending in a
// slash, before its rate limiter and any route: 301 to the path without it
// (runs of slashes made one), the query kept, as its web server words it.
func redirectWithoutSlash(w http.ResponseWriter, r *http.Request, path string) {
	target := repeatedSlashes.ReplaceAllString(strings.TrimSuffix(path, "/"), "/")
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", target)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusMovedPermanently)
	_, _ = io.WriteString(w, "Moved Permanently. Redirecting to "+target)
}

var repeatedSlashes = regexp.MustCompile(`/+`)

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	switch {
	case strings.HasPrefix(path, storagePath):
		s.serveStorage(w, r)
	case strings.HasPrefix(path, packetsPath):
		s.servePacket(w, r)
	case path == tokensPath:
		s.serveTokens(w, r)
	case strings.HasPrefix(path, tokensPath+"/"):
		s.serveToken(w, r, strings.TrimPrefix(path, tokensPath+"/"))
	case s.serveRunRoutes(w, r, path): // answered when true
	default:
		writeNoRoute(w)
	}
}

// writeNoRoute answers a path no API route serves as the service does: with
// its dashboard's HTML 404 page.
func writeNoRoute(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, "<!DOCTYPE html><html lang=\"en\"><head><title>404 Page not found</title></head><body><h1>404</h1><p>Page not found</p></body></html>")
}

// serveTokens is the list (GET) and create (POST) route; the create action
// refuses other methods before it looks at the key.
func (s *Server) serveTokens(w http.ResponseWriter, r *http.Request) {
	switch {
	case isRead(r):
		if s.authorized(w, r) {
			s.serveList(w, r)
		}
	case r.Method == http.MethodPost:
		if s.authorized(w, r) {
			s.serveCreate(w, r)
		}
	default:
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed")
	}
}

// serveToken routes what follows /api/v1/waitpoints/tokens/: the callback
// url, complete, and retrieve (which has no action: other methods are 405).
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, rest string) {
	if id, hash, ok := strings.Cut(rest, "/callback/"); ok && !strings.Contains(id+hash, "/") {
		s.serveCallback(w, r, unescape(id), hash)
		return
	}
	if id, ok := strings.CutSuffix(rest, "/complete"); ok && !strings.Contains(id, "/") {
		s.serveComplete(w, r, unescape(id))
		return
	}
	switch {
	case strings.Contains(rest, "/"):
		writeNoRoute(w)
	case !isRead(r):
		writeRouteError(w, http.StatusMethodNotAllowed)
	case s.authorized(w, r):
		s.serveRetrieve(w, r, unescape(rest))
	}
}

// isRead reports whether a route's loader answers the request (GET, and HEAD
// as the framework treats it); any other method goes to its action.
func isRead(r *http.Request) bool {
	return r.Method == http.MethodGet || r.Method == http.MethodHead
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// authorized checks the key as the service's routes do: the header's leading
// "Bearer " stripped (a bare key is accepted), the rest looked up. Only the
// packets route gets here without a header; the rate limiter answers the
// others.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	_, ok := s.authenticate(w, r, false)
	return ok
}

// authenticate is authorized for a route that also takes a public token
// (allowJWT: complete takes the one its create answered with). It returns the
// public token's scopes, nil for the secret key. As on the service, the key
// is the header without a leading "Bearer ", trimmed.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, allowJWT bool) ([]string, bool) {
	key := strings.TrimSpace(apiKeyOf(r.Header.Get("Authorization")))
	switch {
	case key == "":
		writeError(w, http.StatusUnauthorized, "Invalid or Missing API key")
	case allowJWT && isPublicToken(key):
		scopes, refusal := s.verifyPublicToken(key)
		if refusal == "" {
			return scopes, true
		}
		writeError(w, http.StatusUnauthorized, refusal)
	case s.opts.APIKey != "" && subtle.ConstantTimeCompare([]byte(key), []byte(s.opts.APIKey)) == 1:
		return nil, true
	default:
		writeError(w, http.StatusUnauthorized, "Invalid API key")
	}
	return nil, false
}

// apiKeyOf is the header without a leading "Bearer " (a bare key is
// accepted), as the service's rate limiter reads it; authentication also
// trims it.
func apiKeyOf(header string) string {
	return strings.TrimPrefix(header, "Bearer ")
}

// writeUnauthorized is the answer to a public token whose scopes do not
// cover the request.
func writeUnauthorized(w http.ResponseWriter) {
	writeJSON(w, http.StatusForbidden, map[string]string{"error": "Unauthorized", "code": "unauthorized", "param": "access_token", "type": "authorization"})
}

// writeNoHeader is the rate limiter's answer to a request without an
// Authorization header: problem+json, no rate-limit headers.
func writeNoHeader(w http.ResponseWriter) {
	const detail = "No authorization header provided"
	writeProblem(w, http.StatusUnauthorized, struct {
		Title  string `json:"title"`
		Status int    `json:"status"`
		Type   string `json:"type"`
		Detail string `json:"detail"`
		Error  string `json:"error"`
	}{"Unauthorized", http.StatusUnauthorized, "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/401", detail, detail})
}

// writeProblem writes an application/problem+json body as the service does
// (JSON.stringify with an indent of 2).
func writeProblem(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.WriteHeader(status)
	b, _ := json.MarshalIndent(body, "", "  ")
	_, _ = w.Write(b)
}

// writeRouteError is the web framework's own answer when a route has no
// loader (400) or no action (405) for the method.
func writeRouteError(w http.ResponseWriter, status int) {
	w.Header().Set("X-Remix-Error", "yes")
	writeJSON(w, status, map[string]string{"message": "Unexpected Server Error"})
}

func (s *Server) serveRetrieve(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	rec := s.lookup(id)
	var body retrieveJSON
	if rec != nil {
		body = rec.retrieveJSON(baseURLOf(r), s.callbackHash(rec.ID))
	}
	s.mu.Unlock()
	if rec == nil {
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

// redactPath keeps capabilities out of logs: a callback hash, and nothing of the
// storage signature (which is in the query, never logged).
func redactPath(path string) string {
	if i := strings.Index(path, "/callback/"); i >= 0 {
		return path[:i] + "/callback/[redacted]"
	}
	return path
}
