#!/usr/bin/env bash
# terraform-cli.sh [CLI]: prints the path of the Terraform-compatible CLI the
# acceptance tests and the demo run. CLI is a path, a command on PATH, or
# NAME@VERSION (terraform@v1.16.4, tofu@v1.12.6: built once from its Go module by
# build-cli.sh). Without it: $TF_ACC_TERRAFORM_PATH, else terraform on PATH,
# else tofu on PATH, else OpenTofu v1.12.6 built by build-cli.sh.
set -euo pipefail

here=$(dirname "$0")
cli=${1:-}
case "$cli" in
*@*) exec "$here/build-cli.sh" "${cli%@*}" "${cli#*@}" ;;
*/*) [ -x "$cli" ] || { echo "terraform-cli.sh: $cli is not an executable" >&2; exit 2; }; echo "$cli"; exit 0 ;;
?*) command -v "$cli" || { echo "terraform-cli.sh: no $cli on PATH" >&2; exit 2; }; exit 0 ;;
esac

if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
  echo "$TF_ACC_TERRAFORM_PATH"; exit 0
fi
for name in terraform tofu; do
  if path=$(command -v "$name"); then echo "$path"; exit 0; fi
done
exec "$here/build-cli.sh" tofu v1.12.6
