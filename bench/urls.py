from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from stegvis.core import audit
from stegvis.core.access import federation_view
from stegvis.participants.access import require_personal_data
from stegvis.urls import urlpatterns as product_urls


def bare(request):
    """The baseline: a Django view that does nothing, served by the same stack."""
    return HttpResponse("ok", content_type="text/plain")


@federation_view()
def floor(request):
    """What every personal-data page pays before its own content: the federation and the
    user's membership, the role check, one audit entry and the page layout around an empty
    body. Not a target; it shows how much of a page's ratio is the frame around it."""
    membership = request.membership
    require_personal_data(membership)
    audit.log(actor=request.user, action=audit.Action.READ, obj=membership, reason="golv")
    return render(request, "base.html", {})


urlpatterns = [
    path("bench/bare", bare),
    path("f/<slug:federation_slug>/bench/golv", floor),
    *product_urls,
]
