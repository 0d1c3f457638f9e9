"""Evidence an outsider can check: signed checkpoints of the Merkle tree over the log, and proofs."""
