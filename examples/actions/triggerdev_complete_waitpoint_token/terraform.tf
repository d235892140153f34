# The provider's source and the variables action.tf uses, so that the example runs as it is.
terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}

variable "task_token_id" {
  type        = string
  description = "The id of the waitpoint token the provisioning task waits on."
}

variable "tenant" {
  type        = string
  description = "The tenant to provision."
  default     = "acme"
}
