package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/provider"
)

// version is set by the release build (goreleaser's -ldflags).
var version = "dev"

//go:generate go tool tfplugindocs generate --provider-name triggerdev

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/triggerdev-terraform/triggerdev",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
