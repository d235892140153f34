# The provider's source and the variables data-source.tf uses, so that the example runs as it is.
terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}

variable "migration_run_id" {
  type        = string
  description = "The id of the migration's run (run_…)."
}
