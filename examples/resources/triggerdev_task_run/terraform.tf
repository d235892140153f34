# The provider's source and the variables resource.tf uses, so that the example runs as it is.
terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}

variable "release" {
  type        = string
  description = "The release the rollout deploys."
  default     = "release-42"
}
