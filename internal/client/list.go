package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Listing is a token listing: its tokens, newest first, through All, and
// whether the service has more than the caller took, through More.
type Listing struct {
	client *Client
	ctx    context.Context
	params ListParams
	more   bool
}

// ListTokens lists the tokens matching p. No request is made until All is ranged
// over.
func (c *Client) ListTokens(ctx context.Context, p ListParams) *Listing {
	return &Listing{client: c, ctx: ctx, params: p}
}

// All iterates over the tokens, following pagination.next page by page until it
// is absent or the caller stops. A page is requested only when the caller wants
// its first token, never ahead. An error ends the sequence.
func (l *Listing) All() iter.Seq2[Token, error] {
	return func(yield func(Token, error) bool) {
		l.more = false
		query, err := l.params.query()
		if err != nil {
			yield(Token{}, err)
			return
		}
		seen := map[string]bool{}
		for {
			var page listPage
			if err := l.client.get(l.ctx, "list waitpoint tokens", tokensPath, query, &page); err != nil {
				yield(Token{}, err)
				return
			}
			next := page.Pagination.Next
			hasNext := next != nil && *next != ""
			for i, t := range page.Data {
				slices.Sort(t.Tags) // the service sorts by locale, the provider by byte: one order for both endpoints
				l.more = i < len(page.Data)-1 || hasNext
				if !yield(t, nil) {
					return
				}
			}
			l.more = false
			if !hasNext {
				return
			}
			if seen[*next] {
				yield(Token{}, fmt.Errorf("list waitpoint tokens: %w: %q", errRepeatedCursor, l.client.redact(*next)))
				return
			}
			seen[*next] = true
			query.Set("page[after]", *next)
		}
	}
}

// listPage is one page of a token listing.
type listPage struct {
	Data       []Token `json:"data"`
	Pagination struct {
		Next *string `json:"next"`
	} `json:"pagination"`
}

// checkShape refuses a page without its data array, or with an item that is
// not a token.
func (p *listPage) checkShape() error {
	if p.Data == nil {
		return errors.New(`not a page of waitpoint tokens: it has no "data" array`)
	}
	for i := range p.Data {
		if err := p.Data[i].checkShape(); err != nil {
			return fmt.Errorf("item %d: %w", i, err)
		}
	}
	return nil
}

// More reports whether, when the caller stopped ranging over All, the service had
// tokens left that the caller did not take.
func (l *Listing) More() bool { return l.more }

// query validates p and encodes it as the list endpoint's query.
func (p ListParams) query() (url.Values, error) {
	q := url.Values{}
	if p.PageSize < 0 || p.PageSize > 100 {
		return nil, fmt.Errorf("list waitpoint tokens: page size %d is outside 1 to 100", p.PageSize)
	}
	if p.PageSize > 0 {
		q.Set("page[size]", strconv.Itoa(p.PageSize))
	}
	for _, s := range p.Statuses {
		if !slices.Contains(Statuses, s) {
			return nil, fmt.Errorf("list waitpoint tokens: unknown status %q", s)
		}
	}
	setList(q, "filter[status]", StatusStrings(p.Statuses))
	setList(q, "filter[tags]", p.Tags)
	if p.IdempotencyKey != "" {
		q.Set("filter[idempotencyKey]", p.IdempotencyKey)
	}
	if p.CreatedPeriod != "" {
		q.Set("filter[createdAt][period]", p.CreatedPeriod)
	}
	if p.CreatedFrom != nil && p.CreatedTo != nil && p.CreatedFrom.After(*p.CreatedTo) {
		return nil, fmt.Errorf("list waitpoint tokens: created from %s is after created to %s",
			p.CreatedFrom.UTC().Format(TimeLayout), p.CreatedTo.UTC().Format(TimeLayout))
	}
	// The service compares whole milliseconds: a bound between two of them
	// narrows to the millisecond inside the range.
	setTime(q, "filter[createdAt][from]", p.CreatedFrom, ceilMillisecond)
	setTime(q, "filter[createdAt][to]", p.CreatedTo, floorMillisecond)
	return q, nil
}

// TimeLayout is the service's own: RFC 3339 with milliseconds, in UTC.
const TimeLayout = "2006-01-02T15:04:05.000Z"

func setList(q url.Values, key string, items []string) {
	if len(items) > 0 {
		q.Set(key, strings.Join(items, ","))
	}
}

// setTime sets t, rounded to a millisecond, the service's precision.
func setTime(q url.Values, key string, t *time.Time, round func(time.Time) time.Time) {
	if t != nil {
		q.Set(key, round(*t).UTC().Format(TimeLayout))
	}
}

func floorMillisecond(t time.Time) time.Time { return t.Truncate(time.Millisecond) }

func ceilMillisecond(t time.Time) time.Time {
	if floor := floorMillisecond(t); !floor.Equal(t) {
		return floor.Add(time.Millisecond)
	}
	return t
}
