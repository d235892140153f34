package client

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// bodyBuffers recycles response buffers: a listing reads one page after another,
// and decoding copies what it keeps, so a page's buffer can serve the next.
var bodyBuffers sync.Pool

// maxPooledBuffer keeps a rare huge answer from staying in memory after use.
const maxPooledBuffer = 1 << 20

// body is a response body read into a pooled buffer; release returns it.
type body struct{ *bytes.Buffer }

func (b body) release() {
	if b.Cap() <= maxPooledBuffer {
		b.Reset()
		bodyBuffers.Put(b.Buffer)
	}
}

// readBody reads at most limit bytes, so a runaway answer cannot exhaust memory.
func readBody(resp *http.Response, limit int64) (body, error) {
	if resp.ContentLength > limit {
		return body{}, errBodyTooLarge(limit)
	}
	pooled, ok := bodyBuffers.Get().(*bytes.Buffer)
	if !ok {
		pooled = new(bytes.Buffer)
	}
	buf := body{pooled}
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength) + bytes.MinRead) // one allocation, not a doubling series
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, limit+1))
	switch {
	case err != nil:
		buf.release()
		return body{}, fmt.Errorf("reading response body: %w", err)
	case n > limit:
		buf.release()
		return body{}, errBodyTooLarge(limit)
	}
	return buf, nil
}

func errBodyTooLarge(limit int64) error {
	return fmt.Errorf("response body exceeds %d bytes", limit)
}
