"""Intake assessments, goals, treatment plans and session records for the demo
practice, written through the intake and plans services as a clinician would.

Each demo client's referral reason picks a ``Story`` below (invented for
Alliance, like everything in the demo), so the intake, goals and plan read as
one person's care. A reason no story matches gets a plainer, generic story
built around the reason itself.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode
from alliance.intake.models import Intake, IntakeSection
from alliance.intake.services import complete_intake, save_section, start_intake
from alliance.measures.models import Administration
from alliance.notes.models import TherapySession
from alliance.plans.models import (
    LEVEL_FIELDS,
    Goal,
    TreatmentPlan,
    TreatmentPlanVersion,
    instrument_name,
)
from alliance.plans.services import (
    achieve_goal,
    acknowledge_plan_version,
    create_goal,
    create_plan,
    practice_today,
    review_plan,
    save_session_record,
)
from alliance.techniques.library import (
    HOMEWORK_TEMPLATES,
    Technique,
    all_techniques,
    get_technique,
)

P = Episode.Phase
K = IntakeSection.Key


@dataclass(frozen=True)
class GoalText:
    client_words: str
    statement: str
    # Descriptions for −2, −1, 0 (expected), +1 and +2.
    levels: tuple[str, str, str, str, str]


@dataclass(frozen=True)
class Story:
    match: str  # a phrase of the referral reason, lower case
    words: str  # presenting concerns, in the client's words
    hopes: str
    history: str
    family: str
    work: str
    strengths: str
    mental_status: str
    formulation: str
    # (description, ICD-10-CM code or "" for no code)
    diagnoses: tuple[tuple[str, str], ...]
    approach: str  # TreatmentPlanVersion.Approach
    problems: tuple[str, ...]  # technique library problem tags
    measure: str  # "phq9" or "gad7": the measure one goal is linked to
    measure_words: str  # that goal in the client's words
    goals: tuple[GoalText, GoalText]
    plan_problems: str
    reflections: tuple[str, ...]
    previous: str = ""  # empty: one of the ordinary answers below
    medical: str = ""
    substances: str = ""
    risk_history: str = "No history of self-harm, suicide attempts or harm to others."
    protective: str = ""
    # Library slugs the plan should start from, where ranking by problem would
    # miss the obvious choice; empty: chosen by approach and problem.
    techniques: tuple[str, ...] = ()


PREVIOUS = (
    "None. Saw the GP about this once; medication was offered and declined for now.",
    "Six sessions of guided self-help through NHS Talking Therapies some years "
    "ago; found the workbook useful and stopped when things eased.",
    "No previous psychological treatment.",
)
MEDICAL = (
    "Generally well. No regular medication. No known allergies.",
    "Asthma, well controlled with a preventer inhaler. No other medication. No "
    "known allergies.",
    "Well. No regular medication; allergic to penicillin.",
)
SUBSTANCES = (
    "Alcohol: 4–6 units a week, mostly at weekends. No drugs. Non-smoker.",
    "Drinks rarely. No drug use. Vapes now and then.",
    "Alcohol: a glass of wine two or three evenings a week. No drugs. Non-smoker.",
)
PROTECTIVE = (
    "Close family and friends; plans for the coming months; no thoughts of "
    "ending life. Knows how to reach crisis lines.",
    "Strong reasons for living named readily: people, pets and plans. Engaged "
    "and hopeful about therapy.",
)

# The goal linked to a measure: code, comparison, target, statement, the five
# level descriptions, and the lowest total of each level (highest level last).
MEASURE_GOALS: dict[str, dict[str, Any]] = {
    "phq9": {
        "measure_comparison": "below",
        "measure_target": 10,
        "statement": "Score below 10 on the PHQ-9 (taken every session) by the "
        "target date.",
        "levels": (
            "PHQ-9 of 15 or more.",
            "PHQ-9 from 10 to 14.",
            "PHQ-9 from 7 to 9: below 10, as planned.",
            "PHQ-9 of 5 or 6.",
            "PHQ-9 below 5, in the minimal range.",
        ),
        "floors": ((15, -2), (10, -1), (7, 0), (5, 1), (0, 2)),
    },
    "gad7": {
        "measure_comparison": "below",
        "measure_target": 8,
        "statement": "Score below 8 on the GAD-7 (taken every session) by the "
        "target date.",
        "levels": (
            "GAD-7 of 15 or more.",
            "GAD-7 from 8 to 14.",
            "GAD-7 of 6 or 7: below 8, as planned.",
            "GAD-7 of 4 or 5.",
            "GAD-7 below 4, in the minimal range.",
        ),
        "floors": ((15, -2), (8, -1), (6, 0), (4, 1), (0, 2)),
    },
}

STORIES: tuple[Story, ...] = (
    Story(
        match="redundancy",
        words="“Since I lost my job I don't see the point of getting up. I've "
        "stopped answering my friends' messages.”",
        hopes="A routine again; looking for work without dreading it; seeing "
        "friends and going back to choir.",
        history="Made redundant from a logistics coordinator post five months ago "
        "after eleven years. Mood dropped over the following weeks: low most days, "
        "waking at 4am, poor appetite, no interest in cooking or choir. No earlier "
        "episodes. Worse on weekday mornings and after job rejections; better when "
        "the younger sister visits.",
        family="Lives alone in a rented flat. Close to a younger sister nearby. "
        "An adult son abroad; speaks to him weekly but has not told him about "
        "the redundancy. Has withdrawn from church friends.",
        work="Out of work since the redundancy; the settlement lasts about four "
        "more months and money worries are growing. Stopped applying after two "
        "rejections.",
        strengths="Organised and conscientious; held a demanding job for eleven "
        "years. Warm bond with the sister. Faith matters; loves singing. Came to "
        "the assessment although leaving the house is hard.",
        mental_status="Neatly dressed. Slowed at first, warmer as we went on. "
        "Speech soft, normal rate. Mood “flat”; affect restricted, tearful about "
        "the last day at work. No abnormal perceptions. Self-critical thoughts "
        "(“I'm useless now”). Good insight.",
        formulation="Predisposing: a sense of worth tied to being useful. "
        "Precipitating: redundancy after eleven years. Perpetuating: withdrawal "
        "and inactivity, morning rumination, avoiding job searches after "
        "rejections, which confirms “I'm useless”. Protective: the sister, faith, "
        "a long record of competence. Behavioural activation first, then the "
        "self-critical thoughts.",
        diagnoses=(("Moderate depressive episode", "F32.1"),),
        approach="cbt",
        problems=("depression", "low_motivation", "avoidance"),
        measure="phq9",
        measure_words="“I want to stop feeling so heavy all the time.”",
        goals=(
            GoalText(
                "“I want to get out of the flat every day, not just when I have to.”",
                "Leave the flat for a planned activity on at least five days a week.",
                (
                    "Leaves the flat on one day a week or fewer.",
                    "Leaves the flat on two or three days a week.",
                    "Leaves the flat for a planned activity on five days a week.",
                    "Six days a week, one of them a social activity.",
                    "Every day, with two social activities in the week.",
                ),
            ),
            GoalText(
                "“I need to get back to looking for work.”",
                "Send at least two job applications a week.",
                (
                    "No applications in a fortnight.",
                    "One application a fortnight.",
                    "Two applications a week.",
                    "Two a week, plus a call to a former colleague about openings.",
                    "Two a week and at least one interview arranged.",
                ),
            ),
        ),
        plan_problems="Moderate depression after redundancy: withdrawal, early "
        "waking, loss of routine and self-criticism after job rejections.",
        reflections=(
            "“When I actually go out, the morning isn't as bad as I expect.”",
            "“I call myself useless before I've even tried.”",
            "“Choir was hard to walk into, but I was glad I went.”",
        ),
    ),
    Story(
        match="panic attacks",
        words="“My heart races, I can't breathe and I think I'm going to collapse "
        "on the train. Now I can't even get on one.”",
        hopes="To get back to commuting by train and stop planning every journey "
        "around a way out.",
        history="First panic attack eight months ago on a crowded Tube carriage "
        "during a hot spell; thought it was a heart attack and went to A&E (ECG "
        "normal). Attacks then came on buses and in queues. Has not used public "
        "transport for three months; a colleague drives him in. Attacks now about "
        "twice a week, mostly when anticipating travel.",
        family="Lives with his partner. Family in Poland; speaks to his mother "
        "most days. A small group of friends from five-a-side football, which he "
        "has stopped going to.",
        work="Quantity surveyor. Working from home three days a week by agreement "
        "with his manager, who is supportive but expects a return to the office.",
        strengths="Practical and methodical; keen on data, so likes keeping "
        "records. Supportive partner. Motivated: booked the referral himself.",
        mental_status="Casually dressed, restless, checked his pulse once. "
        "Speech normal. Mood “on edge”; affect anxious, brightened when talking "
        "about football. Catastrophic beliefs about collapsing, held firmly during "
        "attacks, less so now. No perceptual disturbance. Good insight.",
        formulation="Panic cycle: noticing a bodily sensation, misreading it as a "
        "sign of collapse, more anxiety and more sensations. Safety behaviours "
        "(sitting near doors, carrying water, avoiding travel) stop him learning "
        "that he does not collapse. Graded exposure and behavioural experiments, "
        "with breathing as a short-term support.",
        diagnoses=(("Panic disorder with agoraphobia", "F40.01"),),
        approach="cbt",
        techniques=(
            "graded-exposure",
            "behavioural-experiments",
            "cognitive-restructuring",
            "paced-breathing",
        ),
        problems=("panic", "avoidance", "anxiety"),
        measure="gad7",
        measure_words="“I want to stop being scared of my own heartbeat.”",
        goals=(
            GoalText(
                "“I want to get the train to work on my own again.”",
                "Travel to the office by train, alone, three days a week.",
                (
                    "No train journeys.",
                    "A short off-peak journey with someone.",
                    "Commutes alone by train three days a week.",
                    "Commutes alone at rush hour three days a week.",
                    "Commutes at rush hour and travels into town at weekends.",
                ),
            ),
            GoalText(
                "“I'd like to go back to football.”",
                "Play five-a-side with his friends at least twice a month.",
                (
                    "Not playing or watching.",
                    "Watches a game from the side.",
                    "Plays twice a month.",
                    "Plays every week.",
                    "Plays every week and travels to an away game.",
                ),
            ),
        ),
        plan_problems="Panic attacks with avoidance of public transport; "
        "catastrophic beliefs about collapsing; safety behaviours.",
        reflections=(
            "“The panic peaked and then went down on its own. I didn't do anything.”",
            "“Without the water bottle I was scared, but nothing happened.”",
            "“I'm starting to believe it's adrenaline, not my heart.”",
        ),
        medical="ECG and bloods normal at A&E and at the GP last spring. No "
        "regular medication.",
    ),
    Story(
        match="health and family",
        words="“My mind never stops: what if the children get ill, what if this "
        "headache is something serious, what if something happens to my mum.”",
        hopes="To worry less, sleep through, and enjoy time with the children "
        "without scanning for danger.",
        history="Describes herself as a worrier since school. Worse over two years, "
        "since her mother's stroke. Worries most of the day about health and "
        "family; daily tension headaches, tight shoulders, broken sleep. Seeks "
        "reassurance from her husband and searches symptoms online.",
        family="Married; two children, the younger still at home. Mother lives "
        "nearby and needs help since a stroke; a brother abroad helps little. A "
        "few close friends.",
        work="Part-time pharmacy dispenser. Copes at work but is drained by the "
        "evening; took two sick days last month with headaches.",
        strengths="Caring and reliable; keeps a busy household going. Husband "
        "supportive. Enjoys swimming when she makes time for it.",
        mental_status="Well presented; tense posture. Speech quick, at times "
        "pressured while listing worries. Mood “wound up”; affect anxious, "
        "reactive. Worry content as described; no obsessions. Good insight: "
        "“I know most of it won't happen.”",
        formulation="Long-standing tendency to worry, raised by the mother's "
        "stroke and new caring duties. Beliefs that worrying keeps the family "
        "safe, and that uncertainty is unbearable, keep it going, together with "
        "reassurance seeking and online checking. Worry postponement and "
        "challenging beliefs about worry; relaxation for the tension.",
        diagnoses=(("Generalised anxiety disorder", "F41.1"),),
        approach="cbt",
        problems=("worry", "anxiety", "stress", "sleep"),
        measure="gad7",
        measure_words="“I want my head to be quieter.”",
        goals=(
            GoalText(
                "“I want to stop asking my husband if things are OK all the time.”",
                "Ask for reassurance no more than once a day.",
                (
                    "Asks for reassurance ten times a day or more.",
                    "Four to nine times a day.",
                    "Once a day or less.",
                    "A few times a week.",
                    "Rarely; sits with doubts without asking.",
                ),
            ),
            GoalText(
                "“I'd like to go swimming again.”",
                "Swim once a week.",
                (
                    "No swimming in a month.",
                    "Swims once a month.",
                    "Swims weekly.",
                    "Swims weekly and one other activity for herself.",
                    "Swims twice a week and joins a class.",
                ),
            ),
        ),
        plan_problems="Generalised worry about health and family, reassurance "
        "seeking, tension headaches and broken sleep.",
        reflections=(
            "“Putting the worries off until six o'clock actually worked some days.”",
            "“Most of what I wrote down never happened.”",
            "“I can care about Mum without worrying every minute.”",
        ),
        medical="Tension-type headaches; GP has ruled out other causes. "
        "Paracetamol a few times a week.",
    ),
    Story(
        match="promotion",
        words="“Since the promotion I'm snapping at everyone, and I need three or "
        "four beers to come down at night.”",
        hopes="To handle the new job without it taking over; to cut down on "
        "drinking; to stop snapping at his family.",
        history="Promoted to team lead seven months ago; long hours, a difficult "
        "manager and a team he feels he has to prove himself to. Irritability and "
        "tension since; drinking has risen from weekends to most evenings. No "
        "earlier mental health difficulties.",
        family="Married with a daughter of four. His wife has raised concerns "
        "about his drinking and temper. Close to his parents; plays cricket in "
        "summer.",
        work="Team lead in a software company. Works until 8pm most days and "
        "checks email at night. Supportive occupational health referral.",
        strengths="Capable, well respected, responds well to structure and data. "
        "Loves his family and wants to be a calmer father. Engaged from the "
        "start.",
        mental_status="Smart work clothes, alert. Speech normal, a little clipped. "
        "Mood “stressed”; affect tense, softened when talking about his daughter. "
        "No perceptual disturbance. Good insight into the link between stress and "
        "drinking.",
        formulation="High standards and a wish to prove himself meet a demanding "
        "new role. Stress is relieved in the short term by alcohol, which worsens "
        "sleep, mood and irritability the next day. Problem-solving about "
        "workload, stress management and a drinks diary; alcohol reviewed each "
        "session.",
        diagnoses=(
            ("Adjustment disorder with anxiety, after a promotion", "F43.22"),
            ("Alcohol use disorder, mild", "F10.10"),
        ),
        approach="cbt",
        techniques=(
            "problem-solving",
            "cognitive-restructuring",
            "stress-management",
            "sleep-hygiene",
        ),
        problems=("stress", "anger", "sleep"),
        measure="phq9",
        measure_words="“I want to feel less on edge and more like myself.”",
        goals=(
            GoalText(
                "“I want to cut down on the drinking.”",
                "Drink no more than 14 units a week, with at least three "
                "alcohol-free days.",
                (
                    "More than 30 units a week, no alcohol-free days.",
                    "15 to 30 units a week.",
                    "14 units or fewer, with three alcohol-free days.",
                    "Under 10 units, with four alcohol-free days.",
                    "Under 10 units and has stopped drinking to unwind.",
                ),
            ),
            GoalText(
                "“I want to stop bringing work home.”",
                "Stop checking work email after 7pm on weekdays.",
                (
                    "Checks email every evening.",
                    "Checks on three or four evenings.",
                    "No checking after 7pm on weekdays.",
                    "No checking after 7pm, and leaves by 6pm twice a week.",
                    "No evening checking and a protected family evening weekly.",
                ),
            ),
        ),
        plan_problems="Work stress and irritability after a promotion; drinking "
        "to unwind most evenings; poor sleep.",
        reflections=(
            "“Counting the drinks was a shock. I didn't realise it was that many.”",
            "“When I go for a run instead of a beer I sleep better.”",
            "“My daughter noticed I'm laughing more.”",
        ),
        substances="Alcohol: about 30 units a week, three to four beers most "
        "evenings. No drugs. Non-smoker. AUDIT-C 8.",
        protective="Wife and daughter; wants to be a good father; job he values. "
        "No thoughts of self-harm.",
    ),
    Story(
        match="father's death",
        words="“It's been a year and I still can't believe Dad's gone. I can't "
        "make myself do anything.”",
        hopes="To be able to think about her father without falling apart, and to "
        "get back to her life.",
        history="Father died suddenly of a heart attack fourteen months ago. She "
        "found him. Since then: yearning, disbelief, avoiding his house and "
        "photographs, low energy, withdrawing from friends. Some days are better, "
        "but anniversaries and his birthday brought it back strongly.",
        family="Lives with a flatmate. Mother widowed and lonely; they support "
        "each other but avoid talking about him. A brother who copes by keeping "
        "busy. Muslim; faith is a comfort and a source of guilt at times.",
        work="Graphic designer, freelance. Work has dropped off because she "
        "cannot face pitching for jobs.",
        strengths="Creative; used to draw daily. Close to her mother and "
        "flatmate. Faith community. Open about her feelings in the room.",
        mental_status="Casually dressed. Good rapport. Speech normal. Mood "
        "“numb”; tearful when speaking of her father, settled quickly. Yearning "
        "and guilt (“I should have noticed he was ill”). No perceptual "
        "disturbance. Good insight.",
        formulation="A sudden, traumatic loss, with guilt about not having seen "
        "it coming. Avoidance of reminders and of grieving with her mother keeps "
        "the loss unprocessed; withdrawal and inactivity deepen low mood. Work on "
        "the relationship with her father and the guilt, alongside steps back "
        "into activity.",
        diagnoses=(("Prolonged grief disorder (provisional)", "F43.81"),),
        approach="integrative",
        problems=("grief", "depression", "low_motivation"),
        measure="phq9",
        measure_words="“I want to feel alive again, not just get through the day.”",
        goals=(
            GoalText(
                "“I'd like to be able to go to Dad's house.”",
                "Visit her father's house and spend an hour there with her mother.",
                (
                    "Has not been to the house.",
                    "Drives past the house.",
                    "Spends an hour there with her mother.",
                    "Visits and looks through photographs together.",
                    "Visits and helps her mother sort his belongings.",
                ),
            ),
            GoalText(
                "“I want to get back to drawing.”",
                "Draw for pleasure three times a week.",
                (
                    "No drawing.",
                    "Draws once a week.",
                    "Draws three times a week.",
                    "Draws most days.",
                    "Draws most days and has pitched for a new job.",
                ),
            ),
        ),
        plan_problems="Prolonged grief after her father's sudden death: "
        "avoidance of reminders, guilt, withdrawal and low motivation.",
        reflections=(
            "“Talking about him here doesn't break me the way I thought it would.”",
            "“I miss him and I can still have a good day.”",
            "“Mum and I looked at photos and we laughed.”",
        ),
    ),
    Story(
        match="social anxiety",
        words="“In seminars I go red and my mind goes blank. I'm sure everyone "
        "thinks I'm stupid, so I've stopped going.”",
        hopes="To go to seminars and say something; to make a few friends on his "
        "course.",
        history="Shy as a child; worse after moving away to university last year. "
        "Avoids seminars, the canteen and group work; attended two of ten "
        "seminars this term. Goes over conversations for hours afterwards.",
        family="Lives in a shared house near the campus. Close to his sister; "
        "two old friends he games with online.",
        work="Second-year history student. Warned about attendance; coursework "
        "marks are good.",
        strengths="Thoughtful and well read; writes well. Loyal friend online. "
        "Came despite his anxiety about meeting someone new.",
        mental_status="Casually dressed, little eye contact at first, more later. "
        "Speech quiet, fluent. Mood “anxious”; affect anxious, blushed when "
        "discussing seminars. Fears of negative evaluation. Good insight.",
        formulation="A shy temperament and a move away from home. Self-focused "
        "attention, a negative picture of how he comes across and safety "
        "behaviours (rehearsing, staying silent, avoiding eye contact) keep the "
        "anxiety going, and avoidance prevents disconfirmation. Behavioural "
        "experiments dropping safety behaviours, and graded exposure.",
        diagnoses=(("Social anxiety disorder", "F40.10"),),
        approach="cbt",
        problems=("social_anxiety", "avoidance", "anxiety"),
        measure="gad7",
        measure_words="“I want to feel less scared around people.”",
        goals=(
            GoalText(
                "“I want to actually go to my seminars.”",
                "Attend every seminar for four weeks in a row.",
                (
                    "Attends no seminars.",
                    "Attends half of them.",
                    "Attends all seminars for four weeks.",
                    "Attends all and makes one comment a week.",
                    "Attends all and leads a group presentation.",
                ),
            ),
            GoalText(
                "“I'd like to have someone to get lunch with.”",
                "Eat lunch with a course mate once a week.",
                (
                    "Eats alone in his room.",
                    "Eats in the canteen alone.",
                    "Lunch with a course mate weekly.",
                    "Lunch with course mates twice a week.",
                    "Joins a society and meets people outside the course.",
                ),
            ),
        ),
        plan_problems="Social anxiety with avoidance of seminars and social "
        "situations at university; post-event rumination.",
        reflections=(
            "“I said one thing in the seminar and nobody laughed.”",
            "“When I looked at people instead of at myself, I felt less red.”",
            "“The replay afterwards is worse than the thing itself.”",
        ),
    ),
    Story(
        match="postnatal",
        words="“I love her, but I'm terrified something will happen to her. I "
        "check her breathing all night and I feel so low.”",
        hopes="To enjoy her daughter and trust herself as a mother; to sleep when "
        "the baby sleeps.",
        history="Baby born five months ago after a long labour. Low mood from "
        "about six weeks postnatally; tearful, guilty, tired beyond the baby's "
        "waking. Unwanted images of the baby being hurt in an accident, with "
        "checking and avoiding bathing her alone. The images horrify her; no "
        "wish or intent to harm.",
        family="Lives with her husband, who is supportive but back at work. Her "
        "mother visits weekly; in-laws abroad. Attends a baby group irregularly.",
        work="On maternity leave from a nursing post; due back in seven months.",
        strengths="Loving and attentive mother; nursing background. Supportive "
        "husband and mother. Sought help early through her health visitor.",
        mental_status="Tired, casually dressed; baby with her, well cared for and "
        "responsive. Speech normal. Mood “low and scared”; tearful. Intrusive "
        "images as described, experienced as alien to her; no psychotic features. "
        "Good insight.",
        formulation="Postnatal depression after a difficult birth, with sleep "
        "loss and high responsibility. Intrusive images of harm are read as "
        "meaning she is dangerous or careless, leading to checking and "
        "avoidance, which keep the doubt alive. Normalising intrusive thoughts, "
        "reducing checking, and activity and rest planning.",
        diagnoses=(
            ("Postpartum depression", "F53.0"),
            ("Intrusive harm-related thoughts; perinatal OCD to be ruled out", ""),
        ),
        approach="cbt",
        problems=("depression", "ocd", "anxiety"),
        measure="phq9",
        measure_words="“I want to feel like me again, not just a worried mum.”",
        goals=(
            GoalText(
                "“I want to stop checking her all night.”",
                "Check on the baby no more than twice a night.",
                (
                    "Checks ten times a night or more.",
                    "Checks five to nine times a night.",
                    "Checks twice a night or less.",
                    "Checks once and goes back to sleep.",
                    "Sleeps through her own sleep times without checking.",
                ),
            ),
            GoalText(
                "“I want to bath her on my own.”",
                "Bath the baby alone three times a week.",
                (
                    "Never bathes her alone.",
                    "Bathes her alone once a week.",
                    "Bathes her alone three times a week.",
                    "Bathes her alone most days.",
                    "Bathes her alone most days and enjoys it.",
                ),
            ),
        ),
        plan_problems="Postnatal depression with intrusive images of harm to the "
        "baby, night-time checking and avoidance of caring for her alone.",
        reflections=(
            "“Knowing other mums get these thoughts made me feel less of a monster.”",
            "“I checked less and she was fine. I was fine.”",
            "“I went to the baby group and talked to someone.”",
        ),
        medical="Postnatal check normal. Iron supplement. Discussed with GP; "
        "prefers therapy to antidepressants while breastfeeding, to be reviewed.",
        risk_history="No self-harm or suicide attempts. Intrusive images of harm "
        "coming to the baby are unwanted and distressing; no intent or wish to "
        "harm. Health visitor aware.",
        protective="Her daughter and husband; close mother; nursing values; "
        "engaged with health visitor and GP.",
    ),
    Story(
        match="perfectionism",
        words="“Nothing I do is ever good enough, so I keep going over it. I'm "
        "exhausted and I can't switch off.”",
        hopes="To do a good job without checking it five times, and to have "
        "evenings and weekends back.",
        history="Always high-achieving; top of his class, praised for results. "
        "Since joining a consultancy: long hours, rewriting reports late at "
        "night, dread before reviews. Exhaustion, headaches and "
        "poor sleep for six months; a week off sick in the spring.",
        family="Lives with his partner, who worries about him. Parents had high "
        "expectations; he speaks to them monthly. Few friends now; used to climb.",
        work="Consultant. Works 60-hour weeks; his manager praises his "
        "work and hands him more.",
        strengths="Intelligent, reflective, committed. Supportive partner. Wants "
        "to change and says so plainly.",
        mental_status="Well dressed, tired. Speech precise. Mood “drained”; "
        "affect constricted, wry humour. Rigid rules (“if it's not perfect, it's "
        "a failure”). No perceptual disturbance. Good insight.",
        formulation="Self-worth built on achievement from childhood. Perfectionist "
        "rules drive overwork and checking, which bring praise and more work, and "
        "never test whether “good enough” is safe. Exhaustion and loss of "
        "hobbies remove what used to restore him. Challenge the rules with "
        "behavioural experiments; rebuild rest.",
        diagnoses=(("Burn-out, with perfectionism", "Z73.0"),),
        approach="cbt",
        techniques=(
            "cognitive-restructuring",
            "behavioural-experiments",
            "activity-scheduling",
            "stress-management",
        ),
        problems=("stress", "self_esteem", "worry"),
        measure="phq9",
        measure_words="“I want to stop feeling so worn out.”",
        goals=(
            GoalText(
                "“I want to send things without rereading them a hundred times.”",
                "Send routine documents after one read-through.",
                (
                    "Rereads everything four times or more.",
                    "Rereads routine work two or three times.",
                    "Sends routine documents after one read-through.",
                    "One read-through for most work, including reports.",
                    "One read-through and asks for feedback rather than checking.",
                ),
            ),
            GoalText(
                "“I'd like my weekends back.”",
                "No work at weekends, three weekends out of four.",
                (
                    "Works every weekend.",
                    "One free weekend a month.",
                    "Three free weekends out of four.",
                    "Every weekend free.",
                    "Every weekend free and climbing again.",
                ),
            ),
        ),
        plan_problems="Perfectionism and overwork leading to burn-out: checking, "
        "long hours, poor sleep and loss of rest and hobbies.",
        reflections=(
            "“I sent the report after one read. My manager didn't notice any "
            "difference.”",
            "“Good enough is a decision, not a failure.”",
            "“Climbing on Saturday was the first time I switched off in months.”",
        ),
    ),
    Story(
        match="recurrent depression",
        words="“I've been depressed three times. I'm better now, but I'm scared "
        "of it coming back.”",
        hopes="Skills to notice the early signs and stay well.",
        history="Three episodes of depression since her twenties, the last "
        "eighteen months ago, treated with medication and a psychiatric "
        "outpatient review. Now in partial remission: mood mostly steady, some "
        "low days and poor concentration. Early signs in the past: withdrawing, "
        "sleeping late, harsh self-talk.",
        family="Lives with her wife. Close to a cousin; a brother supportive at "
        "a distance. A walking group she enjoys.",
        work="Librarian, part-time since the last episode; hoping to increase hours.",
        strengths="Knows herself well; keeps a mood diary already. Supportive "
        "wife. Structured routines when well.",
        mental_status="Well presented, good rapport. Speech normal. Mood “OK, "
        "wary”; affect reactive, full range. No depressive cognitions at "
        "present beyond fear of relapse. No perceptual disturbance. Good insight.",
        formulation="Recurrent depression with a vulnerability to rumination and "
        "self-criticism when stressed. Early warning signs are known but "
        "responses to them are not yet planned. Relapse-prevention work: "
        "activity balance, spotting thinking traps, a written staying-well plan.",
        diagnoses=(
            (
                "Major depressive disorder, recurrent, in partial remission",
                "F33.41",
            ),
        ),
        approach="cbt",
        problems=("depression", "self_esteem"),
        measure="phq9",
        measure_words="“I want to stay out of the hole.”",
        goals=(
            GoalText(
                "“I want a plan for when the signs come back.”",
                "Write a staying-well plan and share it with her wife.",
                (
                    "No plan.",
                    "Has listed early warning signs.",
                    "Written plan, shared with her wife.",
                    "Plan used once when a sign appeared.",
                    "Plan used and reviewed with her psychiatrist.",
                ),
            ),
            GoalText(
                "“I'd like to go back up to four days at work.”",
                "Increase work to four days a week without a dip in mood.",
                (
                    "Reduced hours further.",
                    "Stays at three days.",
                    "Works four days a week with mood steady.",
                    "Four days and takes on a project she enjoys.",
                    "Four days, the project, and keeps the walking group going.",
                ),
            ),
        ),
        plan_problems="Recurrent depression in partial remission; relapse "
        "prevention, residual low days and poor concentration.",
        reflections=(
            "“When I notice myself cancelling things, that's my first sign.”",
            "“The harsh voice is a habit, not the truth.”",
            "“I feel more in charge of my mood than I used to.”",
        ),
        previous="CBT through NHS Talking Therapies eight years ago (helpful); "
        "psychiatric outpatient care during the last episode.",
        medical="Sertraline 100 mg daily, prescribed by her psychiatrist; no "
        "recent changes. Hypothyroidism, on levothyroxine.",
        risk_history="Passive thoughts of death during the last episode; no "
        "self-harm or suicide attempts. None now.",
        protective="Her wife; knowledge of her own early signs; engaged with "
        "psychiatry; strong wish to stay well.",
    ),
    Story(
        match="anger",
        words="“I lose it over small things with my partner. Afterwards I feel "
        "terrible, but in the moment I can't stop.”",
        hopes="To argue without shouting and to stop saying things he regrets.",
        history="Arguments with his partner have increased over a year, often "
        "over chores and money; he raises his voice and leaves the house. No "
        "physical violence, confirmed separately by his partner with his "
        "consent. Grew up with a father who shouted.",
        family="Lives with his partner of six years; no children together. "
        "Close to his younger brother.",
        work="Electrician, self-employed; long days and irregular payments add "
        "pressure.",
        strengths="Committed to the relationship; sought help himself. Calm with "
        "customers; good sense of humour. Runs to let off steam.",
        mental_status="Work clothes, relaxed posture. Speech normal. Mood "
        "“frustrated with myself”; affect appropriate. Shame about outbursts. "
        "No thoughts of harming others. Good insight.",
        formulation="Learned early that anger is expressed by shouting. Under "
        "money and work strain, small disagreements are read as criticism, and "
        "anger escalates fast; leaving the house ends the row but nothing is "
        "resolved. Recognising early signs, time-out done well, and "
        "communication skills, with some attention to the pattern from his "
        "family.",
        diagnoses=(("Relationship distress with partner", "Z63.0"),),
        approach="integrative",
        problems=("anger", "relationships", "stress"),
        measure="phq9",
        measure_words="“I want to feel calmer in myself.”",
        goals=(
            GoalText(
                "“I want to stop shouting.”",
                "No shouting in disagreements for four weeks running.",
                (
                    "Shouts in most disagreements.",
                    "Shouts once a week.",
                    "No shouting for four weeks.",
                    "No shouting for eight weeks.",
                    "No shouting and disagreements resolved the same day.",
                ),
            ),
            GoalText(
                "“I want us to be able to talk about money.”",
                "Hold a weekly money talk with his partner that ends calmly.",
                (
                    "Avoids the subject.",
                    "Talks about money but it ends in a row.",
                    "Weekly talk that ends calmly.",
                    "Weekly talk and a shared budget agreed.",
                    "Shared budget kept to for a month.",
                ),
            ),
        ),
        plan_problems="Anger in close relationships: escalating arguments with "
        "his partner, shouting and walking out, under work and money strain.",
        reflections=(
            "“I felt my jaw go tight and I took a break before I shouted.”",
            "“It's my dad's voice coming out of me.”",
            "“We talked about money and it was fine.”",
        ),
        risk_history="No history of self-harm. No physical violence; partner's "
        "account agrees. No current thoughts of harming others.",
    ),
    Story(
        match="obsessional checking",
        words="“I check the doors and the cooker again and again. If I don't, I "
        "think the house will burn down and it'll be my fault.”",
        hopes="To leave the house in five minutes and stop being late for work.",
        history="Checking began in her late teens and was manageable until a "
        "kitchen fire at a neighbour's flat two years ago. Now checks doors, "
        "windows, the cooker and plugs for up to an hour a day, with counting "
        "and photographing the hob. Late for work several times a month.",
        family="Lives with her partner, who has been drawn into checking for her. "
        "Parents and two sisters nearby; a supportive family.",
        work="Administrator at a housing association. Her manager has raised lateness.",
        strengths="Conscientious, warm, good humour about her rituals. "
        "Supportive partner willing to stop checking for her. Motivated.",
        mental_status="Well presented. Speech normal. Mood “frazzled”; affect "
        "anxious about the house during the session. Obsessional doubts and "
        "inflated responsibility as described; no psychotic features. Good "
        "insight.",
        formulation="Intrusive doubts about fire are read as signs of danger "
        "that she alone is responsible for. Checking, photographing and asking "
        "her partner bring short relief and keep the doubt alive. Exposure and "
        "response prevention, with work on responsibility beliefs and on her "
        "partner's part in reassurance.",
        diagnoses=(
            (
                "Obsessive-compulsive disorder, mixed obsessional thoughts and acts",
                "F42.2",
            ),
        ),
        approach="cbt",
        techniques=(
            "graded-exposure",
            "behavioural-experiments",
            "cognitive-restructuring",
        ),
        problems=("ocd", "anxiety", "avoidance"),
        measure="gad7",
        measure_words="“I want to stop feeling on edge every time I leave the house.”",
        goals=(
            GoalText(
                "“I want to leave the house in five minutes.”",
                "Leave the house within five minutes, checking the cooker once.",
                (
                    "Takes 30 minutes or more to leave.",
                    "Takes 10 to 30 minutes.",
                    "Leaves in five minutes after one check.",
                    "Leaves in five minutes with no photographs.",
                    "Leaves without checking and manages the doubt.",
                ),
            ),
            GoalText(
                "“I don't want my partner doing my checking.”",
                "Her partner does no checking for her.",
                (
                    "Partner checks daily.",
                    "Partner checks a few times a week.",
                    "Partner does no checking.",
                    "No checking and no asking for reassurance.",
                    "Neither checks and they can joke about it.",
                ),
            ),
        ),
        plan_problems="Obsessional doubts about fire with checking for up to an "
        "hour a day; reassurance from her partner; lateness at work.",
        reflections=(
            "“The anxiety went down after twenty minutes without me doing anything.”",
            "“The photo never made me feel sure anyway.”",
            "“I'm responsible for being careful, not for every possible fire.”",
        ),
    ),
    Story(
        match="self-worth",
        words="“I don't feel I fit anywhere, and I'm not sure who I am. Most days "
        "I feel like I'm not worth much.”",
        hopes="To feel more at ease with themself and to find people they belong with.",
        history="Low self-worth since secondary school, where they were bullied. "
        "Questioning their gender identity over the last two years; has come out "
        "as non-binary to a few friends. Feels isolated since moving to the city "
        "for work a year ago.",
        family="Lives alone. Parents supportive but do not understand their "
        "identity; an older brother is warmer. Old friends are in their home town.",
        work="Data analyst. Good at the work; quiet in the team.",
        strengths="Thoughtful, creative, writes poetry. Two close friends from "
        "home. Brave in coming to therapy and naming what matters.",
        mental_status="Casually dressed. Cautious at first, then open. Speech "
        "normal. Mood “lonely”; affect low, brightened talking about writing. "
        "Self-critical thoughts. No perceptual disturbance. Good insight.",
        formulation="Early bullying left a belief of being different and not "
        "good enough. Questions of identity, a move away from friends and "
        "social withdrawal reinforce it. An affirming relationship in therapy, "
        "self-compassion, and steps towards community.",
        diagnoses=(
            ("No diagnosis made: low self-worth and isolation are the focus", ""),
        ),
        approach="integrative",
        problems=("self_esteem", "relationships", "depression"),
        measure="phq9",
        measure_words="“I want to not feel so low about myself.”",
        goals=(
            GoalText(
                "“I want to find people like me.”",
                "Go to an LGBTQ+ community group twice a month.",
                (
                    "Goes to no groups.",
                    "Has found a group and plans to go.",
                    "Goes twice a month.",
                    "Goes weekly and knows people by name.",
                    "Goes weekly and has met someone outside the group.",
                ),
            ),
            GoalText(
                "“I want to be kinder to myself.”",
                "Notice and answer self-criticism with a kinder reply most days.",
                (
                    "No kinder reply.",
                    "Kinder reply once or twice a week.",
                    "Kinder reply most days.",
                    "Kinder reply daily, and feels some of it.",
                    "Self-criticism rarer and less believed.",
                ),
            ),
        ),
        plan_problems="Low self-worth rooted in early bullying; isolation after a "
        "move; questions of identity they want space to explore.",
        reflections=(
            "“I didn't have to explain myself at the group. That was new.”",
            "“I'd never talk to a friend the way I talk to me.”",
            "“I feel more like a person and less like a problem.”",
        ),
    ),
    Story(
        match="road traffic",
        words="“I keep seeing the car coming at me. I wake up sweating and I jump "
        "at every horn.”",
        hopes="To sleep through without nightmares and to drive again.",
        history="A car went through a red light and hit the driver's side of her "
        "car nine months ago; she was trapped for twenty minutes. Fractured "
        "wrist, now healed. Since then: nightmares four nights a week, "
        "flashbacks, avoiding driving and the junction, startle, irritability.",
        family="Lives with her husband and teenage son. Her sister drove her to "
        "appointments at first. Close friends, seen less since the accident.",
        work="Community pharmacist, back at work part-time; gets a lift in.",
        strengths="Determined and practical. Supportive husband and sister. "
        "Recovered well physically. Clear about what she wants.",
        mental_status="Well presented, hypervigilant: startled at a door "
        "closing. Speech normal. Mood “jumpy and tired”; affect anxious, "
        "distressed when recalling the crash. Intrusive memories. No psychotic "
        "features. Good insight.",
        formulation="A life-threatening collision laid down a poorly processed "
        "memory that intrudes as flashbacks and nightmares. Avoidance of "
        "reminders and thought suppression prevent processing; hypervigilance "
        "keeps the sense of current threat. Trauma-focused CBT: reliving, "
        "updating the memory, reclaiming driving by degrees.",
        diagnoses=(("Post-traumatic stress disorder", "F43.10"),),
        approach="cbt",
        techniques=(
            "graded-exposure",
            "cognitive-restructuring",
            "behavioural-experiments",
            "grounding",
        ),
        problems=("trauma", "avoidance", "anxiety"),
        measure="gad7",
        measure_words="“I want to stop feeling like it's about to happen again.”",
        goals=(
            GoalText(
                "“I want to drive to work myself.”",
                "Drive herself to work three days a week.",
                (
                    "Does not drive.",
                    "Sits in the car or drives round the block.",
                    "Drives to work three days a week.",
                    "Drives to work daily.",
                    "Drives to work daily and through the junction.",
                ),
            ),
            GoalText(
                "“I want to sleep without nightmares.”",
                "Nightmares on no more than one night a week.",
                (
                    "Nightmares four or more nights a week.",
                    "Two or three nights a week.",
                    "One night a week or fewer.",
                    "A nightmare once a fortnight.",
                    "No nightmares for a month.",
                ),
            ),
        ),
        plan_problems="Post-traumatic stress after a road traffic collision: "
        "flashbacks, nightmares, avoidance of driving, hypervigilance.",
        reflections=(
            "“Going through it slowly here, I saw that it's over. I survived it.”",
            "“The nightmare was the same but I woke up and knew where I was.”",
            "“I drove to the shop. My hands were shaking but I did it.”",
        ),
        medical="Right wrist fracture after the collision, healed. No regular "
        "medication.",
    ),
    Story(
        match="back pain",
        words="“The pain has taken everything: work, the allotment, the pub with "
        "my mates. I just sit in the chair.”",
        hopes="To do more despite the pain, and to feel less useless.",
        history="Chronic low back pain for four years after a lifting injury. "
        "Mood dropped over the past year as he gave up the allotment and "
        "stopped seeing friends. Low most days; poor sleep; irritable. Pain "
        "clinic input last year.",
        family="Married; a young daughter. His wife works full time and worries "
        "about him.",
        work="Warehouse supervisor, off sick for most of the past year.",
        strengths="Practical, good with his hands; dry humour. A loyal wife; a "
        "daughter he dotes on. Open to pacing ideas.",
        mental_status="Moves stiffly; shifted position often. Speech slow. "
        "Mood “fed up”; affect flat, brighter about his daughter. "
        "Hopelessness about the pain. No perceptual disturbance. Good insight.",
        formulation="Chronic pain led to a boom-and-bust pattern and then to "
        "giving up activities, which lowered mood and fitness, making pain "
        "harder to bear. Thoughts that he is useless deepen withdrawal. Paced "
        "activity scheduling and work on unhelpful thoughts about pain.",
        diagnoses=(
            ("Moderate depressive episode", "F32.1"),
            ("Chronic low back pain", "G89.29"),
        ),
        approach="cbt",
        problems=("depression", "low_motivation", "stress"),
        measure="phq9",
        measure_words="“I want to stop feeling like I'm on the scrapheap.”",
        goals=(
            GoalText(
                "“I want to get back to the allotment.”",
                "Work on the allotment for 30 minutes, paced, twice a week.",
                (
                    "Does not go.",
                    "Visits but does no work.",
                    "30 paced minutes twice a week.",
                    "30 minutes three times a week.",
                    "Three times a week and grows something to harvest.",
                ),
            ),
            GoalText(
                "“I'd like to see my mates again.”",
                "Meet his friends once a fortnight.",
                (
                    "No contact with friends.",
                    "Phone or message contact only.",
                    "Meets friends once a fortnight.",
                    "Meets friends weekly.",
                    "Meets weekly and has joined the darts team again.",
                ),
            ),
        ),
        plan_problems="Depression with chronic back pain: withdrawal from "
        "valued activities, boom-and-bust activity, hopelessness.",
        reflections=(
            "“Little and often works better than one big push.”",
            "“The pain was there at the allotment, but so was I.”",
            "“My mates were glad to see me. I thought they'd forgotten me.”",
        ),
        medical="Chronic low back pain; naproxen and amitriptyline 10 mg at "
        "night from the GP. Pain clinic discharged him with a pacing booklet.",
    ),
    Story(
        match="restructure",
        words="“Every night I lie awake thinking about whether I'll still have a "
        "job. I'm running on four hours' sleep.”",
        hopes="To sleep six hours or more and to get through the restructure "
        "without falling apart.",
        history="Company announced a restructure three months ago; his team faces "
        "cuts. Since then: difficulty falling asleep, waking at 3am, tension, "
        "irritability, reliance on coffee. No earlier sleep problems.",
        family="Lives with his partner, who is supportive; he tries not to worry "
        "her. Active in his church.",
        work="Works in the finance team. The restructure outcome is due in two months; long "
        "hours preparing for it.",
        strengths="Calm under pressure usually; organised. Strong faith and "
        "family. Keen to learn practical skills.",
        mental_status="Smartly dressed, tired. Speech normal. Mood “worried”; "
        "affect anxious. Worry about work and money. No perceptual disturbance. "
        "Good insight.",
        formulation="An uncertain threat at work triggers worry at bedtime; "
        "lying awake trying to solve it, clock-watching and coffee during the "
        "day maintain poor sleep. Sleep hygiene and stimulus control, worry "
        "time, and problem-solving what can be solved.",
        diagnoses=(("Adjustment insomnia", "F51.02"),),
        approach="cbt",
        techniques=(
            "sleep-hygiene",
            "worry-postponement",
            "problem-solving",
            "progressive-muscle-relaxation",
        ),
        problems=("sleep", "stress", "worry"),
        measure="gad7",
        measure_words="“I want to feel less wound up all day.”",
        goals=(
            GoalText(
                "“I want to sleep properly.”",
                "Sleep at least six hours on five nights a week.",
                (
                    "Four hours or less most nights.",
                    "Five hours on most nights.",
                    "Six hours on five nights a week.",
                    "Six hours or more most nights.",
                    "Seven hours most nights, waking rested.",
                ),
            ),
            GoalText(
                "“I need to stop lying there going over it all.”",
                "Get up after 20 minutes awake and return when sleepy.",
                (
                    "Lies awake for hours.",
                    "Gets up some nights.",
                    "Gets up after 20 minutes every time.",
                    "Rarely needs to get up.",
                    "Falls asleep within 20 minutes most nights.",
                ),
            ),
        ),
        plan_problems="Insomnia and worry during a workplace restructure; "
        "reliance on caffeine; tension and irritability.",
        reflections=(
            "“Getting up felt wrong, but I fell asleep quicker after.”",
            "“Writing the worries down at six meant they didn't come at midnight.”",
            "“I can't control the restructure, but I can plan for it.”",
        ),
        substances="Alcohol rarely. Six to eight cups of coffee a day since the "
        "restructure. No drugs. Non-smoker.",
    ),
    Story(
        match="relationship patterns",
        words="“I always end up with people who can't commit, and then I'm "
        "devastated. I want to understand why I keep doing it.”",
        hopes="To understand the pattern and to choose differently.",
        history="A series of relationships over many years with partners who were "
        "unavailable or ambivalent; each ending brought weeks of low mood. Her "
        "father left when she was seven and was in and out of her life.",
        family="Single, lives alone. Close to her mother; irregular contact with "
        "her father. A wide circle of friends.",
        work="Hospital doctor; demanding but rewarding work.",
        strengths="Insightful, articulate, curious about herself. Good friends. "
        "Successful in her career.",
        mental_status="Well presented, engaging. Speech normal. Mood “OK, a bit "
        "flat since the last break-up”; affect reactive. Reflective. No "
        "perceptual disturbance. Good insight.",
        formulation="Early experience of a father who came and went may have set "
        "up an expectation that love is uncertain and must be won. Unavailable "
        "partners feel familiar; available ones feel dull or unsafe. "
        "Psychodynamic exploration of the pattern as it appears in her "
        "relationships and in the therapy.",
        diagnoses=(("No diagnosis: relationship difficulties are the focus", ""),),
        approach="psychodynamic",
        problems=("relationships", "self_esteem", "depression"),
        measure="phq9",
        measure_words="“I want to stop crashing every time something ends.”",
        goals=(
            GoalText(
                "“I want to know why I keep picking the same kind of person.”",
                "Describe the pattern and its roots in her own words, and spot "
                "it early when dating.",
                (
                    "Cannot see a pattern.",
                    "Sees the pattern looking back.",
                    "Describes the pattern and spots it early.",
                    "Spots it early and chooses differently once.",
                    "Chooses differently and stays with the discomfort.",
                ),
            ),
            GoalText(
                "“I want to say what I need instead of waiting to be chosen.”",
                "State a need directly to a friend or partner once a week.",
                (
                    "Never states needs.",
                    "States needs once a month.",
                    "States a need directly once a week.",
                    "Does so most weeks without apologising.",
                    "Does so readily, including when it risks conflict.",
                ),
            ),
        ),
        plan_problems="A repeating pattern of choosing unavailable partners, with "
        "low mood after each ending; roots in early relationships.",
        reflections=(
            "“I noticed I was waiting for you to cancel, like I always wait for "
            "them to leave.”",
            "“Safe felt boring, and I think that's the problem.”",
            "“I told a friend I was hurt and she didn't go anywhere.”",
        ),
    ),
    Story(
        match="exam anxiety",
        words="“I know the stuff, but when I sit down to revise I panic and do "
        "anything else. Then I panic more.”",
        hopes="To revise steadily and walk into exams less terrified.",
        history="Anxiety about exams since school; worse at university. Puts off "
        "revision, then crams all night. Nausea and blanking in exams. Failed one "
        "module last year and has resits in spring.",
        family="Lives with a partner who is encouraging. Grew up in a family "
        "where grades came first. Friends on the course.",
        work="Second-year engineering student. A resit and final exams in three "
        "months.",
        strengths="Bright and curious; does well in coursework. Funny, sociable. "
        "Seeking help early this year.",
        mental_status="Casually dressed, fidgety. Speech quick. Mood “stressed”; "
        "affect anxious. Beliefs that one bad mark means failure. No perceptual "
        "disturbance. Good insight.",
        formulation="A family where grades came first, and a belief that they "
        "measure worth. Revision triggers anxiety; procrastination gives relief but "
        "leads to cramming and blanking, which confirms fears. Short planned "
        "revision blocks, challenging all-or-nothing thoughts, and calming "
        "skills for the exam room.",
        diagnoses=(
            ("Other specified anxiety disorder: exam-related anxiety", "F41.8"),
        ),
        approach="cbt",
        techniques=(
            "activity-scheduling",
            "cognitive-restructuring",
            "problem-solving",
            "paced-breathing",
        ),
        problems=("anxiety", "stress", "low_motivation"),
        measure="gad7",
        measure_words="“I want exams to feel scary but doable.”",
        goals=(
            GoalText(
                "“I want to stop leaving it all to the last minute.”",
                "Revise in planned 40-minute blocks on five days a week.",
                (
                    "No planned revision.",
                    "Planned blocks on one or two days.",
                    "Planned blocks on five days a week.",
                    "Five days a week, and uses past papers.",
                    "Five days a week, past papers, and helps a friend revise.",
                ),
            ),
            GoalText(
                "“I want to stay in the room and not go blank.”",
                "Use a calming routine in a timed practice paper and finish it.",
                (
                    "Avoids timed practice.",
                    "Starts a timed paper but leaves it.",
                    "Finishes a timed paper using the routine.",
                    "Finishes two with the routine, marks them honestly.",
                    "Sits the resit using the routine.",
                ),
            ),
        ),
        plan_problems="Exam anxiety with procrastination and cramming; "
        "blanking in exams; resits due.",
        reflections=(
            "“Forty minutes is doable. Four hours never was.”",
            "“One bad mark isn't the whole degree.”",
            "“The breathing helped me get back to question three.”",
        ),
    ),
    Story(
        match="what if",
        words="“It's constant what-ifs: what if I lose my job, what if my son "
        "gets hurt, what if I've upset someone. I can't turn it off.”",
        hopes="To have quieter days and make decisions without agonising.",
        history="Worry since her teens, worse since her son started secondary "
        "school and a reorganisation at work. Worries most of the day; muscle "
        "tension, poor sleep, tiredness. Overprepares at work; avoids news.",
        family="Separated, shares care of her son, twelve, with his father "
        "amicably. Close friend from college; mother supportive.",
        work="HR adviser. Competent but exhausted; takes work home to double check.",
        strengths="Kind, thorough, liked by colleagues. Reads about anxiety and "
        "wants to practise. Good co-parenting relationship.",
        mental_status="Well presented. Speech rapid. Mood “tense”; affect "
        "anxious, some laughter. Chains of worry. No perceptual disturbance. "
        "Good insight.",
        formulation="Beliefs that worry helps her prepare and that not knowing "
        "is dangerous keep the worry cycle going; overpreparing and avoidance "
        "stop her learning she can cope. Worry postponement, tolerating "
        "uncertainty, relaxation.",
        diagnoses=(("Generalised anxiety disorder", "F41.1"),),
        approach="cbt",
        problems=("worry", "anxiety", "stress"),
        measure="gad7",
        measure_words="“I want to not feel on alert every minute.”",
        goals=(
            GoalText(
                "“I want to stop taking work home to check it.”",
                "No work taken home to check, four weeks in a row.",
                (
                    "Takes work home most nights.",
                    "Takes work home two or three nights a week.",
                    "No work taken home for four weeks.",
                    "No work home, and leaves on time most days.",
                    "No work home, leaves on time, and delegates a task.",
                ),
            ),
            GoalText(
                "“I want to make small decisions without agonising.”",
                "Make everyday decisions within five minutes.",
                (
                    "Agonises over most decisions.",
                    "Decides quickly on some days.",
                    "Everyday decisions in five minutes.",
                    "Larger decisions within a day.",
                    "Decides and lets it go without going back over it.",
                ),
            ),
        ),
        plan_problems="Generalised anxiety: constant what-if worry, "
        "overpreparing, tension, poor sleep.",
        reflections=(
            "“Most of the what-ifs didn't happen, and I coped with the one that did.”",
            "“I can notice a worry and not follow it.”",
            "“I left on time and the world didn't end.”",
        ),
    ),
    Story(
        match="saying no",
        words="“I say yes to everyone and then I'm run ragged. I feel like a doormat.”",
        hopes="To say no without guilt and feel more confident at work and at home.",
        history="Describes himself as a people-pleaser since childhood. Over the "
        "past year, extra shifts at work and looking after his mother have left "
        "him exhausted and resentful. Low confidence in meetings.",
        family="Lives with his wife and two children. His mother, who has "
        "dementia, lives nearby; his sisters help less than he does.",
        work="Shift supervisor in a distribution centre. Often covers shifts when "
        "asked.",
        strengths="Generous, dependable, well liked. Good listener. Open to "
        "trying things out.",
        mental_status="Neatly dressed, polite, apologetic. Speech soft. Mood "
        "“tired”; affect mildly low. Beliefs that others will reject him if he "
        "says no. No perceptual disturbance. Good insight.",
        formulation="Grew up keeping the peace in a tense home; learned that "
        "being helpful keeps him safe and liked. Caring duties and work demands "
        "exploit this. Noticing what already goes well when he holds a line, "
        "and building from those exceptions.",
        diagnoses=(
            ("No diagnosis: low confidence and assertiveness are the focus", ""),
        ),
        approach="solution_focused",
        techniques=(
            "exception-finding",
            "scaling-questions",
            "compliments",
            "assertiveness",
        ),
        problems=("assertiveness", "self_esteem", "stress"),
        measure="phq9",
        measure_words="“I want to feel more like I matter.”",
        goals=(
            GoalText(
                "“I want to say no to extra shifts when I'm shattered.”",
                "Turn down extra shifts when tired, at least once a month.",
                (
                    "Accepts every extra shift.",
                    "Hesitates but still accepts.",
                    "Turns one down when tired, monthly.",
                    "Turns them down as needed without apologising.",
                    "Agrees a fair rota with his manager.",
                ),
            ),
            GoalText(
                "“My sisters need to do their share with Mum.”",
                "Agree a written care rota with his sisters.",
                (
                    "Does all the care himself.",
                    "Has raised it once.",
                    "Written rota agreed.",
                    "Rota agreed and kept for a month.",
                    "Rota kept and one weekend a month free.",
                ),
            ),
        ),
        plan_problems="Low confidence and difficulty saying no, at work and with "
        "family caring duties; exhaustion and resentment.",
        reflections=(
            "“I said no and my manager just said OK.”",
            "“I'm already better at this with my kids than with adults.”",
            "“On the scale I'm a five now. A six would be asking my sisters.”",
        ),
    ),
    Story(
        match="emotional swings",
        words="“My feelings go from nothing to a hundred in seconds, and then I "
        "tear myself to pieces for it.”",
        hopes="Steadier days; to calm down before she says or does something she "
        "regrets; to be less harsh on herself.",
        history="Intense emotions and quick mood shifts since adolescence, often "
        "set off by perceived criticism. Harsh self-criticism afterwards. "
        "Psychiatry assessment found no bipolar disorder. Self-harm (cutting) in "
        "her late teens; none since.",
        family="Lives with a friend. A turbulent relationship with her mother; "
        "close to her grandmother. A new partner of six months.",
        work="Nursery practitioner; loves the children, finds staff conflicts hard.",
        strengths="Warm, creative, very good with children. Has stayed free of "
        "self-harm since her teens. Reflective and committed.",
        mental_status="Colourfully dressed, engaging. Speech normal. Mood “all "
        "right today”; affect reactive, tearful briefly. Self-critical. No "
        "perceptual disturbance. Good insight.",
        formulation="A sensitive temperament and an invalidating early "
        "environment left few ways to understand or soothe strong emotions. "
        "Perceived criticism triggers fast escalation, then shame and "
        "self-attack. Emotion regulation skills, grounding and self-compassion, "
        "with attention to the pattern with her mother.",
        diagnoses=(
            (
                "Mood instability with marked self-criticism; no diagnosis "
                "given at this stage",
                "",
            ),
        ),
        approach="integrative",
        problems=("emotion_regulation", "self_esteem", "relationships"),
        measure="phq9",
        measure_words="“I want to have more OK days than bad ones.”",
        goals=(
            GoalText(
                "“I want to calm down before I blow up.”",
                "Use a calming skill before reacting in most upsetting moments.",
                (
                    "Reacts straight away every time.",
                    "Uses a skill now and then.",
                    "Uses a skill in most upsetting moments.",
                    "Uses one nearly every time.",
                    "Uses one and talks it through afterwards.",
                ),
            ),
            GoalText(
                "“I want to stop beating myself up.”",
                "Answer self-criticism with a self-compassion break daily.",
                (
                    "Self-criticism unanswered.",
                    "Answers it once or twice a week.",
                    "Answers it daily.",
                    "Daily, and the criticism is quieter.",
                    "Rarely self-critical now.",
                ),
            ),
        ),
        plan_problems="Intense, fast-changing emotions triggered by criticism; "
        "shame and harsh self-criticism afterwards.",
        reflections=(
            "“I named the feeling and it went from a nine to a six.”",
            "“I talked to myself like I'd talk to one of the kids.”",
            "“My mum said something and I didn't bite.”",
        ),
        risk_history="Self-harm by cutting aged 16–19; none since. No "
        "suicide attempts. Keeps a crisis plan from a previous service.",
        protective="Years free of self-harm; her grandmother and partner; "
        "work she loves; knows her crisis plan.",
    ),
    Story(
        match="cardiac scare",
        words="“Ever since the chest pains I check my pulse all day. Every "
        "twinge, I think this is it.”",
        hopes="To trust his body again and stop checking.",
        history="Chest pain at work eight months ago; admitted, a heart attack "
        "ruled out, tests normal. Since then: checks pulse 30 times a day, uses "
        "a smartwatch to track heart rate, frequent GP visits, avoids exercise.",
        family="Married with two children. His father died of a heart attack at "
        "55. His wife is supportive but tired of reassuring him.",
        work="Taxi driver; has reduced hours and avoids long shifts.",
        strengths="Loving father; honest; curious about how anxiety works. "
        "Cardiology has given clear reassurance in writing.",
        mental_status="Casually dressed; checked his watch twice. Speech "
        "normal. Mood “worried”; affect anxious. Health preoccupation, not "
        "delusional: accepts the tests may be right. Good insight.",
        formulation="His father's early death makes heart symptoms especially "
        "threatening. Normal sensations are read as danger; checking, "
        "reassurance and avoiding exercise keep attention on the heart and "
        "prevent him learning that he is healthy. Behavioural experiments, "
        "reducing checking, graded return to exercise.",
        diagnoses=(("Illness anxiety (hypochondriasis)", "F45.21"),),
        approach="cbt",
        techniques=(
            "behavioural-experiments",
            "cognitive-restructuring",
            "graded-exposure",
        ),
        problems=("anxiety", "worry", "avoidance"),
        measure="gad7",
        measure_words="“I want to stop living on high alert.”",
        goals=(
            GoalText(
                "“I want to stop checking my pulse.”",
                "Check his pulse no more than twice a day.",
                (
                    "Checks 30 times a day or more.",
                    "Checks 10 to 29 times a day.",
                    "Checks twice a day or less.",
                    "Has taken the smartwatch off.",
                    "No checking for a week.",
                ),
            ),
            GoalText(
                "“I want to kick a ball about with my son again.”",
                "Exercise moderately for 20 minutes three times a week.",
                (
                    "No exercise.",
                    "Walks slowly once a week.",
                    "20 minutes moderate exercise three times a week.",
                    "Three times a week, including football with his son.",
                    "Regular exercise and signed up for a charity walk.",
                ),
            ),
        ),
        plan_problems="Health anxiety after a cardiac scare: pulse checking, "
        "reassurance seeking, avoidance of exercise.",
        reflections=(
            "“My heart sped up when we ran up the stairs, and then it came down.”",
            "“The more I check, the worse I feel.”",
            "“I played football with my son for half an hour.”",
        ),
        medical="Cardiology review: normal ECG, echocardiogram and stress test. "
        "No regular medication. Father died of a heart attack at 55.",
    ),
    Story(
        match="retirement",
        words="“Since I retired and moved here I don't know anyone. The days are "
        "long and quiet.”",
        hopes="To have people to see and things to look forward to.",
        history="Retired from teaching eighteen months ago and moved to be near "
        "her daughter. Loneliness and low mood since; days without speaking to "
        "anyone. Enjoyed teaching and choir where she used to live.",
        family="Widowed five years ago. Daughter and two grandchildren nearby, "
        "busy with work. Old friends are three hours away.",
        work="Retired primary school teacher.",
        strengths="Sociable, organised, reads widely; kept going after her "
        "husband's death. Glad to be near her grandchildren.",
        mental_status="Smartly dressed, warm. Speech normal. Mood “lonely”; "
        "affect a little low, brightened readily. No perceptual disturbance. "
        "Good insight.",
        formulation="Two losses at once, work and community, without new "
        "structure to replace them. She has built community before. Building "
        "on what she already does well, with a clear picture of what a good "
        "week would look like.",
        diagnoses=(("Adjustment disorder with depressed mood", "F43.21"),),
        approach="solution_focused",
        problems=("depression", "relationships", "low_motivation"),
        measure="phq9",
        measure_words="“I want to feel that I have a life here.”",
        goals=(
            GoalText(
                "“I want to join something, like I did at home.”",
                "Join a local group and go every week.",
                (
                    "No groups.",
                    "Has found a group to try.",
                    "Goes to a group weekly.",
                    "Goes weekly and has a friend there.",
                    "Two groups, and has invited someone round.",
                ),
            ),
            GoalText(
                "“I want a reason to get dressed in the morning.”",
                "Plan something outside the house on five days a week.",
                (
                    "Most days at home alone.",
                    "Plans for two days.",
                    "Plans for five days a week.",
                    "Five days, some with other people.",
                    "Five days, and volunteers one morning.",
                ),
            ),
        ),
        plan_problems="Loneliness and low mood after retirement and a move; "
        "loss of structure and community.",
        reflections=(
            "“When I imagined the miracle, I was at a choir practice.”",
            "“I've done this before, when I was widowed. I can do it again.”",
            "“Someone at the reading group asked for my number.”",
        ),
    ),
    Story(
        match="cynical",
        words="“I'm exhausted all the time and I don't care about work any more. "
        "I used to love it.”",
        hopes="To get some energy back and decide what he wants from work.",
        history="Fifteen years in a busy A&E department as a paramedic "
        "co-ordinator; worse since the pandemic. Exhaustion, cynicism, dread on "
        "Sunday evenings, low mood for a year. Two weeks signed off by the GP.",
        family="Lives with his partner. Two grown-up children. Used to cycle "
        "with friends.",
        work="Paramedic co-ordinator; back on a phased return; considering a "
        "change of role.",
        strengths="Deeply committed to patients; good in a crisis; "
        "self-aware. A partner who listens. Already has ideas about what "
        "helps.",
        mental_status="Casually dressed, tired. Speech normal. Mood “empty”; "
        "affect flat, some dark humour. No perceptual disturbance. Good "
        "insight.",
        formulation="Years of high demand without recovery have worn down "
        "energy and meaning. He already knows some of what helps; the work is "
        "to find exceptions, times he felt more like himself, and build on "
        "them towards a preferred future at work.",
        diagnoses=(
            ("Burn-out", "Z73.0"),
            ("Mild depressive episode", "F32.0"),
        ),
        approach="solution_focused",
        problems=("stress", "depression", "low_motivation"),
        measure="phq9",
        measure_words="“I want to feel something other than tired.”",
        goals=(
            GoalText(
                "“I want to get back on the bike.”",
                "Cycle with friends twice a month.",
                (
                    "No cycling.",
                    "Short solo ride once a month.",
                    "Rides with friends twice a month.",
                    "Rides weekly.",
                    "Rides weekly and plans a long ride.",
                ),
            ),
            GoalText(
                "“I need to work out if I stay or go.”",
                "Make a clear decision about his role, with the facts he needs.",
                (
                    "Avoids thinking about it.",
                    "Has listed options.",
                    "Has a decision with the facts gathered.",
                    "Decision made and talked through with his manager.",
                    "Decision made and first step taken.",
                ),
            ),
        ),
        plan_problems="Burn-out after years of high demand: exhaustion, "
        "cynicism, low mood, loss of meaning at work.",
        reflections=(
            "“The exception was the shift where I trained the new starter.”",
            "“I'm a four out of ten, up from two.”",
            "“On the bike I forgot about work for an hour.”",
        ),
    ),
    Story(
        match="parents about career",
        words="“My parents think I've thrown my life away by leaving law. I feel "
        "guilty all the time and I can't enjoy anything.”",
        hopes="To feel less guilty and more at peace with her choice, and to "
        "keep a relationship with her parents.",
        history="Left a law training contract a year ago to retrain as a "
        "teacher. Her parents were upset; arguments at every visit. Guilt, low "
        "mood and poor sleep for six months.",
        family="Lives with a friend. Only child. Parents emigrated before she "
        "was born and made sacrifices for her education.",
        work="Trainee teacher; enjoys teaching; placement going well.",
        strengths="Principled, reflective, good at her new work. Friends who "
        "support her choice. Loves her parents.",
        mental_status="Well presented. Speech normal. Mood “guilty and low”; "
        "affect low, tearful about her mother. No perceptual disturbance. Good "
        "insight.",
        formulation="A strong bond with parents whose hopes rest on her; "
        "choosing her own path feels like betrayal. Guilt is turned inwards as "
        "low mood. Exploring the conflict between loyalty and autonomy, and how "
        "it plays out in her relationships, including with me.",
        diagnoses=(("Mild depressive episode", "F32.0"),),
        approach="psychodynamic",
        problems=("relationships", "depression", "self_esteem"),
        measure="phq9",
        measure_words="“I want to stop feeling so heavy with guilt.”",
        goals=(
            GoalText(
                "“I want to visit my parents without a row.”",
                "Visit her parents monthly, with no row about her career.",
                (
                    "Avoids visiting.",
                    "Visits and it ends in a row.",
                    "Monthly visits without a row.",
                    "Visits where they ask about her teaching.",
                    "Her parents visit her school open day.",
                ),
            ),
            GoalText(
                "“I want to feel I'm allowed to choose.”",
                "Describe her reasons for her choice without apologising.",
                (
                    "Apologises for her choice every time.",
                    "Explains it while apologising.",
                    "Explains it without apologising.",
                    "Explains it and feels settled.",
                    "Settled, and can enjoy her work openly.",
                ),
            ),
        ),
        plan_problems="Guilt and low mood after a career change her parents "
        "oppose; conflict between loyalty and her own path.",
        reflections=(
            "“I think I'm afraid that if I'm happy, they've lost.”",
            "“I felt you might be disappointed in me too.”",
            "“Mum asked about my class. That's new.”",
        ),
    ),
    Story(
        match="insomnia",
        words="“I go to bed exhausted and then my brain switches on. I go over "
        "every conversation.”",
        hopes="To fall asleep within half an hour and stop dreading bedtime.",
        history="Poor sleep for two years; worse over the last six months. "
        "Takes one to two hours to fall asleep; ruminates about the day. Naps "
        "in the afternoon; lies in at weekends.",
        family="Lives with his wife and son. Close to his brother.",
        work="Civil engineer; tired at work and worried about mistakes.",
        strengths="Analytical, likes data; keen to try a sleep diary. A "
        "supportive wife.",
        mental_status="Casually dressed, tired. Speech normal. Mood “tired and "
        "fed up”; affect mildly low. Ruminative. No perceptual disturbance. "
        "Good insight.",
        formulation="Stress at work disrupted sleep; naps, lie-ins and "
        "time in bed awake weakened the link between bed and sleep. Rumination "
        "at bedtime keeps him alert. Sleep scheduling and stimulus control, with "
        "worry time earlier in the evening.",
        diagnoses=(("Primary insomnia", "F51.01"),),
        approach="cbt",
        techniques=(
            "sleep-hygiene",
            "worry-postponement",
            "cognitive-restructuring",
            "body-scan",
        ),
        problems=("sleep", "worry", "stress"),
        measure="phq9",
        measure_words="“I want to wake up feeling human.”",
        goals=(
            GoalText(
                "“I want to fall asleep in half an hour.”",
                "Fall asleep within 30 minutes on five nights a week.",
                (
                    "Takes over an hour most nights.",
                    "30 to 60 minutes most nights.",
                    "Within 30 minutes on five nights.",
                    "Within 30 minutes most nights.",
                    "Within 20 minutes most nights.",
                ),
            ),
            GoalText(
                "“I want to stop napping so I'm tired at night.”",
                "No daytime naps and a fixed wake time, including weekends.",
                (
                    "Naps daily, wake time varies.",
                    "Naps some days.",
                    "No naps; fixed wake time.",
                    "Kept for a month.",
                    "Kept without effort, waking before the alarm.",
                ),
            ),
        ),
        plan_problems="Insomnia with bedtime rumination; naps and irregular "
        "sleep times.",
        reflections=(
            "“The diary showed I'm in bed nine hours and asleep for five.”",
            "“Worry time at seven means less at eleven.”",
            "“I was tired at bedtime for once. Properly tired.”",
        ),
    ),
    Story(
        match="final year",
        words="“I used to love my course. Now I can't make myself open the "
        "laptop, and I feel like a failure.”",
        hopes="To get through her final year and enjoy things again.",
        history="Low mood for four months, since a breakup and the start of her "
        "final year. Loss of motivation, sleeping late, missing lectures, "
        "withdrawing from housemates. First time she has felt like this.",
        family="Lives in a shared house with three friends. Parents and a younger "
        "brother at home; close to her mother.",
        work="Final-year psychology student with a dissertation due in four "
        "months; behind with work.",
        strengths="Capable student with good grades until this year. Friends "
        "who care. Interested in understanding her mood.",
        mental_status="Casually dressed. Speech slow. Mood “low and useless”; "
        "affect flat, smiled when talking about her brother. Self-critical. No "
        "perceptual disturbance. Good insight.",
        formulation="A breakup and heavy workload at the start of a high-stakes "
        "year triggered low mood; withdrawal and avoidance of work reduce "
        "reward and build a backlog, fuelling “I'm a failure”. Behavioural "
        "activation with small study tasks, and work on self-critical thinking.",
        diagnoses=(("Moderate depressive episode", "F32.1"),),
        approach="cbt",
        problems=("depression", "low_motivation", "avoidance"),
        measure="phq9",
        measure_words="“I want to feel like myself, not this grey version.”",
        goals=(
            GoalText(
                "“I want to get my dissertation moving.”",
                "Work on the dissertation for an hour on five days a week.",
                (
                    "No work on it.",
                    "Works on it once or twice a week.",
                    "An hour on five days a week.",
                    "Five days, and a draft chapter sent to her supervisor.",
                    "On schedule with her supervisor's plan.",
                ),
            ),
            GoalText(
                "“I want to stop hiding in my room.”",
                "Share a meal or an evening with housemates twice a week.",
                (
                    "Stays in her room.",
                    "Joins them once a week.",
                    "Twice a week.",
                    "Most evenings.",
                    "Most evenings, and has been out with them.",
                ),
            ),
        ),
        plan_problems="Depression in her final year: loss of motivation, "
        "avoidance of study, withdrawal, self-criticism.",
        reflections=(
            "“I only meant to do twenty minutes and I did an hour.”",
            "“Failing at one week isn't failing at everything.”",
            "“Cooking with the others made me feel normal.”",
        ),
    ),
    Story(
        match="driving",
        words="“Since the near miss on the motorway, I freeze when I think about "
        "driving. I've been getting lifts for months.”",
        hopes="To drive again, motorways included.",
        history="A lorry pulled into his lane on the motorway six months ago; he "
        "swerved and avoided a crash. Since then he has avoided motorways, then "
        "all driving. Anxiety in the car as a passenger, racing heart. No "
        "nightmares or flashbacks.",
        family="Lives with his wife. His sister lives in Cardiff; he used to "
        "drive to see her monthly.",
        work="Sales representative; needs to drive for work; on adjusted duties "
        "using trains.",
        strengths="Experienced driver; methodical; determined to see his "
        "sister. Supportive wife.",
        mental_status="Smartly dressed. Speech normal. Mood “frustrated”; "
        "affect anxious when describing the motorway. No intrusive memories "
        "beyond thinking about it. Good insight.",
        formulation="A frightening near miss produced a fear of driving that "
        "avoidance has kept going and spread. Graded exposure, from quiet roads "
        "to motorways, with calming skills.",
        diagnoses=(("Specific phobia, situational (driving)", "F40.248"),),
        approach="cbt",
        techniques=("graded-exposure", "behavioural-experiments", "paced-breathing"),
        problems=("anxiety", "avoidance", "panic"),
        measure="gad7",
        measure_words="“I want to feel in control again.”",
        goals=(
            GoalText(
                "“I want to drive to see my sister.”",
                "Drive to Cardiff, including the motorway.",
                (
                    "Does not drive.",
                    "Drives on quiet local roads.",
                    "Drives to Cardiff on the motorway.",
                    "Drives there and back in a day.",
                    "Drives for work again, including motorways.",
                ),
            ),
            GoalText(
                "“I want to be a calm passenger.”",
                "Ride as a passenger on a dual carriageway without gripping the seat.",
                (
                    "Refuses to be a passenger.",
                    "Passenger on local roads only, very tense.",
                    "Calm passenger on dual carriageways.",
                    "Calm passenger on motorways.",
                    "Doesn't think about it.",
                ),
            ),
        ),
        plan_problems="Fear and avoidance of driving after a near miss on the "
        "motorway; impact on work and family visits.",
        reflections=(
            "“The fear went up at the slip road and came down by the next junction.”",
            "“I'd forgotten I'm a good driver.”",
            "“My wife said I was back to my old self in the car.”",
        ),
    ),
    Story(
        match="body image",
        words="“I hate how I look, so I eat as little as I can get away with. I "
        "know it isn't right.”",
        hopes="To eat regularly without panic, and to worry less about her body.",
        history="Body image worries since her teens; restricting food for a "
        "year, after comments at a new job. Skips breakfast and lunch, weighs "
        "herself daily. No bingeing or purging reported. GP monitoring: weight "
        "and bloods within a safe range.",
        family="Lives with her partner, who is supportive and worried. Close to "
        "her sister. Her mother often diets.",
        work="Retail manager; long shifts make regular eating harder.",
        strengths="Insightful, honest about the restriction. Supportive partner "
        "and sister. Wants to be well enough to run again.",
        mental_status="Well presented; appears of healthy weight. Speech "
        "normal. Mood “anxious around food”; affect anxious. Preoccupation "
        "with shape and weight. No perceptual disturbance. Good insight.",
        formulation="Family emphasis on dieting and critical comments fed a "
        "belief that her worth depends on shape. Restricting and daily weighing "
        "bring a sense of control but increase preoccupation. Regular eating, "
        "reducing body checking, challenging shape-related beliefs; GP "
        "monitoring continues.",
        diagnoses=(
            (
                "Other specified feeding or eating disorder (restrictive); "
                "medically stable",
                "F50.89",
            ),
        ),
        approach="cbt",
        problems=("self_esteem", "anxiety", "avoidance"),
        measure="phq9",
        measure_words="“I want food to stop running my day.”",
        goals=(
            GoalText(
                "“I want to eat three meals a day.”",
                "Eat three meals and two snacks a day, five days a week.",
                (
                    "One meal a day or less.",
                    "Two meals a day.",
                    "Three meals and two snacks on five days.",
                    "Every day.",
                    "Every day, including a meal out.",
                ),
            ),
            GoalText(
                "“I want to stop weighing myself every morning.”",
                "Weigh herself only once a week, at her session.",
                (
                    "Weighs several times a day.",
                    "Weighs daily.",
                    "Weekly weighing only.",
                    "Weekly, and less upset by the number.",
                    "Weekly, and notices other things about her week first.",
                ),
            ),
        ),
        plan_problems="Body image concerns with restrictive eating and daily "
        "weighing; medically stable, GP monitoring.",
        reflections=(
            "“I ate lunch at work and the afternoon was easier.”",
            "“The number doesn't tell me how my week went.”",
            "“I'm more than how I look. I'm starting to believe it.”",
        ),
        medical="GP monitors weight and bloods monthly; all within safe ranges. "
        "Periods regular. No medication.",
    ),
    Story(
        match="gambling",
        words="“It started as a bit of fun on my phone. Now I'm £9,000 in debt "
        "and I still get the urge every night.”",
        hopes="To stop gambling and get the debt under control.",
        history="Online sports betting for three years; chasing losses for the "
        "last year. Debt of about £9,000 on credit cards. Urges strongest late "
        "at night and after payday. Hid it from his partner until two months "
        "ago.",
        family="Lives with his partner, who now knows and is supportive but "
        "hurt. A brother who lent him money. Mates who bet casually.",
        work="Plumber, employed; overtime to pay debt.",
        strengths="Honest now about the problem; has self-excluded from two "
        "sites. Supportive partner. Hard-working.",
        mental_status="Casually dressed. Speech normal. Mood “ashamed and "
        "stressed”; affect anxious. Urges described clearly. No perceptual "
        "disturbance. Good insight.",
        formulation="Early wins and easy access on his phone, then chasing "
        "losses to repair the debt. Stress and boredom at night trigger urges; "
        "betting relieves them briefly and deepens debt and shame. Blocking "
        "tools, urge management, problem-solving the debt with advice services.",
        diagnoses=(("Gambling disorder", "F63.0"),),
        approach="cbt",
        techniques=("problem-solving", "cognitive-restructuring", "emotion-regulation"),
        problems=("stress", "emotion_regulation", "worry"),
        measure="phq9",
        measure_words="“I want to stop feeling sick with worry.”",
        goals=(
            GoalText(
                "“I want to stop betting, full stop.”",
                "No gambling for eight weeks in a row.",
                (
                    "Betting several times a week.",
                    "Betting once or twice a month.",
                    "No gambling for eight weeks.",
                    "No gambling for three months.",
                    "Three months free and blocking tools still in place.",
                ),
            ),
            GoalText(
                "“I need to sort the debt out.”",
                "Agree a repayment plan with a free debt advice service.",
                (
                    "Avoids opening letters.",
                    "Has listed the debts.",
                    "Repayment plan agreed.",
                    "Plan kept for two months.",
                    "Plan kept and a small saving started.",
                ),
            ),
        ),
        plan_problems="Gambling disorder with debt, night-time urges and shame; "
        "financial stress.",
        reflections=(
            "“The urge peaked at eleven and was gone by half past.”",
            "“Opening the letters was worse in my head than on paper.”",
            "“Six weeks without a bet. I'm proud of that.”",
        ),
        substances="Alcohol: 10 units a week, more at weekends with friends. No "
        "drugs. Non-smoker. Gambling as above.",
        protective="Partner and brother; wants to keep his home; no thoughts of "
        "self-harm despite the debt; engaged with debt advice.",
    ),
    Story(
        match="diabetes",
        words="“Since the diagnosis I worry about everything I eat, and I feel "
        "low and angry that this has happened.”",
        hopes="To manage the diabetes without it taking over her life.",
        history="Diagnosed with type 2 diabetes four months ago. Since then: "
        "worry about complications, checking food labels for hours, low mood "
        "and anger. Struggling to take medication regularly.",
        family="Lives with her husband and adult son. Her mother had diabetes "
        "and lost a foot, which frightens her.",
        work="Accounts assistant, part-time; manages at work.",
        strengths="Organised, good with numbers; supportive husband and diabetes "
        "nurse. Wants to take control.",
        mental_status="Well presented. Speech normal. Mood “low and cross”; "
        "affect reactive. Worry about complications. No perceptual disturbance. "
        "Good insight.",
        formulation="A diagnosis that echoes her mother's illness triggered "
        "fear and grief for her former health. Avoiding medication and "
        "over-checking food are both ways of managing fear. Problem-solving "
        "self-care, challenging catastrophic thoughts, and paced, balanced "
        "activity.",
        diagnoses=(
            ("Adjustment disorder with mixed anxiety and depressed mood", "F43.23"),
        ),
        approach="cbt",
        problems=("worry", "depression", "stress"),
        measure="gad7",
        measure_words="“I want to feel less frightened by it.”",
        goals=(
            GoalText(
                "“I want to take my tablets every day.”",
                "Take metformin as prescribed on every day of the week.",
                (
                    "Misses more than half of doses.",
                    "Misses two or three a week.",
                    "Takes every dose.",
                    "Every dose, with a routine that needs no reminders.",
                    "Every dose, and her HbA1c has improved.",
                ),
            ),
            GoalText(
                "“I want to go for walks again, not just worry.”",
                "Walk for 30 minutes on five days a week.",
                (
                    "No walking.",
                    "Walks once or twice a week.",
                    "30 minutes on five days.",
                    "Five days, including a walk with friends.",
                    "Five days and has joined a walking group.",
                ),
            ),
        ),
        plan_problems="Adjustment to type 2 diabetes: worry about "
        "complications, low mood, irregular medication.",
        reflections=(
            "“I'm not my mum. I have more help than she did.”",
            "“The pill box made it easier to remember.”",
            "“Walking with my husband is good for both of us.”",
        ),
        medical="Type 2 diabetes diagnosed four months ago; metformin 500 mg "
        "twice daily, taken irregularly. Diabetes nurse reviews quarterly.",
    ),
)

# Client responses to each library technique, as the clinician records them.
RESPONSES: dict[str, tuple[str, ...]] = {
    "activity-scheduling": (
        "Planned three activities; did two and rated mood higher after both.",
        "Found planning the week tiring but liked ticking things off.",
    ),
    "assertiveness": (
        "Role-played saying no; awkward at first, steadier on the third try.",
        "Used the broken-record script with a colleague and it worked.",
    ),
    "behavioural-activation": (
        "Linked mood to activity in the diary; surprised how much walks helped.",
        "Chose two valued activities for the week; hopeful but unsure.",
    ),
    "behavioural-experiments": (
        "Predicted 80% that the feared outcome would happen; it did not.",
        "Designed the next experiment with me; anxious but keen.",
    ),
    "body-scan": (
        "Found it hard to stay with the body at first; calmer by the end.",
        "Used the recording at night twice and fell asleep faster.",
    ),
    "cognitive-restructuring": (
        "Weighed the evidence; belief in the thought fell from 90% to 50%.",
        "Wrote a balanced alternative thought and found it believable.",
    ),
    "communication-skills": (
        "Practised 'I' statements; said it felt unnatural but clearer.",
        "Used a reflective listening step in a row at home; it calmed things.",
    ),
    "compliments": (
        "Smiled at the compliment and added a strength of their own.",
        "Said it was rare to hear what they do well; took it in.",
    ),
    "coping-questions": (
        "Named what has kept them going; sounded steadier afterwards.",
        "Surprised by how much they have already coped with.",
    ),
    "emotion-regulation": (
        "Named the emotion and its intensity; noticed it passing.",
        "Used opposite action once this week; pleased with it.",
    ),
    "exception-finding": (
        "Found two days when the problem was smaller; listed what was different.",
        "Recalled an exception from last month and what made it possible.",
    ),
    "graded-exposure": (
        "Stayed with the next step until anxiety halved; proud afterwards.",
        "Built the hierarchy together; chose a first step they felt ready for.",
    ),
    "grounding": (
        "Used 5-4-3-2-1 when the memory came up in the session; it helped.",
        "Carries a grounding object now and used it twice.",
    ),
    "identifying-cognitive-distortions": (
        "Spotted mind-reading and all-or-nothing thinking in the week's diary.",
        "Laughed at how often 'should' came up; found naming them useful.",
    ),
    "linking-past-and-present": (
        "Linked the feeling to a childhood memory; quiet and thoughtful.",
        "Noticed the old pattern in a recent argument; moved by it.",
    ),
    "mindful-observation": (
        "Watched thoughts pass for five minutes; less caught up in them.",
        "Found it restful; plans to practise on the bus.",
    ),
    "miracle-question": (
        "Described the morning after the miracle in detail; brightened.",
        "Identified the first small sign of change they would notice.",
    ),
    "paced-breathing": (
        "Practised slow breathing; heart rate settled within a few minutes.",
        "Used it on the way in today and arrived calmer.",
    ),
    "problem-solving": (
        "Broke the problem into steps and chose one to try this week.",
        "Brainstormed options; picked one and planned when to do it.",
    ),
    "progressive-muscle-relaxation": (
        "Noticed how tense the shoulders were; felt looser afterwards.",
        "Practised at home four times; finds the legs easiest.",
    ),
    "recurring-relationship-patterns": (
        "Recognised the pattern in a new relationship; thoughtful.",
        "Mapped the repeating cycle with me; said it made sense of a lot.",
    ),
    "scaling-questions": (
        "Rated themselves at five out of ten, up from three; said what a six "
        "would look like.",
        "Named what got them from two to four.",
    ),
    "self-compassion-break": (
        "Tearful when saying the kind words; said it felt strange but true.",
        "Used the phrases after a mistake at work; less shaken.",
    ),
    "sleep-hygiene": (
        "Agreed a fixed wake time and no screens in bed.",
        "Kept the wake time on five days; already a little less tired.",
    ),
    "stress-management": (
        "Mapped stressors and early signs; chose two daily buffers.",
        "Took a lunch break every day this week and noticed the difference.",
    ),
    "therapeutic-relationship": (
        "Talked about feeling let down when I was away; said it was hard to say.",
        "Noticed wanting to please me; curious about it.",
    ),
    "working-with-defences": (
        "Noticed changing the subject when sadness came up; stayed with it.",
        "Joked when upset; we slowed down and the feeling came through.",
    ),
    "worry-postponement": (
        "Used a worry period at 6pm on most days; worries felt smaller then.",
        "Found postponing hard at first; managed it by writing them down.",
    ),
}
GENERIC_RESPONSES = (
    "Tried it in the session; found it useful and agreed to practise at home.",
    "Engaged well; unsure at first, more confident by the end.",
)
MORE_REFLECTIONS = (
    "“It helps to say it out loud here.”",
    "“I'm doing better than I give myself credit for.”",
    "“It's small steps, but they add up.”",
    "“I noticed the old habit and did something different.”",
    "“This week was harder, but I didn't give up on the plan.”",
)
HOMEWORK_DONE = (
    "done on most days",
    "done on three days; harder at the weekend",
    "started, then dropped midweek; we looked at what got in the way",
    "done every day",
)


# -- choosing -------------------------------------------------------------------


def story_for(reason: str) -> Story:
    """The story whose phrase appears in the referral reason, or a generic one
    written around the reason."""
    text = reason.casefold()
    for story in STORIES:
        if story.match in text:
            return story
    return _generic_story(reason)


def _generic_story(reason: str) -> Story:
    reason = reason.strip().rstrip(".") or "Low mood and worry"
    return Story(
        match="",
        words=f"“{reason}.” In the client's words: “I want things to feel "
        "manageable again.”",
        hopes="To feel more in control and get back to the things that matter.",
        history=f"Referred with: {reason}. Difficulties have built over several "
        "months, with low mood and worry most days and some avoidance.",
        family="Lives with family; relationships supportive on the whole.",
        work="Working full time; managing, with less energy than usual.",
        strengths="Motivated for therapy; reflective; supportive people nearby.",
        mental_status="Appropriately dressed; good rapport. Speech normal. Mood "
        "“low”; affect reactive. No perceptual disturbance. Good insight.",
        formulation="Current stress has triggered low mood and worry; "
        "withdrawal and avoidance keep it going. A CBT approach: activity, "
        "worry management and reviewing unhelpful thoughts.",
        diagnoses=(("Mixed anxiety and depressive symptoms", "F41.8"),),
        approach="cbt",
        problems=("depression", "worry", "avoidance"),
        measure="phq9",
        measure_words="“I want to feel more like myself.”",
        goals=(
            GoalText(
                "“I want to do more of the things I've dropped.”",
                "Do three valued activities a week.",
                (
                    "No valued activities.",
                    "One a week.",
                    "Three a week.",
                    "Four or five a week.",
                    "Most days, including one with friends.",
                ),
            ),
            GoalText(
                "“I want to worry less in the evenings.”",
                "Use a worry period and keep evenings worry-free on five days.",
                (
                    "Worry fills most evenings.",
                    "Worry-free on one or two evenings.",
                    "Worry-free on five evenings.",
                    "Most evenings.",
                    "Every evening, and sleeping better.",
                ),
            ),
        ),
        plan_problems=f"{reason}.",
        reflections=(
            "“Planning one thing a day made the week feel less empty.”",
            "“The worries were smaller at six than at midnight.”",
            "“I'm starting to notice what helps.”",
        ),
    )


def _ranked(
    library: list[Technique],
    approaches: set[str],
    problems: tuple[str, ...],
    rng: random.Random,
) -> list[str]:
    """Slugs of the approaches' techniques for these problems, best match first:
    the story's main problem counts most (4, then 2, then 1); ties in a seeded
    order."""
    weights = {problem: 4 >> n for n, problem in enumerate(problems)}
    keyed = []
    for t in library:
        score = sum(weights.get(problem, 0) for problem in t.problems)
        if t.approach in approaches and score:
            keyed.append((-score, rng.random(), t.slug))
    return [slug for _, _, slug in sorted(keyed)]


def pick_techniques(story: Story, rng: random.Random) -> tuple[list[str], list[str]]:
    """(the plan's techniques, spares for a later review), all from the library."""
    library = all_techniques()

    def ranked(*approaches: str) -> list[str]:
        return _ranked(library, set(approaches), story.problems, rng)

    approach = TreatmentPlanVersion.Approach
    if story.approach == approach.INTEGRATIVE:
        lists = [
            ranked("cbt"),
            ranked("skills"),
            ranked("mindfulness_relaxation"),
            ranked("psychodynamic"),
        ]
        chosen = [slugs[0] for slugs in lists if slugs]
        spares = [s for slugs in lists for s in slugs[1:]]
    elif story.approach == approach.CBT:
        main = ranked("cbt")
        support = ranked("mindfulness_relaxation", "skills")
        chosen = main[:3] + support[:1]
        spares = main[3:] + support[1:]
    else:
        main = ranked(story.approach)
        chosen, spares = main[:3], main[3:]
    # A story's own choices come first, as far as the library has them.
    known = {t.slug for t in library}
    preferred = [slug for slug in story.techniques if slug in known]
    if preferred:
        spares = [s for s in chosen + spares if s not in preferred]
        chosen = preferred
    if not chosen:  # a practice library without matches: anything it has
        chosen = [t.slug for t in library[:2]]
    return chosen, [s for s in dict.fromkeys(spares) if s not in chosen]


# -- the seeding ------------------------------------------------------------------


@dataclass
class _Course:
    """One client's seeding: who, their story, and the choices made for them."""

    client: Client
    episode: Episode
    phase: str
    story: Story
    rng: random.Random
    sessions: list[TherapySession] = field(default_factory=list)
    # Techniques that fit but were not chosen, for the plan's review.
    spares: list[str] = field(default_factory=list)

    @property
    def by(self) -> User:
        return self.client.clinician

    @property
    def name(self) -> str:
        return self.client.preferred_name or self.client.given_name


def seed_intakes_and_plans(
    clients: Iterable[tuple[Client, str]],
    *,
    staff: dict[str, User],
    now: datetime,
    zone: ZoneInfo,
    rng: random.Random,
) -> None:
    """Write intakes, goals, treatment plans, goal ratings and session records
    for the demo clients, through the services.

    ``clients`` are (client, phase) pairs. Clients in assessment get a draft
    intake; clients in treatment a completed intake, three goals, an
    acknowledged plan (reviewed once when they have had ten sessions or
    more) and ratings with a session record at their last three to six held
    sessions. The services decide what can still be written: an intake starts
    only in assessment or active treatment, and nothing is written to a closed
    episode, so call this for a client *before* their episode moves on to have
    everything (see ``demo.py``). A client already seeded is left alone, so
    calling this again is harmless. Every write is the client's own
    clinician's, so ``staff`` is not needed today; ``now`` bounds the sessions
    used and ``zone`` dates the texts.

    The caller's ``rng`` is not advanced (its state is copied): adding or
    moving this call never changes the rest of the demo.
    """
    own = random.Random()  # noqa: S311 - invented data, not secrets
    own.setstate(rng.getstate())
    seed = own.getrandbits(32)
    for client, phase in clients:
        episode = client.current_episode()
        if episode is None or episode.phase == P.REFERRAL or _seeded(episode):
            continue
        course = _Course(
            client=client,
            episode=episode,
            phase=phase,
            story=story_for(client.referral_reason or ""),
            # Seeded per client, so one client's story never depends on another's.
            rng=random.Random(f"{seed}:{client.given_name}:{client.family_name}"),  # noqa: S311
        )
        course.sessions = list(
            TherapySession.objects.filter(episode=episode, held_at__lte=now).order_by(
                "held_at", "pk"
            )
        )
        if not course.sessions:
            continue
        if episode.phase == P.ASSESSMENT:
            _draft_intake(course)
            continue
        if episode.phase == P.ACTIVE:
            _completed_intake(course)
        goals = _goals(course)
        version = _plan(course, goals)
        levels = _rate_sessions(course, goals, version)
        _review(course, goals, version, levels, zone)
        _achievements(course, goals, levels)


def _seeded(episode: Episode) -> bool:
    return (
        Intake.objects.filter(episode=episode).exists()
        or Goal.objects.filter(episode=episode).exists()
        or TreatmentPlan.objects.filter(episode=episode).exists()
    )


def _save(intake: Intake, key: str, by: User, **fields: Any) -> None:
    # Every section starts at version 1 and is saved once here.
    save_section(intake, key, by=by, version=1, **fields)


def _risk_screen(course: _Course) -> dict[str, str]:
    story = course.story
    return {
        "current_self_harm_thoughts": IntakeSection.Answer.NO,
        "current_harm_to_others_thoughts": IntakeSection.Answer.NO,
        "history": story.risk_history,
        "protective_factors": story.protective or course.rng.choice(PROTECTIVE),
        # Low throughout: moderate or high would raise alerts, and the demo's
        # one open alert comes from a progress note.
        "risk_level": IntakeSection.RiskLevel.LOW,
    }


def _draft_intake(course: _Course) -> None:
    """A draft, as after a first assessment session: the client's account and
    background so far, the risk screen for some."""
    story, by = course.story, course.by
    intake = start_intake(course.episode, by=by)
    _save(intake, K.PRESENTING, by, text=story.words, hopes=story.hopes)
    _save(intake, K.HISTORY, by, text=story.history)
    _save(intake, K.FAMILY_SOCIAL, by, text=story.family)
    _save(intake, K.STRENGTHS, by, text=story.strengths)
    if course.rng.random() < 0.5:
        _save(intake, K.RISK, by, **_risk_screen(course))
        _save(intake, K.MENTAL_STATUS, by, text=story.mental_status)


def _completed_intake(course: _Course) -> None:
    story, by, rng = course.story, course.by, course.rng
    intake = start_intake(course.episode, by=by)
    _save(intake, K.PRESENTING, by, text=story.words, hopes=story.hopes)
    _save(intake, K.HISTORY, by, text=story.history)
    _save(intake, K.PREVIOUS_TREATMENT, by, text=story.previous or rng.choice(PREVIOUS))
    _save(intake, K.MEDICAL, by, text=story.medical or rng.choice(MEDICAL))
    _save(intake, K.SUBSTANCE_USE, by, text=story.substances or rng.choice(SUBSTANCES))
    _save(intake, K.FAMILY_SOCIAL, by, text=story.family)
    _save(intake, K.WORK_STUDY, by, text=story.work)
    _save(intake, K.STRENGTHS, by, text=story.strengths)
    _save(intake, K.RISK, by, **_risk_screen(course))
    _save(intake, K.MENTAL_STATUS, by, text=story.mental_status)
    _save(intake, K.FORMULATION, by, text=story.formulation)
    _save(
        intake,
        K.DIAGNOSES,
        by,
        diagnoses=[
            {
                "description": description,
                "code_system": "icd10cm" if code else "",
                "code": code,
            }
            for description, code in story.diagnoses
        ],
    )
    complete_intake(intake, by=by)


def _goals(course: _Course) -> list[Goal]:
    """Three goals: the client's main one (weight 3), the one linked to a
    measure (2) and a smaller one (1)."""
    story, rng = course.story, course.rng
    today = practice_today(course.episode)
    # Clients who are finishing aim for their targets soon; others in a few months.
    ending = course.phase != P.ACTIVE
    weeks = (lambda: rng.randint(2, 4)) if ending else (lambda: rng.randint(8, 14))
    first, second = story.goals
    measure = MEASURE_GOALS[story.measure]
    specs = [
        (first.client_words, first.statement, first.levels, 3, {}),
        (
            story.measure_words,
            measure["statement"],
            measure["levels"],
            2,
            {
                "measure_code": story.measure,
                "measure_comparison": measure["measure_comparison"],
                "measure_target": measure["measure_target"],
            },
        ),
        (second.client_words, second.statement, second.levels, 1, {}),
    ]
    return [
        create_goal(
            course.episode,
            by=course.by,
            client_words=words,
            statement=statement,
            **dict(zip(LEVEL_FIELDS, levels, strict=True)),
            target_date=today + timedelta(weeks=weeks()),
            weight=weight,
            **link,
        )
        for words, statement, levels, weight, link in specs
    ]


MEASURES = [
    {"code": "phq9", "how_often": "every_session"},
    {"code": "gad7", "how_often": "every_session"},
]


def _plan(course: _Course, goals: list[Goal]) -> TreatmentPlanVersion:
    story, rng = course.story, course.rng
    today = practice_today(course.episode)
    interventions, course.spares = pick_techniques(story, rng)
    version = create_plan(
        course.episode,
        by=course.by,
        problems=story.plan_problems,
        approach=story.approach,
        interventions=interventions,
        goals=goals,
        session_frequency=TreatmentPlanVersion.Frequency.WEEKLY,
        frequency_note="",
        expected_sessions=rng.randint(12, 16),
        measures=MEASURES,
        # One in three falls within the week or so, so the home page lists reviews due.
        next_review=today + timedelta(days=(10, 21, 4)[course.episode.client_id % 3]),
    )
    _acknowledge(course, version)
    return version


def _acknowledge(course: _Course, version: TreatmentPlanVersion) -> None:
    """The client signs the plan on paper. The services date a version now, so
    the signature is dated now too. A test that patches
    ``django.utils.timezone.now`` leaves the models' ``default=timezone.now``
    on the real clock; when that clock is ahead, no date would be accepted, and
    the plan is left unacknowledged rather than breaking the demo."""
    at = timezone.now()
    if at >= version.created_at.replace(second=0, microsecond=0):
        acknowledge_plan_version(
            version, by=course.by, method="signed_paper", given_at=at
        )


def _measure_totals(course: _Course, code: str) -> list[tuple[datetime, float]]:
    return list(
        Administration.objects.current()
        .filter(episode=course.episode, instrument=code, total__isnull=False)
        .order_by("taken_at")
        .values_list("taken_at", "total")
    )


def _trend(totals: list[tuple[datetime, float]], rng: random.Random) -> str:
    """ "better", "same" or "worse", from the PHQ-9 or GAD-7 course the client
    has had; without scores, mostly better."""
    if len(totals) >= 2:
        change = totals[0][1] - totals[-1][1]
        if change >= 4:
            return "better"
        return "worse" if change <= -4 else "same"
    return "better" if rng.random() < 0.75 else "same"


def _measure_level(
    session: TherapySession, totals: list[tuple[datetime, float]], code: str
) -> int | None:
    """The measure goal's level from the score taken at the session, if any."""
    near = [
        (abs(taken - session.held_at), total)
        for taken, total in totals
        if taken and abs(taken - session.held_at) <= timedelta(hours=3)
    ]
    if not near:
        return None
    total = min(near)[1]
    for floor, level in MEASURE_GOALS[code]["floors"]:
        if total >= floor:
            return level
    return 2


def _path(start: int, end: int, steps: int) -> list[int]:
    if steps == 1:
        return [end]
    return [start + round((end - start) * j / (steps - 1)) for j in range(steps)]


def _rate_sessions(
    course: _Course, goals: list[Goal], version: TreatmentPlanVersion
) -> dict[int, list[int]]:
    """Ratings and a session record at the last three to six held sessions.
    Returns each goal's levels, oldest first."""
    story, rng = course.story, course.rng
    count = min(len(course.sessions), rng.randint(3, 6))
    sessions = course.sessions[-count:]
    totals = _measure_totals(course, story.measure)
    trend = _trend(_measure_totals(course, "phq9") or totals, rng)
    finishing = course.phase != P.ACTIVE
    main, linked, small = goals
    start = rng.choice((-2, -1))
    if trend == "better":
        paths = {
            main.pk: _path(start, 1 if finishing else rng.choice((0, 1)), count),
            small.pk: _path(-1, 2 if finishing else rng.choice((0, 1)), count),
        }
    elif trend == "worse":
        paths = {main.pk: _path(-1, -2, count), small.pk: [-1] * count}
    else:  # much the same: flat, with one better week
        wobble = [-1] * count
        wobble[count // 2] = 0
        paths = {main.pk: wobble, small.pk: [-1] * count}
    fallback = paths[main.pk]
    paths[linked.pk] = [
        level if level is not None else fallback[j]
        for j, level in enumerate(
            _measure_level(s, totals, story.measure) for s in sessions
        )
    ]
    slugs = list(version.interventions)
    reflections = list(story.reflections) + list(MORE_REFLECTIONS)
    if trend != "better":  # the story's hopeful words come later, if at all
        reflections = [MORE_REFLECTIONS[-1], MORE_REFLECTIONS[0], *reflections]
    homework = ""
    for j, session in enumerate(sessions):
        addressed = [goals[(j + k) % 3] for k in range(2)]
        # One technique a session, two in every other one.
        used = [slugs[(j + n) % len(slugs)] for n in range(1 + j % 2)] if slugs else []
        techniques = {}
        for n, slug in enumerate(dict.fromkeys(used)):
            responses = RESPONSES.get(slug, GENERIC_RESPONSES)
            techniques[slug] = responses[(j + n) % len(responses)]
        reviewed = f"{homework}: {rng.choice(HOMEWORK_DONE)}." if homework else ""
        homework = _homework(used)
        save_session_record(
            session,
            by=course.by,
            version=1,
            goals_addressed=addressed,
            techniques=techniques,
            reflections=reflections[j % len(reflections)],
            homework_reviewed=reviewed,
            homework_assigned=f"{homework} until next session." if homework else "",
            ratings={goal: paths[goal.pk][j] for goal in goals},
        )
    return paths


def _homework(slugs: list[str]) -> str:
    """The first homework template the session's techniques suggest."""
    for slug in slugs:
        for key in get_technique(slug).homework_templates:
            if key in HOMEWORK_TEMPLATES and key != "custom":
                return HOMEWORK_TEMPLATES[key]
    return ""


def _review(
    course: _Course,
    goals: list[Goal],
    version: TreatmentPlanVersion,
    paths: dict[int, list[int]],
    zone: ZoneInfo,
) -> None:
    """A second plan version, from the review at the eighth session, for
    clients who have had ten sessions or more: what changed, why, and one more
    technique."""
    if len(course.sessions) < 10:
        return
    story, rng = course.story, course.rng
    held = course.sessions[7].held_at
    eighth = held.astimezone(zone)
    added = course.spares[:1]
    # The scores up to the review, when the demo has them; else the goals' course.
    scores = [
        total
        for taken, total in _measure_totals(course, story.measure)
        if taken <= held + timedelta(hours=3)
    ]
    scored = ""
    if len(scores) >= 2:
        label = instrument_name(story.measure)
        scored = f" {label} {scores[0]:.0f} at the start, {scores[-1]:.0f} now."
        change = scores[0] - scores[-1]
    else:
        main = paths[goals[0].pk]
        change = 3 * (main[-1] - main[0])
    if change >= 3:
        progress, extra = "Goals moving in the right direction", 2
    elif change <= -3:
        progress = "A harder stretch; agreed to keep weekly sessions and involve the GP"
        extra = 4
    else:
        progress, extra = (
            "Little change yet; looked together at what gets in the way",
            4,
        )
    techniques = (
        f"; added {get_technique(added[0]).name.lower()}"
        if added
        else "; kept the same techniques"
    )
    reason = (
        f"Review with {course.name} at the eighth session "
        f"({eighth.day} {eighth:%B}).{scored} {progress}{techniques}, and extended "
        f"the course by {extra} sessions."
    )
    today = practice_today(course.episode)
    reviewed = review_plan(
        version.plan,
        by=course.by,
        reason=reason,
        problems=story.plan_problems,
        approach=version.approach,
        interventions=[*version.interventions, *added],
        goals=goals,
        session_frequency=version.session_frequency,
        frequency_note=version.frequency_note,
        expected_sessions=min(version.expected_sessions + extra, 20),
        measures=version.measures,
        next_review=today + timedelta(weeks=rng.randint(3, 6)),
    )
    _acknowledge(course, reviewed)


def _achievements(
    course: _Course, goals: list[Goal], paths: dict[int, list[int]]
) -> None:
    """Clients who are finishing have met a goal they rated at +1 or more."""
    if course.phase == P.ACTIVE:
        return
    for goal in goals:
        if paths[goal.pk][-1] >= 1:
            achieve_goal(
                goal,
                by=course.by,
                note=f"Met and held; {course.name} plans to keep it going after "
                "therapy.",
            )
            return
