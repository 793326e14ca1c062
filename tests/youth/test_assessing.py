import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from youth.models import Assessment

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def assessment_data(**overrides):
    data = {
        "assessed_on": TODAY.isoformat(),
        "barriers": ["low_income"],
        "evidence_on_file": ["age_proof", "school_status_proof"],
        "goals": "Finish the diploma",
        "pathway": "adult_school",
        "pathway_reasoning": "Has 120 credits and is 19",
        "scores-TOTAL_FORMS": "3",
        "scores-INITIAL_FORMS": "0",
        "scores-MIN_NUM_FORMS": "0",
        "scores-MAX_NUM_FORMS": "6",
        "scores-0-test": "CASAS",
        "scores-0-form": "82R",
        "scores-0-subject": "reading",
        "scores-0-scale_score": "228",
        "scores-0-tested_on": (TODAY - datetime.timedelta(days=2)).isoformat(),
    }
    data.update(overrides)
    return data


def test_an_assessment_derives_the_nrs_level_and_the_wioa_determination(
    client_for, counselor, case_a
):
    youth = case_a.youth
    youth.birth_date = TODAY.replace(year=TODAY.year - 19)
    youth.school_status = "dropout"
    youth.save()
    response = client_for(counselor).post(
        reverse("youth:assess", args=[youth.pk]), assessment_data()
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(youth=youth)
    score = assessment.scores.get()
    assert score.nrs_level == 4  # CASAS 221-235
    assert assessment.basic_skills_deficient is True
    assert assessment.wioa_eligible is True
    assert assessment.wioa_criterion == "dropout"
    assert assessment.wioa_expires_on == TODAY + datetime.timedelta(days=90)


def test_a_youth_in_school_is_not_wioa_eligible(client_for, counselor, case_a):
    youth = case_a.youth
    youth.school_status = "enrolled"
    youth.save()
    client_for(counselor).post(reverse("youth:assess", args=[youth.pk]), assessment_data())
    assert Assessment.objects.get(youth=youth).wioa_eligible is False


def test_a_half_filled_test_result_is_refused_and_kept(client_for, counselor, case_a):
    response = client_for(counselor).post(
        reverse("youth:assess", args=[case_a.youth_id]),
        assessment_data(**{"scores-0-scale_score": ""}),
    )
    assert response.status_code == 200
    assert b"Fill in every part of a test result" in response.content
    assert b'value="82R"' in response.content
    assert not Assessment.objects.exists()


def test_the_credit_snapshot_is_kept_with_the_assessment(client_for, counselor, case_a):
    client_for(counselor).post(reverse("youth:assess", args=[case_a.youth_id]), assessment_data())
    # No district data was shown for this youth, so none is kept; the field stays empty
    # rather than being filled later from newer SIS data.
    assert Assessment.objects.get().credit_snapshot is None


@pytest.mark.parametrize("persona", ["other_counselor", "analyst"])
def test_another_centers_staff_cannot_assess(persona, request, client_for, case_a):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("youth:assess", args=[case_a.youth_id])).status_code == 404


def test_a_read_only_colleague_cannot_assess(client_for, readonly_colleague, case_a):
    response = client_for(readonly_colleague).get(reverse("youth:assess", args=[case_a.youth_id]))
    assert response.status_code == 403


def test_administrators_keep_the_nrs_table_and_new_scores_follow_it(
    client_for, administrator, counselor, case_a
):
    from django.contrib.auth.models import Permission

    from centers.demo import ADMINISTRATOR_MODELS
    from youth.models import ScaleScoreBand

    administrator.user_permissions.set(
        Permission.objects.filter(content_type__model__in=ADMINISTRATOR_MODELS)
    )
    band = ScaleScoreBand.objects.get(test="CASAS", subject="reading", level=4)
    admin = client_for(administrator)
    assert (
        admin.get(reverse("admin:youth_scalescoreband_change", args=[band.pk])).status_code == 200
    )
    ScaleScoreBand.objects.filter(test="CASAS", subject="reading", level=5).update(low=228)
    ScaleScoreBand.objects.filter(pk=band.pk).update(high=227)
    client_for(counselor).post(reverse("youth:assess", args=[case_a.youth_id]), assessment_data())
    assert Assessment.objects.get().scores.get().nrs_level == 5
