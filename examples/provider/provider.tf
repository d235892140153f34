terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}

# The key is best left to the TRIGGER_SECRET_KEY environment variable, and the
# URL to TRIGGER_API_URL (for a self-hosted Trigger.dev).
provider "triggerdev" {
  max_retries     = 3
  request_timeout = "30s"
}
