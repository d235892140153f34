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

// ListTokens iterates over the tokens matching p, newest first, following
// pagination.next page by page until it is absent or the caller stops. A page is
// requested only when the caller wants its first token. An error ends the sequence.
func (c *Client) ListTokens(ctx context.Context, p ListParams) iter.Seq2[Token, error] {
	return func(yield func(Token, error) bool) {
		query, err := p.query()
		if err != nil {
			yield(Token{}, err)
			return
		}
		seen := map[string]bool{}
		for {
			var page struct {
				Data       []Token `json:"data"`
				Pagination struct {
					Next *string `json:"next"`
				} `json:"pagination"`
			}
			if err := c.get(ctx, "list waitpoint tokens", "/api/v1/waitpoints/tokens", query, &page); err != nil {
				yield(Token{}, err)
				return
			}
			for _, t := range page.Data {
				if !yield(t, nil) {
					return
				}
			}
			next := page.Pagination.Next
			if next == nil || *next == "" {
				return
			}
			if seen[*next] {
				yield(Token{}, fmt.Errorf("list waitpoint tokens: %w: %q", errRepeatedCursor, *next))
				return
			}
			seen[*next] = true
			query.Set("page[after]", *next)
		}
	}
}

// query validates p and encodes it as the list endpoint's query.
func (p ListParams) query() (url.Values, error) {
	q := url.Values{}
	if p.PageSize < 0 || p.PageSize > 100 {
		return nil, fmt.Errorf("list waitpoint tokens: page size %d is outside 1 to 100", p.PageSize)
	}
	if p.PageSize > 0 {
		q.Set("page[size]", strconv.Itoa(p.PageSize))
	}
	statuses := make([]string, len(p.Statuses))
	for i, s := range p.Statuses {
		if !slices.Contains(Statuses, s) {
			return nil, fmt.Errorf("list waitpoint tokens: unknown status %q", s)
		}
		statuses[i] = string(s)
	}
	setList(q, "filter[status]", statuses)
	setList(q, "filter[tags]", p.Tags)
	if p.IdempotencyKey != "" {
		q.Set("filter[idempotencyKey]", p.IdempotencyKey)
	}
	if p.CreatedPeriod != "" {
		q.Set("filter[createdAt][period]", p.CreatedPeriod)
	}
	setTime(q, "filter[createdAt][from]", p.CreatedFrom)
	setTime(q, "filter[createdAt][to]", p.CreatedTo)
	return q, nil
}

func setList(q url.Values, key string, items []string) {
	if len(items) > 0 {
		q.Set(key, strings.Join(items, ","))
	}
}

func setTime(q url.Values, key string, t *time.Time) {
	if t != nil {
		q.Set(key, t.UTC().Format("2006-01-02T15:04:05.000Z"))
	}
}

