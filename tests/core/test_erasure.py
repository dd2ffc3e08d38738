"""What an erased person was called is replaced wherever text mentions them."""

from core.erasure import ERASED, Pseudonyms

ANN = Pseudonyms(
    {
        "Ann O'Neil": "Erased contact 7",
        "ann@acme.example": "erased-7@erased.invalid",
        "+44 20 7946 0958": ERASED,
        "Al": "Erased contact 7",  # too short to match anything safely
    }
)


def test_mentions_are_replaced_as_whole_words_whatever_their_case():
    text = "Call ANN O'NEIL (ann@Acme.example, +44 20 7946 0958) about the annual plan, Al."

    assert ANN.scrub(text) == (
        "Call Erased contact 7 (erased-7@erased.invalid, [erased]) about the annual plan, Al."
    )
    assert ANN.found_in(text)
    assert not ANN.found_in("Ann O'Neill and joann@acme.example.org are someone else")


def test_html_and_json_are_scrubbed_as_they_write_a_name():
    assert ANN.scrub("<p>Dear Ann O&#x27;Neil,</p>") == "<p>Dear Erased contact 7,</p>"
    zoe = Pseudonyms({"Zoë Ibáñez": "Erased contact 8"})
    stored = '[{"changed": {"object": "Zo\\u00eb Ib\\u00e1\\u00f1ez", "fields": ["Role"]}}]'

    assert zoe.scrub_json_text(stored) == (
        '[{"changed": {"object": "Erased contact 8", "fields": ["Role"]}}]'
    )
    assert zoe.scrub_json_text("Changed Zoë Ibáñez.") == "Changed Erased contact 8."
    preview = {"sample": [{"row": 2, "name": "Zoë Ibáñez", "email": "z@x.example"}], "n": 1}
    assert zoe.json_mentions(preview)
    assert zoe.scrub_json(preview) == {
        "sample": [{"row": 2, "name": "Erased contact 8", "email": "z@x.example"}],
        "n": 1,
    }


def test_no_identifier_matches_nothing():
    nobody = Pseudonyms({"": "x", "  ": "y"})

    assert nobody.identifiers == []
    assert nobody.scrub("anything") == "anything"
    assert not nobody.found_in("anything")
