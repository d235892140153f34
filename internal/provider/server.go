package provider

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewServer returns a constructor of the provider's protocol 6 server: the
// framework's, except that readTokensFast answers the list data source's read.
// Measured on 10,000 tokens, the framework spent 2.4 s of CPU converting,
// checking and copying the state after Read, against 0.07 s for the listing.
func NewServer(version string) func() (tfprotov6.ProviderServer, error) {
	return newServer(version, os.Getenv)
}

// frameworkServer is every interface of tf6server the framework's server
// implements. tf6server serves actions, list resources and state stores only
// to a server it can assert these deprecated interfaces on, so the wrapper
// must have them all (TestServer_forwardsEveryMethod).
type frameworkServer interface {
	tfprotov6.ProviderServerWithActions      //nolint:staticcheck // see above
	tfprotov6.ProviderServerWithListResource //nolint:staticcheck // see above
	tfprotov6.ProviderServerWithStateStores  //nolint:staticcheck // see above
}

// newServer is NewServer with the environment the provider reads.
func newServer(version string, getenv func(string) string) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := &triggerdevProvider{version: version, getenv: getenv}
		framework, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		full, ok := framework.(frameworkServer)
		if !ok {
			return nil, fmt.Errorf("the framework's server %T lacks an interface the provider forwards", framework)
		}
		return &protocolServer{frameworkServer: full, provider: p}, nil
	}
}

// protocolServer is the framework's server with one read of its own.
type protocolServer struct {
	frameworkServer
	provider *triggerdevProvider
}

// ReadDataSource sends the list data source's read to the fast path, and
// every other read, or one the fast path declines, to the framework.
func (s *protocolServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	if req.TypeName == tokensTypeName {
		if resp, ok := s.readTokensFast(ctx, req); ok {
			return resp, nil
		}
	}
	return s.frameworkServer.ReadDataSource(ctx, req)
}

// ValidateActionConfig lets a write-only action attribute hold a value. The
// framework (v1.19.0) refuses any non-null one, as it does for a CLI older
// than Terraform 1.11, because this request carries no client capabilities;
// every CLI with actions (Terraform 1.14 and later) has write-only attributes.
// TestServer_writeOnlyActionAttribute fails once the framework stops.
func (s *protocolServer) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	resp, err := s.frameworkServer.ValidateActionConfig(ctx, req)
	if resp != nil {
		resp.Diagnostics = slices.DeleteFunc(resp.Diagnostics, isWriteOnlyRefusal)
	}
	return resp, err
}

// writeOnlyRefusal is the framework's summary of its refusal.
const writeOnlyRefusal = "WriteOnly Attribute Not Allowed"

func isWriteOnlyRefusal(d *tfprotov6.Diagnostic) bool { return d.Summary == writeOnlyRefusal }
