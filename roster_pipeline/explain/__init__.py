"""Explanations grounded in the solver: facts, counterfactual and what-if re-solves, the `roster ask`
assistant (Claude tool use, or an offline rule-based parser) and digests. No Dagster imports."""
