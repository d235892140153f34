# `terraform query` (Terraform 1.14 or later) lists the approval tokens still
# waiting; `terraform query -generate-config-out=tokens.tf` writes an import
# block and a resource block for each.
list "triggerdev_waitpoint_token" "waiting_approvals" {
  provider = triggerdev

  config {
    tags     = ["approval"]
    statuses = ["WAITING"]
  }
}
