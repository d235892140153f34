package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// Once Terraform asks the provider to stop (a first Ctrl-C), terraform-plugin-go
// (v0.31.0, tf6server.InvokeAction) ends an action's event stream at the next
// event without sending it, its completion included, and Terraform 1.14 to
// 1.16 take a stream that ends without a completion for a success: the change
// a wait action gates would be applied, approved or not. So the provider
// relays the completion itself: protocolServer.InvokeAction hands each
// completion tf6server did not take to the stream's completionRelay, and
// relayDroppedCompletion, a gRPC interceptor around the stream, sends it once
// tf6server is done with the stream. The run then ends at once, with the
// action's own error and nothing applied.

// Serve serves the provider to Terraform as tf6server.Serve does, with
// relayDroppedCompletion around every action's stream.
func Serve(name string, server func() tfprotov6.ProviderServer) {
	plugin.Serve(&plugin.ServeConfig{
		// Terraform's handshake for protocol 6, as tf6server.Serve sends it.
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  6,
			MagicCookieKey:   "TF_PLUGIN_MAGIC_COOKIE",
			MagicCookieValue: "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		},
		Plugins: plugin.PluginSet{"provider": &tf6server.GRPCProviderPlugin{GRPCProvider: server, Name: name}},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(opts,
				grpc.MaxRecvMsgSize(maxMessageSize), grpc.MaxSendMsgSize(maxMessageSize),
				grpc.StreamInterceptor(relayDroppedCompletion))...)
		},
	})
}

// maxMessageSize is tf6server.Serve's limit on a message either way.
const maxMessageSize = 256 << 20

const (
	invokeActionMethod = "/tfplugin6.Provider/InvokeAction"
	invokeActionEvent  = "tfplugin6.InvokeAction.Event"
)

// completionRelay holds the completion of an action that tf6server did not
// send.
type completionRelay struct {
	actionType string
	dropped    bool
	diags      []*tfprotov6.Diagnostic
}

type completionRelayKey struct{}

// relayStream is an action's stream whose context carries its completionRelay.
type relayStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s relayStream) Context() context.Context { return s.ctx }

// relayDroppedCompletion sends an action's completion that tf6server dropped,
// once tf6server has returned from the stream. The completion always fails:
// once stopped, nothing the action gates may be applied, even when the action
// succeeded at the moment the stop came.
func relayDroppedCompletion(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if info.FullMethod != invokeActionMethod {
		return handler(srv, ss)
	}
	relay := &completionRelay{}
	if err := handler(srv, relayStream{ss, context.WithValue(ss.Context(), completionRelayKey{}, relay)}); err != nil || !relay.dropped {
		return err
	}
	diags := relay.diags
	if !hasError(diags) {
		diags = append(diags, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityError,
			Summary:  "Interrupted",
			Detail: fmt.Sprintf("Terraform asked the provider to stop (Ctrl-C) as the action %s finished: it is reported as failed, "+
				"so that nothing that waits on it is applied.", relay.actionType),
		})
	}
	event, err := completedEvent(diags)
	if err != nil {
		return err
	}
	return ss.SendMsg(event)
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// completedEvent is the protocol's completion event holding diags (severity,
// summary and detail: an attribute path is left out). terraform-plugin-go
// keeps its protocol types internal, so the event is built by reflection on
// the type it registers.
func completedEvent(diags []*tfprotov6.Diagnostic) (proto.Message, error) {
	eventType, err := protoregistry.GlobalTypes.FindMessageByName(invokeActionEvent)
	if err != nil {
		return nil, fmt.Errorf("the protocol's %s: %w", invokeActionEvent, err)
	}
	event := eventType.New()
	completed := event.Mutable(event.Descriptor().Fields().ByName("completed")).Message()
	list := completed.Mutable(completed.Descriptor().Fields().ByName("diagnostics")).List()
	for _, d := range diags {
		m := list.NewElement().Message()
		fields := m.Descriptor().Fields()
		// tfprotov6 numbers severities as the protocol does.
		m.Set(fields.ByName("severity"), protoreflect.ValueOfEnum(protoreflect.EnumNumber(d.Severity)))
		m.Set(fields.ByName("summary"), protoreflect.ValueOfString(d.Summary))
		m.Set(fields.ByName("detail"), protoreflect.ValueOfString(d.Detail))
		list.Append(protoreflect.ValueOfMessage(m))
	}
	return event.Interface(), nil
}

// InvokeAction hands the action's completion to the stream's completionRelay
// when tf6server stops taking events before it, and runs the action to its
// end meanwhile: the framework would otherwise stop with the stream.
func (s *protocolServer) InvokeAction(ctx context.Context, req *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	stream, err := s.frameworkServer.InvokeAction(ctx, req)
	relay, relayed := ctx.Value(completionRelayKey{}).(*completionRelay)
	if err != nil || !relayed {
		return stream, err
	}
	relay.actionType = req.ActionType
	events := stream.Events
	stream.Events = func(yield func(tfprotov6.InvokeActionEvent) bool) {
		taking := true
		for event := range events {
			taking = taking && yield(event)
			if completed, ok := event.Type.(tfprotov6.CompletedInvokeActionEventType); ok && !taking {
				relay.dropped, relay.diags = true, completed.Diagnostics
			}
		}
	}
	return stream, nil
}
