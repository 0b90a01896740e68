"""Invented people and texts for the demo practice. Every name and story here is
fictional and written for Alliance."""

from __future__ import annotations

CONSENT_V1 = """What therapy here involves
Sessions last 50 minutes, usually weekly. We agree goals together at the start and review them regularly. You can ask questions about the approach at any time, and you may stop therapy whenever you choose.

Confidentiality
What you say in sessions stays between you and your therapist. Your therapist discusses their work with a clinical supervisor to keep its quality high; supervisors are bound by the same confidentiality. Records are stored encrypted and every access to them is logged.

When confidentiality may be broken
If we believe you or someone else is at serious risk of harm, or if the law requires it, we may share information with the people who need it to keep you or others safe. Whenever we can, we will talk with you first.

Questionnaires
We ask you to complete short questionnaires so we can both see how things are changing. You can decline any question.

Cancellations
Please give 24 hours' notice if you cannot attend."""

CONSENT_V2 = (
    CONSENT_V1
    + """

Video sessions
Video sessions use an encrypted service. Please join from a private place; sessions are never recorded."""
)

# (given name, family name, preferred name, pronouns, referral source, reason)
CLIENTS = [
    (
        "Amara",
        "Osei",
        "",
        "she/her",
        "gp",
        "Low mood since redundancy; sleeping badly and withdrawing from friends.",
    ),
    (
        "Bartek",
        "Nowak",
        "Bart",
        "he/him",
        "self",
        "Panic attacks on public transport; has stopped travelling to work.",
    ),
    (
        "Carys",
        "Powell",
        "",
        "she/her",
        "gp",
        "Persistent worry about health and family; tension headaches.",
    ),
    (
        "Dev",
        "Malhotra",
        "",
        "he/him",
        "employer",
        "Stress and irritability after a promotion; drinking more in the evenings.",
    ),
    (
        "Elif",
        "Kaya",
        "",
        "she/her",
        "self",
        "Grief after her father's death last year; finding it hard to get going.",
    ),
    (
        "Finn",
        "Gallagher",
        "",
        "he/him",
        "education",
        "Social anxiety at university; avoiding seminars.",
    ),
    (
        "Grace",
        "Mensah",
        "",
        "she/her",
        "gp",
        "Postnatal low mood and intrusive worries about the baby's safety.",
    ),
    (
        "Hiro",
        "Tanaka",
        "",
        "he/him",
        "self",
        "Perfectionism and burnout; difficulty switching off from work.",
    ),
    (
        "Isla",
        "McLeod",
        "",
        "she/her",
        "psychiatry",
        "Recurrent depression; wants to build skills to stay well.",
    ),
    (
        "Jonah",
        "Abrams",
        "",
        "he/him",
        "family",
        "Anger in close relationships; arguments with his partner.",
    ),
    (
        "Kemi",
        "Adeyemi",
        "",
        "she/her",
        "gp",
        "Obsessional checking of doors and appliances, up to an hour a day.",
    ),
    (
        "Lior",
        "Ben-David",
        "",
        "they/them",
        "self",
        "Identity questions and low self-worth; feeling isolated.",
    ),
    (
        "Maya",
        "Fernandes",
        "",
        "she/her",
        "insurer",
        "Nightmares and hypervigilance after a road traffic collision.",
    ),
    (
        "Nikolai",
        "Petrov",
        "Nik",
        "he/him",
        "gp",
        "Low mood with chronic back pain; stopped doing things he enjoyed.",
    ),
    (
        "Olu",
        "Bankole",
        "",
        "he/him",
        "employer",
        "Work stress and sleep problems during a restructure.",
    ),
    (
        "Priya",
        "Raman",
        "",
        "she/her",
        "self",
        "Relationship patterns she wants to understand; keeps choosing unavailable partners.",
    ),
    (
        "Quinn",
        "O'Hara",
        "",
        "they/them",
        "education",
        "Exam anxiety and procrastination.",
    ),
    (
        "Rosa",
        "Delgado",
        "",
        "she/her",
        "gp",
        "Generalised anxiety; constant 'what if' thinking.",
    ),
    (
        "Sami",
        "Haddad",
        "",
        "he/him",
        "family",
        "Low confidence and difficulty saying no at work and at home.",
    ),
    (
        "Tess",
        "Whitaker",
        "",
        "she/her",
        "psychiatry",
        "Emotional swings and self-criticism; wants steadier coping.",
    ),
    (
        "Umar",
        "Siddiqui",
        "",
        "he/him",
        "gp",
        "Health anxiety after a cardiac scare; repeated checking of pulse.",
    ),
    (
        "Vera",
        "Lindqvist",
        "",
        "she/her",
        "self",
        "Loneliness after retirement and a house move.",
    ),
    (
        "Wes",
        "Cartwright",
        "",
        "he/him",
        "employer",
        "Burnout; exhausted, cynical about work.",
    ),
    (
        "Xin",
        "Zhou",
        "",
        "she/her",
        "self",
        "Conflict with parents about career choices; guilt and low mood.",
    ),
    ("Yusuf", "Demir", "", "he/him", "gp", "Insomnia and rumination."),
    (
        "Zara",
        "Khan",
        "",
        "she/her",
        "education",
        "Low mood and loss of motivation in her final year.",
    ),
    ("Aled", "Evans", "", "he/him", "gp", "Fear of driving after a near miss."),
    (
        "Bea",
        "Santos",
        "",
        "she/her",
        "self",
        "Body image worries and restrictive eating, medically stable.",
    ),
    (
        "Cal",
        "Murphy",
        "",
        "he/him",
        "family",
        "Gambling urges and debt-related stress.",
    ),
    (
        "Dina",
        "Levi",
        "",
        "she/her",
        "gp",
        "Adjustment after a diagnosis of diabetes; worry and low mood.",
    ),
]

# Progress note texts per structure: (section_1, section_2, section_3, section_4).
SOAP = [
    (
        "Reports a slightly better week; got out for two walks and saw a friend once. Still lying awake worrying on work nights.",
        "Engaged and reflective. Brighter in affect than last session; good eye contact.",
        "Activity is starting to lift mood; worry at night remains the main maintaining factor.",
        "Continue activity scheduling; introduce a worry period. Review sleep diary next week.",
    ),
    (
        "Says the week was hard: an argument at home left them feeling 'useless' for two days.",
        "Tearful at first, settled as we talked. Able to name the thought behind the feeling.",
        "A familiar self-critical pattern was triggered; they caught it sooner than before.",
        "Thought record for the next self-critical moment; bring it next week.",
    ),
    (
        "Managed the bus journey twice with the support of the breathing practice.",
        "Animated describing the success; some anticipatory anxiety about the next step.",
        "Exposure is going well; beliefs about fainting are weakening.",
        "Next step on the hierarchy: a longer journey alone, without the safety water bottle.",
    ),
]
DAP = [
    (
        "Client described continuing tension with a manager and two evenings of heavy drinking. Rated stress 7/10.",
        "Stress is being managed with alcohol; client recognises this and wants alternatives.",
        "Agreed to try a wind-down routine and to count drinks this week. Problem-solving on the manager conversation next time.",
    ),
    (
        "Explored the link between present relationship difficulties and early experiences of an unpredictable parent.",
        "Growing insight into an expectation of being let down, which shapes withdrawal in close relationships.",
        "Continue exploring how the pattern shows up here with me; notice moments of pulling away this week.",
    ),
]
BIRP = [
    (
        "Arrived on time, quieter than usual, said the checking had increased after a stressful week.",
        "Reviewed the exposure and response prevention plan; practised leaving the kitchen after one check, in session.",
        "Anxiety peaked at 70 and fell to 30 within 15 minutes; client surprised by how quickly it settled.",
        "Daily practice with the cooker and front door; log anxiety before, at peak and after.",
    ),
    (
        "Reported sleeping six hours most nights, up from four. Still ruminating in the early morning.",
        "Introduced scheduled worry time and a brief body-scan for early waking.",
        "Interested and hopeful; worried they would 'do it wrong', which we discussed as part of the pattern.",
        "Worry time at 6pm daily; body scan on waking. Review in a week.",
    ),
]
PROCESS_NOTES = [
    "I noticed an urge to reassure rather than stay with the hopelessness; worth taking to supervision.",
    "Felt sleepy in the second half; may be picking up on how flat and cut off the client feels.",
    "Strong pull to rescue. The client described their mother in words close to how they described me last week.",
]
RISK_NOTE = (
    "Client said that some evenings they wish they would not wake up. No plan or intent; "
    "protective factors: their children and their sister. Safety plan reviewed together; "
    "crisis numbers given; agreed to call if thoughts increase."
)

# Ages that fit each client's story, in the order of CLIENTS.
AGES = [
    41,
    34,
    52,
    38,
    45,
    20,
    31,
    36,
    48,
    33,
    29,
    26,
    39,
    57,
    44,
    32,
    19,
    43,
    35,
    27,
    61,
    67,
    47,
    24,
    50,
    21,
    55,
    23,
    37,
    58,
]
