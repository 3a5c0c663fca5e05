"""Local stand-ins for the paid services AMTS talks to, driven by real boto3 over HTTP."""
