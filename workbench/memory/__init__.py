"""Translation memory: reviewed pairs reused as exact, context and fuzzy matches.

:mod:`.match` scores (pure: dataclasses in, matches out; every threshold and
penalty is a constant there); :mod:`.project` fills the memory of a project
(approved reviews, imported files, aligned human translations), looks it up,
pre-translates, propagates repetitions and analyses leverage; the SQL is in
:mod:`workbench.store.memory`.
"""
