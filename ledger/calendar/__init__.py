"""The province's yearly QMS calendar: working days, the plan template and each agency's steps derived from events."""
