package provider

import (
	"context"
	"sync"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// outputConcurrency bounds the retrieve requests in flight. The service's bucket
// refills 25 requests a second; eight at a time stays polite, and the client
// waits out any 429 until the bucket refills.
const outputConcurrency = 8

// fetchOutputs replaces each listed token, in place, by its full retrieve answer,
// which carries the output the list endpoint leaves out.
func fetchOutputs(ctx context.Context, c *client.Client, tokens []client.Token) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, outputConcurrency)
	var wg sync.WaitGroup
	for i := range tokens {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			full, err := c.GetToken(ctx, tokens[i].ID)
			if err != nil {
				cancel(err)
				return
			}
			tokens[i] = full
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}
