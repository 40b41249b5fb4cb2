"""Staff pages for response validity: the review queue, evidence of one response, a unit's flag counts."""
from django.urls import path

from . import views as review_views

urlpatterns = [
    path("staf/tinjauan/", review_views.queue, name="review_queue"),
    path("staf/tinjauan/jawaban/<int:pk>/", review_views.detail, name="review_detail"),
    path("staf/tinjauan/jendela/<int:pk>/", review_views.decide_window, name="review_window_decide"),
    path("staf/upt/<slug:code>/tanda-validitas/", review_views.unit_flags, name="unit_flags"),
]
