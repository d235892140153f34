package provider

import (
	"context"
	"slices"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// tokenFilter is a listing request and the exact re-check of what comes back.
type tokenFilter struct {
	params   client.ListParams
	statuses []client.Status
	tags     []string
	allTags  bool
	maxItems int
	// from and to bound the creation time exactly: the service compares in
	// milliseconds, a bound may be finer.
	from, to *time.Time
}

func newTokenFilter(m waitpointTokensModel) tokenFilter {
	f := tokenFilter{
		statuses: listStrings[client.Status](m.Statuses),
		tags:     listStrings[string](m.Tags),
		allTags:  m.TagsMatch.ValueString() == "all",
		maxItems: defaultMaxItems,
		params: client.ListParams{
			IdempotencyKey: m.IdempotencyKey.ValueString(),
			CreatedPeriod:  m.CreatedPeriod.ValueString(),
			PageSize:       defaultPageSize,
		},
	}
	f.params.Statuses, f.params.Tags = f.statuses, f.tags
	f.maxItems = wholeNumberOr(m.MaxItems, f.maxItems)
	f.params.PageSize = wholeNumberOr(m.PageSize, f.params.PageSize)
	f.from, f.to = timePointer(m.CreatedFrom), timePointer(m.CreatedTo)
	f.params.CreatedFrom, f.params.CreatedTo = f.from, f.to
	return f
}

// matches re-checks what the service cannot filter exactly: it returns TIMED_OUT
// tokens for several statuses, and matches any tag, never all.
func (f tokenFilter) matches(t client.Token) bool {
	if len(f.statuses) > 0 && !slices.Contains(f.statuses, t.Status) {
		return false
	}
	if (f.from != nil && t.CreatedAt.Before(*f.from)) || (f.to != nil && t.CreatedAt.After(*f.to)) {
		return false
	}
	if len(f.tags) == 0 {
		return true
	}
	has := func(tag string) bool { return slices.Contains(t.Tags, tag) }
	if f.allTags {
		return all(f.tags, has)
	}
	return slices.ContainsFunc(f.tags, has)
}

func all(items []string, pred func(string) bool) bool {
	for _, s := range items {
		if !pred(s) {
			return false
		}
	}
	return true
}

// list reads until maxItems matching tokens are in hand, and not a page more.
func (f tokenFilter) list(ctx context.Context, c *client.Client) ([]client.Token, bool, error) {
	listing := c.ListTokens(ctx, f.params)
	var tokens []client.Token
	for t, err := range listing.All() {
		if err != nil {
			return nil, false, err
		}
		if !f.matches(t) {
			continue
		}
		if len(tokens) == f.maxItems {
			return tokens, true, nil // one more exact match: there are more
		}
		tokens = append(tokens, t)
		if len(tokens) == f.maxItems && f.serviceIsExact() {
			// What the service has left all matches: the rest of the page in
			// hand and its cursor tell, without another request.
			return tokens, listing.More(), nil
		}
	}
	return tokens, false, nil
}

// serviceIsExact reports whether the service returns only tokens that match.
// It does not for `tags_match = "all"` (it matches any tag) nor for several
// statuses of which one is COMPLETED or TIMED_OUT without the other (it stores
// TIMED_OUT as COMPLETED, and tells them apart only for a single status).
func (f tokenFilter) serviceIsExact() bool {
	if f.allTags && len(f.tags) > 1 {
		return false
	}
	if len(f.statuses) < 2 {
		return true
	}
	return slices.Contains(f.statuses, client.StatusCompleted) == slices.Contains(f.statuses, client.StatusTimedOut)
}
