"""One router per lab, plus health."""
