// Command mockapi serves the mock Trigger.dev API on a local port:
//
//	go run ./internal/cmd/mockapi -listen 127.0.0.1:0 -api-key KEY -tokens 40
//	go run ./internal/cmd/mockapi -api-key KEY -fixtures tokens.json -control
//
// Install it from a clone, or, once a version is published, without one:
//
//	go install ./internal/cmd/mockapi
//	go install github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/cmd/mockapi@VERSION
//
// -control serves the control API under /_mock/ (see package mockapi).
// -fault, repeatable, queues a fault for the API's first requests, in order:
//
//	mockapi -api-key KEY -fault '{"status":502,"count":2}' -fault '{"reset":true,"afterWork":true}'
//
// It prints one line, "ready: http://HOST:PORT", once it accepts connections,
// logs one line per request to stderr (control requests included: method,
// path with a callback's secret redacted, status, 0 for a dropped connection,
// and duration), and stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run serves until ctx ends and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("mockapi", flag.ContinueOnError)
	flags.SetOutput(stderr)
	listen := flags.String("listen", "127.0.0.1:0", "address to listen on; port 0 picks a free one")
	apiKey := flags.String("api-key", "", "the secret key clients must send as a bearer token (required)")
	tokens := flags.Int("tokens", 40, "how many tokens to seed")
	fixtures := flags.String("fixtures", "", "a JSON file of token objects (the retrieve endpoint's keys) to serve instead of seeded tokens, or an object of \"tokens\" and \"tasks\" (what each task's runs do)")
	seed := flags.Int64("seed", 1, "seed of the generated tokens")
	latency := flags.Duration("latency", 0, "added before every answer, such as 20ms, to play a distant service")
	control := flags.Bool("control", false, "serve the control API under /_mock/ (complete, time out, replace tokens, queue faults, reset, the request log); it takes the same key")
	unknownIDStatus := flags.Int("unknown-id-status", http.StatusInternalServerError,
		"the status a retrieve of an unknown id answers: 500 as the real service does, or 404 as the spec says")
	var faults faultFlag
	flags.Var(&faults, "fault", `a fault for the next API requests, as JSON: {"status":502,"count":2}, {"reset":true,"afterWork":true}, `+
		`{"rateLimitReset":"10s"}, {"latency":"2s"}, {"body":"<html>","contentType":"text/html","status":502}, {"truncate":true}; repeatable, queued in order`)
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *apiKey == "" {
		_, _ = fmt.Fprintln(stderr, "mockapi: -api-key is required")
		flags.Usage()
		return 2
	}
	if *unknownIDStatus != http.StatusInternalServerError && *unknownIDStatus != http.StatusNotFound {
		_, _ = fmt.Fprintf(stderr, "mockapi: -unknown-id-status must be 500 or 404, got %d\n", *unknownIDStatus)
		return 2
	}
	opts := mockapi.Options{APIKey: *apiKey, Tokens: *tokens, Seed: *seed, UnknownIDStatus: *unknownIDStatus, Latency: *latency, Control: *control}
	if *fixtures != "" {
		loaded, err := loadFixtures(*fixtures)
		if err != nil {
			_, _ = fmt.Fprintf(stderr, "mockapi: %v\n", err)
			return 2
		}
		opts.Fixtures, opts.Tasks = loaded.Tokens, loaded.Tasks
	}
	logger := log.New(stderr, "mockapi: ", log.LstdFlags)
	opts.Logf = logger.Printf
	handler := mockapi.New(opts)
	for _, f := range faults {
		handler.InjectFault(f)
	}

	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		logger.Print(err)
		return 1
	}
	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	if _, err := fmt.Fprintf(stdout, "ready: http://%s\n", listener.Addr()); err != nil {
		logger.Print(err)
		_ = server.Close()
		return 1
	}

	select {
	case err = <-served:
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = server.Shutdown(shutdownCtx)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Print(err)
		return 1
	}
	return 0
}

// loadFixtures reads a fixtures file; an error names the file and the entry.
func loadFixtures(path string) (mockapi.FixtureDocument, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return mockapi.FixtureDocument{}, err
	}
	doc, err := mockapi.ParseFixtureDocument(data)
	if err != nil {
		return mockapi.FixtureDocument{}, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

// faultFlag collects the repeatable -fault flag.
type faultFlag []mockapi.Fault

func (f *faultFlag) String() string { return fmt.Sprintf("%d faults", len(*f)) }

func (f *faultFlag) Set(value string) error {
	fault, err := mockapi.ParseFault([]byte(value))
	if err != nil {
		return err
	}
	*f = append(*f, fault)
	return nil
}
