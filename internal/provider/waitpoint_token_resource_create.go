package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// tokenCreate is a checked create: what is sent, and what the token must
// have for a token the service returns instead (a live key's) to be adopted.
type tokenCreate struct {
	params      client.CreateTokenParams
	timeout     *tokenTimeout // nil: none
	timeoutText string        // as configured, for messages
	ttl         time.Duration // 0: none
}

// createRequest checks the arguments again, as values unknown at plan time
// were not validated then, and a past instant is refused only now.
func (m waitpointTokenResourceModel) createRequest(ctx context.Context) (tokenCreate, diag.Diagnostics) {
	diags := checkString(ctx, path.Root("idempotency_key"), m.IdempotencyKey, createdKeyValidator())
	diags.Append(checkString(ctx, path.Root("idempotency_key_ttl"), m.IdempotencyKeyTTL, ttlValidator())...)
	diags.Append(checkString(ctx, path.Root("timeout"), m.Timeout, tokenTimeoutValidator())...)
	diags.Append(checkList(ctx, path.Root("tags"), m.Tags, createdTagsValidators()...)...)
	if diags.HasError() {
		return tokenCreate{}, diags
	}
	r := tokenCreate{params: client.CreateTokenParams{
		IdempotencyKey:    m.IdempotencyKey.ValueString(), // unknown when not set: "" has the client generate one
		IdempotencyKeyTTL: m.IdempotencyKeyTTL.ValueString(),
		Tags:              listStrings[string](m.Tags),
	}}
	if isKnown(m.IdempotencyKeyTTL) {
		r.ttl, _ = parseTTL(m.IdempotencyKeyTTL.ValueString()) // checked above
	}
	if isKnown(m.Timeout) {
		timeout, _ := parseTokenTimeout(m.Timeout.ValueString()) // checked above
		if !timeout.instant.IsZero() && !timeout.instant.After(time.Now()) {
			diags.AddAttributeError(path.Root("timeout"), "Timeout has passed",
				fmt.Sprintf("Attribute timeout is %s, which has passed: Trigger.dev ignores a past timeout, and the token would never time out. Set a later time, or a duration such as \"24h\".", m.Timeout.ValueString()))
		}
		r.timeout, r.timeoutText, r.params.Timeout = &timeout, m.Timeout.ValueString(), timeout.wire(m.Timeout.ValueString())
	}
	return r, diags
}

// create creates the token and reads it. A token the service returned for a
// live key is adopted only when it has the values this create would have
// given it: the service applies none of them to an existing token. The key
// sent (generated when none was set) is left in r.params.
func (r *tokenCreate) create(ctx context.Context, c *client.Client) (client.Token, diag.Diagnostics) {
	var diags diag.Diagnostics
	created, err := c.CreateToken(ctx, r.params)
	if err != nil {
		addClientError(&diags, "create waitpoint token", err)
		return client.Token{}, diags
	}
	r.params.IdempotencyKey = created.IdempotencyKey
	token, err := c.GetToken(ctx, created.ID)
	if err != nil {
		addClientError(&diags, fmt.Sprintf("read waitpoint token %q just created", created.ID), err)
		return client.Token{}, diags
	}
	switch differences := r.differences(token); {
	case created.IsCached && len(differences) > 0:
		diags.AddError("Idempotency key names another token",
			fmt.Sprintf("The idempotency key %q is live and names waitpoint token %q, which Trigger.dev returned unchanged instead of creating one from this configuration: %s. "+
				"Use another idempotency_key, wait until the key expires (%s), or make the configuration match that token.",
				r.params.IdempotencyKey, token.ID, strings.Join(differences, "; "), expiry(token)))
	case created.IsCached && token.Status != client.StatusWaiting:
		// The same key can only return the same answer: asking again (after a
		// decline or a timeout) takes a new key, which only the user can choose.
		diags.AddWarning("Waitpoint token has already ended",
			fmt.Sprintf("The idempotency key %q is live and names waitpoint token %q, which has ended: %s at %s. Trigger.dev returned it instead of creating a new token, so nobody is asked again, and its callback URL changes nothing. "+
				"To ask again, use a new idempotency_key, such as one with an attempt number (%q), or wait until the key expires (%s).",
				r.params.IdempotencyKey, token.ID, token.Status, ended(token), nextAttempt(r.params.IdempotencyKey), expiry(token)))
	}
	return token, diags
}

// ended is when a token that is no longer WAITING ended: the service sets
// completedAt for a timeout too.
func ended(token client.Token) string {
	if token.CompletedAt == nil {
		return "a time Trigger.dev does not give"
	}
	return formatInstant(token.CompletedAt)
}

var attemptSuffix = regexp.MustCompile(`^(.*-attempt-)(\d+)$`)

// nextAttempt is the key of the next attempt: key's attempt number plus one,
// or attempt 2 for a key without one.
func nextAttempt(key string) string {
	if m := attemptSuffix.FindStringSubmatch(key); m != nil {
		if n, err := strconv.Atoi(m[2]); err == nil {
			return m[1] + strconv.Itoa(n+1)
		}
	}
	return key + "-attempt-2"
}

// differences lists how token differs from what this create asks for.
func (r *tokenCreate) differences(token client.Token) []string {
	var out []string
	if want, got := slices.Sorted(slices.Values(r.params.Tags)), slices.Sorted(slices.Values(token.Tags)); !slices.Equal(want, got) {
		out = append(out, fmt.Sprintf("its tags are %s, not %s", quotedList(token.Tags), quotedList(r.params.Tags)))
	}
	switch {
	case r.timeout == nil && token.TimeoutAt != nil:
		out = append(out, fmt.Sprintf("it times out at %s, and the configuration sets no timeout", formatInstant(token.TimeoutAt)))
	case r.timeout != nil && token.TimeoutAt == nil:
		out = append(out, fmt.Sprintf("it has no timeout, not %q", r.timeoutText))
	case r.timeout != nil && !r.timeout.matches(token):
		out = append(out, fmt.Sprintf("it times out at %s, not as %q says", formatInstant(token.TimeoutAt), r.timeoutText))
	}
	expires := token.IdempotencyKeyExpiresAt
	switch {
	case r.ttl == 0 && expires != nil:
		out = append(out, fmt.Sprintf("its key expires at %s, and the configuration sets no idempotency_key_ttl", formatInstant(expires)))
	case r.ttl != 0 && !keyTTLMatches(r.ttl, token):
		out = append(out, fmt.Sprintf("its key expires %s, not %s after its creation", expiry(token), r.params.IdempotencyKeyTTL))
	}
	return out
}

// matches reports whether token times out as t says: at the instant (the
// service keeps milliseconds), or the duration after its creation.
func (t tokenTimeout) matches(token client.Token) bool {
	if !t.instant.IsZero() {
		return token.TimeoutAt.Equal(t.instant)
	}
	return aboutEqual(token.TimeoutAt.Sub(token.CreatedAt), t.duration)
}

// keyTTLMatches reports whether token's key expires ttl after its creation.
func keyTTLMatches(ttl time.Duration, token client.Token) bool {
	got, ok := keyTTL(token)
	return ok && aboutEqual(got, ttl)
}

// aboutEqual compares a duration the service derived with the one asked
// for: the service takes its creation time and the request's clock apart,
// milliseconds apart; durations are whole seconds.
func aboutEqual(got, want time.Duration) bool {
	return (got - want).Abs() < time.Second
}

func expiry(token client.Token) string {
	if token.IdempotencyKeyExpiresAt == nil {
		return "never: it has no TTL"
	}
	return "at " + formatInstant(token.IdempotencyKeyExpiresAt)
}

func formatInstant(t *time.Time) string { return t.UTC().Format(client.TimeLayout) }

func quotedList(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
