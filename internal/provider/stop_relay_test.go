package provider

import (
	"context"
	"errors"
	"io"
	"net"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// TestServer_relaysInterruptedAction drives tf6server itself, over gRPC as
// Terraform does: an action runs, Terraform asks the provider to stop, and the
// action ends. Terraform must receive the action's failure, or a failure of
// the relay's own when the action succeeded after the stop; a run without a
// stop receives the action's completion as it is, once.
func TestServer_relaysInterruptedAction(t *testing.T) {
	t.Parallel()
	interrupted := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityError, Summary: "Interrupted", Detail: "Stopped trying to wait."}
	approved := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: "Approved late", Detail: "The token was completed."}
	cases := []struct {
		name string
		stop bool
		// ends is the action's completion once its context ends, or at once
		// without a stop.
		ends []*tfprotov6.Diagnostic
		want []receivedDiagnostic
	}{
		{"failure after a stop", true, []*tfprotov6.Diagnostic{interrupted},
			[]receivedDiagnostic{{1, "Interrupted", "Stopped trying to wait."}}},
		{"success after a stop", true, []*tfprotov6.Diagnostic{approved},
			[]receivedDiagnostic{{2, "Approved late", "The token was completed."}, {1, "Interrupted",
				"Terraform asked the provider to stop (Ctrl-C) as the action triggerdev_wait_for_waitpoint_token finished: " +
					"it is reported as failed, so that nothing that waits on it is applied."}}},
		{"no stop", false, []*tfprotov6.Diagnostic{approved},
			[]receivedDiagnostic{{2, "Approved late", "The token was completed."}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conn := serveAction(t, &scriptedAction{waitForStop: tc.stop, ends: tc.ends})
			ctx := t.Context()
			stream, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, invokeActionMethod)
			if err != nil {
				t.Fatal(err)
			}
			request := newProtocolMessage(t, "tfplugin6.InvokeAction.Request")
			request.ProtoReflect().Set(request.ProtoReflect().Descriptor().Fields().ByName("action_type"),
				protoreflect.ValueOfString("triggerdev_wait_for_waitpoint_token"))
			if err := stream.SendMsg(request); err != nil {
				t.Fatal(err)
			}
			if err := stream.CloseSend(); err != nil {
				t.Fatal(err)
			}
			if kind, _ := receiveEvent(t, stream); kind != "progress" {
				t.Fatalf("first event: got %q, want the action's progress", kind)
			}
			if tc.stop {
				stopped := newProtocolMessage(t, "tfplugin6.StopProvider.Response")
				if err := conn.Invoke(ctx, "/tfplugin6.Provider/StopProvider", newProtocolMessage(t, "tfplugin6.StopProvider.Request"), stopped); err != nil {
					t.Fatal(err)
				}
			}
			kind, got := receiveEvent(t, stream)
			if kind != "completed" || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("last event: got %q %+v, want completed %+v", kind, got, tc.want)
			}
			if kind, _ := receiveEvent(t, stream); kind != "" {
				t.Fatalf("an event after the completion: %q", kind)
			}
		})
	}
}

// scriptedAction is a provider server with one action: it reports progress,
// waits for its context to end when waitForStop, and completes with ends.
type scriptedAction struct {
	frameworkServer // nil: only the methods below are called
	waitForStop     bool
	ends            []*tfprotov6.Diagnostic
}

func (a *scriptedAction) InvokeAction(ctx context.Context, _ *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	return &tfprotov6.InvokeActionServerStream{Events: func(yield func(tfprotov6.InvokeActionEvent) bool) {
		if !yield(tfprotov6.InvokeActionEvent{Type: tfprotov6.ProgressInvokeActionEventType{Message: "waiting"}}) {
			return
		}
		if a.waitForStop {
			<-ctx.Done()
		}
		yield(tfprotov6.InvokeActionEvent{Type: tfprotov6.CompletedInvokeActionEventType{Diagnostics: a.ends}})
	}}, nil
}

func (a *scriptedAction) StopProvider(context.Context, *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return &tfprotov6.StopProviderResponse{}, nil
}

// serveAction serves action through protocolServer and tf6server, with the
// interceptor Serve installs, on a connection in memory.
func serveAction(t *testing.T, action *scriptedAction) *grpc.ClientConn {
	t.Helper()
	listener := bufconn.Listen(1 << 20)
	server := grpc.NewServer(grpc.StreamInterceptor(relayDroppedCompletion))
	plugin := &tf6server.GRPCProviderPlugin{Name: "registry.terraform.io/triggerdev-terraform/triggerdev",
		GRPCProvider: func() tfprotov6.ProviderServer { return &protocolServer{frameworkServer: action} }}
	if err := plugin.GRPCServer(nil, server); err != nil {
		t.Fatal(err)
	}
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(server.Stop)
	conn, err := grpc.NewClient("passthrough:///memory", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return listener.DialContext(ctx) }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// receivedDiagnostic is a diagnostic as Terraform receives it.
type receivedDiagnostic struct {
	severity        protoreflect.EnumNumber
	summary, detail string
}

// receiveEvent receives one event of an action's stream: its kind (progress or
// completed; "" at the end of the stream) and a completion's diagnostics.
func receiveEvent(t *testing.T, stream grpc.ClientStream) (string, []receivedDiagnostic) {
	t.Helper()
	event := newProtocolMessage(t, invokeActionEvent)
	if err := stream.RecvMsg(event); errors.Is(err, io.EOF) {
		return "", nil
	} else if err != nil {
		t.Fatal(err)
	}
	m := event.ProtoReflect()
	kind := m.WhichOneof(m.Descriptor().Oneofs().ByName("type"))
	if kind == nil {
		t.Fatalf("an event of no kind: %v", event)
	}
	var diags []receivedDiagnostic
	if kind.Name() == "completed" {
		completed := m.Get(kind).Message()
		list := completed.Get(completed.Descriptor().Fields().ByName("diagnostics")).List()
		for i := range list.Len() {
			d := list.Get(i).Message()
			fields := d.Descriptor().Fields()
			diags = append(diags, receivedDiagnostic{d.Get(fields.ByName("severity")).Enum(),
				d.Get(fields.ByName("summary")).String(), d.Get(fields.ByName("detail")).String()})
		}
	}
	return string(kind.Name()), diags
}

// newProtocolMessage is a new message of the protocol type name, which
// terraform-plugin-go registers.
func newProtocolMessage(t *testing.T, name protoreflect.FullName) proto.Message {
	t.Helper()
	messageType, err := protoregistry.GlobalTypes.FindMessageByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return messageType.New().Interface()
}
