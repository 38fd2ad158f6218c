"""Names for the national dataset: England's 42 integrated care boards, and the people,
practices and projects of an invented but plausible workforce."""

# The 42 ICBs of England (2022). More than 42 are numbered on.
ICB_NAMES = (
    "Bath and North East Somerset, Swindon and Wiltshire", "Bedfordshire, Luton and Milton Keynes",
    "Birmingham and Solihull", "Black Country", "Bristol, North Somerset and South Gloucestershire",
    "Buckinghamshire, Oxfordshire and Berkshire West", "Cambridgeshire and Peterborough",
    "Cheshire and Merseyside", "Cornwall and the Isles of Scilly", "Coventry and Warwickshire",
    "Derby and Derbyshire", "Devon", "Dorset", "Frimley", "Gloucestershire", "Greater Manchester",
    "Hampshire and Isle of Wight", "Herefordshire and Worcestershire",
    "Hertfordshire and West Essex", "Humber and North Yorkshire", "Kent and Medway",
    "Lancashire and South Cumbria", "Leicester, Leicestershire and Rutland", "Lincolnshire",
    "Mid and South Essex", "Norfolk and Waveney", "North Central London",
    "North East and North Cumbria", "North East London", "North West London", "Northamptonshire",
    "Nottingham and Nottinghamshire", "Shropshire, Telford and Wrekin", "Somerset",
    "South East London", "South West London", "South Yorkshire", "Staffordshire and Stoke-on-Trent",
    "Suffolk and North East Essex", "Surrey Heartlands", "Sussex", "West Yorkshire",
)

FIRST_NAMES = (
    "Aisha", "Alex", "Amelia", "Amir", "Anna", "Ben", "Charlotte", "Chen", "Chloe", "Daniel",
    "David", "Deepa", "Eleanor", "Emily", "Ethan", "Fatima", "Fiona", "George", "Grace", "Hannah",
    "Harry", "Imran", "Isla", "Jack", "James", "Jessica", "Joseph", "Kate", "Kwame", "Laura",
    "Leah", "Liam", "Lucy", "Mohammed", "Maya", "Megan", "Nadia", "Naomi", "Nathan", "Oliver",
    "Olivia", "Omar", "Priya", "Rachel", "Rhys", "Rosie", "Ruth", "Sam", "Sarah", "Sofia",
    "Sophie", "Thomas", "Tom", "Usha", "Victoria", "William", "Yusuf", "Zara", "Zoe", "Kofi",
)

SURNAMES = (
    "Adams", "Ahmed", "Ali", "Allen", "Anderson", "Baker", "Begum", "Bell", "Bennett", "Brown",
    "Campbell", "Chan", "Chapman", "Clarke", "Collins", "Cooper", "Davies", "Dixon", "Edwards",
    "Evans", "Fisher", "Fraser", "Green", "Griffiths", "Hall", "Harris", "Hughes", "Hussain",
    "Jackson", "James", "Jenkins", "Johnson", "Jones", "Kaur", "Khan", "King", "Kumar", "Lee",
    "Lewis", "Martin", "Mason", "Mitchell", "Moore", "Morgan", "Morris", "Murphy", "Nair",
    "Nguyen", "Okafor", "Owen", "Parker", "Patel", "Phillips", "Price", "Roberts", "Robinson",
    "Scott", "Shah", "Singh", "Smith", "Taylor", "Thomas", "Thompson", "Turner", "Walker",
    "Ward", "Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young", "Yusuf",
)

PRACTICE_WORDS = (
    "Abbey", "Beech", "Bridge", "Castle", "Church", "Elm", "Field", "Green", "Grove", "Harbour",
    "High Street", "Hill", "Lakeside", "Market", "Meadow", "Mill", "Oak", "Park", "Priory",
    "Riverside", "Station", "Valley", "Victoria", "Willow",
)
PRACTICE_KINDS = ("Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Group Practice")

# (title, the ICB priority it serves) for the trainees' projects.
PROJECT_IDEAS = (
    ("Frailty: avoidable admissions from care homes", "Care closer to home for frail older people"),
    ("Diabetes: structured education uptake", "Reducing variation in diabetes care"),
    ("Urgent care: NHS 111 dispositions to primary care", "An integrated urgent care service"),
    ("Antimicrobial prescribing in general practice", "Antimicrobial stewardship"),
    ("Social prescribing for people with long-term conditions", "Personalised care"),
    ("Hypertension case finding in community pharmacy", "Cardiovascular disease prevention"),
    ("Cancer: two-week-wait referral quality", "Earlier diagnosis of cancer"),
    ("Mental health: access to talking therapies", "Improving access to psychological therapies"),
    ("Respiratory: inhaler choice and carbon footprint", "A greener NHS"),
    ("Children's asthma: emergency admissions", "Children and young people's health"),
    ("Learning disability annual health checks", "Reducing health inequalities"),
    ("Discharge to assess: delays for people going home", "Flow through the urgent care system"),
)

REFLECTION_TITLES = (
    "Governing body meeting: how decisions are made", "Commissioning and a patient I saw",
    "Action learning set: leading without authority", "Reading the ICB's annual report",
    "Feedback from my CCG Supervisor on the project plan", "Data and variation between practices",
    "A difficult conversation with a provider", "What population health means in my practice",
)
