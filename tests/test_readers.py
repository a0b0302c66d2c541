"""Every rule of the readers' tables, each with the text it is for: adding a rule is one
entry in its table and one example here (a test fails for a rule without one).

The examples are written for this file, in the forms postings use; none is a posting.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from router_svc.readers.company import COMPANY_RULES, find_company
from router_svc.readers.location import LOCATION_RULES, find_location
from router_svc.readers.pay import NOT_PAY, find_salaries, read_amounts
from router_svc.readers.rules import AnchoredPattern
from router_svc.readers.sections import find_list
from router_svc.readers.shapes import at_a_word, is_heading, names_a_role
from router_svc.readers.text import PostingText, window
from router_svc.readers.title import (MODEL_TITLE_READINGS, TITLE_RULES, TITLE_TRIMS,
                                     as_the_posting_writes, find_title, in_the_singular,
                                     trimmed_title, undescribed)

# rule -> (text, the value it reads)
TITLE_EXAMPLES = {
    "the-page-headers-title": ("Tailspin Toys\n4.2 ★\nPayroll Clerk\nReno, NV\n\nTailspin Toys "
                               "makes kites.", "Payroll Clerk"),
    "first-line-naming-a-job": ("Senior Data Engineer\nNorthwind builds pipelines for clinics.",
                                "Senior Data Engineer"),
    "labelled-title": ("We build tools for farms.\nJob Title: Payroll Clerk\nHours: 9-5",
                       "Payroll Clerk"),
    "title-under-its-label": ("Posting Title\nSenior Payroll Clerk, Accounts Payable and "
                              "Receivable (Level 2)\n\nWe build tools for farms.",
                              "Senior Payroll Clerk, Accounts Payable and Receivable (Level 2)"),
    "line-under-the-company": ("Litware\nFounding Engineer\nFull-time\n\nLitware makes "
                               "looms. Litware pays well.", "Founding Engineer"),
    "title-over-its-details": ("Fabrikam builds tools for plumbers. We grew 30% last year.\n\n"
                               "Account Executive, Central\nLocation: Denver, CO (hybrid)",
                               "Account Executive, Central"),
    "first-line": ("Front Desk\nNorthwind Cafe\nReno, NV\n\nWe serve breakfast all day.",
                   "Front Desk"),
    "title-before-place": ("Payroll Clerk Denver, CO Full time. You process pay.",
                           "Payroll Clerk"),
    "leading-title": ("Route Manager SUMMARY: covers three states for the sales team.",
                      "Route Manager"),
    "hiring-sentence": ("Northwind is growing. We are looking for a Senior Data Engineer to "
                        "join us.", "Senior Data Engineer"),
    "as-a-title": ("our clinic is growing. As a Kennel Attendant, you will find people.",
                   "Kennel Attendant"),
    "the-title-does": ("our team grows every year. The Lab Technician is responsible for "
                       "samples.", "Lab Technician"),
    "title-heads-section": ("we make furniture by hand. Bakery Intern Duties and "
                            "Responsibilities include filing.", "Bakery Intern"),
    "hiring-sentence-in-lower-case": ("Our fleet grows. We're looking for an experienced "
                                      "diesel mechanic to keep it moving.", "Diesel Mechanic"),
    "hiring-several-in-lower-case": ("Our fleet grows. We are looking for dependable route "
                                     "drivers to join us.", "Route Driver"),
    "as-a-title-in-lower-case": ("Our fleet grows. As route planner you will map the day.",
                                 "Route Planner"),
}
COMPANY_EXAMPLES = {
    "the-page-headers-company": ("Payroll Clerk\nTailspin Toys\nReno, NV\n\nTailspin Toys "
                                 "makes kites.", "Tailspin Toys"),
    "equal-opportunity-employer": ("Northwind Traders is an equal opportunity employer.",
                                   "Northwind Traders"),
    "at-company-we": ("At Contoso, we build bridges.", "Contoso"),
    "we-are-company": ("Our labs span three states. We are Wide World Importers. Wide "
                       "World Importers ships fast.", "Wide World Importers"),
    "company-is-hiring": ("Fabrikam is hiring a welder.", "Fabrikam"),
    "company-has-an-opening": ("Tailspin Toys has an immediate opening for a cashier.",
                               "Tailspin Toys"),
    "labelled-company": ("Company: Wingtip Advocates\nRole: paralegal", "Wingtip Advocates"),
    "company-is-a-kind-of-organisation": ("Litware is a leading software company in Ohio.",
                                          "Litware"),
    "about-company": ("About Proseware: we write code for banks.", "Proseware"),
    "why-company": ("You ship code weekly.\nWhy Woodgrove?\nWe pay for courses.",
                    "Woodgrove"),
    "join-company": ("Join Adventure Works and grow with us.", "Adventure Works"),
    "company-in-its-legal-statements": ("You lead the audit. Fourth Coffee does not "
                                        "discriminate on any basis.", "Fourth Coffee"),
    "all-are-welcome-at-company": ("You will plan routes. All are welcome at Bellows Framing.",
                                   "Bellows Framing"),
    "company-is-repeated": ("Blue Yonder is the place to be. Blue Yonder pays well.",
                            "Blue Yonder"),
    "recurring-organisation": ("Working with Lamna's engineers is fun. Everyone loves "
                               "Lamna's office.", "Lamna"),
    "company-since-its-founding": ("You will fit frames. Bellows Framing has been family-run "
                                   "since 1984.", "Bellows Framing"),
    "opens-with-the-company": ("Trey Research does one thing well: lab tests.",
                               "Trey Research"),
    "named-by-its-site": ("You will run lab tests. Trey Research labs run all night.\n"
                          "Send a CV to jobs@treyresearch.com", "Trey Research"),
}
LOCATION_EXAMPLES = {
    "labelled-location": ("Location: Remote - Berlin\nWe build bridges.", "Remote - Berlin"),
    "city-and-state": ("The office is in Walnut Creek, CA near the station.",
                          "Walnut Creek, CA"),
    "stated-remote": ("This is a fully remote role; we meet twice a year.", "Remote"),
}
# rule -> a text whose one amount that rule is the first to refuse
NOT_PAY_EXAMPLES = {
    "a-bare-number": "Needs 2 of the listed tools.",
    "a-benefit": "You also get a $5,000 signing bonus.",
    "an-identifier": "Pay code 40123 applies.",
    "an-addition": "Night shift differential: +$3.25/hr.",
    "a-weight": "Must lift 40 pounds unaided.",
    "earned-in-extras": "Installers earn up to $6,500 a year in referral and safety bonuses.",
    "funded-for-a-purpose": "Each of us gets $900 a year for courses and conferences.",
    "a-per-diem": "Travel weeks add a per diem of $75/day.",
    "a-hiring-step": "A paid work sample: we pay you $150 for your time.",
    "on-target-earnings": "Top reps reach OTE: $150,000 in year one.",
    "a-draw-against-commission": "New planners get a draw of $3,500 a month, recovered "
                                 "from commissions.",
    "typical-earnings": "Our agents typically earn $70,000 in year one.",
    "a-job-boards-estimate": "Payroll Clerk\nReno, NV\n$41K - $52K (Glassdoor est.)",
    "a-target-budget-or-price": "Search ads run to a cost target under $40.",
    "part-of-a-period": "Substitutes earn $65 per half day.",
    "billions": "Our customers get paid $4B a year through us.",
    "millions-not-called-pay": "We raised $2 million from donors.",
    "a-retirement-plan": "Our benefits package includes a 403(b) plan.",
    "the-1099-form": "Paid as 1099 or W2.",
    "a-count": "Pay rises after 5 years.",
    "a-number-of-hours": "Shift hours top out at 48 per week.",
    "implausible-for-its-period": "Earn $40,000,000 per hour.",
    "a-year": "Salary review in 2025.",
    "too-small-without-a-currency": "Pay grade 3.",
}


@pytest.mark.parametrize("rules, examples", [(TITLE_RULES, TITLE_EXAMPLES),
                                             (COMPANY_RULES, COMPANY_EXAMPLES),
                                             (LOCATION_RULES, LOCATION_EXAMPLES)],
                         ids=["title", "company", "location"])
def test_every_rule_has_an_example(rules, examples):
    assert [rule.name for rule in rules] == list(examples)


TITLE_TRIM_EXAMPLES = {
    "the-place-after-it": ("Data Analyst (Reno, NV)", "Data Analyst"),
    "the-team-after-it": ("Data Scientist on the Search Team", "Data Scientist"),
    "the-skills-after-it": ("Data Analyst with SQL, Excel and Power BI", "Data Analyst"),
    "the-parts-after-a-bar": ("Payroll Clerk | Finance | Leeds", "Payroll Clerk"),
    "the-hours-after-it": ("Payroll Clerk (0.8 FTE, 30 hours/week)", "Payroll Clerk"),
    "the-purpose-after-it": ("Payroll Clerk, Retail to own our weekly pay runs",
                             "Payroll Clerk, Retail"),
    "the-page-path-before-it": ("Careers > Open Roles > Payroll Clerk", "Payroll Clerk"),
}
# rule -> (a model's title, a posting that writes it otherwise, the posting's own title)
MODEL_TITLE_EXAMPLES = {
    "with-its-parenthesis": ("Quality Assurance Engineer",
                             "We need a Quality Assurance (QA) Engineer in Leeds.",
                             "Quality Assurance (QA) Engineer"),
    "abbreviated": ("Senior Payroll Manager, Retail", "We hire a Sr. Payroll Mgr, Retail now.",
                    "Sr. Payroll Mgr, Retail"),
    "its-tail": ("Fabrikam Payroll Clerk", "Fabrikam hires a Payroll Clerk to run pay.",
                 "Payroll Clerk"),
    "in-the-plural": ("Kennel Attendant", "NOW HIRING KENNEL ATTENDANTS\nWe board dogs.",
                      "Kennel Attendant"),
}


def test_a_page_header_under_the_pages_path_is_read():
    text = ("Home / Search Jobs / Claims Adjuster II\nClaims Adjuster II\nTailspin Mutual\n"
            "Dayton, OH\n\nTailspin Mutual insures farms.")
    assert find_title(text).rule == "the-page-headers-title"
    assert find_title(text).value == "Claims Adjuster II"
    assert find_company(text).value == "Tailspin Mutual"


def test_a_first_line_naming_no_job_is_the_title_only_at_the_head_of_a_page():
    # a description's opening heading or slogan, followed by its text, is not its title
    for text in ("Make Every Day Count\n\nAs a member of the team you build reports.",
                 "This is Northwind\nWe build bridges for towns across the state.",
                 "Contoso Drives\n\nWe make drives."):
        found = find_title(text)
        assert found is None or found.rule != "first-line", text


def test_a_first_lines_parts_after_a_bar_do_not_make_it_too_long_for_a_title():
    text = ("PAYROLL CLERK – LEDGER & TAX SERVICES | Full-time | Onsite\n\nWHO WE ARE: "
            "Trellis Mutual insures farms.")
    found = find_title(text)
    assert (found.value, found.rule) == ("PAYROLL CLERK – LEDGER & TAX SERVICES | Full-time | "
                                         "Onsite", "first-line-naming-a-job")
    assert trimmed_title(found.value)[0] == "PAYROLL CLERK – LEDGER & TAX SERVICES"


def test_a_title_with_its_qualifier_after_a_comma_is_read_whole():
    found = find_title("Overview\nWe make software.\n\nThe Account Manager, Public Sector "
                       "owns the full sales cycle.")
    assert (found.value, found.rule) == ("Account Manager, Public Sector", "the-title-does")


def test_a_pages_labels_above_the_company_line_are_passed_over():
    found = find_title("Promoted\nLitware\nFounding Engineer\nRemote\n\nLitware makes looms. "
                       "Litware pays well.")
    assert (found.value, found.rule) == ("Founding Engineer", "line-under-the-company")


def test_each_title_trim_cuts_its_example():
    assert [name for name, _ in TITLE_TRIMS] == list(TITLE_TRIM_EXAMPLES)
    for name, (title, alone) in TITLE_TRIM_EXAMPLES.items():
        assert trimmed_title(title) == (alone, name)
    assert trimmed_title("Data Engineer Boise, ID, (West)") == (
        "Data Engineer", "the-place-after-it")
    assert trimmed_title("Night Auditor (11pm-7am)") == ("Night Auditor", "the-hours-after-it")
    assert trimmed_title("Bank Teller – 30 hours per week") == (
        "Bank Teller", "the-hours-after-it")
    assert trimmed_title("Product Designer for the Billing Squad") == (
        "Product Designer", "the-team-after-it")
    assert trimmed_title("Records Clerk in the Office of the Registrar (OTR)") == (
        "Records Clerk", "the-team-after-it")
    assert trimmed_title("Payroll Analyst – Ledger Platform Team") == (
        "Payroll Analyst", "the-team-after-it")
    assert trimmed_title("Home / Search Jobs / Claims Adjuster II") == (
        "Claims Adjuster II", "the-page-path-before-it")
    # a place or team in the title's own words, or a cut leaving no job, stays
    for title in ("Developer Job opportunity at United States,Ohio",
                  "Account Executive - Austin, TX",
                  "Overnight Stocker, Reno, NV",
                  "Sales Manager Austin, TX region and all of the Gulf Coast states",
                  "Austin, TX", "Northwind Foods (Reno, NV)", "Team Lead",
                  "Data Engineer", "Nurse with Med Surg experience",
                  "Data Analyst with Tableau (SQL, Python)", "Registered Nurse (Level 2)",
                  "Cook - 2nd Shift", "Site Lead - 24 Hour Fitness Center",
                  "Security Engineer - Red Team Operations",
                  "Assistant to the Dean",
                  "Liaison to Tribal Nations", "Director of Go to Market",
                  "Welder / Fabricator / Assembler"):
        assert trimmed_title(title) is None, title


def test_a_name_may_start_with_an_abbreviation_and_its_dot():
    text = "We care for the valley. St. Aldric Health is a not-for-profit health system."
    assert find_company(text).value == "St. Aldric Health"
    assert find_company("Mt. Carrow Savings Bank is hiring tellers.").value == \
        "Mt. Carrow Savings Bank"


def test_a_name_on_lines_of_its_own_that_the_text_speaks_of_is_the_company():
    # a page whose header no reader knows: the name twice on its own, once doing something
    page = ("Discover\nJobs\nTrellis Labs\nTrellis Labs\nNotes that write themselves\n"
            "Founding Engineer\nRemote\n\nAbout the job\nTrellis Labs builds note tools. "
            "You will ship models.")
    found = find_company(page)
    assert (found.value, found.rule) == ("Trellis Labs", "recurring-organisation")
    # lines alone are not enough: a name the text never speaks of as an organisation
    assert find_company("Jobs\nNight Shift\nNight Shift\nStock Lead\n\nYou will stock "
                        "shelves.") is None


def test_a_sentences_adverb_before_its_comma_is_no_company():
    assert find_company("Rates rose. Naturally, the firm needs tellers.") is None
    assert find_company("We grow. Grammarly is a writing company.").value == "Grammarly"


def test_a_word_flattened_text_ran_into_a_name_is_no_part_of_it():
    text = ("Wren Foot Clinic treats runners. - Free parking on Saturdays Wren Foot Clinic, LLC "
            "is an equal opportunity employer.")
    assert find_company(text).value == "Wren Foot Clinic"
    # a name the text writes whole only once keeps its first word
    text = "Blue Harbor Dental Group is an equal opportunity employer."
    assert find_company(text).value == "Blue Harbor Dental Group"


def test_titles_of_trades_clinics_and_kitchens_name_a_job():
    for title in ("Land Surveyor", "Travel ICU RN", "Controller", "Dishwasher",
                  "Phlebotomist", "Groundskeeper", "Pipefitter Apprentice"):
        assert names_a_role(title), title
    for phrase in ("Roles and responsibilities", "SQL Server", "Northwind Foods"):
        assert not names_a_role(phrase), phrase


def test_a_title_loses_the_lower_case_words_a_sentence_describes_it_by():
    for written, alone in (("overnight Stock Clerk", "Stock Clerk"),
                           ("part-time lead Line Cook", "Line Cook"),
                           ("calm, well-organized Night Auditor", "Night Auditor")):
        text = PostingText(f"We are hiring an {written} to join us.")
        assert undescribed(written.title(), text) == alone, written
    for written in ("iOS Engineer", "eCommerce Manager", "Stock Clerk", "overnight work",
                    "a great Place"):
        assert undescribed(written, PostingText(f"Apply: {written}.")) is None, written


@pytest.mark.parametrize("sentence, title", [
    ("The Harbor Ledger is looking for a keen, sharp-eyed reporter to cover schools.",
     "Reporter"),
    ("We are seeking a warm, patient, steady dental assistant who loves people.",
     "Dental Assistant"),
    ("We are hiring a cashier, stocker or driver to join us.", "Cashier"),  # jobs listed
])
def test_describing_words_listed_with_commas_are_not_the_title(sentence, title):
    found = find_title(sentence)
    assert (found.value, found.rule) == (title, "hiring-sentence-in-lower-case")


@pytest.mark.parametrize("text, title", [
    ("We grow. We are seeking a Payroll Analyst, Tax Credits to support our team.",
     "Payroll Analyst, Tax Credits"),
    ("We grow. As an Account Manager, Public Sector, you will own renewals.",
     "Account Manager, Public Sector"),
    # not another job, how the job is held, nor a place
    ("We grow. We are hiring a Cashier, Stocker and Driver.", "Cashier"),
    ("We grow. We are hiring a Line Cook, Part-Time to join us.", "Line Cook"),
    ("We grow. We are seeking a Data Engineer, Remote to join us.", "Data Engineer"),
])
def test_a_sentence_names_the_title_with_the_part_a_comma_adds(text, title):
    assert find_title(text).value == title


def test_a_sentence_hiring_several_names_no_title_where_it_lists_jobs_or_people():
    for text in ("We grow. We are hiring drivers, loaders and dispatchers.",
                 "We grow. We are looking for people who care about freight.",
                 # nor "As ..." naming no job as its last words
                 "We grow. As a member of our team, you will plan routes.",
                 "We grow. As a result, we plan routes."):
        assert find_title(text) is None, text


def test_a_job_written_in_lower_case_loses_the_words_describing_the_person():
    text = PostingText("We are seeking an experienced, highly motivated payroll clerk.")
    assert undescribed("Experienced, Highly Motivated Payroll Clerk", text) == "Payroll Clerk"
    assert undescribed("Hands-on Tax Accountant",
                       PostingText("Looking for a hands-on tax accountant.")) == "Tax Accountant"
    assert undescribed("caring, dependable home health aide", PostingText(
        "We need a caring, dependable home health aide.")) == "Home Health Aide"
    # a title the posting writes with its capitals is its own ("Experienced Driver" heads a
    # listing); "senior" names a level; a describing word alone is no title
    for title, words in (("Experienced Delivery Driver", "Experienced Delivery Driver\nDrive."),
                         ("Senior Payroll Clerk", "Hiring a senior payroll clerk."),
                         ("Experienced Professional", "An experienced professional.")):
        assert undescribed(title, PostingText(words)) is None, title


def test_each_reading_of_a_models_title_finds_its_example():
    assert [name for name, _ in MODEL_TITLE_READINGS] == list(MODEL_TITLE_EXAMPLES)
    for name, (title, text, written) in MODEL_TITLE_EXAMPLES.items():
        found = as_the_posting_writes(title, PostingText(text))
        assert (found.value, found.rule) == (written, name)
    # a tail naming no job, a title the posting writes nowhere, a parenthesis elsewhere
    for title, text in (("Fabrikam Payroll", "Fabrikam runs Payroll here."),
                        ("Night Baker", "We bake bread. Nights are quiet."),
                        ("Quality Engineer", "Quality (see below). Engineer wanted."),
                        # a plural in lower case may name anyone, not the job
                        ("Booking App Operator", "The booking app operators use is ours.")):
        assert as_the_posting_writes(title, PostingText(text)) is None, title


def test_every_not_pay_rule_has_an_example():
    assert [name for name, _ in NOT_PAY] == list(NOT_PAY_EXAMPLES)


@pytest.mark.parametrize("find, examples", [(find_title, TITLE_EXAMPLES),
                                            (find_company, COMPANY_EXAMPLES),
                                            (find_location, LOCATION_EXAMPLES)],
                         ids=["title", "company", "location"])
def test_each_rule_reads_its_example(find, examples):
    for rule, (text, value) in examples.items():
        found = find(text)
        assert found is not None, rule
        assert (found.rule, found.value) == (rule, value)
        assert found.evidence  # what the note quotes


@pytest.mark.parametrize("rule", list(NOT_PAY_EXAMPLES))
def test_each_not_pay_rule_refuses_its_example(rule):
    text = NOT_PAY_EXAMPLES[rule]
    assert [refused for _, refused in read_amounts(text)] == [rule]
    assert find_salaries(text) == []


def test_what_the_best_in_the_job_earn_is_not_its_pay():
    for text in ("Why crews stay: TOP INSTALLERS EARN $80,000+ PER YEAR.",
                 "Our top performers earn $120K."):
        assert [r for _, r in read_amounts(text)] == ["typical-earnings"], text
    (mention,) = find_salaries("Pay: $24/hr. Top installers earn $80,000+ per year.")
    assert (mention.low, mention.period) == (24, "hour")


def test_pay_beside_what_is_earned_in_extras_is_still_pay():
    """The tips are refused; the wage before them is the one mention read."""
    (mention,) = find_salaries("Pay: $19/hr. Servers also see $6/hour in tips.")
    assert (mention.low, mention.period) == (19, "hour")


def test_a_job_named_in_lower_case_is_read_only_up_to_its_role_noun():
    text = "We grow. We are seeking a part-time payroll clerk, two days a week."
    assert find_title(text).value == "Payroll Clerk"
    for text in ("We grow. We are seeking a motivated individual to join us.",
                 "We grow. We are adding a second shift in May."):
        assert find_title(text) is None, text


def test_a_parenthesis_a_hiring_sentence_adds_in_its_own_words_is_no_part_of_the_title():
    text = "We grow. We are looking for a Dental Hygienist (RDH or new graduate) to join us."
    assert find_title(text).value == "Dental Hygienist"
    text = "We grow. We are hiring a Registered Nurse (RN) for nights."
    assert find_title(text).value == "Registered Nurse (RN)"


def test_a_title_over_its_place_or_a_blank_line_over_its_details_is_read():
    for text in ("Good routes, good people.\nMENU | APPLY\n\nRoute Driver\n"
                 "Tulsa, OK Yard\nDry Van\n\nWe haul freight.",
                 "Good routes, good people.\nMENU | APPLY\n\nRoute Driver\n\n"
                 "Location\nTulsa, OK\n\nWe haul freight.",
                 "Good routes, good people.\nMENU | APPLY\n\nRoute Driver\n\n"
                 "Job ID: 4411\nLocation: Tulsa, OK\n\nWe haul freight.",
                 # a bold line after the employer's paragraph
                 "Good routes, good people.\n\nWe haul freight for forty stores.\n\n"
                 "**Route Driver**\n\nSchedule: Monday - Friday\n\nWe haul freight.",
                 # a line standing alone above the heading of the job's first section
                 "Good routes, good people.\n\nWe haul freight for forty stores.\n\n"
                 "Route Driver\n\nResponsibilities:\n- Drive the route"):
        assert find_title(text).value == "Route Driver", text
    # a paragraph's last short line is no title line, nor is a plural one
    for text in ("Good routes, good people.\nWe haul freight.\nAsk any Route Driver\n\n"
                 "Responsibilities:\n- Drive the route",
                 "Good routes, good people.\n\nRoute Drivers\n\nResponsibilities:\n- Drive"):
        assert find_title(text) is None, text


def test_a_label_word_ending_a_sentences_words_is_no_label():
    text = ("About us\n\nWe pay people. We are looking for a Senior Payroll Analyst. This "
            "is a flexible role: you'll work from our Reno yard two days a week.")
    assert find_title(text).value == "Senior Payroll Analyst"
    assert find_title("We pay people.\nRole: Senior Payroll Analyst\n").value == \
        "Senior Payroll Analyst"


def test_a_line_set_in_bold_reads_as_the_line_it_is():
    # a bold first line is the page's title line, as a plain one is
    assert find_title("**Route Driver**\nTulsa, OK\n\nWe haul freight.").value == "Route Driver"
    # bold inside a line stays: it bounds a phrase ("hiring a **Route Driver** for Harbor
    # Yard" names no "Route Driver for Harbor Yard")
    assert PostingText.of("**Pay:** $20 - **$25**\n**Route Driver**").lines == [
        "**Pay:** $20 - **$25**", "Route Driver"]


@pytest.mark.parametrize("abbreviation", ["Sr", "Mgr", "Engr", "Int'l"])
def test_a_title_reads_on_over_an_abbreviations_dot(abbreviation):
    title = f"{abbreviation}. Payroll Analyst"
    assert find_title(f"We grow. The {title} is a key role.").value == title


@pytest.mark.parametrize("text, company", [
    # a named pub, hotel or shop is an organisation
    ("Pour with us. Harbor Lamp is a neighborhood bar off Main Street.", "Harbor Lamp"),
    ("Guests come back. The Linden Inn is a lakeside resort.", "Linden Inn"),
    ("We open early. Friday is a busy day at the store.", None),  # where, not what it is
    # "We're <Name>, a <kind of organisation>" names it
    ("Morning, neighbors. We're Bright Oak Bakery ✨, a family-owned bakery in Tulsa.",
     "Bright Oak Bakery"),
    ("We are Quarry Lane Dental, a small practice with big hearts.", "Quarry Lane Dental"),
    ("We're Hiring, a role for the summer.", None),
    # a text opening with a name and what it does
    ("Harbor Lamp Insurance insures farms across Ohio.", "Harbor Lamp Insurance"),
    ("Night Shift Nurses wanted in Ohio.", None),
])
def test_what_a_name_is_or_does_names_the_company(text, company):
    found = find_company(text)
    assert (found and found.value) == company


def test_an_equal_opportunity_statement_names_the_company_before_its_acronym():
    # a lab of the employer says it is hiring; the statement names the employer itself
    text = ("The Soil Ecology Lab is seeking a Field Technician.\n\nBrackenridge State "
            "University (BSU) is an Equal Opportunity/Affirmative Action employer.")
    found = find_company(text)
    assert (found.value, found.rule) == ("Brackenridge State University",
                                         "equal-opportunity-employer")


def test_a_history_sentence_names_the_company_however_long_its_middle():
    text = ("NOW HIRING DRIVERS\n\nBellows Framing has been hauling lumber and trusses to "
            "builders across Utah, Nevada, Idaho and Wyoming since 1984. We pay weekly.")
    assert find_company(text).value == "Bellows Framing"


def test_a_company_may_end_in_company_but_not_start_with_it():
    text = "Harrow Valley Mutual Insurance Company is an Equal Opportunity Employer."
    assert find_company(text).value == "Harrow Valley Mutual Insurance Company"
    for text in ("Company Description is an equal opportunity employer.",
                 "Our Company is an equal opportunity employer."):
        assert find_company(text) is None, text


def test_what_people_in_the_job_earn_is_no_pay_offered():
    for text in ("Our new planners' earnings usually land near $90K.",
                 "Our planners are making on average about $60,000 in year one.",
                 "Top earners on the team bring in $250,000 or more.",
                 "Veteran installers average $1,200 a week in season.",
                 "Last year our couriers averaged $52,000.",
                 "Our movers have averaged $24 an hour with tips.",
                 "First-year agents average about $70,000 with commission."):
        assert find_salaries(text) == [], text
    for text, low in (("Average weekly pay: $1,400 - $1,700", 1400), ("Earn up to $24/hr.", 24),
                      ("Base pay $50,000; agents typically earn $80,000.", 50000),
                      ("Crews average $1,300 a week. Trainees start at $19 per hour.", 19)):
        assert [m.low for m in find_salaries(text)] == [low], text


def test_a_word_cut_at_the_edge_of_what_an_amount_is_read_by_is_no_pay_word():
    # the 20 characters after the count end inside "payments": "pay" is no pay word there
    text = "Lantern Ledger handles invoices for over 38,000 nonprofits, and payments grow."
    assert find_salaries(text) == []
    assert window(text, 38, 67) == " 38,000 nonprofits, and "  # "er" of "over", "paym"
    assert window(text, 36, 74) == "over 38,000 nonprofits, and payments "
    assert window(text, 0, 999) == text
    assert [m.low for m in find_salaries("Salary: 38,000 per year, and payments are monthly.")] \
        == [38000]


def test_a_number_of_things_in_the_plural_is_a_count():
    # a pay word in the sentence ("our base") does not make a count of things pay
    for text in ("Our base has grown to about 6,200 active members.",
                 "Our pay platform serves 38,000 bakeries.",
                 "Paid on time to 1,400 local growers."):
        assert [refused for _, refused in read_amounts(text)] == ["a-count"], text
    # what follows pay is no thing counted
    for text in ("Salary 55,000 plus benefits.", "Salary 60,000 this year.",
                 "Base salary 50,000 depending on experience.", "Pay: 62,000 annual salary."):
        assert [refused for _, refused in read_amounts(text)] == [None], text


def test_a_laws_number_is_no_pay():
    for text in ("Teachers also earn Prop 123 incentive pay.",
                 "Pay includes a Section 125 plan for premiums."):
        assert [refused for _, refused in read_amounts(text)] == ["an-identifier"], text


def test_the_pay_for_half_a_day_is_not_the_day_rate():
    for text in ("Day rate: $130; $65 per half day.",
                 "Rate: $130 per day\nHalf-day rate: $65", "$130/day, $65/half-day"):
        assert [(m.low, m.period) for m in find_salaries(text)] == [(130, "day")], text


def test_a_retirement_plan_named_by_its_tax_section_is_no_pay():
    for text in ("Our benefits package includes a 403(b) plan.", "Benefits: a 457(b) plan.",
                 "Pay package: 401(a) plan with a 6% match.", "We offer a 403b plan.",
                 "Compensation includes a 401(k)."):
        assert find_salaries(text) == [], text
    assert [m.low for m in find_salaries("Salary: $401 per week.")] == [401]


def test_homes_to_rent_priced_from_an_amount_are_no_pay():
    for text in ("Our apartments start at $1,300; townhomes run to $2,450/month.",
                 "Studios from $990 a month; two-bedrooms at $1,640."):
        assert None not in [refused for _, refused in read_amounts(text)], text


def test_a_benefit_named_after_its_amount_is_no_pay():
    for text in ("Perks: a $900 yearly fitness and reading budget.",
                 "Perks: a $100/month commuter stipend.", "We give a $500 stipend.",
                 "Perks: a $150/month meal credit.", "A $10,000 loan forgiveness.",
                 "Loan repayment help of up to $10,000 in total.",
                 "- $1,500 annual gear and travel stipend",  # its period, then four words
                 "- A $600 yearly dependent care account",
                 "We cover exam fees (about $1,800 across the three levels).",
                 "We cover study materials (around $2,500) for the exams.",
                 "Your $12 license fee is on us.",
                 "We pay your $95 license renewal fees.",
                 "Field crews get a $120/day lodging allowance.",
                 "Bring a friend aboard: refer them and earn $250.",
                 "Monthly health stipend: $300.",
                 "Performance stipends of up to $2,500 each year.",
                 "A $250 security deposit applies.", "Parking is a $40/month garage rent.",
                 "Perks: $3,000 in relocation assistance."):
        assert [refused for _, refused in read_amounts(text)] == ["a-benefit"], text
    # a commission's amounts, each of its list
    text = "Agents earn commissions of $80 per signed lease and $40 per lease renewed."
    assert [refused for _, refused in read_amounts(text)] == ["a-benefit", "a-benefit"]
    # a benefit added to the pay leaves the pay
    for text in ("Salary: $80,000 - $90,000 and annual bonus.", "Pay: $90K and bonus.",
                 "Pay: $60,000 annual salary plus a gear stipend."):
        assert [refused for _, refused in read_amounts(text)] == [None], text
    # a service program's living allowance is its pay; an allowance for a thing is not
    text = "Members receive a living allowance of $1,900 per month and a $400 gear allowance."
    assert [refused for _, refused in read_amounts(text)] == [None, "a-benefit"]
    assert [(m.low, m.period) for m in find_salaries(text)] == [(1900, "month")]
    # a stipend that is the pay (a fellowship's, an internship's) is its pay
    assert [m.low for m in find_salaries("Fellows receive a stipend of $3,200 per month.")] \
        == [3200]


def test_a_per_diem_named_a_word_or_two_after_its_amount_is_no_pay():
    for text in ("Site visits come with a $45/day travel per diem.",
                 "Crews get a $70 daily lodging per diem on the road."):
        assert [refused for _, refused in read_amounts(text)] == ["a-per-diem"], text
    assert [m.low for m in find_salaries("Per diem nurses: $58 per hour.")] == [58]


def test_a_figure_the_job_is_measured_by_or_a_customers_price_is_no_pay():
    for text in ("Hit a monthly quota of $90,000 in new bookings.",
                 "Our showroom's average ticket is about $3,100.",
                 "Patient copays run from $20 to $40 a visit.",
                 "Our homeowners pay about $140-$220 for a deep clean.",
                 "Guests typically spend around $85 a visit.",
                 "Room rates run from $140 to $380 a night in season.",
                 "Staff may book rooms at $49/night at our sister inns.",
                 "You will own a marketing budget of $40,000 per quarter.",
                 "Hold search ads to a cost-per-lead target of $35.",
                 "Our accounts' ad budgets run from $20K a month.",
                 "Lead the team past its sales targets (about $310,000 a month).",
                 "We fund equipment loans of $5,000 to $75,000.",
                 "Units here rent at $1,300 and up.",
                 "Close ten gifts of $40,000 or more a year from our donors.",
                 "The fund awards grants of $5,000 to $40,000 a year."):
        assert [refused for _, refused in read_amounts(text)] == ["a-target-budget-or-price"], text
    for text, low in (("Target base salary of $95,000 per year.", 95000),
                      ("Target: hit your goals. Salary: $70,000 a year.", 70000)):
        assert [m.low for m in find_salaries(text)] == [low], text


def test_a_heading_line_about_or_why_the_company_names_it():
    for heading in ("About Woodgrove Bank", "ABOUT WOODGROVE BANK:", "Why Woodgrove Bank?",
                    "WHY JOIN WOODGROVE BANK", "Why work at Woodgrove Bank"):
        found = find_company(f"You will run reports.\n{heading}\nWe lend to farms.")
        assert found is not None and found.value.lower() == "woodgrove bank", heading
    # headings about the reader or the job name no organisation
    for heading in ("About Us", "ABOUT US", "About the job", "About You", "Why Us?",
                    "WHY WORK HERE", "Why Work With Us?", "Why join us"):
        assert find_company(f"You will run reports.\n{heading}\nWe lend to farms.") is None, \
            heading


def test_a_name_its_own_address_spells_is_the_company_and_a_boards_is_not():
    # the site's name, hyphens left out, or the name but for a short tail ("hq", "tx")
    for address in ("careers.trey-research.org", "https://treyresearchhq.com/jobs",
                    "hr@TreyResearch.co.uk"):
        found = find_company(f"You will run lab tests for Trey Research. See {address}")
        assert found is not None and found.value == "Trey Research", address
    # a job board's or a social network's address is no one's; a name written only inside
    # an address is not one the posting writes; a longer tail is another word
    for text in ("Follow Facebook news at www.facebook.com/treyresearch",
                 "Apply at boards.greenhouse.io/treyresearch on Greenhouse",
                 "Apply at www.treyresearch.com today.",
                 "You will run lab tests for Trey. See treyresearch.com"):
        assert find_company(text) is None, text


def test_an_address_naming_no_site_names_no_company():
    # marks that only look like addresses have no site's name, and break nothing
    for text in ("Reach us @@@ anytime.", "See http:// and // for more.", "Mail x@.com now.",
                 "Write to a@b today."):
        assert find_company(text) is None, text


def test_only_a_name_the_posting_opens_with_is_read_as_the_company():
    # not a job, a heading or a pronoun at the start; not a name met later in the text
    for text in ("Data Analyst is responsible for reports.", "We are a bank.",
                 "Our Mission is to teach.", "You build models. Trey Research does labs."):
        assert find_company(text) is None, text


LISTED = """Data Analyst
Northwind Health runs clinics in Ohio.

What You'll Do
Build dashboards for clinic managers
Answer questions from the finance team

What You'll Bring:
- 3.5 years of experience with SQL
- Experience with Python or R
• A degree in statistics, economics or a related field

Nice to have
Experience with healthcare claims data

Perks & Benefits
Dental and vision cover
25 days of paid leave
Northwind Health is an equal opportunity employer.
"""


def test_a_postings_own_lists_are_read_under_their_headings():
    requirements = find_list("requirements", LISTED)
    assert requirements.value.split("\n") == [
        "3.5 years of experience with SQL", "Experience with Python or R",
        "A degree in statistics, economics or a related field",
        "Experience with healthcare claims data"]
    assert (requirements.rule, requirements.evidence) == (
        "requirements-under-their-heading", "What You'll Bring:")
    benefits = find_list("benefits", LISTED)
    assert benefits.value.split("\n") == ["Dental and vision cover", "25 days of paid leave"]


def test_no_list_is_read_where_its_items_cannot_be_told_apart():
    # flattened to one line, headings and items run together
    assert find_list("requirements", " ".join(LISTED.split())) is None
    # a heading of another list ends it; a paragraph is not an item
    text = ("Requirements\nSQL and Python skills\nResponsibilities\nRun reports weekly\n\n"
            "Benefits\n" + "We pay well and " * 20 + "more.\n")
    assert find_list("requirements", text).value == "SQL and Python skills"
    assert find_list("benefits", text) is None


def test_a_lists_heading_may_give_its_items_on_its_own_line():
    text = ("Data Engineer\nWe build pipelines.\nRequirements: Python, React, PostgreSQL\n"
            "Benefits: Health insurance, 401k, flexible PTO\nClearance: N/A\n")
    assert find_list("requirements", text).value.split("\n") == ["Python", "React",
                                                                 "PostgreSQL"]
    assert find_list("benefits", text).value.split("\n") == ["Health insurance", "401k",
                                                             "flexible PTO"]
    # a sentence after the label is one item; in a list, "Label: value" is an item as it is
    assert find_list("requirements", "Education Required: A degree in math, or physics.\n"
                     ).value == "A degree in math, or physics."
    listed = "Qualifications\nTwo years of SQL work\nExperience with tools: dbt, Airflow\n"
    assert find_list("requirements", listed).value.split("\n") == [
        "Two years of SQL work", "Experience with tools: dbt, Airflow"]


def test_pay_that_no_rule_refuses_is_read():
    (mention,) = find_salaries("Pay: $55-60/hr, weekly.")
    assert (mention.low, mention.high, mention.currency, mention.period, mention.strong) == \
        (55, 60, "USD", "hour", True)
    # small figures are pay where they are a pay label's value, as the posting writes them
    (mention,) = find_salaries("Location: Leeds\nSalary:\n50-100\n")
    assert (mention.low, mention.high, mention.currency, mention.period) == \
        (50, 100, None, None)


@pytest.mark.parametrize("text", ["Pay: dollars 40,000 to 50,000 a year", "US$ 5 and A$6",
                                  "a4 $5 and 5", "x" * 50 + " EUR 50k-60k", "rate 5-6k",
                                  "$1" * 500, "no figures at all", "9"])
def test_the_scan_from_each_digit_finds_what_a_full_scan_finds(text):
    from router_svc.readers import pay
    assert [m.span() for m in pay._mentions(text)] == \
        [m.span() for m in pay._MENTION.finditer(text)]


# Pieces of text a name-first pattern may meet: names, a name's own apostrophe, the phrases
# after a name (in capitals too, which a name may hold), runs of spaces, sentence ends. Not
# a name's joining word or dot right before a phrase ("Bank of IS AN ...", "Inc.'s"):
# there AnchoredPattern's matches may differ.
_PIECES = st.sampled_from(["Northwind", "Blue Sky", "NORTHWIND", ", LLC", "'s", "’s",
                           " is hiring", " are seeking", " IS AN EQUAL OPPORTUNITY EMPLOYER",
                           " is an equal opportunity employer", " has an opening", "   ",
                           " DOES NOT DISCRIMINATE", " participates in E-Verify",
                           "\t", " ", ". ", "\n", "x", "At", "Join", "joining"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_a_pattern_found_from_its_tail_finds_what_re_finds(text):
    from router_svc.readers import company
    patterns = [p for _, p in company._STATED if isinstance(p, AnchoredPattern)]
    patterns += [p for p in company._ORGANISATION_CONTEXTS if isinstance(p, AnchoredPattern)]
    assert len(patterns) == 5
    for anchored in patterns:
        assert [m.span() for m in anchored.finditer(text)] == \
            [m.span() for m in anchored.pattern.finditer(text)]


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=10).map("".join))
def test_a_word_written_letters_first_is_a_word_as_re_bounds_it(text):
    words = ("At", "at", "Join", "joining", "Blue")
    assert [m.span() for m in re.finditer(at_a_word(*words), text)] == \
        [m.span() for m in re.finditer(rf"\b(?:{'|'.join(words)})", text)]


def test_an_abbreviations_dot_does_not_end_a_labelled_value():
    text = "We build.\nJob Title: Production Supervisor - St. Louis, MO\nLocation: Mt. Vernon, WA"
    assert find_title(text).value == "Production Supervisor - St. Louis, MO"
    assert find_location(text).value == "Mt. Vernon, WA"
    # a sentence's dot still does, after a short word too
    assert find_title("We build.\nJob Title: Payroll Clerk. We pay well").value == \
        "Payroll Clerk"
    assert find_location("Location: Leeds. Go to it. Come in").value == "Leeds"


def test_a_sentence_dot_after_a_dotted_abbreviation_ends_a_label():
    assert find_location("Location: Washington, D.C. Apply today").value == "Washington, D.C"
    assert find_title("We hire.\nJob Title: Sales Associate - U.S. Our team").value == \
        "Sales Associate - U.S"


def test_an_employment_type_is_not_a_title_but_a_word_starting_like_one_is():
    assert find_title("We hire.\nPosition: Full-Time\nTitle: Welder\n").value == "Welder"
    assert find_title("We hire.\nPosition: Contract Specialist\n").value == \
        "Contract Specialist"


def test_an_amount_after_a_word_that_labels_titles_is_not_a_title():
    text = ("We hire.\nPay range for this position: $19.50/hr to $23.00/hr.\n"
            "Title: Loan Processor\n")
    assert find_title(text).value == "Loan Processor"
    assert find_title("We hire.\nPosition: $45,000 a year\n") is None


def test_amounts_with_a_period_after_them_are_pay_and_one_figure_after_a_label_is_not():
    (mention,) = find_salaries("The range for this role is 85,000 to 95,000 annually.")
    assert (mention.low, mention.high, mention.period) == (85000, 95000, "year")
    assert find_salaries("Salary: 3 openings available") == []


@pytest.mark.parametrize("text, period", [
    ("Pay: $21.50 per hour", "hour"), ("Pay: $21.50/hr", "hour"), ("Pay: $21.50ph", "hour"),
    ("Pay: $21.50 per hourJob Type: Full-time", "hour"),  # scraped text lost its line break
    ("Day rate: £450 p/d", "day"), ("£450 a shift", "day"),
    ("Pay: $900 weekly", "week"), ("Salary: £2,100 pcm", "month"),
    ("Salary: £30,000 p.a.", "year"), ("$44,624 - $53,764 annualized salary", "year"),
    ("Hourly rate: $18", "hour"), ("Pay per hour: $18", "hour"),
    ("Salary: $4,000 - $5,000, paid monthly", "month"),
])
def test_a_period_is_read_however_it_is_written(text, period):
    (mention,) = find_salaries(text)
    assert mention.period == period


def test_another_quantitys_period_before_an_amount_is_not_its_period():
    # "per week" counts the hours; the figure's own size says it is yearly
    (mention,) = find_salaries("Full-time (35 hours per week) Salary Scale: $44,624 - $53,764")
    assert (mention.period, mention.period_basis) == ("year", "inferred")


def test_each_hiring_verb_names_the_title_and_the_company():
    for verb in ("is looking for", "is seeking", "is hiring", "is searching for",
                 "is recruiting", "is in search of", "is adding"):
        text = f"Wingtip Toys {verb} a Payroll Clerk to join us."
        assert find_title(text).value == "Payroll Clerk", verb
        assert find_company(text).value == "Wingtip Toys", verb
    # "we need" names the title the way a hiring verb does; "you will need" names none
    assert find_title("Our desk is busy, and we need a calm, organised Front Desk Agent to "
                      "run it.").value == "Front Desk Agent"
    assert find_title("You will need a valid Driver License.") is None
    # so does what the employer's own place needs; what the job needs names none
    assert find_title("We grow. Our busy Reno clinic needs an experienced Front Desk Agent to "
                      "greet patients.").value == "Front Desk Agent"
    assert find_title("We grow. This job needs a valid Driver License.") is None


def test_a_hiring_banner_after_a_name_names_the_company():
    for text in ("Wingtip Grill - Now Hiring Line Cooks\n\nWe cook over wood.",
                 "Wingtip Grill | Hiring Servers\nWe cook over wood.",
                 "Wingtip Grill: now hiring!\nWe cook over wood."):
        assert find_company(text).value == "Wingtip Grill", text
    # a job's name before the banner is no company
    assert find_company("Line Cook - Now Hiring\nWe cook over wood.") is None


def test_a_title_leaves_out_the_place_the_job_is_done_in():
    assert find_title("Wingtip Toys is hiring a Stock Clerk in Reno, NV.").value == "Stock Clerk"
    assert find_title("We are seeking a Line Cook in Idaho for summer.").value == "Line Cook"
    # not a place the text writes with its state: a title's own words
    assert find_title("We are hiring an Engineer in Training.").value == "Engineer in Training"


def test_a_title_of_several_hires_is_the_title_of_one():
    for plural, one in (("Line Cooks", "Line Cook"), ("HOUSE CLEANERS", "HOUSE CLEANER"),
                        ("Bus Coaches", "Bus Coach"), ("Crew Members", "Crew Member"),
                        # several jobs named: the first
                        ("Prep Cooks and Dishwashers", "Prep Cook"),
                        ("CASHIERS / STOCKERS", "CASHIER"), ("Drivers, Loaders", "Driver")):
        assert in_the_singular(plural) == one
    # a singular title or a last word naming no job: nothing to do
    for title in ("Line Cook", "Director of Sales", "VP, Operations", "Cashier/Stockers",
                  "Business Analysis", "Research and Development Engineers"):
        assert in_the_singular(title) is None, title


def test_a_hiring_sentences_title_leaves_out_what_it_is_for():
    for text in ("We are hiring a Front Desk Agent for The Harbor Inn downtown.",
                 "Now hiring Front Desk Agents for 2nd and 3rd shift!"):
        assert find_title(text).value.startswith("Front Desk Agent"), text
        assert "for" not in find_title(text).value, text
    # a title's own "for" joins two of its words
    assert find_title("We are hiring a Director for Student Affairs to lead.").value == \
        "Director for Student Affairs"


def test_a_line_saying_remote_is_a_remote_job_and_remote_work_is_not():
    for line in ("Remote", "Remote (US)", "Remote - Canada", "Remote within Canada.",
                 "Remote · 3 days ago · 40 applicants", "Work from home - Part-time"):
        assert find_location(f"Where\n{line}\nWe meet twice a year.").value == "Remote", line
    for text in ("Remote work is possible on Fridays.", "Remote sensing analysts map coasts.",
                 "Work from home on Fridays."):
        assert find_location(text) is None, text


def test_a_street_is_not_a_city():
    # a state's name after a street ("Street, New York") reads as "City, State" unless a
    # street's word is never a city
    found = find_location("Our office is at 40 West 12th Street, New York, NY, by the park.")
    assert found.value == "New York, NY"
    assert find_location("Visit 400 Pine St, Washington, DC.").value == "Washington, DC"
    assert find_location("Based in Park City, UT.").value == "Park City, UT"


def test_a_region_or_the_capital_in_a_list_is_not_a_city_and_state():
    # a region's last word is no city; "Washington D.C." after a city is no state
    for text in ("Zone A (the Tri-County Area, Colorado Springs metro): pay varies.",
                 "We serve Harris County, TX families.",
                 "Offices: Portland, Washington D.C. and Austin."):
        assert find_location(text) is None, text
    assert find_location("Hubs: Wake County, Raleigh, NC.").value == "Raleigh, NC"
    assert find_location("Based in Seattle, Washington.").value == "Seattle, Washington"


def test_a_place_a_team_is_in_is_not_the_company():
    assert find_company("Our Claims team in Halifax is seeking an adjuster.") is None
    assert find_company("The bakery near Portland is hiring.") is None
    found = find_company("Everyone at Wingtip Toys is committed to equality.")
    assert found.value == "Wingtip Toys"


def test_things_done_in_a_period_are_counted_not_paid():
    assert find_salaries("Our crews run more than 1,900 daily deliveries across the state.") == []
    assert find_salaries("We serve 4,000 monthly active users.") == []
    (mention,) = find_salaries("Pay: 52,000 annual salary, paid twice a month.")
    assert (mention.low, mention.period) == (52000, "year")


def test_a_differential_named_after_its_amount_is_no_pay():
    assert find_salaries("PERKS\n- $1.75/hr weekend differential for Saturday shifts") == []
    assert find_salaries("PERKS\n- $1.50/hr 3rd shift differential") == []
    (mention,) = find_salaries("Pay: $21/hr. We add a $2 an hour night premium.")
    assert (mention.low, mention.period) == (21, "hour")


def test_a_bonus_paid_in_instalments_is_no_pay_in_any_of_them():
    text = "Retention bonus: $500 at hire, $1,500 at 6 months and $1,500 at one year."
    assert find_salaries(text) == []
    (mention,) = find_salaries("Sign-on bonus $1,000 and pay of $26/hr.")
    assert (mention.low, mention.period) == (26, "hour")


def test_a_page_flattened_onto_one_line_starts_with_its_title():
    page = ("Pastry Cook Wingtip Bakehouse 4.1 out of 5 stars Tacoma, WA $18 - $21 an hour "
            "Full job description Wingtip Bakehouse bakes bread for forty cafes, and we are "
            "looking for an early riser who loves laminated dough.")
    assert find_title(page).value == "Pastry Cook"
    # a banner still opens a long line
    assert is_heading("NOW HIRING LINE COOKS - apply today. " + "We bake bread daily. " * 20)
    assert not is_heading("Pastry Cook Wingtip Bakehouse " + "We bake bread daily. " * 5
                          + "We are looking for an early riser.")


def test_a_flattened_pages_title_may_end_in_a_word_that_starts_labels():
    # "Shift" starts labels ("Shift Type:"), and ends titles; "Location:" is the next label
    page = ("Job Title: Line Cook - 2nd Shift Location: Reno, NV Department: Kitchen Pay: "
            "$18.50/hr We cook for two hundred guests a night.")
    assert find_title(page).value == "Line Cook - 2nd Shift"
    flat = "Job Title: Line Cook Work Location: Reno, NV Department: Kitchen"
    assert find_title(flat).value == "Line Cook"  # "Work Location:" is one label


def test_each_legal_statement_names_the_company():
    for statement in ("does not discriminate on any basis", "will consider for employment "
                      "qualified applicants", "participates in E-Verify",
                      "is committed to equality, diversity and inclusion",
                      "is committed to providing equal employment opportunities",
                      "is committed to the principles of equal opportunity",
                      "is committed to providing reasonable accommodations to applicants",
                      "is committed to accessibility in hiring"):
        found = find_company(f"You will lead the audit.\n\nFourth Coffee {statement}.")
        assert (found.value, found.rule) == ("Fourth Coffee", "company-in-its-legal-statements")
    assert find_company("You lead.\n\nFourth Coffee is committed to great coffee.") is None


def test_a_heading_in_capitals_run_into_the_name_is_left_out():
    found = find_company("You sell. **DIVERSITY AND INCLUSION STATEMENT Northwind Traders is an "
                         "Equal Opportunity Employer.")
    assert found.value == "Northwind Traders"


def test_legal_forms_and_state_codes_after_a_comma():
    from router_svc.readers.company import looks_like_a_place
    assert not looks_like_a_place("Smith & Jones, PC") and not looks_like_a_place("Acme, AG")
    assert looks_like_a_place("Reno, NV") and looks_like_a_place("Austin, TX")


def test_a_dropped_salary_names_the_rule_that_refused_its_amount():
    import json

    from router_svc.answer import check_answer
    answer = json.dumps({"title": "Clerk", "company": None, "location": None,
                         "salary_min": 5000, "salary_max": 5000, "salary_currency": "USD",
                         "salary_period": "year", "description": "", "skills": [],
                         "requirements": [], "benefits": []})
    checked = check_answer(answer, "Clerk wanted. You also get a $5,000 signing bonus.")
    assert checked.job.salary_min is None and checked.salary_dropped
    assert checked.notes == ["salary dropped: 5000, 5000 not stated in the posting as pay "
                             "('$5,000' is a-benefit)"]


def test_an_organisation_describes_itself_with_a_list_of_adjectives():
    found = find_company("We value craft.\nLitware Labs is a private, employee-owned "
                         "corporation where people grow.")
    assert (found.value, found.rule) == ("Litware Labs", "company-is-a-kind-of-organisation")


def test_single_figures_of_tiers_side_by_side_are_one_range():
    from router_svc.readers.pay import stated_pay
    text = ("Starters earn $40,000 a year, most earn $55,000 a year, the best up to $85,000 "
            "a year. A $500 bonus at 90 days.")
    pay, spans = stated_pay(find_salaries(text))
    assert (pay.low, pay.high, pay.period, spans) == (40000, 85000, "year", 3)
    # a stated range is not widened by a single figure nearby
    pay, _ = stated_pay(find_salaries("Pay: $40,000 - $50,000 a year; $60,000 a year with "
                                      "a license."))
    assert (pay.low, pay.high) == (40000, 50000)
