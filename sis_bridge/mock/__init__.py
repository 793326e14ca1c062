"""A mock LAUSD student information system speaking the Ed-Fi ODS/API 7.x resource shapes.

It runs as its own process and imports nothing from the Django project::

    python -m sis_bridge.mock --host 127.0.0.1 --port 8001 --seed 42 --students 2000

Routes (see ``shared/edfi/CONTRACT.md`` in the design folder for the contract they follow):

- ``GET /`` discovery; ``POST /oauth/token`` client credentials (form or JSON body, or HTTP
  Basic; client ``reengage`` / ``reengage-dev-secret`` unless SIS_CLIENT_ID/SIS_CLIENT_SECRET).
- ``GET /data/v3/ed-fi/{schools,courses,students,studentSchoolAssociations,
  studentAcademicRecords,courseTranscripts}`` with ``offset``/``limit`` (default 25, max 500),
  ``totalCount``, ``minChangeVersion``/``maxChangeVersion`` and field filters; ``/{id}`` with
  ETag and If-None-Match; ``/deletes`` and ``/keyChanges``;
  ``GET /changeQueries/v1/availableChangeVersions``. A bearer token is required.
- Test and demo controls, no token: ``GET /_mock/health``, ``POST|GET|DELETE /_mock/faults``
  (see ``faults``), ``POST /_mock/bump?studentUniqueId=...`` (next change version for one
  student), ``DELETE /_mock/tokens`` (expire every token).

Data: ``generator`` builds every student from ``(seed, index)`` alone, so any count is cheap.
For demo youth that match mock students, the Django side calls
``generator.student_identity(seed, index)`` (LAUSD id, names, birth date, sex, profile,
AB 167/216 basis) and ``generator.student_index_for_id(seed, student_unique_id)``.

Extensions beyond core Ed-Fi, under ``_ext.lausd`` (clients that do not know them ignore them):
students carry ``fosterYouth``, ``homelessYouth``, ``formerJuvenileCourtSchool``,
``militaryFamily`` and ``migratoryChild`` flags when any is true (possible AB 167/216
eligibility, together with a school change after 10th grade visible in the enrollments);
courses carry ``agSubjectArea``, ``requirementGroup`` and ``creditRecovery``.

Credits: a semester course earns 5 LAUSD credits, sent as ``earnedCredits: 5.0`` with
``CreditTypeDescriptor#Semester hour credit`` and a conversion of 0.1 to Carnegie units.
"""
