"""What a posting's text states, read by small rule tables.

`text.PostingText` is the posting read once per answer check, in the forms every reader
uses; `vocabulary` holds every word list; `shapes` the shapes of names, titles and places.
Each field has one reader module holding an ordered table of named rules (`TITLE_RULES`,
`COMPANY_RULES`, `LOCATION_RULES`, and for pay `NOT_PAY`, the rules that show an amount is
not pay); each rule returns a `rules.Found(value, evidence, rule)`. The answer check's policy
(router_svc/grounding.py) decides what to keep, replace or drop, and its notes name the rule.

Every pattern is linear in the text's length (tests/test_linear_readers.py).
"""
