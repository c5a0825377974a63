"""What the panel changes on top of the rules: adjustments, access requests and grants, read together."""
