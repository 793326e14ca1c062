"""The programs directory as first loaded: the high-school completion options and WIOA youth
services of DESIGN.md section 2.

Loaded by a data migration (and by demo data); administrators edit the directory afterwards.
The migration keeps its own reference to this tuple, so treat it as frozen history: change
programs through the application, not here.

The WIOA youth program is one row serving every center: each YouthSource center enrols youth
in the same City program, the operator is known from the youth's case, and one row keeps the
"enrolled in WIOA" figure to one program however operators change.

Credit rules are left open where the published rule is not an entry floor: the adult school's
170 credits are what its diploma needs, not what a youth needs to start (credits earned in high
school count toward it), so they are noted in the conditions.
"""

LAUSD_ADULT = "LAUSD Division of Adult and Career Education"
LAUSD = "Los Angeles Unified School District"

# Fields as on referrals.models.Program; kind and wioa_element are the choice values.
PROGRAMS: tuple[dict, ...] = (
    {
        "code": "home-high-school",
        "name": "Home high school",
        "kind": "school",
        "provider": LAUSD,
        "max_age": 18,
        "conditions": (
            "Re-enrolment at the school of residence. Over 18 only when continuously enrolled; "
            "students in special education may stay through age 21."
        ),
    },
    {
        "code": "continuation-high-school",
        "name": "Continuation high school",
        "kind": "school",
        "provider": LAUSD,
        "min_age": 16,
        "max_age": 17,
        "conditions": "Smaller classes and flexible schedules for students behind in credits.",
    },
    {
        "code": "community-day-school",
        "name": "Community day school",
        "kind": "school",
        "provider": LAUSD,
        "max_age": 18,
        "conditions": (
            "For students who were expelled or referred by probation or a school attendance "
            "review board."
        ),
    },
    {
        "code": "independent-study",
        "name": "Independent study (City of Angels)",
        "kind": "school",
        "provider": "LAUSD City of Angels School",
        "max_age": 18,
        "conditions": "Weekly meetings with a teacher; work done at home or at a learning center.",
    },
    {
        "code": "credit-recovery",
        "name": "Credit recovery",
        "kind": "school",
        "provider": LAUSD,
        "max_age": 18,
        "conditions": "Courses to make up failed or missing credits, online or after school.",
    },
    {
        "code": "adult-school-diploma",
        "name": "Adult school high-school diploma",
        "kind": "school",
        "provider": LAUSD_ADULT,
        "min_age": 18,
        "conditions": (
            "The diploma needs 170 credits; credits earned in high school count toward it. "
            "Under 18 only with a release from the high school."
        ),
    },
    {
        "code": "diploma-plus",
        "name": "Diploma Plus (HiSET plus courses)",
        "kind": "equivalency",
        "provider": LAUSD_ADULT,
        "min_age": 18,
        "conditions": "HiSET preparation and exam together with adult school courses.",
    },
    {
        "code": "hiset",
        "name": "HiSET only",
        "kind": "equivalency",
        "provider": LAUSD_ADULT,
        "min_age": 18,
        "conditions": (
            "Age 18. Ages 16-17 only in special cases: within 60 days of turning 18, out of "
            "school for 60 days with a request from the school district, or in a program such "
            "as Job Corps or a correctional facility."
        ),
    },
    {
        "code": "ged",
        "name": "GED",
        "kind": "equivalency",
        "provider": LAUSD_ADULT,
        "min_age": 18,
        "conditions": "Same age rules as the HiSET; the exam is taken at an approved test center.",
    },
    {
        "code": "chspe",
        "name": "California High School Proficiency Exam (CHSPE)",
        "kind": "equivalency",
        "provider": "California Department of Education",
        "min_age": 16,
        "conditions": (
            "Age 16, or completed one year of 10th grade, or in the second semester of 10th "
            "grade. The youth registers for the exam; a minor needs a parent's consent to "
            "leave school after passing."
        ),
    },
    {
        "code": "dropout-recovery-charter",
        "name": "Dropout-recovery charter high school",
        "kind": "school",
        "provider": "Charter school operator",
        "min_age": 16,
        "external": True,
        "conditions": "For youth who have left school; confirm the upper age with the school.",
    },
    {
        "code": "youthbuild",
        "name": "YouthBuild",
        "kind": "other",
        "provider": "YouthBuild program",
        "min_age": 16,
        "max_age": 24,
        "external": True,
        "conditions": (
            "Construction training with high-school completion for youth who left school."
        ),
    },
    {
        "code": "job-corps",
        "name": "Job Corps",
        "kind": "other",
        "provider": "Job Corps (U.S. Department of Labor)",
        "min_age": 16,
        "max_age": 24,
        "external": True,
        "conditions": "Residential or day training; low income.",
    },
    {
        "code": "community-college",
        "name": "Community college",
        "kind": "other",
        "provider": "Los Angeles Community College District",
        "min_age": 18,
        "external": True,
        "conditions": (
            "Age 18 or a diploma or equivalent; younger students through special admission."
        ),
    },
    {
        "code": "wioa-youth-program",
        "name": "WIOA Youth Program",
        "kind": "wioa",
        "provider": "YouthSource center operator (City of Los Angeles)",
        "min_age": 16,
        "max_age": 24,
        "conditions": (
            "Out-of-school youth: not attending school and at least one barrier. Eligibility "
            "expires 90 days after it is determined."
        ),
    },
    {
        "code": "wioa-work-experience",
        "name": "Work experience",
        "kind": "wioa",
        "wioa_element": "work_experience",
        "provider": "YouthSource center operator (City of Los Angeles)",
        "min_age": 16,
        "max_age": 24,
        "conditions": "Paid or unpaid; for youth enrolled in the WIOA Youth Program.",
    },
    {
        "code": "wioa-occupational-training",
        "name": "Occupational skills training",
        "kind": "wioa",
        "wioa_element": "occupational_training",
        "provider": "YouthSource center operator (City of Los Angeles)",
        "min_age": 16,
        "max_age": 24,
        "conditions": "Training toward a recognised credential in an in-demand occupation.",
    },
    {
        "code": "wioa-tutoring",
        "name": "Tutoring and dropout recovery",
        "kind": "wioa",
        "wioa_element": "tutoring",
        "provider": "YouthSource center operator (City of Los Angeles)",
        "min_age": 16,
        "max_age": 24,
        "conditions": "Tutoring, study skills and dropout recovery toward a diploma or equivalent.",
    },
)


def load_programs(program_model) -> int:
    """Create any program of the seed that is missing, by code; leave edited ones alone.
    Returns how many were created. Takes the model so the data migration can pass its
    historical one."""
    created = 0
    for fields in PROGRAMS:
        defaults = {name: value for name, value in fields.items() if name != "code"}
        _, was_created = program_model.objects.get_or_create(code=fields["code"], defaults=defaults)
        created += was_created
    return created
