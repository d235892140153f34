package provider

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// readTokensFast is the list data source's Read with the state encoded straight
// from the tokens. It declines (ok false) whatever the framework must handle:
// an unconfigured provider (whose error the framework words), a configuration
// it cannot decode or not wholly known, or a schema it does not know.
func (s *protocolServer) readTokensFast(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, bool) {
	shape := tokensStateShape()
	data := s.provider.configured.Load()
	if shape.err != nil || data == nil || data.client == nil || req.Config == nil {
		return nil, false
	}
	config, err := req.Config.Unmarshal(shape.typ)
	if err != nil || !config.IsFullyKnown() {
		return nil, false
	}
	var model waitpointTokensModel
	diags := tfsdk.Config{Raw: config, Schema: shape.schema}.Get(ctx, &model)
	if diags.HasError() {
		return nil, false
	}
	resp := &tfprotov6.ReadDataSourceResponse{}
	tokens, hasMore := readTokens(ctx, data, model, &diags)
	if !diags.HasError() {
		resp.State = shape.encode(ctx, config, tokens, hasMore, model.IncludeOutput.ValueBool(), &diags)
	}
	resp.Diagnostics = protocolDiagnostics(diags)
	return resp, true
}

// stateShape is what the fast path takes from the framework's schema at run
// time: the state's type, and which attributes are the configuration's.
type stateShape struct {
	schema     schema.Schema
	typ        tftypes.Object
	configured []string // attributes the state copies from the configuration
	tokenNames []string // attributes of one token, sorted
	err        error    // set when the schema has an attribute the fast path cannot fill
}

// computedTokensAttributes are the attributes the fast path computes.
var computedTokensAttributes = []string{"has_more", "ids", "tokens", "urls"}

var tokensStateShape = sync.OnceValue(func() stateShape {
	var resp datasource.SchemaResponse
	NewWaitpointTokensDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	return newStateShape(context.Background(), resp.Schema)
})

func newStateShape(ctx context.Context, s schema.Schema) stateShape {
	shape := stateShape{schema: s}
	typ, ok := s.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		shape.err = fmt.Errorf("the schema's type is %T", s.Type().TerraformType(ctx))
		return shape
	}
	shape.typ = typ
	var computed []string
	for name, a := range s.Attributes {
		if a.IsComputed() {
			computed = append(computed, name)
		} else {
			shape.configured = append(shape.configured, name)
		}
	}
	slices.Sort(computed)
	slices.Sort(shape.configured)
	shape.tokenNames = slices.Sorted(maps.Keys(tokenAttrTypes))
	tokenType, _ := typ.AttributeTypes["tokens"].(tftypes.List)
	elem, _ := tokenType.ElementType.(tftypes.Object)
	if !slices.Equal(computed, computedTokensAttributes) || !slices.Equal(slices.Sorted(maps.Keys(elem.AttributeTypes)), shape.tokenNames) {
		shape.err = fmt.Errorf("the fast path computes %v with tokens of %v; the schema has %v with tokens of %v",
			computedTokensAttributes, shape.tokenNames, computed, slices.Sorted(maps.Keys(elem.AttributeTypes)))
	}
	return shape
}

// encode writes the state as msgpack: the configuration's attributes as
// given, then the computed ones from the tokens.
func (shape stateShape) encode(ctx context.Context, config tftypes.Value, tokens []client.Token, hasMore, withOutput bool, diags *diag.Diagnostics) *tfprotov6.DynamicValue {
	var configValues map[string]tftypes.Value
	if err := config.As(&configValues); err != nil {
		diags.AddError("Could not read the configuration", err.Error())
		return nil
	}
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	w := stateWriter{enc: enc}
	w.mapLen(len(shape.configured) + len(computedTokensAttributes))
	for _, name := range shape.configured {
		w.str(name)
		w.value(configValues[name])
	}
	w.str("has_more")
	w.bool(hasMore)
	w.str("ids")
	w.arrayLen(len(tokens))
	for _, t := range tokens {
		w.str(t.ID)
	}
	w.str("tokens")
	w.arrayLen(len(tokens))
	for i, t := range tokens {
		values := listedTokenValues(i, t, withOutput, diags)
		if diags.HasError() {
			return nil
		}
		w.mapLen(len(shape.tokenNames))
		for _, name := range shape.tokenNames {
			w.str(name)
			w.attr(ctx, values[name])
		}
	}
	w.str("urls")
	w.mapLen(len(tokens))
	for _, t := range tokens {
		w.str(t.ID)
		w.str(t.URL)
	}
	if w.err != nil {
		diags.AddError("Could not encode the state", w.err.Error())
		return nil
	}
	return &tfprotov6.DynamicValue{MsgPack: buf.Bytes()}
}

// stateWriter encodes msgpack as terraform-plugin-go does, keeping the first
// error so that the encoding reads as a straight line.
type stateWriter struct {
	enc *msgpack.Encoder
	err error
}

func (w *stateWriter) keep(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *stateWriter) str(s string)   { w.keep(w.enc.EncodeString(s)) }
func (w *stateWriter) bool(b bool)    { w.keep(w.enc.EncodeBool(b)) }
func (w *stateWriter) mapLen(n int)   { w.keep(w.enc.EncodeMapLen(n)) }
func (w *stateWriter) arrayLen(n int) { w.keep(w.enc.EncodeArrayLen(n)) }

// attr encodes a token's attribute value; strings, timestamps and bools, most
// of a token, without building a tftypes.Value first.
func (w *stateWriter) attr(ctx context.Context, v attr.Value) {
	switch v := v.(type) {
	case interface {
		IsNull() bool
		ValueString() string
	}:
		if v.IsNull() {
			w.keep(w.enc.EncodeNil())
		} else {
			w.str(v.ValueString())
		}
	default:
		tf, err := v.ToTerraformValue(ctx)
		w.keep(err)
		w.value(tf)
	}
}

// value encodes strings, bools and nulls itself, the bulk of a token, and
// leaves any other value to terraform-plugin-go.
func (w *stateWriter) value(v tftypes.Value) {
	var s string
	var b bool
	switch {
	case v.IsNull():
		w.keep(w.enc.EncodeNil())
	case v.Type().Is(tftypes.String) && v.As(&s) == nil:
		w.str(s)
	case v.Type().Is(tftypes.Bool) && v.As(&b) == nil:
		w.bool(b)
	default:
		raw, err := tfprotov6.NewDynamicValue(v.Type(), v)
		w.keep(err)
		w.keep(w.enc.Encode(msgpack.RawMessage(raw.MsgPack)))
	}
}

// protocolDiagnostics converts diagnostics as the framework does for the
// paths this provider reports: attribute names and list indexes.
func protocolDiagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		severity := tfprotov6.DiagnosticSeverityError
		if d.Severity() == diag.SeverityWarning {
			severity = tfprotov6.DiagnosticSeverityWarning
		}
		pd := &tfprotov6.Diagnostic{Severity: severity, Summary: d.Summary(), Detail: d.Detail()}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = protocolPath(withPath.Path())
		}
		out = append(out, pd)
	}
	return out
}

func protocolPath(p path.Path) *tftypes.AttributePath {
	out := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch step := step.(type) {
		case path.PathStepAttributeName:
			out = out.WithAttributeName(string(step))
		case path.PathStepElementKeyInt:
			out = out.WithElementKeyInt(int(step))
		case path.PathStepElementKeyString:
			out = out.WithElementKeyString(string(step))
		}
	}
	return out
}
