# The provider's source, so that the example runs as it is: `terraform init` finds it.
terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}
