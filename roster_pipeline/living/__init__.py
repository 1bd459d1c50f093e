"""The living roster: versions, events, minimal-disruption repair, cover recommendations, swaps, audit."""
