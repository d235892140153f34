# With Terraform 1.12 or later, `identity = { id = "waitpoint_…" }` works too.
import {
  to = triggerdev_waitpoint_token.approval
  id = "waitpoint_cmabc123def456ghi789jkl0"
}
