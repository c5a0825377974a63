"""What managers, grants and the directory change on top of the rules, and the policy with those changes."""
