"""The catalog: schema (:mod:`.model`), loading with line numbers (:mod:`.load`), cross-file rules
(:mod:`.validate`), references (:mod:`.refs`) and minimal-diff edits (:mod:`.edit`)."""
