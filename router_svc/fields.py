"""Deterministic readers for the title, company and location a posting states in a form
that leaves no doubt: a labelled line ("Job Title: ..."), a hiring sentence ("We are
looking for a Senior Data Engineer"), "As a Diversity Sourcer, you", "The Branch Assistant
plays ...", a company's own sentence ("At Northwind, we ...", "Northwind is a leading
lender", "Northwind is an equal opportunity employer", or a name the text keeps using as
the organisation: "Northwind's", "When Northwind started", "at Northwind"), a US "City, ST".
A title found by the looser patterns must contain a noun jobs are named by (ROLE_NOUNS).
Text flattened from a page glues headings to the words around them ("Company
DescriptionNorthwind builds", "Payroll ClerkReports to:"): the readers see them apart.

A small model misses these or answers with something the posting does not contain; the
grounding step (grounding.py) keeps the model's value when the posting contains it and
falls back to what these readers find, noting the source, instead of a null.
Each reader returns a `Found` (the value as written and the phrase it came from) or None.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

US_STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT "
             "NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY").split()
STATE_NAMES = ("Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida"
               "|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine"
               "|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana"
               "|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina"
               "|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina"
               "|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia"
               "|Wisconsin|Wyoming")

# A capitalised name: words that start upper-case (or digits), joined by a few small words.
# dots only inside ("Salesforce.com"); a lower-case start before a capital ("iRhythm"); a
# name's own exclamation mark. A word starts where no word character is before it and is
# at most 40 characters a part: the engine never tries a name from inside a run of
# capitals or digits, which made a 16 KB run cost minutes (each start re-read the run).
_CAP = (r"(?<![\w&+-])(?:[A-Z0-9]|[a-z](?=[A-Z]))[\w&'’+-]{0,40}(?:\.[\w&'’+-]{1,40}){0,3}"
        r"(?:!(?=[ \t,]))?")  # "Weee!"
_NAME = rf"{_CAP}(?:[ \t](?:(?:of|and|for|&|de|du|la)[ \t](?:the[ \t])?|the[ \t])?{_CAP}){{0,5}}"
# Words that begin sentences or headings, never a company or a job by themselves.
_GENERIC = {"we", "our", "you", "your", "the", "this", "it", "they", "he", "she", "us", "job",
            "role", "position", "company", "team", "candidate", "applicant", "employer",
            "description", "summary", "overview", "responsibilities", "requirements",
            "qualifications", "benefits", "about", "who", "what", "why", "how", "location",
            "salary", "pay", "equal", "all", "each", "every", "here", "there", "join",
            "successful", "ideal", "great", "new", "full", "part", "remote", "compensation",
            "eoe", "e", "note", "please", "apply", "if", "as", "in", "at", "for", "and",
            "a", "an", "more", "other", "additional", "any", "no", "yes", "must", "will",
            "client", "department", "one", "multiple", "on"}


# Headings that flattened text glues to the word before them ("ClerkReports to:"), and
# the long ones it glues to the word after them ("DescriptionNorthwind builds"). A whole
# heading word is needed, so "PayPal" or "YouTube" stay whole.
_HEADINGS = ("Reports|Reporting|Location|Company|Description|Overview|Summary|Responsibilities|"
             "Requirements|Qualifications|Benefits|About|Salary|Compensation|Pay|Job|Position|"
             "Title|Department|Schedule|Duties|Opportunity|The|We|Our|You|Your|Who|What")
_GLUED_AFTER = re.compile(rf"(?<=[a-z)])(?=(?:{_HEADINGS})\b)")
_GLUED_BEFORE = re.compile(r"\b(Description|Overview|Summary|Responsibilities|Requirements|"
                           r"Qualifications|Benefits|Opportunity|Compensation)(?=[A-Z][a-z])")


@lru_cache(maxsize=16)  # every reader of one answer's check reads the same text
def unglue(text: str) -> str:
    """Flattened page text with its headings set apart: "ClerkReports to:" ->
    "Clerk Reports to:", "DescriptionNorthwind builds" -> "Description Northwind builds";
    and the HTML entities a scrape leaves read ("Roland &amp; Associates")."""
    return _GLUED_BEFORE.sub(r"\1 ", _GLUED_AFTER.sub(" ", html.unescape(text)))


@dataclass(frozen=True)
class Found:
    value: str
    evidence: str
    # the posting gives it as its title: a labelled line ("Job Title: ...") or a page's
    # first line naming a job ("Retail Sales Associate (Morning Shift)"); nothing is surer
    headline: bool = False


def _clean(value: str) -> str:
    value = value.strip(" \t-–—:;,.|").strip()
    return value[:-1].strip() if value.endswith("(") else value


def _generic(word: str) -> bool:
    return not (word.isupper() and len(word) > 1) and word.lower().strip("’'") in _GENERIC


def _usable(value: str, max_words: int = 8) -> bool:
    words = value.split()
    return 0 < len(words) <= max_words and not _generic(words[0]) \
        and not _generic(words[-1]) and any(c.isalpha() for c in value)


def _is_place(value: str) -> bool:
    return value in US_STATES or bool(re.fullmatch(STATE_NAMES, value)) \
        or bool(_US_PLACE.fullmatch(value))


# ---- places --------------------------------------------------------------------------------

# A city is one word, with the words place names join to it: "San Luis Obispo",
# "Walnut Creek", "Salt Lake City" (a title before it, "Data Engineer Denver, CO", is not).
_CITY_PREFIX = (r"(?:(?:San|Santa|Los|Las|New|North|South|East|West|Fort|Ft\.|Saint|St\.|Salt|Lake"
                r"|El|La|Mount|Mt\.|Palm|Port|Grand|Long|Baton|Little|Palo|Menlo|Redwood|Luis"
                r"|Mountain|Culver|Daly|Foster|Rancho|Thousand|Cedar|Sioux|Kansas|Oklahoma"
                r"|Jersey|Virginia|Beverly|Newport|Del|Des|Coral|Boca|Ann|Bowling|Cape|Glen"
                r"|Granite|Green|High|Jefferson|Johnson|Overland|Rocky|Round|Sugar|Twin)[ \t])")
_CITY_WORD = r"[A-Z][a-z][a-zA-Z'’-]*"
_CITY_SUFFIX = (r"(?:[ \t](?:Creek|City|Beach|Park|Springs|Falls|Heights|Hills|Valley|Grove"
                r"|Rapids|Harbor|Point|Island|Gardens|Village|Bay|Lake|Rock|Bend|Station))?")
_CITY = rf"(?<![\w-]){_CITY_PREFIX}{{0,2}}{_CITY_WORD}{_CITY_SUFFIX}"
_US_PLACE = re.compile(rf"(?!(?:US|USA|United States)\b)(?P<v>{_CITY},[ \t]?(?:{'|'.join(US_STATES)}|{STATE_NAMES}))"
                       r"(?![A-Za-z])")


# ---- title -----------------------------------------------------------------------------------

# The nouns job titles are named by ("Senior Data Engineer", "Director of Operations"). A
# title the looser patterns find ("The ... will", "As a ...", the words a text starts with)
# must contain one, so "The Bay Area is" or "The SFI must" are not taken for titles.
ROLE_NOUNS = frozenset("""
    accountant actuary adjuster admin administrator adviser advisor advocate agent aide
    ambassador analyst apprentice architect archivist artist assembler assistant assoc
    associate asst attendant attorney auditor banker barista bartender bookkeeper broker
    buyer caregiver carpenter cashier ceo cfo chef cio ciso clerk clinician closer cmo coach
    coo cook coordinator copywriter correspondent counsel counsellor counselor cto curator
    custodian dba dentist designer developer dir director dispatcher driver economist editor
    educator electrician engineer estimator evangelist examiner executive expert fabricator
    facilitator fellow foreman generalist gm guard handler head helper hygienist inspector
    installer instructor intern interpreter investigator janitor journalist laborer lawyer
    lead leader liaison librarian loader machinist manager marketer mechanic member mentor
    mgr navigator negotiator nurse officer operator organiser organizer originator owner
    packer painter paralegal paramedic partner pharmacist photographer physician picker
    planner plumber porter practitioner president principal processor producer professor
    programmer psychologist purchaser receptionist recruiter registrar rep reporter
    representative researcher scheduler scientist scribe secretary sourcer specialist sre
    statistician steward strategist stylist superintendent supervisor surgeon teacher tech
    technician technologist teller tester therapist trader trainee trainer translator
    treasurer tutor underwriter vp welder worker writer""".split())


# Role nouns organisations' names also carry ("CSI Tech", "Principal", "Staffing Partners"):
# they neither make a name a job nor a page's first line its title.
_ALSO_NAMES = {"tech", "principal", "head", "lead", "member", "partner", "fellow", "owner",
               "guard"}
_JOB_NOUNS = frozenset(ROLE_NOUNS - _ALSO_NAMES)


def names_a_role(phrase: str, plural: bool = True, nouns: frozenset[str] = ROLE_NOUNS) -> bool:
    """Whether `phrase` contains one of `nouns` jobs are named by (or its plural, "Stylists")."""
    for word in re.findall(r"[A-Za-z]+", phrase):
        word = word.lower()
        if word in nouns or plural and word.endswith("s") and (word[:-1] in nouns or (
                word.endswith("es") and word[:-2] in nouns)):
            return True
    return False


# The next label of a flattened page ("... Position Type:", "... Employment Length:") ends
# the value before it.
_NEXT_LABEL = (r"\s+(?-i:(?:(?:Position|Job|Employment|Work|Pay|Salary|Reports|Start|Travel|Shift"
               r"|Company|Department|Closing|Posting|Application|Hiring|Benefit|Contract|Security)"
               r"[ \t][A-Za-z][a-z]*|[A-Z][a-z]+)[ \t]*:)")
_TITLE_LABEL = re.compile(r"\b(?:job\s*title|position\s*title|position|title|role)\s*:\s*"
                          r"(?P<v>[^\n|;:•*]{3,80}?)(?=\s*(?:\n|\||;|•|\*|\s{2}|$|\.\s)"
                          rf"|{_NEXT_LABEL})", re.I)
# Title words: capitalised, with the connectors titles use ("Manager of Sales", "R&D / QA").
# A dot belongs to a word only inside it ("Node.js") or after the abbreviations titles use
# ("Sr. Engineer"): "... a Travel Agent. We" ends at "Agent".
_ABBREVIATION = r"(?:Sr|Jr|Asst|Assoc|Mgr|Dir|Engr|Admin|Exec|Coord|Spec|Tech|Dept|Int'l)\."
_TITLE_WORD = (rf"(?:{_ABBREVIATION}|[A-Z](?:[\w&'’+#/-]|\.(?=\w))*|I{{1,3}}|IV|V|[A-Z]{{2,}}"
               r"|\d[\w+]*)")
_TITLE_PHRASE = (rf"{_TITLE_WORD}(?:[ \t](?:(?:of|and|&|for|in|to|/|-|–)[ \t])?{_TITLE_WORD})"
                 r"{0,7}(?:[ \t]\([^)]{1,30}\))?")
# A page copied as one line starts "Senior Data Engineer Denver, CO ...".
_TITLE_THEN_PLACE = re.compile(rf"^\s*(?P<v>{_TITLE_PHRASE})[ \t]+"
                               + _US_PLACE.pattern.replace("(?P<v>", "(?:"))
_HIRING = re.compile(r"\b(?:looking for|seeking|seeks|hiring|searching for|in search of|recruiting"
                     r"|has an opening for|is in need of)\s+(?:(?:applicants|candidates)\s+for\s+)?"
                     r"(?:(?:an?|the|our|one|two)\s+)?"
                     r"(?:[a-z][\w-]*,?[ \t]+){0,4}"  # "an analytical and detail-oriented"
                     rf"(?P<v>{_TITLE_PHRASE})")
# "The Network Engineer is responsible for ...", "The Branch Assistant I plays ...": the
# way descriptions open a sentence about the job.
_THE_TITLE_DOES = re.compile(rf"(?:\bThe|,[ \t]+the)[ \t]+(?P<v>{_TITLE_PHRASE})(?:[ \t]+role)?[ \t]+"
                             r"(?:is|will|must|can|has|shall|directly|[a-z]{2,}s)\b")  # "plans"
# "... administration. Business Intern Duties and Responsibilities ...": a title as the
# heading of its own section.
_TITLE_THEN_SECTION = re.compile(
    r"(?:^|[.!?][ \t]+|(?<![ \t])[ \t]{2,})(?P<v>" + _TITLE_PHRASE.replace("{0,7}", "{0,7}?")
    + r")[ \t]+(?=(?:Duties|Responsibilities|Requirements|Qualifications|Job Description"
    r"|Job Summary|Position Summary|Summary|Overview|Essential Functions)\b)")
# "As a Diversity Sourcer, you'll ...", "As Northwind's Curriculum Specialist, you will".
_AS_TITLE = re.compile(rf"\bAs[ \t]+(?:an?[ \t]+|the[ \t]+|{_NAME}['’]s[ \t]+)?"
                       rf"(?P<v>{_TITLE_PHRASE})"
                       r"(?:[ \t]*,|[ \t]+(?:you|at|for|with|on|in|within|your|we)\b)")
# Headings a flattened page runs into the value after them ("JOB ANNOUNCEMENT Project
# Coordinator", "Description Clutter is ..."): these words never begin a title or a name;
# the others only in capitals ("Job Coach" and "Hiring Manager" are titles).
_HEADINGS_ALWAYS = {"description", "overview", "summary", "announcement"}
_HEADINGS_IN_CAPITALS = {"job", "position", "title", "opening", "vacancy", "posting", "role",
                         "opportunity", "now", "hiring", "career", "careers", "new", "about"}


def without_heading(value: str) -> str:
    """`value` without the page headings run into its start."""
    words = value.split()
    while len(words) > 1 and (words[0].lower().strip(":") in _HEADINGS_ALWAYS or (
            words[0].isupper() and words[0].lower().strip(":") in _HEADINGS_IN_CAPITALS)):
        words.pop(0)
    return " ".join(words)


def _leading_title(text: str) -> Found | None:
    """The title a one-line page copy starts with, up to its last role noun: "Territory
    Manager SUMMARY: ..." -> "Territory Manager", "Warehouse Supervisor Monday - Friday"
    -> "Warehouse Supervisor"."""
    m = re.match(rf"\s*(?P<v>{_TITLE_PHRASE})", text)
    if m is None:
        return None
    words = without_heading(m["v"]).split()
    heads = [i for i, word in enumerate(words) if names_a_role(word)]
    if not heads or heads[-1] == len(words) - 1 and re.match(r"[ \t]+[a-z]", text[m.end():]):
        return None  # none, or the subject of a sentence: "NCK Tech is seeking ..."
    end = heads[-1] + 1
    if end + 1 < len(words) and words[end] in ("of", "for"):
        end = min(end + 4, len(words))  # what it heads: "GM of Phone Numbers"
    while end < len(words) and re.fullmatch(r"I{1,3}|IV|\d|\([^)]*\)", words[end]):
        end += 1  # its level: "Engineer II", "Analyst 3"
    value = _clean(" ".join(words[:end]))
    return Found(value, m.group(0).strip()[:120]) if _usable(value) else None


# The words section headings are made of ("Company Description", "About the Role", "What
# You'll Do", "Position Summary"): a first line of only these is a heading, not the title.
HEADING_WORDS = frozenset("""
about the a an of and for to at in with our your us we you who what why how will ll do is are
job role position company team description overview summary details information purpose
responsibilities requirements qualifications duties functions essential primary key basic
preferred minimum skills experience education opportunity mission values culture benefits
perks compensation department general careers career now hiring join work life posting
""".split())
# A requisition or job number first ("Req #4411", "Job ID 20-0012"): not a title either.
_JOB_NUMBER = re.compile(r"(?i:\b(?:req\w*|job|position|posting)\b[^\n]{0,12}?(?:#|\bid\b|\bno\b"
                         r"|number)|#[ \t]?\d)")


# A banner about the hiring ("URGENT NEED FOR A NIGHT SHIFT OPERATOR", "Now hiring
# cooks!"): it names the job inside a phrase; the job's own name is shorter.
_BANNER = re.compile(r"(?i:\b(?:need(?:ed)?[ \t]+for|hiring|looking[ \t]+for|seeking|wanted|"
                     r"join[ \t]+(?:us|our))\b)")


def is_heading(line: str) -> bool:
    """A section heading, a job number or a hiring banner, as pastes start with."""
    words = re.findall(r"[a-z]+", line.lower())
    return bool(words) and all(w in HEADING_WORDS for w in words) \
        or bool(_JOB_NUMBER.search(line) or _BANNER.search(line)) \
        or bool(re.match(r"(?:About|Careers at)\b", line))


# "Position: Full-Time": how the job is held, not what it is.
_EMPLOYMENT_TYPE = re.compile(r"(?:full|part)[- ]?time|temporary|permanent|contract|seasonal"
                              r"|per diem", re.I)


def find_title(text: str) -> Found | None:
    """A title the posting states: its first line (a short line without sentence
    punctuation or a label, as a page copy starts), first of all where it names a job; a
    labelled line; in text copied as one line, the words before the job's "City, ST" or the
    title it starts with; a hiring sentence ("looking for a ..."); "As a ..., you"; "The ...
    will"."""
    text = unglue(text)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    first_line = first != text.strip() and 3 <= len(first) <= 80 and len(first.split()) <= 10 \
        and first[0].isupper() and not re.search(r"[.!?]$|:|\b(?:we|our|you)\b", first, re.I) \
        and not is_heading(first)
    if first_line and names_a_role(first, plural=False, nouns=_JOB_NOUNS):
        return Found(_clean(first), first, headline=True)  # not "Acme Staffing Partners"
    for m in _TITLE_LABEL.finditer(text):
        value = _clean(m["v"])
        if _usable(value) and not _EMPLOYMENT_TYPE.match(value):
            return Found(value, _clean(m.group(0))[:120], headline=True)
    if first_line:
        return Found(_clean(first), first)
    for m in _TITLE_THEN_PLACE.finditer(text):
        if _usable(_clean(m["v"])):
            return Found(_clean(m["v"]), _clean(m.group(0))[:120])
    leading = None if is_heading(first) else _leading_title(text)
    if leading is not None:
        return leading
    for pattern in (_HIRING, _AS_TITLE, _THE_TITLE_DOES, _TITLE_THEN_SECTION):
        for m in pattern.finditer(text):
            value = _clean(m["v"])
            if _usable(value) and names_a_role(value):
                return Found(value, _clean(m.group(0))[:120])
    return None


# ---- company ---------------------------------------------------------------------------------

_LEGAL = r"(?:,?[ \t](?:Inc|LLC|L\.L\.C|Ltd|Corp|Co|LLP|LP|PLC|GmbH|AG|SA)\.?)?"
# What an organisation calls itself in its own first sentence ("... is a leading lender").
_ORGANISATION_NOUN = (r"(?:company|companies|firm|provider|leader|startup|start-up|organi[sz]ation"
                      r"|non-?profit|agency|business|institution|university|college|school"
                      r"|district|manufacturer|retailer|bank|lender|platform|brand|employer"
                      r"|corporation|consultancy|hospital|health system|contractor|distributor"
                      r"|supplier|insurer|cooperative|co-op|foundation|charity|network|studio"
                      r"|practice|group|marketplace|service|enterprise|venture capital)")
_COMPANY_PATTERNS = [
    # "Northwind Traders, Inc. is an Equal Opportunity Employer"
    re.compile(rf"(?P<v>{_NAME}){_LEGAL}[ \t]+(?i:is|are)[ \t]+(?i:(?:an?[ \t]+|proud[ \t]+to[ \t]+be"
               r"[ \t]+an?[ \t]+)?(?:equal[ \t]+(?:opportunity|employment)|EEO?\b|affirmative"
               r"[ \t]+action))"),
    # "At Northwind, we ..." / "At Northwind our ..."
    re.compile(rf"\bAt[ \t]+(?P<v>{_NAME}){_LEGAL},?[ \t]+(?:we|our|you)\b"),
    # "Northwind is hiring / seeking / looking for", "Northwind has an opening for"
    re.compile(rf"(?P<v>{_NAME}){_LEGAL}[ \t]+(?:is|are)[ \t]+(?i:(?:currently[ \t]+)?"
               r"(?:hiring|seeking|looking[ \t]+for|searching[ \t]+for|recruiting)\b)"),
    re.compile(rf"(?P<v>{_NAME}){_LEGAL}[ \t]+(?:has|have)[ \t]+an?[ \t]+(?:(?:immediate|exciting|"
               r"new|open)[ \t]+)?(?:opening|vacancy|opportunity|need)\b"),
    # "Company Description: Northwind ...", "Company: Northwind"
    re.compile(rf"\bCompany(?:[ \t]+(?:Name|Description|Overview))?[ \t]*:[ \t]*(?P<v>{_NAME})"),
    # "Northwind is a leading software company", "Northwind, a fast-growing lender, ..."
    re.compile(rf"(?:^\s*|[.!?:][ \t]+|\n)(?P<v>{_NAME}){_LEGAL}(?:[ \t]*\([^)]{{1,40}}\))?"
               rf"(?:[ \t]+(?:is|are)[ \t]+|,[ \t]*)(?:a|an|the|one[ \t]+of[ \t]+the)[ \t]+"
               rf"[^.,;:]{{0,80}}?\b{_ORGANISATION_NOUN}\b"),
    # "About Northwind:" / "About Us Northwind is ..."
    re.compile(rf"\b(?:About|ABOUT)(?:[ \t]+(?:Us|US))?[ \t]*:?[ \t]+(?P<v>{_NAME}){_LEGAL}"
               r"(?:[ \t]*:"
               r"|[ \t]+(?:is|was|has|helps|builds|provides|offers|We|Our)\b)"),
    # "Join Northwind" (not "join our team")
    re.compile(rf"\b[Jj]oin(?:ing)?[ \t]+(?P<v>{_NAME})"),
]
# "Northwind is a/an/the ..." at a sentence start: only for a name the text repeats.
_COMPANY_IS = re.compile(rf"(?:^\s*|[.!?][ \t]+|\n)(?P<v>{_NAME}){_LEGAL}[ \t]+is[ \t]+(?:a|an|the|one)\b")
# Where a text speaks of the organisation: its possessive, a sentence it begins with what an
# organisation does, "at / join / about" it, "for" it at a clause's end. A name met there
# twice or more is the one the posting is about.
_ORG_VERBS = ("is|was|has|have|builds|makes|made|provides|offers|helps|brings|believes|serves|"
              "creates|delivers|develops|started|empowers|enables|connects|partners|operates|"
              "employs|values|invests|supports|strives|aims|began|specializes|specialises")
_ORG_CONTEXTS = [
    re.compile(rf"(?P<v>{_NAME})['’]s\b"),
    re.compile(rf"(?:^\s*|[.!?:;][ \t]+|\n|\b(?:When|Since then|Today|Here at)[ \t]+)"
               rf"(?!(?:When|Since|Today|Here|Then)\b)(?P<v>{_NAME}){_LEGAL}[ \t]+"
               rf"(?:{_ORG_VERBS})\b"),
    re.compile(rf"\b(?:[Aa]t|[Jj]oin|[Jj]oining|[Aa]bout)[ \t]+(?P<v>{_NAME})"),
    re.compile(rf"\bfor[ \t]+(?P<v>{_NAME})(?=[.;,!?])"),
]
# Capitalised words these contexts meet that are never the organisation ("Bachelor's").
_NOT_ORGANISATIONS = {"let", "bachelor", "master", "associate", "doctor", "today", "here",
                      "there", "what", "that", "everyone", "employee", "employees",
                      # possessives of people and places ("Best Children's Hospitals")
                      "children", "women", "men", "people", "world", "nation", "america",
                      "country", "year", "customer", "customers", "client", "patient",
                      "patients", "student", "students", "member", "members"}


# Small words a name may carry in lower case ("Friends of the Earth", "Teach for America").
_NAME_CONNECTORS = {"of", "and", "the", "for", "&", "de", "du", "la", "in", "on", "at", "to",
                    "a", "an", "with", "without", "y", "et", "und"}


def _company_name(value: str) -> str:
    """The name alone: no "The", no possessive, no job title run into it at a page's start
    ("Compliance Analyst Andreessen Horowitz" -> "Andreessen Horowitz")."""
    value = re.sub(r"['’]s$", "", re.sub(r"^(?:The|the)[ \t]+", "", _clean(value)))
    words = value.split()
    roles = [i for i, word in enumerate(words[:-1])  # "GM IT", "Tech Innovations" stay
             if word.lower() in _JOB_NOUNS and not word.isupper()]
    if not roles:
        return value
    rest = words[roles[-1] + 1:]
    return "" if rest[0][0].islower() else " ".join(rest)  # "Director of IT": a job


def _spelled_out(value: str, text: str) -> str:
    """An acronym's full name where the text defines it: "PERS" -> "Public Employees
    Retirement System" for "... the Public Employees Retirement System (PERS) ..."."""
    if not re.fullmatch(r"[A-Z]{2,6}", value):
        return value
    for m in re.finditer(rf"(?P<v>{_NAME})[ \t]*\([ \t]*[\"“]?{value}[\"”]?[ \t]*\)", text):
        name = _company_name(m["v"])
        capitals = [w for w in name.split() if w[0].isupper()]
        if "".join(w[0] for w in capitals[-len(value):]) == value:
            return " ".join(name.split()[name.split().index(capitals[-len(value)]):])
    return value


def names_a_job(name: str) -> bool:
    """A name ending in a role noun ("Director", "Chief Product Officer") is a job, not an
    organisation (an acronym such as "GM" may be either, and stays)."""
    last = name.split()[-1] if name.split() else ""
    return last.lower() in _JOB_NOUNS and not last.isupper()


def reads_as_a_name(value: str) -> bool:
    """Written as a name: its words capitalised but for small connectors and one brand
    written in lower case ("dbt Labs", "a16z"); "Entry Level or Junior candidates" is not."""
    lower = [w for w in value.split() if w == w.lower() and w not in _NAME_CONNECTORS
             and any(c.isalpha() for c in w)]
    return len(lower) <= 1


def _usable_company(value: str) -> bool:
    words = {w.lower() for w in value.split()}
    return _usable(value, 6) and not _is_place(value) and not names_a_job(value) \
        and not words & {"description", "company", "client", "role", "position", "job", "we",
                         "our", "you", "team", "department", "opportunity", "internship"}


def find_company(text: str) -> Found | None:
    """The hiring organisation a posting names in its own sentences."""
    text = unglue(text)
    found = _stated_company(text)
    return Found(_spelled_out(found.value, text), found.evidence) if found else None


def _stated_company(text: str) -> Found | None:
    for pattern in _COMPANY_PATTERNS:
        for m in pattern.finditer(text):
            value = _company_name(m["v"])
            if _usable_company(value):
                return Found(value, _clean(m.group(0))[:120])
    for m in _COMPANY_IS.finditer(text):
        value = _company_name(m["v"])
        if _usable_company(value) and len(re.findall(rf"\b{re.escape(value)}\b", text)) >= 2:
            return Found(value, _clean(m.group(0))[:120])
    return _recurring_organisation(text)


def _recurring_organisation(text: str) -> Found | None:
    """The name the text most often uses as an organisation, if twice or more."""
    seen: dict[str, list[str]] = {}
    for pattern in _ORG_CONTEXTS:
        for m in pattern.finditer(text):
            value = _company_name(m["v"])
            if _usable_company(value) and value.split()[0].lower() not in _NOT_ORGANISATIONS:
                seen.setdefault(value, []).append(_clean(m.group(0))[:60])
    if not seen:
        return None
    # a name counts where it ends a longer match too ("Supporting Zipline's"); each match's
    # few word-ends are looked up, not every pair of names compared (which crafted text
    # of thousands of names made quadratic)
    uses: dict[str, list[str]] = {v: [] for v in seen}
    for name, evidence in seen.items():
        words = name.split(" ")
        for i in range(len(words)):
            if " ".join(words[i:]) in uses:
                uses[" ".join(words[i:])] += evidence
    best = max(uses, key=lambda v: len(uses[v]))  # the first met wins a tie
    if len(uses[best]) < 2:
        return None
    return Found(best, " ... ".join(uses[best][:2]))


# ---- location --------------------------------------------------------------------------------

_LOCATION_LABEL = re.compile(r"(?i:\b(?:job\s*)?location)\s*:\s*(?P<v>[^\n|;•]{2,40}?)"
                             r"(?=\s*(?:\n|\||;|•|\s{2}|$|\.\s)|(?:\s|(?<=[a-z]))(?:Job|Salary|Pay"
                             r"|Type|Department|Company|Title|Position|Schedule|This|The|We)\b"
                             rf"|{_NEXT_LABEL})")
# Not a place: Indeed's count of locations, "On the road".
NOT_A_PLACE = re.compile(r"(?:(?:one|multiple|several|various|\d+)[ \t]+locations?|on the road)\b",
                         re.I)


def find_location(text: str) -> Found | None:
    """Where the job is: a labelled location, else the first US "City, ST" the text gives."""
    text = unglue(text)
    for m in _LOCATION_LABEL.finditer(text):
        value = _clean(m["v"])
        if value and value[0].isupper() and not NOT_A_PLACE.match(value) \
                and len(value.split()) <= 5:
            return Found(value, _clean(m.group(0))[:120])
    m = _US_PLACE.search(text)
    if m and m["v"].split()[0].lower() not in _GENERIC:
        return Found(_clean(m["v"]), m["v"])
    return None


# ---- description -----------------------------------------------------------------------------

# A sentence about the job itself, not the company or the benefits.
_ROLE_WORDS = re.compile(r"\b(?:you will|you'll|responsible for|this role|the role|this position"
                         r"|the position|looking for|seeking|hiring|will be|duties|you are)\b",
                         re.I)
# Where a sentence ends: after its mark and the space that follows, or at a line break (a
# split, linear in the text's length; a pattern matching whole sentences backtracked).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
MAX_SUMMARY_CHARS = 400


def find_summary(text: str, title: str | None = None) -> Found | None:
    """One to three of the posting's own sentences about the role: from the first that names
    the title or speaks of the role ("you will", "responsible for", "looking for"), else from
    its first sentence; whole sentences of six words or more, at most 400 characters."""
    pieces = (piece.strip() for piece in _SENTENCE_BREAK.split(unglue(text)))
    sentences = [s for s in pieces if s.endswith((".", "!", "?")) and len(s.split()) >= 6
                 and not s.isupper()]
    if not sentences:
        return None
    key = title.casefold() if title else None
    start = next((i for i, s in enumerate(sentences)
                  if (key and key in s.casefold()) or _ROLE_WORDS.search(s)), 0)
    chosen: list[str] = []
    for sentence in sentences[start:start + 3]:
        if len(" ".join([*chosen, sentence])) > MAX_SUMMARY_CHARS:
            break
        chosen.append(sentence)
    if not chosen:  # one sentence longer than the bound: not a summary
        return None
    summary = " ".join(chosen)
    return Found(summary, summary[:60])
