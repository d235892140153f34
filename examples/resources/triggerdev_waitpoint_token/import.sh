# A token is imported by its id. For no change to be planned after, the
# configuration's idempotency_key and tags must be the token's (tags in the
# order the service reports them, alphabetical), and it must leave out
# timeout and idempotency_key_ttl, which the service does not report back.
terraform import triggerdev_waitpoint_token.approval waitpoint_cmabc123def456ghi789jkl0
