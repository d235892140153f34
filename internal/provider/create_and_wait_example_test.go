package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// notification is what the create-and-wait example's notifier POSTs.
type notification struct {
	Text       string `json:"text"`
	ApproveURL string `json:"approve_url"`
}

// startNotifier receives the example's notifications on loopback and hands
// each to answer; it returns the URL to notify.
func startNotifier(t *testing.T, answer func(notification) error) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n notification
		if err := json.NewDecoder(r.Body).Decode(&n); err != nil || n.ApproveURL == "" {
			t.Errorf("the notifier sent no approve_url: %v", err)
			http.Error(w, "no approve_url", http.StatusBadRequest)
			return
		}
		if err := answer(n); err != nil {
			t.Errorf("answering the notification: %v", err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// approveThroughNotifier is the person the create-and-wait example asks: it
// answers with decision through the callback URL the notifier received.
func approveThroughNotifier(t *testing.T, mock *target, decision string) []string {
	notify := startNotifier(t, func(n notification) error { return postDecision(n.ApproveURL, decision) })
	return []string{"TF_VAR_release=" + mock.name("42"), "TF_VAR_notify_url=" + notify}
}

func postDecision(url, decision string) error {
	resp, err := http.Post(url, "application/json", strings.NewReader(decision))
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the callback answered %s", resp.Status)
	}
	return nil
}

// TestAccExamples_createAndWaitNotStored: the create-and-wait example's
// state and saved plan hold no callback URL, while its notifier got it. CLIs
// without actions run the part of the example that handles the URL, main.tf.
func TestAccExamples_createAndWaitNotStored(t *testing.T) {
	t.Parallel()
	ws := newCLIWorkspace(t)
	skipWithoutEphemeral(t, ws.openTofu, ws.version)
	mock, url := startTarget(t)
	received := make(chan string, 10) // the notifier's handler runs on the server's goroutine
	notify := startNotifier(t, func(n notification) error {
		received <- n.ApproveURL
		return postDecision(n.ApproveURL, `{"approved":true}`)
	})
	ws.copyExample("gating/create-and-wait")
	if ws.openTofu || ws.version.LessThan(tfversion.Version1_14_0) {
		if err := os.Remove(filepath.Join(ws.dir, "rollout.tf")); err != nil {
			t.Fatal(err)
		}
	}
	ws.env = append(ws.env, envAPIURL+"="+url, envAPIKey+"="+testAPIKey, "TF_VAR_release="+mock.name("42"), "TF_VAR_notify_url="+notify)
	if out, err := ws.run("plan", "-input=false", "-out=saved.tfplan"); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	if out, err := ws.run("apply", "-input=false", "saved.tfplan"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	tokens := mock.Tokens()
	if len(tokens) != 1 || len(received) != 1 {
		t.Fatalf("want one token notified once, got %d tokens and %d notifications", len(tokens), len(received))
	}
	callback := <-received
	if callback != mock.CallbackURL(url, tokens[0].ID) {
		t.Fatal("the notifier did not get the token's callback URL")
	}
	hash := callback[strings.LastIndex(callback, "/")+1:]
	for name, content := range map[string]string{"state": readFileString(t, filepath.Join(ws.dir, "terraform.tfstate")), "saved plan": planText(t, filepath.Join(ws.dir, "saved.tfplan"))} {
		if !strings.Contains(content, "triggerdev_waitpoint_token") {
			t.Fatalf("the %s does not hold the token's resource: it proves nothing", name)
		}
		if strings.Contains(content, hash) {
			t.Errorf("the %s holds the callback URL's hash", name)
		}
	}
}
