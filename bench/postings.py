"""Distinct job postings for the GPU acceptance's long inputs and its thinking-tier job.

The 5,000- and 7,500-token inputs of `bench.gpu_checks` are made by concatenating
DIFFERENT postings, each at most once, so n-gram (prompt lookup) speculation and the prefix
cache see text as varied as a real long paste, not one sample repeated. The evaluation sets
in ../shared/evaldata may not be copied into the repository (their README), and the checks
must not read them at run time, so these postings were written for this repository: the
employers are fictional, the forms are the ones the evaluation sets show (Indeed's one-line
scrape, Glassdoor's headed description, EMSCAD's labelled sections, page copies with pay
lines, hourly, yearly, per-mile and non-USD pay, postings with no pay at all).

    long_posting(5000)           # postings 0, 1, 2, ... until 5,000 cl100k tokens
    long_posting(7500, start=7)  # another order, so its prefix is not the 5K input's
"""

from __future__ import annotations

from pathlib import Path

POSTINGS: tuple[str, ...] = (
    # 0: hospital, headed sections, hourly range
    """Registered Nurse - Medical Intensive Care Unit (Nights, 36 hrs/week)
Brightwater Regional Medical Center - Columbus, OH 43215
Pay range: $38.40 - $52.10 per hour, plus a $6.25/hr night differential

About Brightwater
Brightwater Regional is a 410-bed teaching hospital on the east side of Columbus and a Level II trauma center. Our medical ICU has 24 beds, a nurse-to-patient ratio of 1:2, and a unit-based practice council that sets its own staffing guidelines. We were re-designated a Magnet hospital last spring.

The role
As a night-shift MICU nurse you will care for critically ill adults with sepsis, respiratory failure, GI bleeding, DKA and multi-organ dysfunction. You will titrate vasoactive drips, manage ventilated patients with respiratory therapy, assist with central line and arterial line placement, and run continuous renal replacement therapy after unit training. Three twelve-hour shifts per week, every third weekend, one winter holiday and one summer holiday per year.

What you will do
- Assess, plan and document care in Epic for two patients, occasionally one high-acuity patient
- Respond to rapid responses and codes on the fourth floor as a member of the response team
- Precept new graduates once you have completed our preceptor course
- Take part in daily interdisciplinary rounds and family meetings
- Join one of the unit's councils (quality, education, or retention)

What you need
- Active Ohio RN license or a multistate compact license
- BLS and ACLS from the American Heart Association (ACLS may be earned within 90 days of hire)
- At least one year of acute care experience; ICU or step-down experience strongly preferred
- BSN preferred; ADN nurses must enroll in a BSN program within two years (we pay for it)
- CCRN certification is a plus and adds $1.50/hr to base pay

Benefits
- Medical, dental and vision coverage starting on day one, with a low-cost plan option
- 403(b) with a 5% employer match, fully vested after two years
- $5,250 per year in tuition assistance and free CCRN review courses
- Paid time off that starts at 24 days per year
- Free parking in the Oak Street garage, which is connected to the hospital by a skywalk
- Sign-on bonus of $10,000 for experienced ICU nurses, paid over 12 months

Brightwater Regional Medical Center is an equal opportunity employer. Applicants are considered without regard to race, color, religion, sex, sexual orientation, gender identity, national origin, age, disability, or veteran status. Requisition 24-1187-MICU.""",
    # 1: warehouse, Indeed-style scrape on one line
    """Warehouse Associate - Night Shift Sierra Freight Fulfillment Reno, NV 89502 $19.25 an hour - Full-time Job details Salary $19.25 an hour Job Type Full-time Number of hires for this role 15 Qualifications High school or equivalent (Preferred) Warehouse: 1 year (Preferred) Forklift: 1 year (Preferred) Full Job Description Sierra Freight Fulfillment ships home goods and small furniture for online stores across the western states from our 600,000 square foot building near the airport. Our night team receives trailers, puts away pallets and picks orders so they leave on the morning trucks. Shift: Sunday through Thursday, 10:00 PM to 6:30 AM, with a paid 15-minute break and an unpaid 30-minute lunch. Overtime is common in November and December and is paid at time and a half after 40 hours. Responsibilities: unload floor-loaded trailers by hand and with pallet jacks; scan and label cartons with a handheld RF scanner; pick orders from shelving and pallet locations using the pick path on the scanner; build and wrap pallets so they are stable for shipping; keep your aisle clean and report damaged goods to the lead; follow all safety rules including steel-toe footwear and high-visibility vests. Requirements: must be at least 18 years old; able to lift up to 50 pounds repeatedly and stand or walk for a full shift; able to work in a building that is warm in summer and cool in winter; reliable transportation (RTC bus route 12 stops at the front gate); pass a background check and a drug screen that does not include marijuana. Forklift or reach truck certification is a plus, and we will certify you in-house after 60 days if you want it; certified drivers earn $1.50 an hour more. Benefits: medical, dental and vision after 30 days; 401(k) with a 3% match; one week of paid vacation after six months, two weeks after one year; weekly pay by direct deposit or pay card; employee discount on everything we ship; referral bonus of $500 per hire who stays 90 days. Apply in about five minutes, no resume required. Walk-in interviews every Tuesday from 4 PM to 7 PM at 2450 Airway Drive, door 3. Sierra Freight Fulfillment is an Equal Opportunity Employer. Hiring Insights Job activity Posted 3 days ago""",
    # 2: data engineering, Glassdoor-style headed description, yearly range, remote
    """Job Description
Senior Data Engineer, Payments Platform (Remote - US)

Kestrel Ledger builds the accounts-payable software that mid-sized companies use to pay about 40,000 suppliers every business day. Our payments data is the record of every invoice, approval and transfer that goes through the product, and finance teams, auditors and our own risk models depend on it being right.

What You Will Do:
- Design and own batch and streaming pipelines that move payment events from Postgres and Kafka into our Snowflake warehouse within five minutes of the event
- Replace a set of nightly cron jobs with orchestrated workflows in Dagster, with lineage, retries and alerting that pages the right person
- Model the ledger in dbt so that finance can reconcile bank statements against our books without spreadsheets
- Write data contracts with the product teams that emit events, and build the checks that catch schema drift before it reaches the warehouse
- Tune expensive queries and warehouses; last quarter a single dashboard cost us more than one engineer's laptop budget for the year
- Mentor two mid-level engineers and review their designs

What We Are Looking For:
- Six or more years of data engineering or backend engineering with a heavy data component
- Strong Python and SQL; experience with Scala or Java is welcome but not required
- Production experience with Kafka or Kinesis, and with one of Snowflake, BigQuery or Redshift
- You have operated pipelines where correctness mattered to money: you think about idempotency, late-arriving data and exactly-once claims with healthy suspicion
- Familiarity with Terraform and AWS (IAM, S3, MSK, ECS)
- Bonus: dbt, Dagster or Airflow, Great Expectations, SOC 2 audits

Compensation and Benefits:
The base salary range for this role is $165,000 - $195,000 per year, depending on experience and location within the US. The role also includes equity in the form of stock options and an annual bonus target of 10%.
- Fully remote within the United States, with an optional office in Denver
- Medical, dental and vision premiums covered at 100% for employees and 80% for dependents
- 16 weeks of paid parental leave for all parents
- $1,500 home office stipend and $100 per month for internet and phone
- Four company-wide weeks off per year in addition to flexible PTO

Our interview process has four steps: a call with the recruiter, a technical conversation about a pipeline you built, a take-home exercise of at most three hours (paid), and a final loop with the team. We reply to every applicant.""",
    # 3: public school, salary schedule
    """SPOKANE VALLEY JOINT SCHOOL DISTRICT NO. 361
Position: High School Mathematics Teacher (1.0 FTE) - Cedar Ridge High School
Posting number: CR-2025-044
Location: Spokane Valley, Washington
Work year: 182 days, beginning August 26
Salary: $52,400 - $98,700 per year on the certificated salary schedule, placement by education and years of experience; additional TRI pay of up to $4,100

Position summary
Cedar Ridge High School serves 1,350 students in grades 9 through 12. The mathematics department has eleven teachers and offers courses from Algebra 1 through AP Calculus BC and AP Statistics, plus a dual-credit Precalculus course with Spokane Falls Community College. We are hiring one teacher for a full schedule of Geometry and Algebra 2, with the possibility of an AP Statistics section in the second year.

Essential functions
1. Plan and deliver lessons aligned to the Washington State Learning Standards for Mathematics.
2. Use common assessments developed by the department's professional learning community and analyze results with colleagues every six weeks.
3. Differentiate instruction for students with individualized education programs and 504 plans, and for multilingual learners, in cooperation with case managers.
4. Communicate with families through the district's learning management system and by phone, and return grades within ten school days.
5. Supervise students at assigned duty stations and follow district safety procedures.
6. Serve on at least one building committee or coach or advise one activity (coaching and advising are paid on the extracurricular schedule).

Minimum qualifications
- Valid Washington teaching certificate with a Mathematics endorsement, or eligibility to obtain one before the first day of the work year
- Bachelor's degree from an accredited institution
- Fingerprint clearance through the Washington State Patrol and the FBI

Preferred qualifications
- Experience teaching secondary mathematics, including student teaching
- Experience with standards-based grading
- A second endorsement in Computer Science or Physics

Benefits
Full-time certificated staff receive School Employees Benefits Board medical, dental and vision coverage, membership in the Teachers' Retirement System, twelve days of sick leave per year, two personal days, and a district-paid life insurance policy.

How to apply
Submit an online application with a letter of interest, a resume, three recent letters of recommendation, and copies of transcripts and certificates. Incomplete applications will not be considered. Screening begins May 9 and continues until the position is filled. The district does not discriminate in any programs or activities on the basis of sex, race, creed, religion, color, national origin, age, veteran or military status, sexual orientation, gender expression or identity, disability, or the use of a trained dog guide or service animal.""",
    # 4: truck driving, pay per mile and per week
    """CDL-A Regional Truck Driver - Home Every Weekend
Prairie Line Transport | Based out of our Salina, KS terminal
Earn $0.62 - $0.70 per mile (average driver grosses $1,550 - $1,800 per week)

Why drive for Prairie Line?
We are a family-owned carrier with 180 trucks hauling dry van and refrigerated freight for grocery distributors, pet food plants and building supply stores across Kansas, Nebraska, Oklahoma, Missouri and Colorado. Our dispatchers each work with about 20 drivers, so the person on the phone knows your name, your truck and when you need to be home.

Route and schedule
- Leave Monday morning, home Friday evening or Saturday by noon
- 2,300 - 2,700 miles per week on mostly interstate and four-lane highways
- 80% drop and hook; when there is live unloading you get detention pay after two hours at $20 per hour
- No touch freight, no New York City, no mountain passes in winter

Equipment
Our tractors are 2022 and newer Freightliner Cascadias and Kenworth T680s with automatic transmissions, inverters, refrigerators and APUs, assigned to one driver. Trailers are 53-foot Utility dry vans and Great Dane reefers with Carrier units. Every truck has an electronic logging device and a forward-facing camera; we do not use driver-facing cameras.

Pay details
- Mileage pay by practical miles, starting at $0.62 with one year of experience and rising by experience to $0.70
- Safety and fuel bonus of up to $0.04 per mile paid quarterly
- Stop pay of $25 after the first stop, layover pay of $150, breakdown pay of $150 per day
- Paid orientation (three days in Salina, hotel and meals included)
- Weekly direct deposit

Requirements
- Valid Class A commercial driver's license
- At least 12 months of verifiable tractor-trailer experience within the last three years
- No more than two moving violations and no preventable accidents in the past three years
- Able to pass a DOT physical and a hair follicle drug test
- 23 years of age or older

Benefits
Health, dental and vision insurance with the company paying 75% of the family premium; 401(k) with a dollar-for-dollar match up to 4%; one week of paid vacation after one year, two weeks after two; pet and rider policy after 90 days.

Call our recruiting team at the Salina terminal Monday through Friday, or apply online in ten minutes and a recruiter will call you back the same business day.""",
    # 5: accounting, labelled page copy, no benefits list
    """Title: Staff Accountant
Company: Holloway Precision Castings, Inc.
Location: Grand Rapids, MI (on-site, Monday to Friday)
Department: Finance
Employment type: Full-time, exempt
Salary: $62,000 - $74,000 annually

Company profile
Holloway Precision Castings has poured aluminum and zinc die castings for the appliance, marine and medical device industries since 1961. We employ 340 people in two plants on the northwest side of Grand Rapids and ship to customers in eleven countries. The finance team is six people who report to the controller.

Summary
The Staff Accountant keeps the general ledger accurate and on time. You will own a set of monthly close tasks, reconcile the balance sheet accounts assigned to you, and help the plant managers understand what their numbers mean. This is a good role for someone with two or three years of experience who wants to learn manufacturing cost accounting from people who like teaching it.

Duties
Prepare and post monthly journal entries for accruals, prepaid expenses, fixed assets and payroll. Reconcile cash, intercompany, accrued liabilities and inventory accounts and investigate differences. Run the monthly inventory valuation and the scrap report with the cost accountant, and explain variances from standard cost. Maintain the fixed asset register and calculate depreciation. Assist with the annual audit by preparing schedules and answering auditor questions. Support the quarterly sales and use tax filings in Michigan, Ohio and Indiana. Help document and improve our close checklist; we want to close in five working days by the end of the year, down from eight.

Qualifications
Bachelor's degree in accounting. Two to four years of general ledger experience, manufacturing preferred. Strong Excel skills, including pivot tables, lookups and building a reconciliation from raw system exports. Experience with an ERP system; we run Epicor Kinetic, and experience with it is a plus. CPA or progress toward it is welcome, and we will pay for exam fees and review materials. Attention to detail, and the habit of asking why a number changed.

What we offer
Medical and dental insurance through Priority Health, with an HSA option and a company contribution of $1,200 per year; a 401(k) with a 50% match on the first 6%; profit sharing paid each March; 15 days of paid time off plus 10 holidays, including the week between Christmas and New Year when the plants shut down; casual dress every day.

Holloway Precision Castings is an Equal Opportunity Employer, including disability and protected veterans. Candidates must be legally authorized to work in the United States; we do not sponsor visas for this position.""",
    # 6: frontend, Berlin, EUR
    """Frontend Engineer (React / TypeScript) - all genders
Lindgrün Mobility GmbH, Berlin-Kreuzberg (hybrid: 2 days in the office)
€65,000 - €80,000 gross per year, plus virtual shares

Who we are
Lindgrün runs the booking and billing system behind bike and cargo-bike sharing in 14 German and Austrian cities. Riders unlock about 90,000 bikes a day through apps and websites that we build, and operators use our dashboard to move bikes, track repairs and set prices. We are 48 people, 19 of them in engineering, funded by a Series A from two climate-focused funds.

Your mission
You will join the four-person operator tools team. The operator dashboard is a React application written in TypeScript, talking to a GraphQL API. It shows live bike positions on a map, the state of every dock and battery, and the repair queue for each workshop. Operators spend their whole shift in it, so speed and clarity matter more to us than new features.

What you will work on
- Rebuild the live map with MapLibre so that it stays smooth with 12,000 bikes on screen
- Introduce a component library with Storybook and visual regression tests, shared with the rider web app
- Work with our product designer on the new repair workflow, from early sketches to release
- Improve accessibility; several operators use screen magnifiers
- Take part in our on-call rotation during office hours (about one week in six)

What you bring
- Three or more years of professional experience with React and TypeScript
- Good knowledge of state management and data fetching (we use TanStack Query and Zustand)
- Experience testing frontends with Vitest, Testing Library and Playwright
- An eye for performance: profiling renders, memoization, virtualized lists
- Fluent English; German is nice to have, and we pay for lessons
- Experience with maps or real-time data is a plus

What we offer
- 30 days of vacation plus 24 and 31 December
- A company bike or cargo bike with full service (of course)
- BVG ticket or Deutschlandticket paid by us
- €1,000 per year for learning, conferences and books
- Pension contributions beyond the legal minimum
- Relocation support and visa sponsorship for candidates from outside the EU
- Dog-friendly office by the Landwehr Canal

We look forward to your application with your CV and, if you have them, links to code or projects. No cover letter is needed. Your contact person is Miriam from our people team.""",
    # 7: support, bilingual, remote, hourly (a short one: the thinking tier's routed job)
    """Bilingual Customer Support Specialist (English/Spanish) - Remote
Northpine Insurance Services
Remote within the United States (Pacific or Mountain time zone preferred)
$21.00 per hour, full-time, 40 hours per week

Northpine helps renters and small landlords buy and manage insurance policies online. Our support team answers questions by chat, email and phone about coverage, billing and claims, in English and Spanish.

Responsibilities: answer 40 to 60 customer conversations per day across chat and email, and take scheduled phone calls; explain policy coverage in plain language; update billing information and process cancellations and refunds according to guidelines; open first notice of loss for new claims and hand them to the claims team; write clear notes in Zendesk and flag recurring problems to the team lead.

Requirements: fluent written and spoken English and Spanish; one year of customer service experience, preferably in insurance, banking or telecommunications; typing speed of at least 45 words per minute; a quiet workspace and an internet connection of at least 25 Mbps; willingness to obtain a property and casualty license within 90 days (we pay for the course and exam).

Benefits: medical, dental and vision insurance; 401(k) with a 4% match; 15 days of paid time off and 9 paid holidays; a $500 bonus when you earn your license; equipment provided (laptop, headset, second monitor).""",
    # 8: mechanical engineering, no pay stated
    """Mechanical Design Engineer II
Arvenne Thermal Systems - Greenville, South Carolina

Arvenne Thermal Systems designs and builds battery cooling plates, radiators and heat exchangers for electric buses, construction equipment and stationary energy storage. The Greenville technical center houses 70 engineers and a prototype shop with CNC machining, vacuum brazing and a climatic test chamber, across the road from our production plant.

Position overview
We are looking for a mechanical engineer to design liquid cold plates and manifold assemblies for a new generation of battery packs. You will take components from concept to production release, working with thermal analysts, the test laboratory, suppliers and the plant's manufacturing engineers.

Key responsibilities
- Create 3D models, assemblies and fully toleranced 2D drawings in Siemens NX and release them in Teamcenter
- Apply GD&T according to ASME Y14.5 and perform tolerance stack-up analyses
- Design for brazed aluminum construction and for high-volume stamping and extrusion processes
- Run design FMEAs and track the resulting actions to closure
- Plan prototype builds and validation tests (pressure cycling, burst, vibration, thermal shock) with the laboratory and analyze the results
- Present design reviews to customers, sometimes at their sites in Michigan, Ohio or Quebec (up to 15% travel)

Required
- Bachelor of Science in Mechanical Engineering
- Three or more years of product design experience in automotive, heavy truck, aerospace or HVAC
- Proficiency in a parametric CAD package; NX strongly preferred
- Working knowledge of GD&T and of common metal forming and joining processes
- Ability to work in the United States without sponsorship, now or in the future

Preferred
- Experience with heat exchangers or battery systems
- Familiarity with CFD or FEA tools such as STAR-CCM+ or ANSYS Mechanical
- Experience with APQP and PPAP documentation

Working at Arvenne
Comprehensive medical, dental and vision plans, a 401(k) plan with company match, tuition reimbursement, paid time off and holidays, an on-site fitness room, and a hybrid schedule after the first six months (three days on site). Compensation is competitive and depends on experience.

Arvenne is an equal opportunity employer and does not discriminate on the basis of any characteristic protected by applicable law. Reasonable accommodation is available to applicants with disabilities on request.""",
    # 9: nonprofit marketing, yearly range
    """Marketing and Communications Coordinator
Willamette Watershed Trust - Portland, Oregon (hybrid)
Full-time, non-exempt. Salary range: $48,000 to $54,000 per year.

Willamette Watershed Trust protects and restores rivers, wetlands and floodplain forests in the Willamette Valley. Since 1994 we have conserved more than 19,000 acres through purchases and easements, planted 2.3 million native trees and shrubs, and brought about 6,000 volunteers a year out to restoration sites. We are a staff of 31 with offices in Portland and Eugene.

About the position
The Coordinator tells the Trust's story to members, volunteers, donors and the public. Reporting to the Director of Communications, you will run our social media channels and monthly e-newsletter, keep the website current, and coordinate the production of the annual report and event materials. You will spend a few days each season in the field photographing restoration work, and occasionally on a Saturday volunteer day.

Responsibilities
Plan and publish content for Instagram, Facebook and LinkedIn and report on engagement each month. Write, design and send the e-newsletter to 14,000 subscribers in Mailchimp. Update pages, events and stories on our WordPress website. Maintain the photo library and collect signed photo releases. Draft press releases and media lists for land acquisitions and events, working with the Director. Coordinate printing and mailing of two appeals a year with the development team. Keep our brand guidelines consistent in everything we publish.

Qualifications
Two years of experience in communications, marketing or journalism, which can include internships and volunteer roles. Excellent writing and editing, with a portfolio of published work. Working knowledge of Canva or Adobe Creative Cloud, Mailchimp or a similar email platform, and WordPress. Comfortable with a camera and basic photo editing. Interest in conservation and the outdoors. Spanish language skills are valued, as we are expanding outreach to Spanish-speaking communities in the valley. A driver's license and the ability to walk on uneven ground are needed for site visits.

Benefits
Employer-paid medical, dental and vision insurance for employees and 75% for dependents; 403(b) retirement plan with a 5% employer contribution; 18 days of vacation, 12 sick days and 11 holidays; a $600 annual professional development fund; transit pass; and a summer schedule with Friday afternoons off.

To apply, send a resume, a cover letter and three writing samples to our hiring portal by June 14. We encourage people of color, Indigenous people, LGBTQ+ people and people with disabilities to apply.""",
    # 10: SRE, London, GBP
    """Site Reliability Engineer
Tamsin Data Ltd | London (Shoreditch), hybrid 3 days a week | £85,000 - £105,000 + bonus

Tamsin Data runs the pricing and risk APIs that insurance brokers in the UK and Ireland call about 30 million times a day to quote motor and home policies. A slow or wrong answer costs our customers business within minutes, so reliability is a product feature here, not an afterthought.

The team
Platform Reliability is seven engineers who own our Kubernetes platform on Google Cloud, the observability stack, the deployment pipeline and the incident process. We pair with product teams on capacity planning and performance work, and we write the runbooks together with them.

What you'll be doing
* Running and improving our GKE clusters, Istio service mesh and Postgres (Cloud SQL and a self-managed Patroni cluster we are retiring)
* Defining service level objectives with product teams and building alerting that pages on symptoms, not causes
* Automating infrastructure with Terraform and Argo CD, and removing the remaining manual steps in our release process
* Leading incident response as incident commander on rotation, and writing blameless reviews
* Reducing our cloud bill; we think a third of it is waste and we would like you to prove us right
* Load testing ahead of the annual renewal peak in January

What we're looking for
* Four or more years in SRE, platform or infrastructure engineering roles
* Deep, hands-on Kubernetes knowledge, including networking and the failure modes of controllers
* Strong programming in Go or Python; you will write tooling, operators and the occasional service
* Experience with Prometheus, Grafana, OpenTelemetry or similar observability tools
* Sound understanding of Linux, TCP/IP, DNS and TLS
* Nice to have: Postgres internals, Istio or Envoy, experience in a regulated industry (FCA)

Why Tamsin
* Salary £85,000 - £105,000 depending on experience, plus an annual bonus of up to 15%
* 27 days of holiday plus bank holidays, and your birthday off
* Private medical insurance with Vitality, including dental and optical cover
* Pension with 8% employer contribution via salary sacrifice
* On-call allowance of £400 per week on rotation, plus time off in lieu after night pages
* Cycle to work scheme, season ticket loan, and a £2,000 learning budget

Tamsin Data is committed to building a diverse team. We are happy to talk about flexible working and reasonable adjustments at any stage of the process.""",
    # 11: restaurant, hourly plus tips, short lines
    """NOW HIRING: LINE COOK
Cinder & Salt Restaurant Group - East Sixth Street, Austin, TX 78702
$17 to $20 an hour depending on experience, plus tip share (averaging $4-6/hr)
Full-time and part-time shifts available

Cinder & Salt runs three wood-fired restaurants in Austin, and our East Sixth kitchen is the busiest: about 350 covers on a Friday night, a brunch service on weekends, and a menu built around a twelve-foot hearth and whatever the farms bring on Tuesday.

WHAT YOU'LL DO
Set up and break down your station (grill, hearth, saute, or garde manger) to our standards
Prepare sauces, marinades, pickles and vegetables according to recipes and prep lists
Cook and plate dishes consistently and on time during service
Follow food safety rules, label and date everything, and keep the walk-in organized
Help with deliveries and the deep clean on Monday mornings
Learn every station; our cooks rotate every few months

WHAT WE'RE LOOKING FOR
One year of line cook experience in a full-service restaurant
Texas food handler card (or get one within your first 30 days; we'll pay for it)
Knife skills and the ability to follow and execute recipes exactly
Calm under pressure and a good teammate when the tickets stack up
Able to stand for an eight-hour shift and lift 40 pounds
Available at least two weekend shifts (Friday, Saturday or Sunday)

WHAT YOU GET
Tip share from the front of house every shift
Health insurance for full-time staff after 60 days, with the company paying half the premium
Paid sick leave and one week of paid vacation after a year
A free shift meal and 50% off dining at all three restaurants
A kitchen that closes by 11 PM, and a schedule posted two weeks ahead
Real chances to move up: four of our current sous chefs started as line cooks here

Come by Tuesday through Thursday between 2 and 4 PM to meet Chef Ramona, or apply online and tell us about the last dish you were proud of.""",
    # 12: university research, no pay stated
    """Clinical Research Coordinator II - Cardiology
Piedmont University School of Medicine, Department of Medicine, Division of Cardiology
Durham, North Carolina | Regular, full-time | Job family: Research Professionals

Job summary
The Division of Cardiology's Heart Failure Clinical Trials Unit is seeking an experienced Clinical Research Coordinator to manage a portfolio of four to six industry-sponsored and federally funded studies of heart failure drugs and devices. You will coordinate all study activities at the site, from start-up through close-out, working with principal investigators, research nurses, regulatory specialists and the sponsors' monitors.

Duties and responsibilities
Screen clinic and hospital patients against eligibility criteria and discuss studies with potential participants and their families. Conduct and document the informed consent process according to Good Clinical Practice and institutional policy. Schedule study visits, collect vital signs and questionnaires, process and ship blood samples, and coordinate echocardiograms, six-minute walk tests and device interrogations. Enter data into electronic data capture systems (Medidata Rave, REDCap) within the time required by each protocol and resolve queries. Report adverse events and protocol deviations to the investigator, sponsor and IRB within required timelines. Prepare for and attend monitoring visits and audits. Maintain study supplies, investigational product accountability and regulatory binders. Train new coordinators and student research assistants.

Required qualifications
Bachelor's degree in a health science, biology or a related field and two years of relevant research experience; or an equivalent combination of education and experience. Knowledge of federal regulations for human subjects research, including 21 CFR parts 50, 56 and 312.

Preferred qualifications
Certification as a Clinical Research Professional (SOCRA CCRP or ACRP CCRC). Experience with cardiovascular or device trials. Phlebotomy training. Experience with Epic.

Work environment
Most work takes place in the outpatient heart failure clinic and the research office on the third floor of the cardiovascular building, with some visits to inpatient units. Occasional early morning or late afternoon visits are needed to fit participants' schedules.

Piedmont University offers a benefits package that includes medical, dental and vision plans, retirement plans with employer contributions, tuition assistance for employees and their children, paid vacation and holidays, and access to campus recreation facilities. Salary is commensurate with experience and internal equity. Piedmont University is an Equal Opportunity Employer and values diversity in its workforce.""",
    # 13: union apprenticeship
    """Inside Wireman Apprentice - Electrical Apprenticeship Program, Class of 2029
Great Lakes Electrical Joint Apprenticeship and Training Committee (JATC)
Chicago, Illinois and surrounding counties
Starting wage: $24.10 per hour, rising with each year of the program to journeyman scale

What the program is
The JATC is a partnership between a local union of electrical workers and the contractors who employ them. Apprentices are paid employees of signatory contractors from the first day: you work on job sites during the day and attend classes in the evenings, and after five years and 8,000 hours of supervised work you graduate as a journeyman inside wireman with an associate degree's worth of college credit and no tuition debt.

The work
Apprentices install and maintain the electrical systems of commercial and industrial buildings: conduit and cable tray, power distribution, lighting and controls, fire alarm systems, and, more and more, solar arrays, battery storage and electric vehicle chargers. Job sites range from hospitals and data centers to schools, factories and high-rise offices. You will be assigned to contractors and sites across Cook, DuPage and Lake counties, so reliable transportation is required.

Minimum qualifications to apply
- At least 18 years old by the date of the interview
- High school diploma or GED, with one full year of high school algebra (or an equivalent college course) with a passing grade
- Pass the electrical industry aptitude test, which covers algebra, functions and reading comprehension
- Valid driver's license
- Able to pass a drug screen and perform the physical work of the trade, including climbing ladders and lifting 50 pounds

Pay and benefits
- Wages start at 50% of journeyman scale and rise by schedule as you complete each year of classes and hours, with current first-year pay at $24.10 an hour
- Family health insurance paid by the contractors through the fund from day one
- Two pension plans, paid for by employer contributions
- Books and tuition covered; you pay a modest annual fee for materials

How to apply
Applications are accepted online from January 6 through February 28 only. Bring your transcripts, a copy of your birth certificate, and your DD-214 if you are a veteran to the application session you select. Veterans, women and people from communities historically under-represented in the electrical trade are encouraged to apply. The JATC selects apprentices without discrimination based on race, color, religion, national origin, sex, sexual orientation, gender identity, genetic information, or age.""",
    # 14: product management, Toronto, CAD
    """Product Manager, Scheduling
Fernhollow Health Technologies - Toronto, ON (hybrid, King West office)
CAD $120,000 - $140,000 base salary, plus bonus and stock options

About Fernhollow
Fernhollow makes practice management software for physiotherapy, chiropractic and massage therapy clinics. About 4,200 clinics in Canada and the northern United States use us to book appointments, keep clinical notes, bill insurers and get paid. Our scheduling product handles roughly 1.1 million appointments a month.

The opportunity
Scheduling is where every clinic starts its day, and it is the product our customers talk about most, for good and for bad. We want it to fill cancelled slots automatically, let patients book and reschedule themselves without phoning the front desk, and help clinic owners see which practitioners are overbooked and which have room. As the Product Manager for Scheduling, you will own the strategy and roadmap for this area and lead a team of six engineers and one product designer.

In this role you will
- Spend time with clinic owners, front-desk staff and practitioners every week: visits, calls, and watching how they really use the product
- Turn what you learn into a clear problem statement and a roadmap, and explain the trade-offs to leadership
- Write concise specifications and work with engineering and design from discovery to launch
- Define success metrics for each release and follow up on whether we met them
- Coordinate launches with marketing, customer success and support, including help articles and in-app guides
- Work with the payments and insurance billing teams where their products meet scheduling

You might be a fit if you have
- Three to five years of product management experience in B2B software, ideally SaaS for small businesses
- A record of shipping products that users adopted, with numbers to show it
- Comfort with data: you can write basic SQL or use Amplitude or Looker without waiting for an analyst
- Clear writing and the habit of saying no to good ideas for better ones
- Experience in healthcare or with booking and calendar products is an advantage
- French is an asset, as about a fifth of our clinics are in Quebec

What we offer
- Base salary of CAD $120,000 to $140,000, a 10% annual bonus target and stock options
- Health, dental and vision benefits from day one, with a health spending account of $1,000
- RRSP matching up to 4%
- Three weeks of vacation, increasing with tenure, and the last week of December off
- Hybrid schedule with two anchor days in the office each week
- Free physiotherapy sessions at a partner clinic (we would be embarrassed otherwise)

Fernhollow welcomes applications from everyone and provides accommodations throughout the recruitment process on request.""",
    # 15: retail pharmacy, Indeed-style scrape on one line, hourly
    """Pharmacy Technician - Certified Maple Leaf Drug Co. Lincoln, NE 68510 $18.50 - $22.75 an hour - Full-time, Part-time Job details Salary $18.50 - $22.75 an hour Job Type Full-time Part-time Shift and Schedule Day shift Evening shift Every other weekend Benefits Pulled from the full job description Dental insurance Employee discount Flexible schedule Health insurance Paid time off Retirement plan Full Job Description Maple Leaf Drug Co. is an employee-owned chain of 23 neighborhood pharmacies in Nebraska and Iowa. Our Lincoln store on South 27th Street fills about 450 prescriptions a day and runs a busy immunization clinic from September to March. As a certified pharmacy technician you will work directly with our pharmacists to get patients the right medication quickly and explain what they need to know at the counter. What you will do: enter and verify prescription information and insurance in our dispensing software (PioneerRx); count, pour, label and package medications under the supervision of a pharmacist; resolve rejected insurance claims and prior authorizations by phone and portal; receive and put away the wholesaler order every morning and manage returns and outdated stock; answer phone calls from patients and prescribers and route clinical questions to the pharmacist; ring up sales and keep the waiting area and counter tidy; help run immunization clinics by preparing paperwork and consent forms. What we require: current Nebraska pharmacy technician registration and national certification (PTCB or NHA), or the ability to obtain certification within 6 months of hire; one year of retail or hospital pharmacy experience preferred; attention to detail and accuracy with numbers; friendly and patient manner with people who are often not feeling well; ability to stand for most of an 8 or 9 hour shift. Pay and benefits: $18.50 - $22.75 an hour based on experience and certification, plus a $1.00 an hour shift differential after 6 PM; employee stock ownership plan (ESOP) that grows every year you work here at no cost to you; medical, dental and vision insurance for employees working 30 or more hours; paid time off starting at 80 hours per year; 20% off store merchandise; paid certification renewal and continuing education. Maple Leaf Drug Co. is an equal opportunity employer. If you require an accommodation during the application process, let the store manager know. Hiring Insights Job activity Posted 6 days ago""",
    # 16: HVAC field service, a pay floor and a yearly figure
    """HVAC Service Technician (Residential and Light Commercial)
Cumberland Comfort Heating & Air - Knoxville, Tennessee
Full time, year round. Pay starts at $27 per hour for technicians with an EPA 608 Universal certification; top techs earn over $85,000 a year with overtime and spiffs.

Who we are
Cumberland Comfort has kept homes and small businesses in Knox, Blount and Anderson counties warm and cool for 34 years. We are 42 people: 18 service technicians, 9 installers, dispatchers, a parts room and an office that answers the phone with a real person. We are not owned by a private equity roll-up, and we do not pay commission on equipment sales to service techs, so you can tell customers the truth about their system.

What the job involves
Diagnose and repair heat pumps, gas furnaces, air conditioners, ductless mini-splits and rooftop units up to 25 tons. Perform seasonal maintenance on about 3,100 service agreement customers. Recover, evacuate and charge refrigerant systems, including R-410A and the new A2L refrigerants. Replace motors, capacitors, control boards, compressors and coils. Write clear service tickets on a tablet (ServiceTitan), with photos, so the customer and the office understand what you found. Take your turn on the after-hours rotation, about one week in six, with a guaranteed minimum of four hours pay for every night call.

What you need
At least two years of hands-on HVAC service experience, or graduation from an HVAC program plus one year in the field. EPA 608 certification (Universal preferred). A clean driving record for the last three years, as you will drive a company van home each day. Basic tools; we provide the meters, gauges, vacuum pumps and recovery machines. Comfort working in attics, crawl spaces and on roofs in every kind of Tennessee weather. NATE certification is a plus and earns a raise.

Pay and benefits
Hourly pay from $27, based on experience and certifications, with overtime after 40 hours; quarterly performance bonuses; company van, fuel card and phone; uniforms and boots allowance of $300 a year; health insurance with the company paying 80% for employees and 50% for families; 401(k) with a 4% match; paid holidays and one week of vacation in your first year, two weeks from your second; paid training at the manufacturer schools and NATE test fees covered.

We are a drug-free workplace and an equal opportunity employer. Apply online, or call the office and ask for Dale, our service manager.""",
    # 17: design, Sydney, AUD, fixed-term contract
    """Senior Graphic Designer - 12 month fixed-term contract
Saltbush & Co. Publishing | Surry Hills, Sydney NSW | Hybrid (3 days in studio)
AUD $105,000 - $115,000 + superannuation, pro rata

About us
Saltbush & Co. is an independent Australian publisher of cookbooks, gardening guides and illustrated non-fiction, with around 40 new titles a year and a backlist that has sold more than two million copies. Our small in-house design studio creates every cover and most interiors, along with the marketing materials that go to booksellers and festivals.

The role
We are looking for a senior designer to cover a parental leave in the studio for twelve months, working alongside our Art Director and one mid-weight designer. You will design covers and full illustrated interiors from brief to print-ready files, manage freelance illustrators and photographers on two or three books at a time, and keep our schedule with the printers in Melbourne and Shenzhen.

Key responsibilities
- Develop cover concepts with editors and the publishing director and take them through rounds of feedback to final artwork
- Set complex illustrated layouts in InDesign with grids, paragraph and object styles that editors can work with
- Art direct photo shoots for cookbooks, including prop and location choices, in collaboration with the food stylist
- Prepare files to printer specifications, check colour proofs and sign off wet proofs on press
- Design point-of-sale material, advertisements and social media assets for book launches
- Mentor the mid-weight designer and review their work

About you
- At least six years of experience in book, magazine or editorial design
- Expert in InDesign, Photoshop and Illustrator, with a solid understanding of print production, colour management and paper stocks
- A portfolio that shows strong typography and a range of styles
- Calm organisation: you can hold several books' deadlines in your head and say early when one is slipping
- Experience with illustrated non-fiction or cookbooks is highly regarded

What we offer
A friendly studio in a converted warehouse near Central Station, a generous book allowance, flexible start and finish times, and an extra week of leave between Christmas and New Year. Please note that applicants must have the right to work in Australia for the duration of the contract.

To apply, send your CV and a link to your portfolio (PDF under 10 MB is fine). Applications close on 30 March; we will be interviewing as applications arrive.""",
)

SHORT = POSTINGS[7]  # under 500 tokens: the router sends it to the thinking tier


def long_posting(tokens: int, start: int = 0) -> str:
    """`tokens` cl100k tokens of postings[start], postings[start + 1], ... (wrapping), each
    used at most once and cut at the token limit; ValueError when the postings together are
    too short to reach `tokens` without repeating one."""
    from router_svc.tokens import encoding

    enc = encoding()
    ids: list[int] = []
    for i in range(len(POSTINGS)):
        ids += enc.encode(POSTINGS[(start + i) % len(POSTINGS)] + "\n\n")
        if len(ids) >= tokens:
            return enc.decode(ids[:tokens])
    raise ValueError(f"the {len(POSTINGS)} postings hold {len(ids)} tokens, fewer than "
                     f"{tokens}: add postings rather than repeat one")


def bench_texts(data: Path, source: str, count: int, max_chars: int | None = None) -> list[str]:
    """`count` posting texts for a benchmark: the real `source` set ("emscad" or "indeed")
    when `data` holds it (`--data`, by default ../shared/evaldata beside the clone), else
    the postings above, repeated under a reference line of their own so that no two texts
    share a prefix the cache could serve. Says on stdout which it used."""
    from jobextract_tools.eval import datasets

    readers = {"emscad": lambda: datasets.emscad(data, 500),
               "indeed": lambda: datasets.indeed(data, "text")}
    try:
        texts = [p.text for p in readers[source]()]
    except FileNotFoundError:
        texts = []
    texts = [t for t in texts if max_chars is None or len(t) <= max_chars][:count]
    if texts:
        print(f"postings: {len(texts)} from the {source} set in {data}")
        return texts
    written = [t for t in POSTINGS if max_chars is None or len(t) <= max_chars]
    print(f"postings: the {len(written)} written in bench/postings.py, repeated to {count} "
          f"(the {source} set is not in {data}: give --data DIR for the real postings)")
    return [f"Reference BENCH-{i:04d}\n{written[i % len(written)]}" for i in range(count)]
