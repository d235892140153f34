#!/usr/bin/env bash
# build-cli.sh terraform|tofu VERSION: prints the path of that CLI, built once
# from its Go module into a per-user cache outside the clone (CI starts from a
# fresh clone), keyed by name and version, and reused when present.
set -euo pipefail

name=${1:?usage: build-cli.sh terraform|tofu VERSION}
version=${2:?usage: build-cli.sh terraform|tofu VERSION}
cache=${TRIGGERDEV_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-triggerdev/cli}
bin="$cache/$name-$version/$name"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

case "$name" in
terraform) module=github.com/hashicorp/terraform ;;
tofu) module=github.com/opentofu/opentofu ;;
*) echo "build-cli.sh: unknown CLI $name (terraform or tofu)" >&2; exit 2 ;;
esac

echo "build-cli.sh: building $name $version from its Go module (a few minutes, once)" >&2
go mod download "$module@$version" >&2
src="$(go env GOMODCACHE)/$module@$version"
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
cp -r "$src" "$tmp/src"
chmod -R u+w "$tmp/src"
cd "$tmp/src"

if [ "$name" = terraform ]; then
  # Terraform's go.mod replaces nine remote-state backends with nested modules
  # that the module zip leaves out, so the module does not build as downloaded.
  # None of them is needed to run a provider's tests: build without them.
  removed='azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3'
  sed -E -i "/internal\/backend\/remote-state\/($removed)[ \"]/d" go.mod
  sed -E -i "/backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)[ .]/d" internal/backend/init/init.go
  pkg=./
else
  pkg=./cmd/tofu
fi
# dev=no: the CLI reports its release version (1.16.4), not a -dev build.
CGO_ENABLED=0 go build -mod=mod -ldflags "-X $module/version.dev=no" -o "$tmp/$name" "$pkg" >&2

mkdir -p "$(dirname "$bin")"
mv "$tmp/$name" "$bin.tmp"
mv "$bin.tmp" "$bin"
echo "$bin"
