"""Ed-Fi JSON for the generated records (DS 5.0 shapes of the contract's examples).

Ids are 32 hex digits that look random but encode (resource, student index, ordinal), so a GET
by id regenerates the one student it needs instead of looking the id up in a table.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from . import catalog as cat
from .generator import EXT_FLAG_NAMES, GRADE_POINTS, Enrollment, History, Identity

RESOURCE_CODES = {
    "schools": 1,
    "courses": 2,
    "students": 3,
    "studentSchoolAssociations": 4,
    "studentAcademicRecords": 5,
    "courseTranscripts": 6,
}
RESOURCE_BY_CODE = {code: name for name, code in RESOURCE_CODES.items()}
DELETED_ORDINAL = 0xFFFF


_PAD_BITS = 72
_ID_BITS = 128
# Multiplying by an odd constant modulo 2**128 is a bijection: it spreads the payload over all
# 32 digits, and the inverse recovers it.
_SPREAD = 0x9E3779B97F4A7C15F39CC0605CEDC835
_UNSPREAD = pow(_SPREAD, -1, 1 << _ID_BITS)
_ID_MASK = (1 << _ID_BITS) - 1
_PAD_MASK = (1 << _PAD_BITS) - 1


@functools.cache
def _id_mask(seed: int) -> int:
    digest = hashlib.blake2b(f"mock-sis:{seed}".encode(), digest_size=16).digest()
    return int.from_bytes(digest, "big")


def _pad(code: int, index: int, ordinal: int) -> int:
    mixed = index * 0x9E3779B97F4A7C15 + ordinal * 0xC2B2AE3D27D4EB4F + code * 0x165667B19E3779F9
    return mixed & _PAD_MASK


def resource_id(seed: int, resource: str, index: int, ordinal: int) -> str:
    """A 32-hex-digit id that looks random but encodes where the record comes from."""
    code = RESOURCE_CODES[resource]
    payload = (code << 48) | (index << 16) | ordinal
    plain = (payload << _PAD_BITS) | _pad(code, index, ordinal)
    return f"{(plain * _SPREAD) & _ID_MASK ^ _id_mask(seed):032x}"


def parse_resource_id(seed: int, value: str) -> tuple[str, int, int] | None:
    """(resource, index, ordinal) for an id made by resource_id with this seed, else None."""
    if len(value) != 32:
        return None
    try:
        plain = ((int(value, 16) ^ _id_mask(seed)) * _UNSPREAD) % (1 << _ID_BITS)
    except ValueError:
        return None
    payload, pad = plain >> _PAD_BITS, plain & ((1 << _PAD_BITS) - 1)
    code, index, ordinal = payload >> 48, (payload >> 16) & 0xFFFFFFFF, payload & 0xFFFF
    resource = RESOURCE_BY_CODE.get(code)
    if resource is None or pad != _pad(code, index, ordinal):
        return None
    return resource, index, ordinal


def student_json(seed: int, person: Identity) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": resource_id(seed, "students", person.index, 0),
        "studentUniqueId": person.student_unique_id,
        "birthDate": person.birth_date.isoformat(),
        "birthSexDescriptor": cat.SEX[person.sex],
        "firstName": person.first_name,
        "lastSurname": person.last_surname,
    }
    if person.middle_name:
        record["middleName"] = person.middle_name
    if person.preferred_first_name:
        record["preferredFirstName"] = person.preferred_first_name
    if person.ab167_216_basis:
        # Documented host extension: the flags behind possible AB 167/216 eligibility.
        flags = {name: basis in person.ab167_216_basis for basis, name in EXT_FLAG_NAMES.items()}
        record["_ext"] = {"lausd": flags}
    return record


def school_association_json(
    seed: int, student: History, ordinal: int, enrollment: Enrollment
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": resource_id(seed, "studentSchoolAssociations", student.person.index, ordinal),
        "entryDate": enrollment.entry_date.isoformat(),
        "schoolReference": {"schoolId": enrollment.school_id},
        "studentReference": {"studentUniqueId": student.person.student_unique_id},
        "entryGradeLevelDescriptor": cat.GRADE_LEVEL[enrollment.entry_grade],
        "entryTypeDescriptor": enrollment.entry_type,
        "classOfSchoolYearTypeReference": {"schoolYear": enrollment.class_of},
        "primarySchool": True,
    }
    if enrollment.exit_date is not None:
        record["exitWithdrawDate"] = enrollment.exit_date.isoformat()
        record["exitWithdrawTypeDescriptor"] = enrollment.exit_type
    return record


def _gpa(points: int, graded: int) -> float:
    return round(points / graded, 4) if graded else 0.0


def academic_record_jsons(seed: int, student: History) -> list[dict[str, Any]]:
    uid = student.person.student_unique_id
    index = student.person.index
    cum_attempted = cum_earned = 0.0
    cum_points = cum_graded = 0
    records = []
    for ordinal, term in enumerate(student.terms):
        attempted = cat.CREDITS_PER_SEMESTER_COURSE * len(term.attempts)
        earned = sum(a.earned for a in term.attempts)
        graded = [GRADE_POINTS[a.letter] for a in term.attempts if a.letter in GRADE_POINTS]
        cum_attempted += attempted
        cum_earned += earned
        cum_points += sum(graded)
        cum_graded += len(graded)
        records.append(
            {
                "id": resource_id(seed, "studentAcademicRecords", index, ordinal),
                "educationOrganizationReference": {"educationOrganizationId": term.school_id},
                "schoolYearTypeReference": {"schoolYear": term.school_year},
                "studentReference": {"studentUniqueId": uid},
                "termDescriptor": term.descriptor,
                "cumulativeAttemptedCredits": cum_attempted,
                "cumulativeAttemptedCreditTypeDescriptor": cat.CREDIT_TYPE,
                "cumulativeAttemptedCreditConversion": cat.CREDIT_CONVERSION,
                "cumulativeEarnedCredits": cum_earned,
                "cumulativeEarnedCreditTypeDescriptor": cat.CREDIT_TYPE,
                "cumulativeEarnedCreditConversion": cat.CREDIT_CONVERSION,
                "sessionAttemptedCredits": attempted,
                "sessionAttemptedCreditTypeDescriptor": cat.CREDIT_TYPE,
                "sessionAttemptedCreditConversion": cat.CREDIT_CONVERSION,
                "sessionEarnedCredits": earned,
                "sessionEarnedCreditTypeDescriptor": cat.CREDIT_TYPE,
                "sessionEarnedCreditConversion": cat.CREDIT_CONVERSION,
                "gradePointAverages": [
                    {
                        "gradePointAverageTypeDescriptor": cat.GPA_UNWEIGHTED,
                        "gradePointAverageValue": _gpa(cum_points, cum_graded),
                        "isCumulative": True,
                        "maxGradePointAverageValue": 4.0,
                    },
                    {
                        "gradePointAverageTypeDescriptor": cat.GPA_UNWEIGHTED,
                        "gradePointAverageValue": _gpa(sum(graded), len(graded)),
                        "isCumulative": False,
                        "maxGradePointAverageValue": 4.0,
                    },
                ],
            }
        )
    return records


@functools.cache
def _transcript_template(course: cat.Course) -> dict[str, Any]:
    """What every transcript of a course shares, in the record's key order: a record starts
    as a copy and fills in the rest (shared inner objects are only ever read)."""
    return {
        "id": None,
        "courseAttemptResultDescriptor": None,
        "courseReference": {"courseCode": course.code, "educationOrganizationId": cat.LEA_ID},
        "studentAcademicRecordReference": None,
        "courseTitle": course.transcript_title,
        "attemptedCredits": cat.CREDITS_PER_SEMESTER_COURSE,
        "attemptedCreditTypeDescriptor": cat.CREDIT_TYPE,
        "attemptedCreditConversion": cat.CREDIT_CONVERSION,
        "earnedCredits": None,
        "earnedCreditTypeDescriptor": cat.CREDIT_TYPE,
        "earnedCreditConversion": cat.CREDIT_CONVERSION,
        "methodCreditEarnedDescriptor": (
            cat.METHOD_CREDIT_RECOVERY if course.credit_recovery else cat.METHOD_CLASSROOM
        ),
        "whenTakenGradeLevelDescriptor": None,
        "academicSubjects": [{"academicSubjectDescriptor": course.subject}],
    }


_COLLEGE_PREP = [{"creditCategoryDescriptor": cat.CATEGORY_COLLEGE_PREP}]


def course_transcript_jsons(seed: int, student: History) -> list[dict[str, Any]]:
    uid = student.person.student_unique_id
    index = student.person.index
    records = []
    ordinal = 0
    for term in student.terms:
        record_reference = {
            "educationOrganizationId": term.school_id,
            "schoolYear": term.school_year,
            "studentUniqueId": uid,
            "termDescriptor": term.descriptor,
        }
        grade_level = cat.GRADE_LEVEL[term.grade]
        for attempt in term.attempts:
            course = attempt.course
            record = _transcript_template(course).copy()
            record["id"] = resource_id(seed, "courseTranscripts", index, ordinal)
            record["courseAttemptResultDescriptor"] = attempt.result
            record["studentAcademicRecordReference"] = record_reference
            record["earnedCredits"] = attempt.earned
            record["whenTakenGradeLevelDescriptor"] = grade_level
            if attempt.letter is not None:
                record["finalLetterGradeEarned"] = attempt.letter
            if attempt.repeat:
                record["courseRepeatCodeDescriptor"] = cat.REPEAT_REPLACEMENT
            if course.college_prep:
                record["creditCategories"] = _COLLEGE_PREP
            records.append(record)
            ordinal += 1
    return records


def school_json(seed: int, school: cat.School, ordinal: int) -> dict[str, Any]:
    school_type = "Alternative" if school.continuation else "Regular"
    return {
        "id": resource_id(seed, "schools", 0, ordinal),
        "schoolId": school.school_id,
        "nameOfInstitution": school.name,
        "shortNameOfInstitution": school.short_name,
        "localEducationAgencyReference": {"localEducationAgencyId": cat.LEA_ID},
        "schoolTypeDescriptor": cat.descriptor("SchoolTypeDescriptor", school_type),
        "educationOrganizationCategories": [
            {
                "educationOrganizationCategoryDescriptor": cat.descriptor(
                    "EducationOrganizationCategoryDescriptor", "School"
                )
            }
        ],
        "schoolCategories": [
            {"schoolCategoryDescriptor": cat.descriptor("SchoolCategoryDescriptor", "High School")}
        ],
        "gradeLevels": [{"gradeLevelDescriptor": cat.GRADE_LEVEL[g]} for g in (9, 10, 11, 12)],
        "addresses": [],
    }


def course_json(seed: int, course: cat.Course) -> dict[str, Any]:
    description = f"{course.state_name} (CALPADS {course.state_code})"
    if course.credit_recovery:
        description += ", credit recovery section"
    return {
        "id": resource_id(seed, "courses", 0, course.ordinal),
        "courseCode": course.code,
        "educationOrganizationReference": {"educationOrganizationId": cat.LEA_ID},
        "courseTitle": course.title,
        "courseDescription": description,
        "numberOfParts": 1,
        "highSchoolCourseRequirement": course.ag is not None
        or course.requirement_group.startswith(("PE", "Health")),
        "academicSubjects": [{"academicSubjectDescriptor": course.subject}],
        "identificationCodes": [
            {
                "courseIdentificationSystemDescriptor": cat.descriptor(
                    "CourseIdentificationSystemDescriptor", "LEA course code"
                ),
                "identificationCode": course.code,
            },
            {
                "courseIdentificationSystemDescriptor": cat.descriptor(
                    "CourseIdentificationSystemDescriptor", "State course code"
                ),
                "assigningOrganizationIdentificationCode": "CALPADS",
                "identificationCode": course.state_code,
            },
        ],
        "offeredGradeLevels": [{"gradeLevelDescriptor": cat.GRADE_LEVEL[g]} for g in course.grades],
        "maximumAvailableCredits": cat.CREDITS_PER_SEMESTER_COURSE,
        "maximumAvailableCreditTypeDescriptor": cat.CREDIT_TYPE,
        "maximumAvailableCreditConversion": cat.CREDIT_CONVERSION,
        # Documented host extension: A-G area and LAUSD requirement group of the course.
        "_ext": {
            "lausd": {
                "agSubjectArea": course.ag,
                "requirementGroup": course.requirement_group,
                "creditRecovery": course.credit_recovery,
            }
        },
    }
