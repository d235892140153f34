package client

import (
	"context"
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
		query, err := l.params.query()
		if err != nil {
			l.more = false
			yield(Token{}, err)
			return
		}
		walkPages(l.client, l.ctx, listedThing{"list waitpoint tokens", "waitpoint tokens", tokensPath}, query, &l.more,
			func(t *Token) {
				slices.Sort(t.Tags) // the service sorts by locale, the provider by byte: one order for both endpoints
			}, yield)
	}
}

// listedThing names what a listing pages through, for its requests and errors.
type listedThing struct {
	operation string // e.g. "list waitpoint tokens"
	plural    string // e.g. "waitpoint tokens"
	path      string
}

// item is a list item that can tell whether it has the shape the API documents.
type item[T any] interface {
	*T
	checkShape() error
}

// walkPages yields the items of a listing, following pagination.next page by
// page until it is absent or yield stops; *more records, when yield stops,
// whether the service had items left. prepare adjusts each item before it is
// yielded. An error ends the sequence.
func walkPages[T any, P item[T]](c *Client, ctx context.Context, what listedThing, query url.Values,
	more *bool, prepare func(P), yield func(T, error) bool,
) {
	*more = false
	seen := map[string]bool{}
	for {
		page := listPage[T, P]{plural: what.plural}
		if err := c.get(ctx, what.operation, what.path, query, &page); err != nil {
			yield(*new(T), err)
			return
		}
		next := page.Pagination.Next
		hasNext := next != nil && *next != ""
		for i := range page.Data {
			prepare(&page.Data[i])
			*more = i < len(page.Data)-1 || hasNext
			if !yield(page.Data[i], nil) {
				return
			}
		}
		*more = false
		if !hasNext {
			return
		}
		if seen[*next] {
			yield(*new(T), fmt.Errorf("%s: %w: %q", what.operation, errRepeatedCursor, c.redact(*next)))
			return
		}
		seen[*next] = true
		query.Set("page[after]", *next)
	}
}

// listPage is one page of a listing.
type listPage[T any, P item[T]] struct {
	Data       []T `json:"data"`
	Pagination struct {
		Next *string `json:"next"`
	} `json:"pagination"`
	plural string
}

// checkShape refuses a page without its data array, or with an item of
// another shape.
func (p *listPage[T, P]) checkShape() error {
	if p.Data == nil {
		return fmt.Errorf(`not a page of %s: it has no "data" array`, p.plural)
	}
	for i := range p.Data {
		if err := P(&p.Data[i]).checkShape(); err != nil {
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
	if err := setCreated(q, "list waitpoint tokens", p.CreatedPeriod, p.CreatedFrom, p.CreatedTo); err != nil {
		return nil, err
	}
	return q, nil
}

// setCreated sets the createdAt filters both listings share.
func setCreated(q url.Values, operation, period string, from, to *time.Time) error {
	if period != "" {
		q.Set("filter[createdAt][period]", period)
	}
	if from != nil && to != nil && from.After(*to) {
		return fmt.Errorf("%s: created from %s is after created to %s",
			operation, from.UTC().Format(TimeLayout), to.UTC().Format(TimeLayout))
	}
	// The service compares whole milliseconds: a bound between two of them
	// narrows to the millisecond inside the range.
	setTime(q, "filter[createdAt][from]", from, ceilMillisecond)
	setTime(q, "filter[createdAt][to]", to, floorMillisecond)
	return nil
}

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
