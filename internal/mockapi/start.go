package mockapi

import "net/http/httptest"

// Test is what Start needs of a test: *testing.T, *testing.B and
// testing.TB have it. An interface, so that the mock's own package does not
// import testing.
type Test interface{ Cleanup(func()) }

// Start serves a new mock with o on loopback until the test t ends, and
// returns it with its base URL: the one way the tests of every package start one.
func Start(t Test, o Options) (*Server, string) {
	mock := New(o)
	srv := httptest.NewServer(mock)
	t.Cleanup(srv.Close)
	return mock, srv.URL
}
