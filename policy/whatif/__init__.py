"""What-if: recorded usage replayed through the policy in force and a draft, and the comparison told."""
