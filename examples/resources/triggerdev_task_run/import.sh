# A run is imported by its id: its task, tags and idempotency key are read.
# The first apply after the import stores the configuration's other
# arguments, which the service does not report back, without a new run.
terraform import triggerdev_task_run.migration run_cm1a2b3c4d5e6f7g8h9i0j1k2
