"""The HTTP API (FastAPI) over the ledger, the archive and signing: see shared/API.md and docs/api.md."""
