package mockapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// sdkCheckDir holds the official SDK's check script and its pinned install
// (make sdk-deps, which make test runs).
var sdkCheckDir = filepath.Join("testdata", "sdkcheck")

// TestOfficialSDK drives @trigger.dev/sdk (the version testdata/sdkcheck/package.json
// pins) against the mock: createToken, completeToken, retrieveToken and
// listTokens must take every answer without a validation error, and see what
// the mock holds. In CI it must run; elsewhere it skips without Node or the
// installed SDK. It runs with the environment's secret key and with an
// additional key (tr_*_sk_), with which the SDK cannot sign the public token
// of a create itself and needs the create's x-trigger-jwt headers. Given a real
// service (TRIGGERDEV_REAL_API_URL and TRIGGERDEV_REAL_SECRET_KEY), it also runs
// there, and the SDK must see the same from both.
func TestOfficialSDK(t *testing.T) {
	for name, key := range map[string]string{"secret key": key, "additional key": "tr_dev_sk_mock_additional_key"} {
		t.Run(name, func(t *testing.T) { checkOfficialSDK(t, key) })
	}
	t.Run("the service agrees", checkOfficialSDKAgrees)
}

// checkOfficialSDKAgrees runs the check against a real Trigger.dev
// development environment (TRIGGERDEV_REAL_API_URL and
// TRIGGERDEV_REAL_SECRET_KEY) and against the mock, with the run's own tag
// and key, and compares what the SDK saw after normalising ids, times and
// hashes. It leaves out the stored output: the local build of the service
// has no object store (api-notes), and the runs against the mock cover it.
func checkOfficialSDKAgrees(t *testing.T) {
	realURL, realKey := realService(t)
	run := fmt.Sprintf("sdk-%d", time.Now().UnixNano())
	_, url := mockapi.Start(t, mockapi.Options{APIKey: key})
	fromMock := normaliseSDKOutput(runSDKScript(t, "check.mjs", url, key, "SDKCHECK_TAG="+run, "SDKCHECK_LARGE=0"), run)
	fromService := normaliseSDKOutput(runSDKScript(t, "check.mjs", realURL, realKey, "SDKCHECK_TAG="+run, "SDKCHECK_LARGE=0"), run)
	if fromMock != fromService {
		t.Errorf("the SDK saw other things from the mock and from the service:\nmock:    %s\nservice: %s", fromMock, fromService)
	}
}

// normaliseSDKOutput replaces what differs between two environments in the
// check's output: origins, hashes, times and the run's tag by placeholders,
// and token ids by their order of first appearance.
func normaliseSDKOutput(out []byte, run string) string {
	s := strings.ReplaceAll(string(out), run, "<tag>")
	s = origin.ReplaceAllString(s, "<origin>")
	s = hexHash.ReplaceAllString(s, "<hash>")
	s = isoTime.ReplaceAllString(s, "<time>")
	ids := map[string]string{}
	return friendlyIDs.ReplaceAllStringFunc(s, func(id string) string {
		if _, ok := ids[id]; !ok {
			ids[id] = fmt.Sprintf("<id %d>", len(ids)+1)
		}
		return ids[id]
	})
}

var friendlyIDs = regexp.MustCompile(`waitpoint_[a-z0-9]+`)

func checkOfficialSDK(t *testing.T, key string) {
	mock, url := mockapi.Start(t, mockapi.Options{APIKey: key, Tokens: 5, Seed: 2})
	out := runSDKScript(t, "check.mjs", url, key)
	var seen struct {
		Created struct {
			ID, URL  string
			IsCached bool
		}
		Again struct {
			ID       string
			IsCached bool
		}
		Completed struct{ Success bool }
		Retrieved struct {
			ID, Status, TimeoutAt string
			Output                map[string]any
			Tags                  []string
		}
		Text  struct{ Status, Output string }
		Large struct {
			Status       string
			ReportLength int
		}
		Waiting struct {
			Status string
			Output any
		}
		Listed []struct {
			ID, Status string
			Tags       []string
		}
	}
	if err := json.Unmarshal(out, &seen); err != nil {
		t.Fatalf("%v: %s", err, out)
	}

	tok, ok := mock.Token(seen.Created.ID)
	switch {
	case !ok || seen.Created.IsCached || seen.Created.URL != mock.CallbackURL(url, tok.ID):
		t.Errorf("createToken: %+v", seen.Created)
	case seen.Again.ID != tok.ID || !seen.Again.IsCached:
		t.Errorf("createToken with a live key: %+v, want the first token, cached", seen.Again)
	case !seen.Completed.Success || seen.Retrieved.Status != "COMPLETED" || seen.Retrieved.Output["approved"] != true || seen.Retrieved.Output["by"] != "sdk":
		t.Errorf("completeToken then retrieveToken: %+v %+v", seen.Completed, seen.Retrieved)
	case strings.Join(seen.Retrieved.Tags, ",") != "sdk,deploy:prod" || seen.Retrieved.TimeoutAt == "":
		t.Errorf("retrieveToken: tags %v (want the stored order), timeoutAt %q", seen.Retrieved.Tags, seen.Retrieved.TimeoutAt)
	case seen.Text.Status != "COMPLETED" || seen.Text.Output != "ship it":
		t.Errorf("a text output: %+v", seen.Text)
	case seen.Large.Status != "COMPLETED" || seen.Large.ReportLength != 600*1024:
		t.Errorf("a stored output: %+v", seen.Large)
	case seen.Waiting.Status != "WAITING" || seen.Waiting.Output != nil:
		t.Errorf("a waiting token: %+v", seen.Waiting)
	}

	var want []string
	for _, tok := range mock.Tokens() {
		if tok.Status == "COMPLETED" && slices.Contains(tok.Tags, "sdk") {
			want = append(want, tok.ID)
		}
	}
	var got []string
	for _, item := range seen.Listed {
		got = append(got, item.ID)
		if !slices.IsSorted(item.Tags) {
			t.Errorf("listTokens: tags %v not sorted", item.Tags)
		}
	}
	if len(want) != 3 || !slices.Equal(got, want) {
		t.Errorf("listTokens over two pages: %v, want %v", got, want)
	}
	stored := 0
	for _, r := range mock.Requests() {
		if r.Status >= 400 {
			t.Errorf("%s %s answered %d", r.Method, r.Path, r.Status)
		}
		if strings.HasPrefix(r.Path, "/storage/") {
			stored++
		}
	}
	if stored != 1 {
		t.Errorf("%d object storage reads, want 1 for the stored output", stored)
	}
}

// runSDKScript runs a script of testdata/sdkcheck against the API at baseURL
// with key, and env besides, and returns its standard output. In CI it must
// run; elsewhere it skips without Node or the installed SDK.
func runSDKScript(t *testing.T, script, baseURL, key string, env ...string) []byte {
	t.Helper()
	node, err := exec.LookPath("node")
	if _, statErr := os.Stat(filepath.Join(sdkCheckDir, "node_modules", "@trigger.dev", "sdk")); err != nil || statErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must run the SDK check: node %v, SDK %v (make sdk-deps installs it)", err, statErr)
		}
		t.Skip("needs node and the SDK in sdkcheck/node_modules: make sdk-deps")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script)
	cmd.Dir = sdkCheckDir
	cmd.Env = append(append(os.Environ(), "TRIGGER_API_URL="+baseURL, "TRIGGER_SECRET_KEY="+key), env...)
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if exitErr, ok := errors.AsType[*exec.ExitError](err); ok {
			stderr = string(exitErr.Stderr)
		}
		t.Fatalf("the SDK failed against %s: %v\n%s", baseURL, err, stderr)
	}
	return out
}
