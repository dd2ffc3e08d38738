from django.shortcuts import get_object_or_404, render

from core.access import permission_required
from tests.testapp.models import Widget


@permission_required("testapp.view_widget")
def widget_list(request):
    return render(request, "testapp/widget_list.html", {"widgets": Widget.objects.all()})


@permission_required("testapp.view_widget")
def widget_detail(request, pk):
    widget = get_object_or_404(Widget, pk=pk)
    return render(request, "testapp/widget_detail.html", {"widget": widget})
