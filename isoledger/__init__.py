"""The composition root: settings, bootstrap, the operator's CLI and the demo dataset."""
