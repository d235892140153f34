package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/provider"
)

// version is set by the release build (goreleaser's -ldflags).
var version = "dev"

// address is the provider's source address in the registry.
const address = "registry.terraform.io/triggerdev-terraform/triggerdev"

//go:generate go tool tfplugindocs generate --provider-name triggerdev

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	server, err := provider.NewServer(version)()
	if err != nil {
		log.Fatal(err)
	}
	factory := func() tfprotov6.ProviderServer { return server }
	if !debug {
		provider.Serve(address, factory)
		return
	}
	// A debugger's session: served without the relay of an interrupted
	// action's completion (provider.Serve), which only a Ctrl-C needs.
	if err := tf6server.Serve(address, factory, tf6server.WithManagedDebug()); err != nil {
		log.Fatal(err)
	}
}
