"""Stage 2, the rules: the verdict per firm (SCREENING_RULES.md), from folding and matching to the
explained hits, exemptions and the extended tier. Reads nothing but term lists and registers."""
