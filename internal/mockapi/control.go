package mockapi

import (
	"crypto/subtle"
	"net/http"
	"time"
)

// controlPrefix is where the control API lives: a prefix the service does not use.
const controlPrefix = "/_mock/"

// maxFixturesBody bounds a fixtures document sent to the control API.
const maxFixturesBody = 64 << 20

// controlRoutes is the control API, served when Options.Control is set.
func (s *Server) controlRoutes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_mock/tokens/{id}/complete", s.controlComplete)
	mux.HandleFunc("POST /_mock/tokens/{id}/timeout", s.controlTimeout)
	mux.HandleFunc("PUT /_mock/tokens", s.controlReplaceTokens)
	mux.HandleFunc("POST /_mock/faults", s.controlInjectFault)
	mux.HandleFunc("POST /_mock/reset", s.controlReset)
	mux.HandleFunc("GET /_mock/requests", s.controlRequests)
	s.runControlRoutes(mux)
	return mux
}

// serveControl answers a control request: the mock's own key as a bearer
// token, else 401.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	want := "Bearer " + s.opts.APIKey
	if s.opts.APIKey == "" || subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) != 1 {
		writeError(w, http.StatusUnauthorized, "The control API needs the mock's key: Authorization: Bearer <key>")
		return
	}
	s.control.ServeHTTP(w, r)
}

// controlComplete completes a token with {"data": …} through the service's
// complete route's own code.
func (s *Server) controlComplete(w http.ResponseWriter, r *http.Request) {
	body, ok := readAPIBody(w, r, maxPayload)
	if !ok {
		return
	}
	data, present := body.values["data"]
	s.finishCompletion(w, r.PathValue("id"), data, present, completeRoute)
}

// controlTimeout times a WAITING token out now.
func (s *Server) controlTimeout(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	res := s.timeOut(r.PathValue("id"))
	s.mu.Unlock()
	if res.status != http.StatusOK {
		writeError(w, res.status, res.message)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// controlReplaceTokens replaces every token with a fixtures document.
func (s *Server) controlReplaceTokens(w http.ResponseWriter, r *http.Request) {
	raw, ok := readBody(w, r, maxFixturesBody)
	if !ok {
		return
	}
	fixtures, err := ParseFixtures(raw)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	s.replaceTokens(fixtures, s.now())
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// maxFaultBody bounds a fault sent to the control API.
const maxFaultBody = 1 << 20

// controlInjectFault queues one fault (its JSON form, see ParseFault) behind
// those already queued.
func (s *Server) controlInjectFault(w http.ResponseWriter, r *http.Request) {
	raw, ok := readBody(w, r, maxFaultBody)
	if !ok {
		return
	}
	f, err := ParseFault(raw)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.InjectFault(f)
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// controlReset restores the tokens the mock started with, forgets the
// requests and queued faults, and fills the rate-limit buckets.
func (s *Server) controlReset(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	s.replaceTokens(s.opts.Fixtures, s.started)
	s.resetRuns()
	s.tasks = taskMap(s.opts.Tasks)
	s.faults = nil
	s.buckets = map[string]*bucket{}
	s.mu.Unlock()
	s.ResetRequests()
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// controlRequests answers the request log, oldest first.
func (s *Server) controlRequests(w http.ResponseWriter, _ *http.Request) {
	type logged struct {
		Method string `json:"method"`
		Path   string `json:"path"`
		Status int    `json:"status"` // 0: no answer sent
	}
	out := []logged{}
	for _, r := range s.Requests() {
		out = append(out, logged{r.Method, redactPath(r.Path), r.Status})
	}
	writeJSON(w, http.StatusOK, out)
}

// replaceTokens drops every token and stored object, then loads fixtures
// (nil: seeds Options.Tokens) as of at; the caller holds s.mu.
func (s *Server) replaceTokens(fixtures []Fixture, at time.Time) {
	s.records, s.byID, s.byCursor, s.blobs = nil, map[string]*record{}, map[string]*record{}, map[string]blob{}
	if fixtures != nil {
		s.load(fixtures, at)
	} else {
		s.seed(at)
	}
}
