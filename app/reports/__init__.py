"""Programme reports: their revisions, sign-off state and content snapshots."""
