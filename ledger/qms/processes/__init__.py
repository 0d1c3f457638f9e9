"""One module per QMS process; each declares its ``Process`` and registers it (see ledger.qms.registry)."""
