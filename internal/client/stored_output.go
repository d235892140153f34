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

// MaxStoredOutputBytes is the most a stored output can be: the service accepts
// completion payloads of at most 3 MiB.
const MaxStoredOutputBytes = 3 << 20

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
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxStoredOutputBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading the stored output: %w", contextOr(ctx, transportCause(err)))
	case len(data) > MaxStoredOutputBytes:
		return nil, fmt.Errorf("the stored output is larger than %d bytes, the most the service accepts", MaxStoredOutputBytes)
	}
	contentType, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil {
		contentType = OutputTypeJSON // what the service stores by default
	}
	return &storedOutput{data: string(data), contentType: contentType}, nil
}
