#!/usr/bin/env bash
# Prints the path of the Terraform-compatible CLI the acceptance tests run:
# $TF_ACC_TERRAFORM_PATH, else terraform on PATH, else tofu on PATH, else an
# OpenTofu built once from its Go module into .cache/bin (a few minutes).
set -euo pipefail

OPENTOFU_VERSION=${OPENTOFU_VERSION:-v1.12.6}
root=$(cd "$(dirname "$0")/.." && pwd)

if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
  echo "$TF_ACC_TERRAFORM_PATH"; exit 0
fi
for cli in terraform tofu; do
  if path=$(command -v "$cli"); then echo "$path"; exit 0; fi
done

cached="$root/.cache/bin/tofu"
if [ ! -x "$cached" ]; then
  echo "no terraform or tofu found: building OpenTofu $OPENTOFU_VERSION into .cache/bin" >&2
  go mod download "github.com/opentofu/opentofu@$OPENTOFU_VERSION" >&2
  src="$(go env GOMODCACHE)/github.com/opentofu/opentofu@$OPENTOFU_VERSION"
  mkdir -p "$root/.cache/bin"
  (cd "$src" && GOFLAGS=-mod=mod go build -o "$cached.tmp" ./cmd/tofu) >&2
  mv "$cached.tmp" "$cached"
fi
echo "$cached"
