"""Keep what the posting does not state out of the result.

A small model invents: asked for a salary it produces one whether or not the posting states
it (measured on EMSCAD: all 18 postings without a salary came back with one), it writes
"Remote" as the company, a sentence as the title. Every answer, local or cloud, passes
through these checks (answer.check_answer) before it is returned:

- salary: the salary reader (salary.py) confirms the model's figures against a pay mention
  in the text and takes its range, period and currency from there; fills a salary the model
  missed from a clearly marked mention; drops figures the text does not state. The source
  is recorded in a note.
- title, company, location and skills must be found in the posting after normalising case,
  whitespace and punctuation (a company outside a web or mail address), a title must not be
  a sentence of it, nor a phrase naming no job where the posting states one that does, a
  company not a job, a location not "One location". A title, company or location the model
  missed or did not take from the posting is taken from what the field readers find stated
  (fields.py); without one it is dropped, as is a skill not in the posting. A page heading
  run into a value ("Description Clutter") is left out.
- nothing is copied from the prompt's worked examples: a requirement, benefit or skill that
  is an example's value and not in the posting is dropped, a copied description is replaced
  by the posting's own sentences about the role (measured on the embedded model: 85 of 120
  Indeed descriptions were an example's, word for word).
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from functools import lru_cache

from router_svc.fields import (NOT_A_PLACE, Found, find_company, find_location, find_summary,
                               find_title, names_a_job, names_a_role, reads_as_a_name,
                               unglue, without_heading)
from router_svc.salary import SalaryMention, find_salaries, plausible
from router_svc.schema import JobPosting

# Answers that name no organisation, whatever the posting says.
NOT_A_COMPANY = {"remote", "hybrid", "onsite", "on site", "confidential", "undisclosed",
                 "unknown", "not specified", "n a", "none", "null", "company", "the company",
                 "our client", "client", "employer", "various"}


def norm(text: str | None) -> str:
    """Case, punctuation and whitespace folded away: 'Sr. Engineer (m/f)' -> 'sr engineer m f'."""
    return " ".join(re.sub(r"[^\w]+", " ", (text or "").casefold()).split())


def found_in(value: str, normalised_text: str) -> bool:
    key = norm(value)
    return bool(key) and f" {key} " in f" {normalised_text} "


def as_written(value: str, text: str) -> str:
    """`value` as the posting writes it (its case and punctuation, preferring a mention not
    in capitals), where the posting contains it; else `value` unchanged. "tech innovations
    inc." -> "Tech Innovations Inc"."""
    words = norm(value).split()
    if not words:
        return value
    pattern = r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, words)) + r"(?![^\W_])"
    matches = re.finditer(pattern, text, re.I)
    match = next(matches, None)
    if match is None:
        return value
    if match.group(0).isupper():  # a banner in capitals: the posting's own case, if written
        match = next((m for m in matches if not m.group(0).isupper()), match)
    end = match.end()
    for char in re.search(r"[^\w\s]*$", value).group(0):  # "(m/f/d)": its closing mark too
        if text[end:end + 1] == char:
            end += 1
    return text[match.start():end]


# Two capitals after a comma that are legal forms, not states or countries.
_LEGAL_FORMS = {"AG", "SA", "NV", "BV", "AB", "AS", "OY", "SE", "KG", "SL", "LP"}


def looks_like_a_place(value: str) -> bool:
    """'US, PA, Kutztown', 'Austin, TX', 'GB, LND': a place written the way postings write
    locations (a state or country code between commas), not an organisation."""
    parts = [p.strip() for p in value.split(",")]
    return len(parts) >= 2 and any(len(p) == 2 and p.isalpha() and p.isupper()
                                   and p not in _LEGAL_FORMS for p in parts)


def close(value: float, stated: float) -> bool:
    """Equal within 1% (how salary figures are compared, here and in the evaluation)."""
    return abs(value - stated) <= 0.01 * max(abs(stated), 1.0)


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
    elif period is None and plausible(mention.low, model_period) \
            and plausible(mention.high, model_period):
        period, note = model_period, f"; period {model_period!r} from the model"
    data.update(salary_min=mention.low, salary_max=mention.high,
                salary_currency=mention.currency, salary_period=period)
    return note


# The widest a range stated as one job's pay plausibly is (its top over its bottom). Wider
# ranges are written (a band across levels), but are never merged into another range nor
# preferred to a narrower one: a planted "$85,000-$5,000,000" must not widen the real pay.
MAX_PAY_SPREAD = 5.0


def one_jobs_pay(mention: SalaryMention) -> bool:
    return mention.high <= MAX_PAY_SPREAD * mention.low


def stated_pay(mentions: list[SalaryMention],
               anchor: SalaryMention | None = None) -> tuple[SalaryMention | None, int]:
    """The pay the text states, as one range: the first mention marked as pay (or `anchor`;
    where that one is wider than one job's pay, the first with a currency that is not),
    widened to every mention of one job's scale in the same currency and period that
    overlaps it (ranges by region give the lowest minimum to the highest maximum; a bonus
    or a later year's figure, which does not overlap, is left out); and how many ranges it
    spans."""
    if anchor is None:
        pay = [m for m in mentions if m.strong]
        anchor = next(iter(pay), None)
        if anchor is not None and not one_jobs_pay(anchor):  # a narrower stated range first
            anchor = next((m for m in pay if m.currency and one_jobs_pay(m)), anchor)
    if anchor is None or anchor.period is None:
        return anchor, 1 if anchor else 0
    alike = [m for m in mentions if m.strong and m.currency == anchor.currency
             and m.period == anchor.period and one_jobs_pay(m)]
    group, low, high = [anchor], anchor.low, anchor.high
    grown = True
    while grown:  # ranges that overlap the pay's range, however they chain
        more = [m for m in alike if m not in group and m.low <= high and m.high >= low]
        grown = bool(more)
        group += more
        low, high = min(m.low for m in group), max(m.high for m in group)
    ranges = {(m.low, m.high) for m in group}
    if (low, high) == (anchor.low, anchor.high):
        return anchor, len(ranges)
    return replace(anchor, low=low, high=high,
                   text=" and ".join(m.text for m in group if m.low == low or m.high == high)
                   ), len(ranges)


def _best_match(figures: list[float], mentions: list[SalaryMention]) -> SalaryMention | None:
    """The mention agreeing with most of the model's figures (marked pay, then first, wins)."""
    scored = [(sum(close(f, m.low) or close(f, m.high) for f in figures), m.strong, -m.start, m)
              for m in mentions]
    best = max(scored, key=lambda s: s[:3], default=None)
    return best[3] if best and best[0] > 0 else None


def _from_text(data: dict, mention: SalaryMention, spans: int, why: str) -> str:
    widest = "; the widest of the ranges stated" if spans > 1 else ""
    return f"salary from the posting ({mention.text!r}){widest}{_take(data, mention)}; {why}"


def reconcile_salary(data: dict, text: str) -> tuple[list[str], bool]:
    """Set the answer's salary fields from what the text states; notes and whether dropped.

    A salary comes only from an amount the text states with a currency or as pay (the
    salary reader): the model's figures are confirmed against those mentions, replaced by
    the stated pay when they match an amount that is not pay, and dropped when they match
    none (a requisition number or a figure written nowhere is never a salary).
    Works on the decoded answer before validation, so a model's swapped or half-wrong range
    is corrected from the text instead of failing validation."""
    if not isinstance(data, dict):
        return [], False
    figures = [f for f in (_figure(data.get("salary_min")), _figure(data.get("salary_max")))
               if f is not None]
    mentions = find_salaries(text)
    pay, spans = stated_pay(mentions)
    if not figures:
        if pay is None:
            # a currency or period without a figure says nothing (and a model's "IL" would
            # fail validation for a salary that is not there)
            data.update(salary_currency=None, salary_period=None)
            return [], False
        return [_from_text(data, pay, spans, "the model gave none")], False
    matched = _best_match(figures, mentions)
    if matched is not None and matched.strong:
        pay, spans = stated_pay(mentions, matched)
        return [_from_text(data, pay, spans, "confirming the model")], False
    if matched is not None and pay is None:
        return [_from_text(data, matched, 1, "confirming the model")], False
    if matched is not None:  # an amount not marked as pay, while the pay is stated
        return [_from_text(data, pay, spans,
                           f"the model gave {matched.text!r}, an amount not marked as pay")], False
    data.update(salary_min=None, salary_max=None, salary_currency=None, salary_period=None)
    notes = ["salary dropped: " + ", ".join(f"{v:g}" for v in figures)
             + " not stated in the posting as pay"]
    if pay is not None:
        notes.append(_from_text(data, pay, spans, "the model gave another"))
    return notes, True


# A title names a job; these words make a clause of it ("Dialpad is the most modern ...").
_CLAUSE_WORDS = {"is", "are", "was", "we", "our", "you", "your", "will", "can", "must"}
MAX_TITLE_WORDS = 12


def reads_as_a_sentence(title: str) -> bool:
    """A sentence of the posting given as its title: a clause (its verbs and pronouns in
    lower case: "IS Manager" is a title), or longer than any title."""
    words = re.findall(r"[\w']+", title)
    return len(words) > MAX_TITLE_WORDS or bool(_CLAUSE_WORDS & set(words))


# Web and mail addresses (a bare domain in lower case: "Salesforce.com" is written as a
# name): a name found only inside one ("jobs@northwind-health.org") is not the
# organisation's name as the posting writes it.
# Each starts where a run of its characters starts: from inside a run the engine would read
# the rest of it again at every position (quadratic on a long run of letters).
_ADDRESS = re.compile(r"(?<!\S)\S+@\S+|\b(?:https?://|www\.)\S+"
                      r"|(?<![a-z0-9-])[a-z0-9-]+\.(?:com|org|net|edu|gov|io|co|us|ai|info|biz)"
                      r"\b\S*")


def runs_on(title: str, stated: str) -> bool:
    """`title` is `stated` run on into two or more words naming no one job: "Project
    Coordinator: Wingtip Advocates", "Compliance Analyst Northwind Ventures" (a level, a
    parenthesis or a part after a dash, "Data Engineer (Remote)", "Attorney - Tampa Bay",
    is part of a title)."""
    key, whole = norm(stated), norm(title)
    if not key or not whole.startswith(key + " ") or "(" in title:
        return False
    written = as_written(stated, title)
    if title[title.find(written) + len(written):].lstrip()[:1] in ("-", "–", "—", ",", "|"):
        return False  # its own qualifier: "Family Law Attorney - Experienced - Tampa Bay"
    extra = whole[len(key):].split()
    return len(extra) >= 2 and extra[0] not in ("of", "for", "in", "to", "and") \
        and not names_a_role(" ".join(extra), plural=False)  # "GM of ...", "... Advocates"


@lru_cache(maxsize=16)  # one answer's check asks of the same text several times
def _where_names_are(text: str) -> tuple[frozenset[str], str]:
    """The text's lines, and its words outside web and mail addresses, normalised."""
    return frozenset(norm(line) for line in text.splitlines()), norm(_ADDRESS.sub(" ", text))


def _is_company(value: str, location: str | None, text: str) -> bool:
    """An organisation the posting names: not a place or a placeholder, outside a web or mail
    address, written as a name and not a job ("Director") unless it is a line of its own,
    as a page's company line is ("Special Counsel")."""
    lines, outside_addresses = _where_names_are(text)
    return (norm(value) not in NOT_A_COMPANY and norm(value) != norm(location)
            and not looks_like_a_place(value)
            and (norm(value) in lines or not names_a_job(value) and reads_as_a_name(value))
            and found_in(value, outside_addresses))


# How a note says a value was the prompt's example's (jobextract eval counts these).
COPIED = "copied from the prompt's example"


def _named_part(company: str | None, text: str) -> Found | None:
    """The start of the model's company that the posting writes as a name twice or more,
    where the model ran on past it ("HighPoint Tech" for a text naming "HighPoint")."""
    words = (company or "").split()
    for end in range(len(words) - 1, 0, -1):
        name = " ".join(words[:end])
        # used as a whole name: not the start of a longer one ("United" of "United States")
        uses = re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-])(?![ \t,]+[A-Z])", text)
        if len(uses) >= 2 and name[0].isupper() and _is_company(name, None, text):
            return Found(name, f"{name!r} {len(uses)} times")
    return None


def _stated(field: str, model: str | None, found: Found | None, why: str,
            update: dict, notes: list[str],
            examples: dict[str, frozenset[str]] | None = None) -> None:
    """Replace the model's unusable `field` with what a reader found in the text, or null."""
    if model is not None and norm(model) in (examples or {}).get(field, ()):
        why = COPIED
    if found is not None:
        update[field] = found.value
        gave = f"the model gave {model!r}, {why}" if model else "the model gave none"
        notes.append(f"{field} {found.value!r} from the posting ({found.evidence!r}); {gave}")
    elif model is not None:
        update[field] = None
        notes.append(f"{field} {model!r} dropped: {why}")


def ground_strings(job: JobPosting, text: str, wanted: frozenset[str] | None = None,
                   examples: dict[str, frozenset[str]] | None = None
                   ) -> tuple[JobPosting, list[str]]:
    """Keep the title, company and location the posting contains; where the model's value is
    missing or not in the posting, take what the field readers find stated (fields.py), or
    else drop it (no re-ask: on real postings a second generation seldom found the title,
    measured 2 of 15 times, at the cost of a whole generation). Skills not in the text are
    dropped. Only `wanted` fields (None: all) are looked at."""
    def asked(field: str) -> bool:
        return wanted is None or field in wanted

    written = unglue(text)
    normalised = norm(written)
    update, notes = {}, []
    for field in ("title", "company"):  # "Description Clutter": a heading run into the name
        value = getattr(job, field)
        if asked(field) and value and without_heading(value) != value:
            update[field] = without_heading(value)
            notes.append(f"{field} {update[field]!r}: the heading before it left out")
    job = job.model_copy(update=update) if update else job
    stated_title = find_title(text) if asked("title") else None
    if asked("title") and (job.title is None or not found_in(job.title, normalised)):
        _stated("title", job.title, stated_title, "not in the posting", update, notes,
                examples)
    elif asked("title") and reads_as_a_sentence(job.title):
        _stated("title", job.title, stated_title, "a sentence, not a title", update, notes)
    elif stated_title is not None and not names_a_role(job.title) \
            and names_a_role(stated_title.value):
        # "full-cycle business recruiting experience": a phrase of the posting naming no job
        _stated("title", job.title, stated_title, "it names no job", update, notes)
    elif stated_title is not None and norm(stated_title.value) != norm(job.title) and (
            stated_title.headline or found_in(job.title, norm(stated_title.value))
            or runs_on(job.title, stated_title.value)):
        # the posting gives its title (a label, a page's first line), the model shortened
        # the one the posting states ("Data Analyst" of "Medicaid Data Analyst (Temporary)"),
        # or ran it on into the words after it ("Compliance Analyst Northwind Ventures")
        why = ("a part of it" if found_in(job.title, norm(stated_title.value)) else
               "the posting gives it as its title" if stated_title.headline else
               "with the words that follow it")
        update["title"] = stated_title.value
        notes.append(f"title {stated_title.value!r} from the posting "
                     f"({stated_title.evidence!r}); the model gave {job.title!r}, {why}")
    if asked("company") and (job.company is None
                             or not _is_company(job.company, job.location, written)):
        _stated("company", job.company,
                find_company(text) or _named_part(job.company, written),
                "not an organisation named in the posting", update, notes, examples)
    if asked("location") and (job.location is None or not found_in(job.location, normalised)):
        _stated("location", job.location, find_location(text), "not in the posting",
                update, notes, examples)
    elif asked("location") and NOT_A_PLACE.match(job.location):  # "One location"
        _stated("location", job.location, find_location(text), "not a place", update, notes)
    for field in ("title", "company", "location"):  # the posting's own spelling
        value = update.get(field, getattr(job, field))
        if asked(field) and value is not None and as_written(value, text) != value:
            update[field] = as_written(value, text)
    skills = [s for s in job.skills if found_in(s, normalised)]
    if len(skills) < len(job.skills):
        update["skills"] = skills
        notes.append(f"{len(job.skills) - len(skills)} skill(s) dropped: not in the posting")
    return (job.model_copy(update=update) if update else job), notes


def drop_example_copies(job: JobPosting, text: str,
                        examples: dict[str, frozenset[str]]) -> tuple[JobPosting, list[str]]:
    """Remove values copied from the prompt's examples (`examples`: field -> normalised
    example values) that the posting itself does not contain; a copied description becomes
    the posting's own sentences about the role (fields.find_summary), never empty when the
    posting has some."""
    normalised = norm(text)

    def copied(field: str, value: str) -> bool:
        key = norm(value)
        return key in examples.get(field, ()) and not found_in(value, normalised)

    update, notes = {}, []
    if job.description and copied("description", job.description):
        summary = find_summary(text, job.title)
        update["description"] = summary.value if summary else ""
        notes.append(f"description from the posting's own sentences: the model's was {COPIED}"
                     if summary else f"description dropped: {COPIED}")
    for field in ("skills", "requirements", "benefits"):
        items = getattr(job, field)
        kept = [item for item in items if not copied(field, item)]
        if len(kept) < len(items):
            update[field] = kept
            notes.append(f"{len(items) - len(kept)} {field} item(s) dropped: {COPIED}")
    return (job.model_copy(update=update) if update else job), notes
