"""Every word list the readers use, each concept written once.

The readers (title.py, company.py, location.py, pay.py) and the answer check's policy
(router_svc/grounding.py) build their patterns from these. A word belongs to a list for
what it means in a posting, not for the posting it was first seen in.
"""

from __future__ import annotations

import re

# ---- places ----------------------------------------------------------------------------------

US_STATES = frozenset("""AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI
    MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY""".split())
STATE_NAMES = ("Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado",
               "Connecticut", "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois",
               "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland",
               "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana",
               "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York",
               "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania",
               "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
               "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming")
# Canada's provinces, which a place line writes as a US one writes its state ("Brampton,
# ON"); not "PE", more often private equity or physical education ("Likewise, PE firms").
PROVINCES = frozenset("AB BC MB NB NL NS ON QC SK".split())
PROVINCE_NAMES = ("Ontario", "British Columbia", "Alberta", "Quebec", "Manitoba",
                  "Saskatchewan", "Nova Scotia", "New Brunswick", "Newfoundland and Labrador",
                  "Prince Edward Island")
# Words place names join to a city's own word: "San Luis Obispo", "Walnut Creek".
CITY_PREFIXES = ("San", "Santa", "Los", "Las", "New", "North", "South", "East", "West", "Fort",
                 "Ft.", "Saint", "St.", "Salt", "Lake", "El", "La", "Mount", "Mt.", "Palm",
                 "Port", "Grand", "Long", "Baton", "Little", "Palo", "Menlo", "Redwood", "Luis",
                 "Mountain", "Culver", "Daly", "Foster", "Rancho", "Thousand", "Cedar", "Sioux",
                 "Kansas", "Oklahoma", "Jersey", "Virginia", "Beverly", "Newport", "Del", "Des",
                 "Coral", "Boca", "Ann", "Bowling", "Cape", "Glen", "Granite", "Green", "High",
                 "Jefferson", "Johnson", "Overland", "Rocky", "Round", "Sugar", "Twin")
CITY_SUFFIXES = ("Creek", "City", "Beach", "Park", "Springs", "Falls", "Heights", "Hills",
                 "Valley", "Grove", "Rapids", "Harbor", "Point", "Island", "Gardens", "Village",
                 "Bay", "Lake", "Rock", "Bend", "Station")
# The last word of a street address or of a region: never a city ("11 Elm Street, Austin,
# TX", "the Tri-County Area, Colorado Springs metro", "Wake County, NC").
NOT_CITY_WORDS = ("Street", "St", "Avenue", "Ave", "Road", "Rd", "Boulevard", "Blvd", "Drive",
                  "Dr", "Lane", "Ln", "Parkway", "Pkwy", "Highway", "Hwy", "Suite", "Ste",
                  "Floor", "Plaza", "Court", "Ct", "Way", "Place",
                  "Area", "Metro", "Region", "County", "Parish")

# Top-level domains of the web and mail addresses postings give.
TOP_LEVEL_DOMAINS = ("com", "org", "net", "edu", "gov", "io", "co", "us", "ai", "info", "biz")
# The parts of an address before its site's name that say which of the site's pages or
# mailboxes it is ("careers.northwind.com"), not whose site it is.
ADDRESS_SERVICE_WORDS = frozenset("""www careers career jobs job apply mail hr recruiting
    talent work en us""".split())
# Sites a posting links to that are not its employer's: social networks, job boards,
# applicant tracking systems, link shorteners, government notices (as their address writes
# their name, hyphens left out).
NOT_EMPLOYER_SITES = frozenset("""facebook linkedin twitter x instagram youtube youtu tiktok
    glassdoor indeed ziprecruiter monster careerbuilder dice simplyhired greenhouse lever
    workday myworkdayjobs icims taleo jobvite smartrecruiters bamboohr paycom paylocity adp
    ultipro workable recruitee breezy applytojob appcast bit tinyurl google gmail yahoo
    outlook hotmail uscis everify eeoc dol state""".split())

# ---- organisations ---------------------------------------------------------------------------

# Legal forms after a name ("Northwind, Inc."). The two-capital ones are also read as what a
# ", XX" after a name is when it is not a state ("Contoso, NV" is a company in the
# Netherlands or a place in Nevada: a state code reads as the place).
LEGAL_FORMS = ("Inc", "LLC", "L.L.C", "Ltd", "Corp", "Co", "LLP", "LP", "PLC", "PLLC", "PC",
               "GmbH", "AG", "SA", "NV", "BV", "AB", "AS", "OY", "SE", "KG", "SL")
# What an organisation calls itself in its own first sentence ("... is a leading lender").
ORGANISATION_NOUNS = ("company", "companies", "firm", "provider", "leader", "startup",
                      "start-up", "organisation", "organization", "nonprofit", "non-profit",
                      "agency", "business", "institution", "university", "college", "school",
                      "district", "manufacturer", "retailer", "bank", "lender", "platform",
                      "brand", "employer", "corporation", "consultancy", "hospital",
                      "health system", "contractor", "distributor", "supplier", "insurer",
                      "cooperative", "co-op", "foundation", "charity", "network", "studio",
                      "practice", "group", "marketplace", "service", "enterprise",
                      "venture capital", "restaurant", "pub", "tavern", "bar", "cafe", "café",
                      "bakery", "hotel", "inn", "resort", "shop", "store", "salon", "spa",
                      "clinic", "pharmacy", "dealership", "brewery", "winery")
# What an organisation does in a sentence it begins ("Northwind builds ...").
ORGANISATION_VERBS = ("is", "was", "has", "have", "does", "builds", "makes", "made",
                      "provides", "offers", "helps", "brings", "believes", "serves", "creates",
                      "delivers", "develops", "started", "empowers", "enables", "connects",
                      "partners", "operates", "employs", "values", "invests", "supports",
                      "strives", "aims", "began", "specializes", "specialises", "protects",
                      "designs", "manufactures", "sells", "owns", "manages", "insures",
                      "installs", "repairs", "produces", "distributes", "publishes")
# Capitalised words the places organisations are met meet that are never one ("Bachelor's",
# "Best Children's Hospitals").
NOT_ORGANISATIONS = frozenset("""let bachelor master associate doctor today here there what
    that everyone employee employees children women men people world nation america country
    year customer customers client patient patients student students member members""".split())
# The small words that join a name's words ("Bank of the Ozarks", "Smith & Sons"): no word of
# its initials.
NAME_JOINS = frozenset({"of", "and", "&", "for", "the"})
# Small words a name may carry in lower case ("Friends of the Earth", "Teach for America").
NAME_CONNECTORS = NAME_JOINS | frozenset("de du la in on at to a an with without y et und"
                                         .split())
# What a model writes for "no value" in a field that takes one: the field is empty.
PLACEHOLDERS = frozenset({"null", "none", "n/a", "na", "n.a.", "nil", "unknown", "unspecified",
                          "not specified", "not stated", "not provided", "not available",
                          "not mentioned", "not applicable", "-", ""})
# A department a page names on a line of its own under the title ("Accounting"): part of an
# organisation, never its name (normalised).
DEPARTMENTS = frozenset({"accounting", "finance", "marketing", "sales", "engineering",
                         "operations", "human resources", "hr", "legal", "it",
                         "information technology", "research and development", "r d",
                         "customer service", "administration", "product", "analytics",
                         "data science", "business intelligence"})
# Where the work is done, not a place or a name ("Remote", "On-site"; normalised).
WORK_ARRANGEMENTS = frozenset({"remote", "hybrid", "onsite", "on site", "anywhere"})
# Answers that name no organisation, whatever the posting says (normalised: "n/a" -> "n a").
NOT_A_COMPANY = frozenset({"confidential",
                           "undisclosed", "company", "the company", "our client", "client",
                           "employer", "various", "eeo", "eoe"}
                          | {" ".join(re.split(r"\W+", p)).strip() for p in PLACEHOLDERS}
                          | WORK_ARRANGEMENTS | DEPARTMENTS)
# Words a company's name found by a reader never contains ("Company Description", "our team").
NOT_IN_A_COMPANY_NAME = frozenset("""description company client role position job we our you
    team department opportunity internship""".split())

# ---- pay ----------------------------------------------------------------------------------------

# Words that call an amount pay ("Salary: 50,000", "earn $20 an hour", "base of $90k").
PAY_WORDS = ("salary", "salaries", "pay", "paid", "compensation", "wage", "wages", "rate",
             "remuneration", "earn", "earns", "earnings", "ote", "base", "stipend", "income",
             "package")
# The words a label or a heading names the pay by ("Salary:", "Pay & Benefits").
PAY_LABEL_WORDS = ("salary", "pay", "compensation", "wage", "wages")
# What an employer funds beside the pay, named after an amount ("$900 a year for learning").
FUNDED_PURPOSES = ("learning", "conferences", "conference", "education", "courses", "books",
                   "certifications", "certification", "professional development", "ce", "ceus",
                   "cme", "wellness", "fitness", "gym", "equipment", "home office", "tuition",
                   "childcare", "child care", "commuting")

# ---- jobs ------------------------------------------------------------------------------------

# What a posting hires with ("We are looking for a ...", "Northwind is hiring").
HIRING_VERBS = ("looking for", "seeking", "seeks", "hiring", "searching for", "in search of",
                "recruiting", "adding")

# The nouns job titles are named by ("Senior Data Engineer", "Director of Operations").
ROLE_NOUNS = frozenset("""
    accountant actuary adjuster admin administrator adviser advisor advocate agent aide
    ambassador analyst apprentice architect archivist artist assembler assistant assoc
    associate asst attendant attorney auditor banker barista bartender bookkeeper broker
    buyer caregiver carpenter cashier ceo cfo chef cio ciso clerk clinician closer cmo coach
    consultant coo cook coordinator copywriter correspondent counsel counsellor counselor
    cto curator custodian dba dentist designer developer dir director dispatcher driver
    economist editor educator electrician engineer estimator evangelist examiner executive
    expert fabricator facilitator fellow foreman generalist gm guard handler head helper
    hygienist inspector installer instructor intern interpreter investigator janitor
    journalist laborer lawyer lead leader liaison librarian loader machinist manager
    marketer mechanic member mentor mgr navigator negotiator nurse officer operator
    organiser organizer originator owner packer painter paralegal paramedic partner
    pharmacist photographer physician picker planner plumber porter practitioner president
    principal processor producer professor programmer psychologist purchaser receptionist
    recruiter registrar rep reporter representative researcher scheduler scientist scribe
    secretary sourcer specialist sre statistician steward strategist stylist superintendent
    supervisor surgeon teacher tech technician technologist teller tester therapist trader
    trainee trainer translator treasurer tutor underwriter vp welder worker writer
    appraiser arborist audiologist baker barback biologist busser butcher caseworker chaplain
    chauffeur chemist cleaner cna comptroller concierge controller courier dean dietitian
    dishwasher drafter draftsman emt epidemiologist gardener geologist glazier groomer
    groundskeeper hostess housekeeper ironworker labourer landscaper lecturer lifeguard lpn
    mason mathematician merchandiser millwright nanny nutritionist optician optometrist
    orthodontist phlebotomist physicist pipefitter psychiatrist radiographer radiologist rn
    roofer sonographer sorter stocker surveyor toolmaker unloader valet veterinarian
    paraprofessional journeyman lineman lineworker firefighter barber cosmetologist
    esthetician midwife""".split())
# Role nouns organisations' names also carry ("Fabrikam Tech", "Principal", "Staffing Partners"):
# they neither make a name a job nor a page's first line its title.
ROLE_NOUNS_IN_NAMES = frozenset("tech principal head lead member partner fellow owner guard"
                                .split())
JOB_NOUNS = ROLE_NOUNS - ROLE_NOUNS_IN_NAMES
# Abbreviations titles write with a dot ("Sr. Engineer"), and the word each stands for (which
# a model writes out: "Senior Engineer").
TITLE_ABBREVIATIONS = {"Sr": "senior", "Jr": "junior", "Asst": "assistant", "Assoc": "associate",
                       "Mgr": "manager", "Dir": "director", "Engr": "engineer",
                       "Admin": "administrator", "Exec": "executive", "Coord": "coordinator",
                       "Spec": "specialist", "Tech": "technician", "Dept": "department",
                       "Int'l": "international"}
# Words a sentence describes the person it hires by, not part of a job's name ("we are
# seeking an experienced payroll clerk"); "senior", "lead" and "bilingual" name jobs.
DESCRIBING_WORDS = frozenset("""experienced seasoned skilled talented qualified motivated
    self-motivated highly driven dedicated reliable dependable friendly energetic enthusiastic
    passionate hardworking hard-working hands-on detail-oriented organized organised caring
    compassionate proactive ambitious outgoing personable dynamic results-driven""".split())
# How the job is held, not what it is ("Position: Full-Time").
EMPLOYMENT_TYPES = ("full-time", "full time", "fulltime", "part-time", "part time", "parttime",
                    "temporary", "permanent", "contract", "seasonal", "per diem")
# The labels of a job page's detail lines, right under its title ("Location: Denver, CO",
# "Job Type: Full-time").
DETAIL_LABELS = ("location", "job location", "work location", "salary", "pay", "pay range",
                 "compensation", "job type", "employment type", "schedule", "shift",
                 "department", "reports to", "job id", "req id", "requisition id",
                 "job number", "posting number")
# The pages of a site that a page's path to the job starts at ("Home / Search Jobs /
# Payroll Clerk").
SITE_PAGES = ("home", "careers", "career site", "jobs", "job search", "search jobs",
              "all jobs", "find jobs", "open positions", "job openings", "current openings",
              "join us", "work with us")
# The first words of a flattened page's two-word labels ("Position Type:", "Reports To:").
LABEL_FIRST_WORDS = ("Position", "Job", "Employment", "Work", "Pay", "Salary", "Reports", "Start",
                     "Travel", "Shift", "Company", "Department", "Closing", "Posting",
                     "Application", "Hiring", "Benefit", "Contract", "Security")
# Words that make a clause of a title ("Contoso is the most modern ...", "a cook who's up
# before dawn").
CLAUSE_WORDS = frozenset("is are was we our you your will can must who".split())
# The words a lower-case "the" follows in a name or a title ("Head of the Lab", "Assistant to
# the CEO"); after any other word it is a verb's object ("Run the floor"), a clause.
WORDS_BEFORE_THE = frozenset("""of for to and or in on at with by from into about across
    within under over""".split())

# ---- headings --------------------------------------------------------------------------------

# The words section headings are made of ("Company Description", "About the Role", "What
# You'll Do"), and a job page's labels ("Promoted", "Easy Apply"): a line of only these is
# a heading, not a title or a name.
HEADING_WORDS = frozenset("""
about the a an of and for to at in with our your us we you who what why how will ll do is are
job role roles position company team description overview summary details information purpose
responsibilities requirements qualifications duties functions essential primary key basic
preferred minimum skills experience education opportunity mission values culture benefits
perks compensation department general careers career now hiring join work life posting
announcement
promoted easy apply save actively urgently reposted""".split())
# Headings a page runs into the value after them ("JOB ANNOUNCEMENT Lab Technician",
# "Description Northwind"): these never begin a title or a name ...
HEADINGS_ALWAYS = frozenset("description overview summary announcement".split())
# ... these only in capitals ("Job Coach" and "Hiring Manager" are titles; "DIVERSITY AND
# INCLUSION STATEMENT Northwind is an Equal Opportunity Employer").
HEADINGS_IN_CAPITALS = frozenset("""job position title opening vacancy posting role opportunity
    now hiring career careers new about diversity inclusion equal employment eeo statement
    and""".split())
# The headings of a posting's lists, by the phrases that name them ("Required
# Qualifications", "What You'll Bring", "Perks & Benefits"), apostrophes left out ...
LIST_HEADINGS = {
    "requirements": ("requirements", "requirement", "qualifications", "qualification",
                     "skills", "experience", "education", "about you", "who you are",
                     "you bring", "youll bring", "you have", "you need", "youll need",
                     "we need", "better if",
                     "looking for", "must have", "must haves", "nice to have", "bonus points",
                     "great fit", "knowledge", "competencies", "certifications"),
    "benefits": ("benefits", "benefit", "perks", "what we offer", "we offer", "youll get",
                 "you get", "rewards", "why work", "why join"),
}
# What an employer gives its people, in the words a benefit is named by (normalised: "401(k)"
# is "401 k"): an item naming none of them, and not listed under a benefits heading, is not
# a benefit. Workplace words ("office", "environment", "culture") and bare "training" or
# "development" are left out: duties and requirements use them as often.
BENEFIT_WORDS = frozenset("""insurance medical dental vision health healthcare telehealth wellness
    wellbeing fitness gym 401 401k 403 403b 457 457b retirement pension pto vacation vacations
    holiday holidays leave parental maternity paternity sick bonus bonuses equity stock shares rsu
    rsus tuition reimbursement reimbursed stipend stipends allowance allowances discount discounts
    snacks meals lunch lunches drinks coffee commuter parking transit remote wfh flexible
    flexibility relocation childcare disability hsa fsa perks perk benefits benefit compensation
    salary salaries pay paid advancement promotion promotions sabbatical matching""".split())
BENEFIT_PHRASES = ("time off", "work from home", "spending account", "employee assistance",
                   "child care", "career growth", "professional development", "learning budget",
                   "life insurance")
# Headings of what the job does, under which no requirement or benefit is listed.
DUTY_HEADINGS = ("responsibilities", "duties", "what you ll do", "what youll do",
                 "what you will do", "day to day", "accountabilities", "essential functions")
# ... the names of the lists themselves, which may start a longer heading ("Requirements for
# all analysts"; "Experience with SQL" is an item) ...
LIST_NAMES = frozenset("requirements qualifications benefits perks".split())
# ... and the other words such a heading is made of ("Desired Skills", "Technical Skills").
LIST_HEADING_WORDS = frozenset("""required desired desirable additional technical soft
    technologies technology bring need needed get offer offering looking must nice have
    bonus points rewards perks knowledge competencies certifications abilities ability
    qualities profile ideal candidate fit great youll youd youre were weve""".split())
# Headings of a section about the job, which a title may head ("Bakery Intern Duties").
JOB_SECTIONS = ("Duties", "Responsibilities", "Requirements", "Qualifications",
                "Job Description", "Job Summary", "Position Summary", "Summary", "Overview",
                "Essential Functions")
# Headings flattened text glues to the word before them ("ClerkReports to:") ...
GLUED_AFTER_WORDS = ("Reports", "Reporting", "Location", "Company", "Description", "Overview",
                     "Summary", "Responsibilities", "Requirements", "Qualifications",
                     "Benefits", "About", "Salary", "Compensation", "Pay", "Job", "Position",
                     "Title", "Department", "Schedule", "Duties", "Opportunity", "The", "We",
                     "Our", "You", "Your", "Who", "What")
# ... and the long ones it glues to the word after them ("DescriptionNorthwind builds").
GLUED_BEFORE_WORDS = ("Description", "Overview", "Summary", "Responsibilities", "Requirements",
                      "Qualifications", "Benefits", "Opportunity", "Compensation")

# Words that begin sentences or headings, never a company or a job by themselves.
GENERIC_WORDS = frozenset("""we our you your the this it they he she us job role position
    company team candidate applicant employer description summary overview responsibilities
    requirements qualifications benefits about who what why how location salary pay equal all
    each every here there join successful ideal great new full part remote compensation eoe e
    note please apply if as in at for and a an more other additional any no yes must will
    client department one multiple on""".split())
