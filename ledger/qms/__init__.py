"""The quality management system's processes, each declared once and run by one mechanism (``case.Case``)."""
