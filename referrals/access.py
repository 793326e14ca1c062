from django.shortcuts import get_object_or_404

from youth.access import get_youth_for_user

from .models import Referral


def get_referral_for_user(user, pk: int, *, write: bool = False) -> Referral:
    """A referral of a youth the user may see (404 otherwise); with write=True, 403 unless
    the user may change that youth's open case."""
    youth_id = get_object_or_404(Referral.objects.values_list("youth_id", flat=True), pk=pk)
    youth = get_youth_for_user(user, youth_id, write=write)
    referral = Referral.objects.select_related("program", "case").get(pk=pk)
    referral.youth = youth
    return referral
