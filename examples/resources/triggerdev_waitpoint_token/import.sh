# A token is imported by its id. The configuration that made it plans no
# change after: its tags in any order, its timeout and idempotency_key_ttl as
# written or in another spelling of the same time (`1d` for `24h`). A value
# the token does not have plans a replacement, which a live key refuses.
terraform import triggerdev_waitpoint_token.approval waitpoint_cmabc123def456ghi789jkl0
