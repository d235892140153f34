package mockapi

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// runListQuery is the run list's query as the service reads it.
type runListQuery struct {
	statuses, tasks, tags []string
	from, to              *time.Time
	size                  int
	after, before         string
}

// parseRunListQuery reads the run list's query (each key's last value, as
// the token list's), returning the problems the service answers 400 for.
// Filters it has and the mock does not hold (env, version, bulkAction,
// schedule, batch, queue, region, machine, isTest) are accepted and ignored.
func parseRunListQuery(v url.Values, now time.Time) (runListQuery, []queryDetail) {
	last := func(key string) string { s, _ := lastValue(v, key); return s }
	q := runListQuery{size: 25, after: last("page[after]"), before: last("page[before]")}
	var details []queryDetail
	problem := func(key, message string) {
		details = append(details, queryDetail{"code": "custom", "message": message, "path": []string{key}})
	}
	if s := last("page[size]"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			problem("page[size]", "Number must be between 1 and 100")
		}
		q.size = n
	}
	var invalid []string
	for _, st := range splitList(last("filter[status]")) {
		switch {
		case !slices.Contains(runStatuses, st):
			invalid = append(invalid, st)
		case !slices.Contains(q.statuses, st):
			q.statuses = append(q.statuses, st)
		}
	}
	if invalid != nil {
		problem("filter[status]", "Invalid status values: "+strings.Join(invalid, ", "))
	}
	q.tasks = splitList(last("filter[taskIdentifier]"))
	q.tags = splitList(last("filter[tag]"))
	created := parseCreatedAt(v, now, func(key string) { problem(key, "Invalid date") })
	switch {
	case created.period: // the service's timeFilters: a period wins over from and to
		q.from = created.since
	case created.from == nil && created.to == nil:
		from := now.Add(-defaultListPeriod) // the service's default period
		q.from = &from
	default:
		q.from, q.to = created.from, created.to
	}
	return q, details
}

// defaultListPeriod is how far back the list looks without a createdAt filter.
const defaultListPeriod = 7 * 24 * time.Hour

// matches applies the filters: a status of the older API names its current
// one, a run matches any of the tags.
func (q runListQuery) matches(r *runRecord) bool {
	if len(q.statuses) > 0 && !slices.ContainsFunc(q.statuses, func(s string) bool {
		if current, older := olderStatusNames[s]; older {
			s = current
		}
		return s == r.Status
	}) {
		return false
	}
	if len(q.tasks) > 0 && !slices.Contains(q.tasks, r.TaskIdentifier) {
		return false
	}
	if len(q.tags) > 0 && !slices.ContainsFunc(q.tags, func(t string) bool { return slices.Contains(r.Tags, t) }) {
		return false
	}
	return (q.from == nil || !r.CreatedAt.Before(*q.from)) && (q.to == nil || !r.CreatedAt.After(*q.to))
}

type runListPage struct {
	Data       []listRunJSON `json:"data"`
	Pagination struct {
		Next     string `json:"next,omitempty"`
		Previous string `json:"previous,omitempty"`
	} `json:"pagination"`
}

func (s *Server) serveRunList(w http.ResponseWriter, r *http.Request) {
	q, details := parseRunListQuery(r.URL.Query(), s.now())
	if len(details) > 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Query Error", "details": details})
		return
	}
	s.mu.Lock()
	page := s.listRuns(q)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, page)
}

// listRuns answers one page, newest first, as the token list pages; the
// caller holds s.mu.
func (s *Server) listRuns(q runListQuery) runListPage {
	page := runListPage{Data: []listRunJSON{}}
	picked, next, previous := onePage(s.runs, s.runsByCursor, q.after, q.before, q.size, func(r *runRecord) bool {
		s.settle(r)
		return q.matches(r)
	})
	for _, r := range picked {
		item := listRunJSON{runJSON: r.json(), TaskKind: "STANDARD"}
		item.Env.ID, item.Env.Name = s.environmentID(), "dev"
		page.Data = append(page.Data, item)
	}
	page.Pagination.Next, page.Pagination.Previous = next, previous
	return page
}
