"""The pilot's evidence: control stores matched to the pilot stores, difference-in-differences
with a bootstrap over stores, the smallest effect the design can detect, and the guardrail the
rollout gate reads."""
