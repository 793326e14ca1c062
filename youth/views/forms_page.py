from django.shortcuts import render


def form_page(request, form, *, title: str, submit: str, youth=None, intro: str = ""):
    """The page of a one-form step on a youth's record (note, consent, transfer...)."""
    return render(
        request,
        "youth/form_page.html",
        {"form": form, "youth": youth, "title": title, "intro": intro, "submit": submit},
    )
