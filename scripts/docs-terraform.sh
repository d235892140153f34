#!/usr/bin/env bash
# docs-terraform.sh: prints the path of a Terraform that can describe actions
# for tfplugindocs: the terraform on PATH when it is 1.14 or later, else
# Terraform 1.16.4 built once by build-cli.sh.
set -euo pipefail

if path=$(command -v terraform); then
  version=$("$path" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\).*/\1/p')
  major=${version%%.*}
  minor=${version#*.}
  minor=${minor%%.*}
  if [ "${major:-0}" -gt 1 ] || { [ "${major:-0}" -eq 1 ] && [ "${minor:-0}" -ge 14 ]; }; then
    echo "$path"
    exit 0
  fi
fi
exec "$(dirname "$0")/build-cli.sh" terraform v1.16.4
