"""What people read about a decision: reasons, rules' own messages, budgets, and when a site opens."""
