"""The answer check's policy: keep, replace or drop each value against what the text states.

The model proposes, the text disposes. A small model invents: asked for a salary it
produces one whether or not the posting states it, it writes "Remote" as the company, a
sentence as the title. Every answer, local or cloud, passes through this policy
(answer.check_answer) before it is returned; what a posting states is read by the rule
tables of router_svc/readers, and every note names the reader's rule and the reason.

- salary: the model's figures are confirmed against a pay mention in the text and take its
  range, period and currency from there; a salary the model missed is filled from a mention
  the text offers as pay (a pay word names it or it leads its line); figures the text does
  not state are dropped.
- title, company, location and skills must be found in the posting (a company outside a
  web or mail address); a title must not be a sentence, nor a phrase naming no job where
  the posting states one that does; a company not a job; a location not "One location",
  nor the company's name where the text writes a place; a page's header names the
  company the job board lists, which another organisation the text names does not replace.
  A value the model missed or did not take from the posting is taken from what a reader
  finds, else dropped, as is a skill not in the posting.
- nothing is copied from the prompt's worked examples: a requirement, benefit or skill that
  is an example's value and not in the posting is dropped, a copied description is replaced
  by the posting's own sentences about the role (measured on the embedded model: 85 of 120
  Indeed descriptions were an example's, word for word).
"""

from __future__ import annotations

import math
import re
from functools import partial

from router_svc.readers.company import (another_employer, find_company, is_company, named_part,
                                        one_organisation, spelled_out, the_employers_own_name,
                                        the_page_headers_company)
from router_svc.readers.location import (NOT_A_PLACE, city_in_full, find_location,
                                         lists_states, remote_across, the_city_of_its_part,
                                         the_first_of_two, written_as_a_label)
from router_svc.readers.pay import (SalaryMention, best_match, close, find_salaries,
                                    offered_mentions, plausible, read_amounts, restated,
                                    stated_pay, the_hiring_range, unmarked_pay)
from router_svc.readers.rules import Found
from router_svc.readers.shapes import (ends_in_a_legal_form, is_a_clause, is_heading, is_place,
                                       names_a_role, without_heading)
from router_svc.readers.sections import Sections, find_list, names_a_benefit
from router_svc.readers.summary import find_summary
from router_svc.readers.text import PostingText, as_written, found_in, norm
from router_svc.readers.title import (MAX_TITLE_WORDS, as_the_posting_writes, find_title,
                                     in_the_singular, trimmed_title, undescribed,
                                     without_company)
from router_svc.schema import JobPosting, asked

# How a note says a value was the prompt's example's (jobextract eval counts these).
COPIED = "copied from the prompt's example"


# ---- salary ----------------------------------------------------------------------------------

def _figure(value) -> float | None:
    """A model's figure as a finite float; None for anything else (a bool, a string, an
    integer of hundreds of digits, which no float holds)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        value = float(value)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def _take(data: dict, mention: SalaryMention) -> str:
    """Set the answer's salary from `mention`; a note on the period when it is not written."""
    model_period = data.get("salary_period")
    if not isinstance(model_period, str):  # a list or an object: validation says so later
        model_period = None
    period, note = mention.period, ""
    if mention.period_basis == "inferred":
        note = f"; period {period!r} inferred from the amount"
    elif period is None and model_period and plausible(mention.low, model_period) \
            and plausible(mention.high, model_period):
        period, note = model_period, f"; period {model_period!r} from the model"
    data.update(salary_min=mention.low, salary_max=mention.high,
                salary_currency=mention.currency, salary_period=period)
    return note


def _from_text(data: dict, mention: SalaryMention, spans: int, why: str) -> str:
    widest = "; the widest of the ranges stated" if spans > 1 else ""
    return f"salary from the posting ({mention.text!r}){widest}{_take(data, mention)}; {why}"


def _refused(figures: list[float], posting: PostingText) -> str:
    """Which rule of NOT_PAY refused the amount the model's figures are, where one did."""
    for amount, refused in read_amounts(posting):
        if refused and any(close(f, amount.low) or close(f, amount.high) for f in figures):
            return f" ({amount.match.group(0).strip()!r} is {refused})"
    return ""


def picked_from_the_text(figures: list[float], matched: SalaryMention) -> bool:
    """Whether the model's two different figures were picked from the text rather than read
    as its pay: the amount they match is one figure, which both cannot be, and nothing marks
    it as pay, neither a pay word nor a period written with it ("Suites start at $120", "our
    best rep closed $212,000"). Such a match confirms nothing."""
    return len(figures) == 2 and not close(figures[0], figures[1]) \
        and matched.low == matched.high and not matched.named \
        and matched.period_basis != "stated"


def reconcile_salary(data: dict, text: str | PostingText) -> tuple[list[str], bool]:
    """Set the answer's salary fields from what the text states; notes and whether dropped.

    A salary comes only from an amount the text states with a currency or as pay: the
    model's figures are confirmed against those mentions, replaced by the stated pay when
    they match a single figure that is not marked as pay, and dropped when they match none (a
    requisition number or a figure written nowhere is never a salary). Works on the decoded
    answer before validation, so a model's swapped or half-wrong range is corrected from
    the text instead of failing validation."""
    if not isinstance(data, dict):
        return [], False
    figures = [f for f in (_figure(data.get("salary_min")), _figure(data.get("salary_max")))
               if f is not None]
    posting = PostingText.of(text)
    mentions = posting.read(find_salaries)
    if not figures:
        filled = _fill(data, mentions, "the model gave none")
        if filled:
            return [filled], False
        unmarked = unmarked_pay(offered_mentions(mentions))
        if unmarked is not None:
            return [_from_text(data, unmarked, 1, "the model gave none; a range with its "
                                                  "currency, no amount marked as pay")], False
        # a currency or period without a figure says nothing (and a model's "IL" would
        # fail validation for a salary that is not there)
        data.update(salary_currency=None, salary_period=None)
        return [], False
    pay, spans = stated_pay(mentions)
    matched = best_match(figures, mentions)
    if matched is not None and picked_from_the_text(figures, matched):
        matched = None
    whole = matched is not None and matched.low < matched.high and len(figures) == 2 \
        and close(figures[0], matched.low) and close(figures[1], matched.high)
    if whole and (matched.strong or matched.currency or pay is None) \
            and (not restated(matched, mentions) or the_hiring_range(matched, posting)):
        # one of the ranges the posting states for places or levels, whole ("Zone 1:
        # $150,000 - $180,000" beside Zone 2's): the model's choice stands, not the widest
        ranges = stated_pay(mentions, matched)[1]
        why = f"confirming the model, one of {ranges} ranges stated" if ranges > 1 else \
            "confirming the model"
        return [_from_text(data, matched, 1, why)], False
    if matched is not None and (matched.strong or pay is None
                                or matched.currency and matched.low < matched.high):
        # marked as pay; or no amount is, and the text states this one; or a range with its
        # currency that no rule shows is not pay, while another amount is marked as pay
        # ("12 weeks paid leave ... $900"): the model's reading stands, widened to the
        # overlapping ranges the text states for the same pay
        pay, spans = stated_pay(mentions, matched)
        return [_from_text(data, pay, spans, "confirming the model")], False
    if matched is not None:  # a figure not marked as pay, while the pay is stated
        return [_from_text(data, pay, spans,
                           f"the model gave {matched.text!r}, an amount not marked as pay")], False
    data.update(salary_min=None, salary_max=None, salary_currency=None, salary_period=None)
    notes = ["salary dropped: " + ", ".join(f"{v:g}" for v in figures)
             + f" not stated in the posting as pay{_refused(figures, posting)}"]
    filled = _fill(data, mentions, "the model gave another")
    return notes + ([filled] if filled else []), True


def _fill(data: dict, mentions: list[SalaryMention], why: str) -> str | None:
    """Set the answer's salary from the pay the text offers, where it offers one: the note.
    A single amount inside a sentence, without a period written with it ("we pay $450 for
    the take-home task", "a $20,000 relocation package"), is a fee or a bonus as often as a
    wage, whatever its size: a salary only beside the model's own figure for it. A range
    ("Salary: 55000-75000"), an amount leading its line ("Salary: €3,000 gross") or one with
    its period ("$21 an hour") is offered as the pay."""
    fill, spans = stated_pay([m for m in offered_mentions(mentions)
                              if m.period_basis == "stated" or m.low < m.high or m.leads])
    return _from_text(data, fill, spans, why) if fill is not None else None


# ---- title, company, location, skills --------------------------------------------------------


def reads_as_a_sentence(title: str) -> bool:
    """A sentence of the posting given as its title: a clause (its verbs and pronouns in
    lower case: "IS Manager" is a title), longer than any title, or an exclamation or a
    question naming no job (a slogan: "Bring your best self!")."""
    return (len(re.findall(r"[\w']+", title)) > MAX_TITLE_WORDS or is_a_clause(title)
            or title.rstrip().endswith(("!", "?")) and not names_a_role(title))


def _a_title_once_trimmed(title: str) -> bool:
    """A headline too long for a title whose trim is one ("Data Engineer | Fintech | Leeds |
    £60,000 + bonus"): trimmed below, not dropped."""
    trimmed = trimmed_title(title)
    return trimmed is not None and not reads_as_a_sentence(trimmed[0])


def runs_on(title: str, stated: str) -> bool:
    """`title` is `stated` run on into two or more words naming no one job: "Project
    Coordinator: Wingtip Advocates", "Compliance Analyst Northwind Ventures" (a level, a
    parenthesis or a part after a dash, "Data Engineer (Remote)", "Attorney - Boise",
    is part of a title)."""
    key, whole = norm(stated), norm(title)
    if not key or not whole.startswith(key + " ") or "(" in title:
        return False
    written = as_written(stated, title)
    if title[title.find(written) + len(written):].lstrip()[:1] in ("-", "–", "—", ",", "|"):
        return False  # its own qualifier: "Tax Attorney - Senior - Boise"
    extra = whole[len(key):].split()
    return len(extra) >= 2 and extra[0] not in ("of", "for", "in", "to", "and") \
        and not names_a_role(" ".join(extra), plural=False)  # "GM of ...", "... Advocates"


def _from_reader(field: str, found: Found, model: str | None, why: str) -> str:
    gave = f"the model gave {model!r}, {why}" if model else "the model gave none"
    return f"{field} {found.value!r} from the posting by {found.rule} ({found.evidence!r}); {gave}"


def _stated(field: str, model: str | None, found: Found | None, why: str,
            update: dict, notes: list[str],
            examples: dict[str, frozenset[str]] | None = None) -> None:
    """Replace the model's unusable `field` with what a reader found in the text, or null."""
    if model is not None and norm(model) in (examples or {}).get(field, ()):
        why = COPIED
    if found is not None:
        update[field] = found.value
        notes.append(_from_reader(field, found, model, why))
    elif model is not None:
        update[field] = None
        notes.append(f"{field} {model!r} dropped: {why}")


def _ground_title(title: str | None, posting: PostingText, update: dict, notes: list[str],
                  examples) -> None:
    stated = posting.read(find_title)
    written = as_the_posting_writes(title, posting) \
        if title is not None and not found_in(title, posting.normalised) else None
    if written is not None and written.value == title:
        notes.append(f"title {title!r} stands: the posting writes it so ({written.rule})")
    elif written is not None:  # the model's title, as the posting writes it
        notes.append(f"title {written.value!r} for the model's {title!r}: the posting writes "
                     f"it so ({written.rule})")
        title = update["title"] = written.value
    if title is None or not (written or found_in(title, posting.normalised)):
        _stated("title", title, stated, "not in the posting", update, notes, examples)
    elif (reads_as_a_sentence(title) or reads_as_a_sentence(as_written(title, posting))) \
            and not _a_title_once_trimmed(title):
        # the posting's own case shows a clause the model's capitals hid ("Support Our
        # Patients" of "Support our patients in ...")
        _stated("title", title, stated, "a sentence, not a title", update, notes)
    elif is_heading(title) and not names_a_role(title):  # "Promoted", "Recruitment #24-31"
        _stated("title", title, stated, "a heading, not a title", update, notes)
    elif ends_in_a_legal_form(title) and not names_a_role(title):  # "Litware Freight, Inc."
        _stated("title", title, stated, "a company's name, not a title", update, notes)
    elif stated is not None and not names_a_role(title) and names_a_role(stated.value):
        # "hands-on retail merchandising experience": a phrase of the posting naming no job
        _stated("title", title, stated, "it names no job", update, notes)
    elif stated is not None and norm(stated.value) != norm(title) and (
            stated.headline or found_in(title, norm(stated.value))
            or runs_on(title, stated.value)):
        # the posting gives its title (a label, a page's first line), the model shortened
        # the one the posting states ("Data Analyst" of "Claims Data Analyst (Temporary)"),
        # or ran it on into the words after it ("Compliance Analyst Northwind Ventures")
        why = ("a part of it" if found_in(title, norm(stated.value)) else
               "the posting gives it as its title" if stated.headline else
               "with the words that follow it")
        update["title"] = stated.value
        notes.append(_from_reader("title", stated, title, why))
    final = update.get("title", title)
    trimmed = trimmed_title(final) if final else None
    if trimmed is not None:
        update["title"] = trimmed[0]
        notes.append(f"title {final!r} cut to {trimmed[0]!r}: {trimmed[1]}")
    elif final and (alone := undescribed(final, posting)):
        update["title"] = alone
        notes.append(f"title {final!r} cut to {alone!r}: the posting describes the job by the "
                     "words before it")


def gives_as_its_title(title: str, posting: PostingText) -> bool:
    """Whether the posting gives `title` as its title, in a label or its first line."""
    stated = posting.read(find_title)
    return stated is not None and stated.headline and norm(stated.value) == norm(title)


def company_names(company: str | None, posting: PostingText) -> list[str]:
    """The company's name as the answer gives it and as a reader reads it, normalised."""
    found = posting.read(find_company)
    return [norm(name) for name in (company, found and found.value) if name]


def names_the_company(title: str, company: str, posting: PostingText) -> bool:
    """A title naming no job that is the company's name, as the answer or a reader gives it,
    or starts with it ("Alderbrook Schools", "Tailwind, a Contoso company")."""
    return not names_a_role(title) and any(
        norm(title) == name or norm(title).startswith(name + " ")
        for name in company_names(company, posting))


def is_the_company(location: str, company: str | None, posting: PostingText) -> bool:
    """A location that is the company's name ("Fabrikam Health" where the page's location
    line is "Fabrikam Medical Center - Fresno, CA"), not a place: replaced only by a place a
    reader finds, as a city may also be a company reader's mistaken name."""
    return (not is_place(location) and norm(location) in company_names(company, posting)
            and posting.read(find_location) is not None)


def ground_strings(job: JobPosting, text: str | PostingText,
                   wanted: frozenset[str] | None = None,
                   examples: dict[str, frozenset[str]] | None = None
                   ) -> tuple[JobPosting, list[str]]:
    """Keep the title, company and location the posting contains; where the model's value is
    missing or not in the posting, take what a reader finds stated, or else drop it (no
    re-ask: on real postings a second generation seldom found the title, measured 2 of 15
    times, at the cost of a whole generation). Skills not in the text are dropped. Only
    `wanted` fields (None: all) are looked at."""
    wants = partial(asked, wanted=wanted)
    posting = PostingText.of(text)
    update, notes = {}, []
    for field in ("title", "company"):  # "Description Northwind": a heading run into the name
        value = getattr(job, field)
        if wants(field) and value and without_heading(value) != value:
            update[field] = without_heading(value)
            notes.append(f"{field} {update[field]!r}: the heading before it left out")
    job = job.model_copy(update=update) if update else job
    if wants("title"):
        _ground_title(job.title, posting, update, notes, examples)
    if wants("company"):
        _ground_company(job, posting, update, notes, examples)
    if wants("location"):
        _ground_location(job, posting, update, notes, examples)
    title, company = update.get("title", job.title), update.get("company", job.company)
    if wants("title") and title and company and names_the_company(title, company, posting):
        stated = posting.read(find_title)
        _stated("title", title, stated if stated and names_a_role(stated.value) else None,
                "the company's name, not a title", update, notes)
        title = update["title"]
    if wants("title") and title and company and (cut := without_company(title, company)):
        update["title"], where = cut
        notes.append(f"title {title!r} cut to {cut[0]!r}: the company {where} it")
    for field in ("title", "company", "location"):  # the posting's own spelling
        value = update.get(field, getattr(job, field))
        written = as_written(value, posting) if wants(field) and value is not None else value
        if written != value:
            update[field] = written
    title = update.get("title", job.title)
    if wants("title") and title and (one := in_the_singular(title)) \
            and not gives_as_its_title(title, posting):  # "Job Title: Line Cooks" stays
        update["title"] = one
        notes.append(f"title {title!r} in the singular: {one!r}")
    skills = [s for s in job.skills if found_in(s, posting.normalised)]
    if len(skills) < len(job.skills):
        update["skills"] = skills
        notes.append(f"{len(job.skills) - len(skills)} skill(s) dropped: not in the posting")
    return (job.model_copy(update=update) if update else job), notes


def _ground_company(job: JobPosting, posting: PostingText, update: dict, notes: list[str],
                    examples: dict[str, frozenset[str]] | None) -> None:
    """The model's company kept, or replaced by the one the posting names as itself."""
    if job.company is None or not is_company(job.company, job.location, posting):
        _stated("company", job.company,
                posting.read(find_company) or named_part(job.company, posting),
                "not an organisation named in the posting", update, notes, examples)
    elif (header := posting.read(the_page_headers_company)) \
            and not one_organisation(header.value, job.company):
        _stated("company", job.company, header, "another organisation than the page's header "
                "names", update, notes)
    elif other := another_employer(job.company, posting):
        _stated("company", job.company, other,
                "named once, where the posting names another as itself", update, notes)
    elif own := the_employers_own_name(job.company, posting):
        _stated("company", job.company, own, "another name of the organisation its employer "
                "statement names", update, notes)
    elif full := spelled_out(as_written(job.company, posting), posting.unglued):
        # the name in full, as a reader gives it: an acronym may be another employer's too
        # (read as the posting writes it: a model's "Tsa" is the posting's "TSA")
        update["company"] = full
        notes.append(f"company {full!r} for the model's {job.company!r}: the posting spells "
                     "the acronym out")


def _ground_location(job: JobPosting, posting: PostingText, update: dict, notes: list[str],
                     examples: dict[str, frozenset[str]] | None) -> None:
    """The model's location kept, written as the posting writes the place, or replaced by the
    place a reader finds (after the company is grounded: a location that is the company)."""
    location = job.location
    if location is None or not found_in(location, posting.normalised):
        _stated("location", location, posting.read(find_location), "not in the posting",
                update, notes, examples)
    elif (NOT_A_PLACE.match(location)  # "One location"
          or location[0].islower()  # "all other US cities": a phrase, not a place's name
          or names_a_role(location, plural=False)):  # the title
        _stated("location", location, posting.read(find_location), "not a place", update,
                notes)
    elif is_the_company(location, update.get("company", job.company), posting):
        _stated("location", location, posting.read(find_location), "the company, not a place",
                update, notes)
    elif lists_states(location) and posting.read(find_location):
        _stated("location", location, posting.read(find_location), "a territory, not a place",
                update, notes)
    elif written_as_a_label(location, posting):
        _stated("location", location, posting.read(find_location), "a label, not its value",
                update, notes)
    elif a_code_alone(location) and (place := posting.read(find_location)) \
            and "," in place.value:
        _stated("location", location, place, "only a country's or state's code", update,
                notes)
    elif remote := remote_across(location, posting):
        update["location"] = remote.value
        notes.append(_from_reader("location", remote, location, "only the country"))
    elif city := the_first_of_two(location):
        _one_city(location, city, "the first of the places it names", posting, update, notes)
    elif city := the_city_of_its_part(location):
        _one_city(location, city, "the city a part of it belongs to", posting, update, notes)
    elif full := city_in_full(location, posting):
        update["location"] = full.value
        notes.append(f"location {full.value!r} for the model's {location!r}: the posting "
                     f"writes the city with its state ({full.rule})")


def a_code_alone(location: str) -> bool:
    """'CA', 'TX': a country's or a state's code, which a place line the posting writes
    ("Brampton, ON") says more precisely."""
    return len(location) == 2 and location.isalpha() and location.isupper()


def _one_city(location: str, city: str, why: str, posting: PostingText, update: dict,
              notes: list[str]) -> None:
    """The one city a listing names for the model's `location`, with its state where the
    posting writes it so."""
    full = city_in_full(city, posting)
    update["location"] = full.value if full else city
    notes.append(f"location {update['location']!r} for the model's {location!r}: {why}")


def drop_example_copies(job: JobPosting, text: str | PostingText,
                        examples: dict[str, frozenset[str]],
                        wanted: frozenset[str] | None = None) -> tuple[JobPosting, list[str]]:
    """Remove values copied from the prompt's examples (`examples`: field -> normalised
    example values) that the posting itself does not contain; a copied description becomes
    the posting's own sentences about the role (readers.summary), never empty when the
    posting has some. Only `wanted` fields (None: all) are looked at."""
    posting = PostingText.of(text)
    normalised = posting.normalised

    def copied(field: str, value: str) -> bool:
        key = norm(value)
        return key in examples.get(field, ()) and not found_in(value, normalised)

    wants = partial(asked, wanted=wanted)
    update, notes = {}, []
    if wants("description") and job.description and copied("description", job.description):
        summary = find_summary(posting, job.title)
        update["description"] = summary.value if summary else ""
        notes.append(f"description from the posting's own sentences: the model's was {COPIED}"
                     if summary else f"description dropped: {COPIED}")
    for field in filter(wants, ("skills", "requirements", "benefits")):
        items = getattr(job, field)
        kept = [item for item in items if not copied(field, item)]
        if len(kept) < len(items):
            update[field] = kept
            notes.append(f"{len(items) - len(kept)} {field} item(s) dropped: {COPIED}")
    return (job.model_copy(update=update) if update else job), notes


# A list's items that the posting's own headings show are something else.
_MISPLACED = {"requirements": ("benefits", "duties"), "benefits": ("requirements", "duties")}


def ground_lists(job: JobPosting, text: str | PostingText,
                 wanted: frozenset[str] | None = None) -> tuple[JobPosting, list[str]]:
    """Requirements and benefits against the posting's own lists (readers.sections): an item
    the posting lists under another kind of heading is dropped (the embedded model gives
    duties and requirements as benefits), and so is a benefit naming nothing an employer
    gives outside a benefits heading (company values, duties in prose); a list the model
    gave none of (or only the examples' items, now dropped), or mostly of items the posting
    does not contain, is the posting's list under its heading, where it has one."""
    posting = PostingText.of(text)
    update, notes = {}, []
    for field in ("requirements", "benefits"):
        items = list(getattr(job, field))
        if not asked(field, wanted):
            continue
        sections = posting.read(Sections)
        if items:
            kinds = [sections.kind_of(item) for item in items]
            kept = [item for item, kind in zip(items, kinds) if kind not in _MISPLACED[field]]
            if len(kept) < len(items):
                under = sorted({k for k in kinds if k in _MISPLACED[field]})
                notes.append(f"{len(items) - len(kept)} {field} item(s) dropped: the posting "
                             f"lists them under its {' and '.join(under)}")
                items = update[field] = kept
        if field == "benefits" and items:
            named = [item for item in items
                     if sections.kind_of(item) == "benefits" or names_a_benefit(item)]
            if len(named) < len(items):
                notes.append(f"{len(items) - len(named)} benefits item(s) dropped: naming "
                             f"nothing an employer gives, and not under a benefits heading")
                items = update[field] = named
        stated = sum(found_in(item, posting.normalised) for item in items)
        if items and 2 * stated >= len(items):
            continue
        found = posting.read(find_list, field)
        if found is not None:
            update[field] = found.value.split("\n")
            why = "the model gave none" if not items else \
                f"{len(items) - stated} of the model's {len(items)} not in the posting"
            notes.append(f"{field}: {len(update[field])} item(s) from the posting by "
                         f"{found.rule} ({found.evidence!r}); {why}")
    return (job.model_copy(update=update) if update else job), notes
