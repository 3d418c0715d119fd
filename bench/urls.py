from django.http import HttpResponse
from django.urls import path

from stegvis.urls import urlpatterns as product_urls


def bare(request):
    """The baseline: a Django view that does nothing, served by the same stack."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), *product_urls]
