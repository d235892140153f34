package provider

import (
	"reflect"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestServer_forwardsEveryMethod fails when the framework's server has a
// method the provider's wrapper lacks: tf6server finds list resources, actions
// and state stores by asserting interfaces on the server, so a method the
// wrapper hides turns a kind the schema advertises into "unsupported".
func TestServer_forwardsEveryMethod(t *testing.T) {
	framework, err := providerserver.NewProtocol6WithError(&triggerdevProvider{getenv: envOf(nil)})()
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := newServer("test", envOf(nil))()
	if err != nil {
		t.Fatal(err)
	}
	frameworkType, wrappedType := reflect.TypeOf(framework), reflect.TypeOf(wrapped)
	if frameworkType.NumMethod() < 20 {
		t.Fatalf("the framework's server %s has %d methods: the comparison would prove nothing", frameworkType, frameworkType.NumMethod())
	}
	for i := range frameworkType.NumMethod() {
		name := frameworkType.Method(i).Name
		if _, ok := wrappedType.MethodByName(name); !ok {
			t.Errorf("the framework's server has %s, the provider's wrapper does not: add its interface to frameworkServer", name)
		}
	}
}

// TestServer_writeOnlyActionAttribute: the complete action's write-only data
// passes validation through the provider's server, while the framework's own
// refuses it (when it no longer does, ValidateActionConfig's shim can go).
func TestServer_writeOnlyActionAttribute(t *testing.T) {
	framework, err := providerserver.NewProtocol6WithError(&triggerdevProvider{getenv: envOf(nil)})()
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := newServer("test", envOf(nil))()
	if err != nil {
		t.Fatal(err)
	}
	a := attrs{"id": "waitpoint_a", "data": `{"ok":true}`}
	for name, server := range map[string]tfprotov6.ProviderServer{"framework": framework, "provider": wrapped} {
		diags := validateWith(t, server, completeActionBlock, a)
		refused := slices.ContainsFunc(diags, isWriteOnlyRefusal)
		if refused != (name == "framework") || len(diags) > 1 {
			t.Errorf("the %s's server answered %s", name, describe(diags))
		}
	}
}
