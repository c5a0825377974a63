"""mitmproxy addons that enforce the policy at the network edge."""
