package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

var _ datasource.DataSourceWithConfigure = (*runDataSource)(nil)

// runDataSource reads one task run, optionally waiting for it to end.
type runDataSource struct {
	data *providerData
}

// NewRunDataSource is the `triggerdev_run` data source.
func NewRunDataSource() datasource.DataSource { return &runDataSource{} }

func (d *runDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_run"
}

// runIDDescription describes a run's id, as every kind that names one takes it.
const runIDDescription = "The run's id, such as `run_cm1a2b3c4d5e6f7g8h9i0j1k2`, as the trigger answered it and the dashboard shows it."

func (d *runDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := runSchemaAttributes()
	attrs["id"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: runIDDescription,
		Validators:          []validator.String{runIDValidator()},
	}
	attrs["wait"] = runGate.waitSchemaAttribute("The statuses to wait for: any run status (see `status`). " +
		"Defaults to every final status: `COMPLETED`, `CANCELED`, `FAILED`, `CRASHED`, `SYSTEM_FAILURE`, `EXPIRED` and `TIMED_OUT`.")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Trigger.dev task run by id: its task, status, output, error, tags and times, optionally waiting until it ends. " +
			"A wait that ends early (its `timeout`, or Ctrl-C) never cancels the run.",
		Attributes: attrs,
	}
}

func (d *runDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// runDataSourceModel is the data source's model.
type runDataSourceModel struct {
	ID   types.String `tfsdk:"id"`
	Wait *waitConfig  `tfsdk:"wait"`
	runModel
}

func (d *runDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model runDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	resp.Diagnostics.Append(checkString(ctx, path.Root("id"), model.ID, runIDValidator())...)
	if resp.Diagnostics.HasError() {
		return
	}
	c, diags := d.data.Client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	run, diags := readRun(ctx, c, model.ID.ValueString(), model.Wait)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model.runModel, diags = newRunModel(ctx, run)
	resp.Diagnostics.Append(diags...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
	}
}

// readRun retrieves a run once, or polls it as wait says.
func readRun(ctx context.Context, c *client.Client, id string, wait *waitConfig) (client.Run, diag.Diagnostics) {
	var diags diag.Diagnostics
	name := runName(id, "")
	if wait == nil {
		run, err := c.RetrieveRun(ctx, id)
		if err != nil {
			addClientError(&diags, "read run "+name, err)
		}
		return run, diags
	}
	settings, diags := wait.settings(ctx, path.Root("wait"), runGate.waitKind, client.StatusStrings(client.FinalRunStatuses))
	if diags.HasError() {
		return client.Run{}, diags
	}
	run, err := runGate.wait(ctx, name, runPoller(c, id), settings)
	if err != nil {
		addClientError(&diags, fmt.Sprintf("wait for run %s", name), err)
	}
	return run, diags
}
