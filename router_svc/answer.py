"""What comes back from a model, turned into a JobPosting the router may return.

`check_answer` is the one entry point for every answer, local or cloud: decode the JSON,
reconcile the salary with what the posting states, validate with pydantic, then keep only
strings the posting contains and nothing copied from the prompt's examples (grounding.py,
with the readers of router_svc/readers).
"What the posting states" leaves out sentences it addresses to its reader (instructions.py).
Any failure is InvalidOutput with a short reason that the retry loop feeds back to the
model.

What the readers find in a posting does not depend on the answer, so the router reads it
ahead (`read_ahead`, while the model generates) and the check proper reads only the answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pydantic import ValidationError

from router_svc.errors import InvalidOutput
from router_svc.grounding import (drop_example_copies, ground_lists, ground_strings,
                                  reconcile_salary)
from router_svc.instructions import facts_only
from router_svc.prompt import EXAMPLE_VALUES
from router_svc.readers.company import find_company, the_page_headers_company
from router_svc.readers.location import find_location
from router_svc.readers.pay import find_salaries
from router_svc.readers.sections import Sections, find_list
from router_svc.readers.summary import summary_sentences
from router_svc.readers.text import PostingText
from router_svc.readers.title import find_title
from router_svc.readers.vocabulary import PLACEHOLDERS
from router_svc.schema import NULLABLE, SALARY, JobPosting, asked, masked


@dataclass
class Checked:
    job: JobPosting
    notes: list[str] = field(default_factory=list)  # what grounding changed, and why
    salary_dropped: bool = False


def decode(text: str):
    """The answer's JSON value, or InvalidOutput."""
    text = text.strip()
    if text.startswith("```"):  # some cloud models fence JSON despite response_format
        text = text.strip("`").removeprefix("json").strip()
    try:
        return json.loads(text, strict=False)  # grammars admit raw control characters
    except json.JSONDecodeError as e:
        raise InvalidOutput(f"not valid JSON ({e.msg} at character {e.pos})") from None
    except (ValueError, RecursionError):  # an integer of thousands of digits, deep nesting
        raise InvalidOutput("not usable JSON (a number too long or nesting too deep)") from None


def without_placeholders(data):
    """`data` with the string "null" (and its kin) in a single-value field made null, so a
    reader may fill it and nothing counts it as a value the posting lacks."""
    if isinstance(data, dict):
        for name in NULLABLE:
            value = data.get(name)
            if isinstance(value, str) and value.strip().casefold() in PLACEHOLDERS:
                data[name] = None
    return data


def validate(data) -> JobPosting:
    """A decoded answer as a JobPosting, or InvalidOutput naming the first problems."""
    try:
        return JobPosting.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'answer'}: {err['msg']}"
                             for err in e.errors()[:5])
        raise InvalidOutput(problems) from None


@dataclass
class Facts:
    """A posting as every check of an answer reads it: its text with the sentences it
    addresses to its reader blanked (instructions.py: they state no fact), read once."""
    posting: PostingText
    instructed: bool  # some sentences were blanked

    @staticmethod
    def of(text: str | Facts) -> Facts:
        if isinstance(text, Facts):
            return text
        facts = facts_only(text)
        return Facts(PostingText(facts), facts is not text)


# Field -> what a check of it may read in the posting, whatever the answer: on an answer the
# text confirms, the title and the salary; on one it does not, every field's reader; on a
# description copied from the prompt's example (most of the embedded model's), its sentences.
READ_AHEAD: dict[str, tuple[tuple, ...]] = {
    "description": ((summary_sentences,),),
    SALARY[0]: ((find_salaries,),),
    "title": ((find_title,),),
    "company": ((find_company,), (the_page_headers_company,)),
    "location": ((find_location,),),
    "requirements": ((Sections,), (find_list, "requirements")),
    "benefits": ((Sections,), (find_list, "benefits")),
}


def read_ahead(text: str, wanted: frozenset[str] | None = None) -> Facts:
    """The posting read as check_answer would read it for the `wanted` fields (None: all),
    before any answer: the check of each answer to it then reads only that answer."""
    facts = Facts.of(text)
    posting = facts.posting
    for form in ("normalised", "normalised_lines", "outside_addresses", "lower",
                 "in_an_address"):
        getattr(posting, form)  # the forms the answer's values are looked for in
    for field, reads in READ_AHEAD.items():
        if asked(field, wanted):
            for reader, *args in reads:
                posting.read(reader, *args)
    return facts


def check_answer(answer: str, text: str | Facts,
                 wanted: frozenset[str] | None = None) -> Checked:
    """A model's answer as a validated JobPosting grounded in the posting `text` (or its
    Facts, read ahead), or InvalidOutput saying why it cannot be used. Fields not `wanted`
    (None: all) come back empty and are not grounded."""
    data = without_placeholders(decode(answer))
    facts = Facts.of(text)  # what the posting tells its reader to do states no fact
    notes = ["sentences addressed to the reader (instructions) are not read as facts"] \
        if facts.instructed else []
    posting = facts.posting
    salary_notes, dropped = reconcile_salary(data, posting) \
        if asked(SALARY[0], wanted) else ([], False)
    job = validate(data)
    job, more = ground_strings(job, posting, wanted, EXAMPLE_VALUES)
    job, copies = drop_example_copies(job, posting, EXAMPLE_VALUES, wanted)
    job, lists = ground_lists(job, posting, wanted)
    return Checked(masked(job, wanted), notes + salary_notes + more + copies + lists, dropped)
