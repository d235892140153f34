package provider

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
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
