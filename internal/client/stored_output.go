package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
)

// maxCompletionBody is the largest callback or complete body the service
// accepts: it checks the request's Content-Length, before serialising.
const maxCompletionBody = 3 << 20

// MaxStoredOutputBytes is the most of a stored output the client reads: the
// largest output the service stores from a body it accepts. The service runs
// the body through JSON.parse and superjson.stringify, which
//   - wraps the value in {"json":…}: 9 bytes;
//   - writes numbers as JavaScript does, positionally below 1e21: "1e20"
//     (4 bytes, 5 with its comma) becomes "100000000000000000000" (21, 22 with
//     it), the most any number grows, by 22/5 (the last element of an array
//     has no comma: counting one more body byte covers it);
//   - decodes strings, so escapes shrink or stay, and each invalid UTF-8 byte
//     becomes U+FFFD (3 bytes), less than 22/5;
//   - compacts whitespace and drops duplicate keys, which only shrinks.
//
// A byte of the body grows at most 22/5 times, whatever it is part of. Not
// covered: -0 and numbers beyond a double (1e400) add a superjson meta entry
// naming each one's path, which has no bound short of the service's memory;
// an output of many of them can exceed this cap, and then reads as an error
// naming it.
const MaxStoredOutputBytes = (maxCompletionBody+1)*22/5 + len(`{"json":}`)

// storedOutput is the data behind an application/store output.
type storedOutput struct {
	data        string
	contentType string
}

// resolveStoredOutput fetches an application/store output as the official SDK
// does: the packets endpoint, with the key, names a presigned URL, which is
// fetched without the key (its host may be another). The URL carries its own
// signature: it is never logged nor put in an error.
func (c *Client) resolveStoredOutput(ctx context.Context, t *Token) error {
	if t.Output == nil || t.OutputType == nil || *t.OutputType != OutputTypeStore {
		return nil
	}
	operation := fmt.Sprintf("fetch the stored output of waitpoint token %q", t.ID)
	var packet struct {
		PresignedURL string `json:"presignedUrl"`
	}
	if err := c.get(ctx, operation, "/api/v1/packets/"+url.PathEscape(*t.Output), nil, &packet); err != nil {
		return err
	}
	if packet.PresignedURL == "" {
		return fmt.Errorf("%s: the packets endpoint named no presigned URL", operation)
	}
	stored, err := c.download(ctx, packet.PresignedURL)
	if err != nil {
		return fmt.Errorf("%s: %w", operation, err)
	}
	t.stored = stored
	return nil
}

// download GETs a presigned URL, without the API key, at most
// MaxStoredOutputBytes of it.
func (c *Client) download(ctx context.Context, presigned string) (*storedOutput, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, presigned, nil)
	if err != nil {
		return nil, errors.New("the presigned URL is not a valid URL")
	}
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("the presigned URL: %w", contextOr(ctx, transportCause(err)))
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("the presigned URL answered HTTP %d (%s): it may have expired (they last 300 s) or be forbidden",
			resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, int64(MaxStoredOutputBytes)+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading the stored output: %w", contextOr(ctx, transportCause(err)))
	case len(data) > MaxStoredOutputBytes:
		return nil, fmt.Errorf("the stored output is larger than %d bytes, the most the service stores from a payload of %d bytes", MaxStoredOutputBytes, maxCompletionBody)
	}
	contentType, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil {
		contentType = OutputTypeJSON // what the service stores by default
	}
	return &storedOutput{data: string(data), contentType: contentType}, nil
}
