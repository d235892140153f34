// Package provider is the Terraform-facing side of the Trigger.dev provider.
package provider

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// providerTypeName is the provider's local name, the prefix of every type name.
const providerTypeName = "triggerdev"

// maxRetriesLimit bounds max_retries: each retry may wait up to a minute, so
// more would hold a plan for many minutes. The client refuses more too.
const maxRetriesLimit = client.MaxRetriesLimit

// Environment variables the provider reads when its block leaves a value out.
const (
	envAPIKey          = "TRIGGER_SECRET_KEY"
	envAPIURL          = "TRIGGER_API_URL"
	envAppendUserAgent = "TF_APPEND_USER_AGENT"
)

var (
	_ provider.ProviderWithActions            = (*triggerdevProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*triggerdevProvider)(nil)
	_ provider.ProviderWithListResources      = (*triggerdevProvider)(nil)
)

type triggerdevProvider struct {
	version string
	// getenv reads the environment: os.Getenv, or in tests each provider's own,
	// so that tests of the environment need not change the process's and can
	// run in parallel.
	getenv func(string) string
	// configured is what Configure handed the data sources, for the list data
	// source's fast path (protocolServer), which reads outside the framework.
	configured atomic.Pointer[providerData]
}

type providerModel struct {
	APIKey         types.String `tfsdk:"api_key"`
	APIURL         types.String `tfsdk:"api_url"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
}

// New returns a constructor of the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &triggerdevProvider{version: version, getenv: os.Getenv} }
}

func (p *triggerdevProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = providerTypeName
	resp.Version = p.version
}

func (p *triggerdevProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Creates, reads, waits for and completes [Trigger.dev](https://trigger.dev) waitpoint tokens, to gate infrastructure changes on a token being completed.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{apiKeyValidator()},
				MarkdownDescription: "A Trigger.dev secret API key (`tr_dev_…`, `tr_prod_…`). Defaults to the `" + envAPIKey +
					"` environment variable. Needed only when the provider reads, waits or writes: a data source, the ephemeral resource, an action or a resource.",
			},
			"api_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The base URL of the Trigger.dev API, for a self-hosted instance. Defaults to the `" + envAPIURL +
					"` environment variable, else `" + client.DefaultBaseURL + "`.",
			},
			"max_retries": schema.Int64Attribute{
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, maxRetriesLimit)},
				MarkdownDescription: fmt.Sprintf("How many times a failed request (HTTP 408, 409, 429, 5xx or a network error) is retried, with exponential backoff, from `0` (no retries) to `%d`. Defaults to `3`.", maxRetriesLimit),
			},
			"request_timeout": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{durationValidator(0)},
				MarkdownDescription: "How long one HTTP request may take, as a Go duration such as `30s` or `2m`. Defaults to `30s`.",
			},
		},
	}
}

func (p *triggerdevProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{unknown: unknownAttributes(config)}
	if len(data.unknown) > 0 && req.ClientCapabilities.DeferralAllowed {
		resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		return
	}
	cfg, diags := clientConfig(config, p.version, req.TerraformVersion, p.getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// With a value unknown at plan time, only a read that really happens
	// then fails (providerData.Client): most readers wait for apply anyway.
	if cfg.APIKey != "" && len(data.unknown) == 0 {
		c, err := client.New(cfg)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("api_url"), "Invalid Trigger.dev API URL", err.Error())
			return
		}
		data.client = c
	}
	p.configured.Store(data)
	resp.DataSourceData = data
	resp.ActionData = data
	resp.EphemeralResourceData = data
	resp.ResourceData = data
	resp.ListResourceData = data
}

func unknownAttributes(config providerModel) []string {
	var unknown []string
	for _, a := range []struct {
		name  string
		value interface{ IsUnknown() bool }
	}{{"api_key", config.APIKey}, {"api_url", config.APIURL}, {"max_retries", config.MaxRetries}, {"request_timeout", config.RequestTimeout}} {
		if a.value.IsUnknown() {
			unknown = append(unknown, a.name)
		}
	}
	return unknown
}

// clientConfig resolves the configuration: the block beats the environment, which
// beats the defaults.
func clientConfig(config providerModel, version, terraformVersion string, getenv func(string) string) (client.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	if isKnown(config.APIURL) && config.APIURL.ValueString() == "" {
		diags.AddAttributeError(path.Root("api_url"), "Invalid Trigger.dev API URL",
			fmt.Sprintf("api_url is empty. Leave it out for the default (%s, or the %s environment variable), or set the URL of your Trigger.dev instance.", client.DefaultBaseURL, envAPIURL))
	}
	if isKnown(config.APIKey) && config.APIKey.ValueString() == "" {
		diags.AddAttributeError(path.Root("api_key"), "Invalid API key",
			fmt.Sprintf("api_key is empty. Leave it out to read the %s environment variable, or set a Trigger.dev secret key (tr_dev_…, tr_prod_…).", envAPIKey))
	}
	if key := getenv(envAPIKey); config.APIKey.IsNull() && apiKeyProblem(key) != "" {
		diags.AddAttributeError(path.Root("api_key"), "Invalid API key",
			fmt.Sprintf("The %s environment variable %s.", envAPIKey, apiKeyProblem(key)))
	}
	cfg := client.Config{
		APIKey:    firstNonEmpty(config.APIKey.ValueString(), getenv(envAPIKey)),
		BaseURL:   firstNonEmpty(config.APIURL.ValueString(), getenv(envAPIURL), client.DefaultBaseURL),
		UserAgent: userAgent(version, terraformVersion, getenv),
	}
	if !config.MaxRetries.IsNull() {
		cfg.MaxRetries = new(int(config.MaxRetries.ValueInt64()))
	}
	if !config.RequestTimeout.IsNull() {
		timeout, err := parseDuration(config.RequestTimeout.ValueString())
		if err != nil { // the validator refuses it first; this keeps Configure safe on its own
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid duration", fmt.Sprintf("Attribute request_timeout %s.", err))
		}
		cfg.RequestTimeout = timeout
	}
	if !diags.HasError() {
		diags.Append(checkAPIURL(cfg.BaseURL)...)
	}
	return cfg, diags
}

// checkAPIURL refuses what the client would refuse, before any request, and warns
// when the key would travel in clear text to another machine.
func checkAPIURL(raw string) diag.Diagnostics {
	var diags diag.Diagnostics
	u, err := client.ParseBaseURL(raw)
	if err != nil {
		diags.AddAttributeError(path.Root("api_url"), "Invalid Trigger.dev API URL",
			fmt.Sprintf("api_url (or %s) %s, got %q.", envAPIURL, err, raw))
		return diags
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		diags.AddAttributeWarning(path.Root("api_url"), "API key sent without TLS",
			fmt.Sprintf("api_url %q uses plain http:// to a host that is not loopback: the API key crosses the network unencrypted. Use https://.", raw))
	}
	return diags
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func userAgent(version, terraformVersion string, getenv func(string) string) string {
	ua := fmt.Sprintf("terraform-provider-triggerdev/%s Terraform/%s", version, terraformVersion)
	if extra := strings.TrimSpace(getenv(envAppendUserAgent)); extra != "" {
		ua += " " + extra
	}
	return ua
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func (p *triggerdevProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewWaitpointTokenDataSource,
		NewWaitpointTokensDataSource,
		NewRunDataSource,
	}
}

func (p *triggerdevProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewWaitpointTokenResource, NewWaitpointTokenWaitResource, NewTaskRunResource}
}

func (p *triggerdevProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewWaitpointTokenListResource}
}

func (p *triggerdevProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewWaitpointTokenEphemeralResource}
}

func (p *triggerdevProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{NewWaitForWaitpointTokenAction, NewCompleteWaitpointTokenAction, NewTriggerTaskAction}
}
