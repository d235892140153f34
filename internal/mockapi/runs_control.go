package mockapi

import (
	"encoding/json"
	"errors"
	"net/http"
)

// runControlRoutes adds the control API's run routes to mux:
//
//	POST /_mock/runs/{id}/complete  {"output": <any JSON>}: the run completes
//	                                with that output (none without the key)
//	POST /_mock/runs/{id}/fail      {"error": {"message": "…"}}: the run fails
//	POST /_mock/runs/{id}/cancel    the run is cancelled, as the cancel route does
//	PUT  /_mock/tasks               {"<task id>": {…}}: replaces the task
//	                                scripts (TaskFixture) for runs triggered after
//
// Ending a run that has ended is 409, an unknown run 404.
func (s *Server) runControlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /_mock/runs/{id}/complete", s.controlCompleteRun)
	mux.HandleFunc("POST /_mock/runs/{id}/fail", s.controlFailRun)
	mux.HandleFunc("POST /_mock/runs/{id}/cancel", s.controlCancelRun)
	mux.HandleFunc("PUT /_mock/tasks", s.controlReplaceTasks)
}

func (s *Server) controlCompleteRun(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Output json.RawMessage `json:"output"`
	}
	if decodeControlBody(w, r, &body) {
		s.answerEnd(w, s.EndRun(r.PathValue("id"), runCompleted, body.Output, nil))
	}
}

func (s *Server) controlFailRun(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Error *RunError `json:"error"`
	}
	if !decodeControlBody(w, r, &body) {
		return
	}
	if body.Error == nil || body.Error.Message == "" {
		writeError(w, http.StatusBadRequest, `give {"error": {"message": "…"}}`)
		return
	}
	s.answerEnd(w, s.EndRun(r.PathValue("id"), runFailed, nil, body.Error))
}

func (s *Server) controlCancelRun(w http.ResponseWriter, r *http.Request) {
	s.answerEnd(w, s.EndRun(r.PathValue("id"), runCanceled, nil, nil))
}

func (s *Server) controlReplaceTasks(w http.ResponseWriter, r *http.Request) {
	raw, ok := readBody(w, r, maxFixturesBody)
	if !ok {
		return
	}
	doc, err := ParseFixtureDocument(append(append([]byte(`{"tasks":`), raw...), '}'))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	s.tasks = taskMap(doc.Tasks)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// decodeControlBody reads a control request's JSON object body; an empty
// body is an empty object.
func decodeControlBody(w http.ResponseWriter, r *http.Request, out any) bool {
	raw, ok := readBody(w, r, maxFixturesBody)
	if !ok {
		return false
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			writeError(w, http.StatusBadRequest, "not a JSON object of the expected keys: "+err.Error())
			return false
		}
	}
	return true
}

// answerEnd answers a control request that ended a run.
func (s *Server) answerEnd(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, errRunNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case err != nil:
		writeError(w, http.StatusConflict, err.Error())
	default:
		writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	}
}
