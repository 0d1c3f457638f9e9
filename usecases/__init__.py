"""The use cases: one function or class per thing a user does; the API routes, the web pages and the CLI call these."""
