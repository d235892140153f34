# Read the approval token without writing its callback URL or its output to
# state or plan: every attribute of an ephemeral resource is ephemeral, and can
# go only where ephemeral values may (provisioners, provider blocks, write-only
# arguments, ephemeral outputs).
ephemeral "triggerdev_waitpoint_token" "approval" {
  id = var.approval_token_id

  # Optional: the same wait as the data source's.
  wait = {
    statuses = ["COMPLETED"]
    timeout  = "30m"
  }
}

# Hand the callback URL to a script that notifies the approver, without storing it.
resource "terraform_data" "ask_for_approval" {
  input = var.approval_token_id

  provisioner "local-exec" {
    command = "./notify-approver.sh"
    environment = {
      CALLBACK_URL = ephemeral.triggerdev_waitpoint_token.approval.url
    }
  }
}
