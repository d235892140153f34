package mockapi

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// seedWindow is how far back the seeded tokens were created.
const seedWindow = 7 * 24 * time.Hour

var approvers = []string{"alice", "bob", "carol", "dave"}

// seed creates opts.Tokens tokens as described in the package doc, oldest
// first, the newest just before now.
func (s *Server) seed(now time.Time) {
	n := s.opts.Tokens
	if n <= 0 {
		return
	}
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), 0x5eed))
	step := seedWindow / time.Duration(n+1)
	for i := n - 1; i >= 0; i-- {
		created := now.Add(-time.Duration(i+1) * step)
		r := s.add("", created, seedTags(rng, i), false)
		if i%7 == 0 {
			expires := created.Add(24 * time.Hour)
			r.setUserKey(fmt.Sprintf("release-%d", i), &expires)
		}
		s.seedState(r, rng, i, now)
	}
}

func seedTags(rng *rand.Rand, i int) []string {
	var tags []string
	if i%3 == 0 {
		tags = append(tags, "approval")
	}
	if i%4 == 0 {
		tags = append(tags, "deploy:prod")
	}
	for range rng.IntN(3) {
		if tag := tagVocabulary[rng.IntN(len(tagVocabulary))]; !slices.Contains(tags, tag) {
			tags = append(tags, tag)
		}
	}
	return tags
}

// seedState gives token i its status and output.
func (s *Server) seedState(r *record, rng *rand.Rand, i int, now time.Time) {
	switch kind := i % 10; {
	case kind < 4:
		if i%2 == 0 {
			at := now.Add(time.Duration(1+rng.IntN(48)) * time.Hour).UTC().Truncate(time.Millisecond)
			r.TimeoutAt = &at
		}
	case kind < 8:
		value, present := mustParse(seedPayload(rng, kind, i))
		s.complete(r.ID, value, present, callbackRoute)
		if kind == 5 { // sent by a client that stores JSON text as is
			out := fmt.Sprintf(`{"status":"deployed","build":%d}`, 100+i)
			r.Output, r.OutputType = &out, "application/json"
		}
		done := r.CreatedAt.Add(time.Duration(1+rng.IntN(60)) * time.Minute)
		if done.After(now) {
			done = now.Add(-time.Millisecond).UTC().Truncate(time.Millisecond)
		}
		r.CompletedAt = &done
	default:
		at := r.CreatedAt.Add(time.Duration(1+rng.IntN(30)) * time.Minute)
		if at.After(now) {
			at = now.Add(-time.Millisecond)
		}
		r.TimeoutAt = &at
		s.expire(r)
	}
}

// seedPayload is what a completer sent: an object (stored as superjson), JSON
// text stored as is, a plain string, or nothing.
func seedPayload(rng *rand.Rand, kind, i int) []byte {
	approver := approvers[rng.IntN(len(approvers))]
	switch kind {
	case 4:
		decision := map[string]any{"approved": i%3 != 1, "by": approver, "ticket": fmt.Sprintf("OPS-%d", 1000+i)}
		if (i/10)%20 == 0 { // large enough for the service to offload it to object storage
			decision["report"] = strings.Repeat("x", storeThreshold)
		}
		b, _ := json.Marshal(decision)
		return b
	case 5:
		return []byte("{}")
	case 6:
		b, _ := json.Marshal("approved by " + approver)
		return b
	default:
		return nil
	}
}

// mustParse parses data the mock made itself; nil is no value.
func mustParse(data []byte) (any, bool) {
	if data == nil {
		return nil, false
	}
	v, err := parseJS(data)
	if err != nil {
		panic(err)
	}
	return v, true
}
