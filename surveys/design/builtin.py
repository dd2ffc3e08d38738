"""The built-in questionnaires, in English and Hindi, installed after migrate.

Relationship NPS, transactional CSAT and complaint-handling satisfaction: each is made
through the design services (so it passes the checks a person's would) and approved
as version 1 by the system ("built-in"). Installing is keyed by ``Questionnaire.builtin``:
a questionnaire already there is left as it is, whatever its versions have become.
"""

from contextlib import nullcontext
from typing import Any

from django.db import transaction

from core.history import system_actor
from surveys.design import services
from surveys.design.models import Question, Questionnaire
from surveys.design.services import QuestionFields

BUILTIN_ACTOR = "built-in"
Kind = Question.Kind


def _q(kind: str, en: dict[str, str], hi: dict[str, str], **options: Any) -> dict[str, Any]:
    return {"kind": kind, "texts": {"en": en, "hi": hi}, **options}


LIKELY = {"low": "Not at all likely", "high": "Extremely likely"}
LIKELY_HI = {"low": "बिल्कुल संभावना नहीं", "high": "पूरी संभावना"}
SATISFIED = {"low": "Very dissatisfied", "high": "Very satisfied"}
SATISFIED_HI = {"low": "बहुत असंतुष्ट", "high": "बहुत संतुष्ट"}
EASY = {"low": "Very difficult", "high": "Very easy"}
EASY_HI = {"low": "बहुत कठिन", "high": "बहुत आसान"}
AGREE = {"low": "Strongly disagree", "high": "Strongly agree", "help": "How much do you agree?"}
AGREE_HI = {"low": "पूरी तरह असहमत", "high": "पूरी तरह सहमत", "help": "आप कितना सहमत हैं?"}


def _choices(*rows: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"code": code, "labels": {"en": en, "hi": hi}} for code, en, hi in rows]


# Each built-in: its key, name, kind, texts per language and questions in order. A
# condition names the position (from 1) of the earlier score it depends on.
BUILTINS: list[dict[str, Any]] = [
    {
        "key": "relationship-nps",
        "name": "Relationship survey (NPS)",
        "kind": Questionnaire.Kind.RELATIONSHIP,
        "description": "Sent once or twice a year to every active contact: would they "
        "recommend us, why, and what to improve first.",
        "texts": {
            "en": {
                "title": "Your view of working with us",
                "intro": "Four short questions, about two minutes. Your answers help us "
                "decide what to improve first.",
                "thanks": "Thank you for your answers. We read every one, and we will tell "
                "you what we change.",
            },
            "hi": {
                "title": "हमारे साथ काम करने के बारे में आपकी राय",
                "intro": "चार छोटे प्रश्न, लगभग दो मिनट। आपके उत्तरों से हम तय करते हैं कि पहले क्या सुधारें।",
                "thanks": "आपके उत्तरों के लिए धन्यवाद। हम हर उत्तर पढ़ते हैं, और आपको "
                "बताएँगे कि हमने क्या बदला।",
            },
        },
        "questions": [
            _q(
                Kind.NPS,
                {"text": "How likely are you to recommend us to a colleague or friend?", **LIKELY},
                {"text": "आप किसी सहकर्मी या मित्र को हमें सुझाएँ, इसकी कितनी संभावना है?", **LIKELY_HI},
                required=True,
            ),
            _q(
                Kind.TEXT,
                {"text": "What is the main reason for your score?"},
                {"text": "आपके अंक का मुख्य कारण क्या है?"},
            ),
            _q(
                Kind.TEXT,
                {
                    "text": "What should we improve first?",
                    "help": "In your own words; one thing is enough.",
                },
                {
                    "text": "हमें सबसे पहले क्या सुधारना चाहिए?",
                    "help": "अपने शब्दों में बताइए; एक बात भी काफ़ी है।",
                },
                required=True,
                show_if=(1, 0, 6),
            ),
            _q(
                Kind.MULTIPLE,
                {"text": "Which of these matter most to you?", "help": "Choose any that apply."},
                {
                    "text": "इनमें से आपके लिए सबसे ज़्यादा क्या मायने रखता है?",
                    "help": "जितने लागू हों, सब चुनिए।",
                },
                choices=_choices(
                    ("quality", "Quality", "गुणवत्ता"),
                    ("on_time", "Delivery on time", "समय पर डिलीवरी"),
                    ("price", "Price", "कीमत"),
                    ("support", "Support", "सहायता"),
                    ("documentation", "Documentation", "दस्तावेज़"),
                ),
            ),
        ],
    },
    {
        "key": "transactional-csat",
        "name": "Order satisfaction (CSAT)",
        "kind": Questionnaire.Kind.TRANSACTIONAL,
        "description": "Sent after an order is delivered: satisfaction, effort, and "
        "whether the agreed date was kept.",
        "texts": {
            "en": {
                "title": "Your recent order",
                "intro": "A few quick questions about your recent order.",
                "thanks": "Thank you. If something went wrong, we will be in touch.",
            },
            "hi": {
                "title": "आपका हाल का ऑर्डर",
                "intro": "आपके हाल के ऑर्डर के बारे में कुछ छोटे प्रश्न।",
                "thanks": "धन्यवाद। अगर कुछ गलत हुआ हो, तो हम आपसे संपर्क करेंगे।",
            },
        },
        "questions": [
            _q(
                Kind.CSAT,
                {"text": "How satisfied are you with your recent order?", **SATISFIED},
                {"text": "आप अपने हाल के ऑर्डर से कितने संतुष्ट हैं?", **SATISFIED_HI},
                required=True,
            ),
            _q(
                Kind.CES,
                {"text": "How easy was it to get what you needed?", **EASY},
                {"text": "आपको जो चाहिए था, उसे पाना कितना आसान था?", **EASY_HI},
                required=True,
            ),
            _q(
                Kind.SINGLE,
                {"text": "Was the order delivered on the date we agreed?"},
                {"text": "क्या ऑर्डर उसी तारीख़ पर पहुँचा जो हमने तय की थी?"},
                required=True,
                choices=_choices(
                    ("yes", "Yes", "हाँ"),
                    ("no", "No", "नहीं"),
                    ("partly", "Partly", "आंशिक रूप से"),
                ),
            ),
            _q(
                Kind.TEXT,
                {"text": "What could we have done better?"},
                {"text": "हम क्या बेहतर कर सकते थे?"},
                show_if=(1, 1, 3),
            ),
        ],
    },
    {
        "key": "complaint-handling",
        "name": "Complaint handling satisfaction",
        "kind": Questionnaire.Kind.COMPLAINT,
        "description": "Sent when a complaint is closed: how it was handled, whether the "
        "outcome was fair, and how easy it was to raise (ISO 10002).",
        "texts": {
            "en": {
                "title": "How we handled your complaint",
                "intro": "Your complaint is closed. Please tell us how we handled it: five "
                "short questions.",
                "thanks": "Thank you. Your answers help us handle complaints better.",
            },
            "hi": {
                "title": "हमने आपकी शिकायत को कैसे संभाला",
                "intro": "आपकी शिकायत बंद हो गई है। कृपया बताइए कि हमने उसे कैसे संभाला: पाँच छोटे प्रश्न।",
                "thanks": "धन्यवाद। आपके उत्तरों से हम शिकायतों को और अच्छी तरह संभाल पाते हैं।",
            },
        },
        "questions": [
            _q(
                Kind.CSAT,
                {"text": "How satisfied are you with how we handled your complaint?", **SATISFIED},
                {"text": "हमने आपकी शिकायत को जिस तरह संभाला, उससे आप कितने संतुष्ट हैं?", **SATISFIED_HI},
                required=True,
            ),
            _q(
                Kind.LIKERT,
                {"text": "The outcome was fair.", **AGREE},
                {"text": "परिणाम उचित था।", **AGREE_HI},
                required=True,
                likert_points=5,
            ),
            _q(
                Kind.LIKERT,
                {"text": "We kept you informed.", **AGREE},
                {"text": "हम आपको लगातार जानकारी देते रहे।", **AGREE_HI},
                required=True,
                likert_points=5,
            ),
            _q(
                Kind.CES,
                {"text": "How easy was it to raise the complaint?", **EASY},
                {"text": "शिकायत दर्ज करना कितना आसान था?", **EASY_HI},
                required=True,
            ),
            _q(
                Kind.TEXT,
                {"text": "Is there anything else you would like to tell us?"},
                {"text": "क्या आप हमें कुछ और बताना चाहेंगे?"},
            ),
        ],
    },
]


def _install(spec: dict[str, Any], by: Any) -> Questionnaire:
    questionnaire = services.questionnaire_create(
        by=by,
        name=spec["name"],
        kind=spec["kind"],
        description=spec["description"],
        builtin=spec["key"],
    )
    draft = questionnaire.versions.get()
    services.version_texts_update(version=draft, by=by, texts=spec["texts"])
    added: list[Question] = []
    for question in spec["questions"]:
        options = dict(question)
        condition = options.pop("show_if", None)
        if condition is not None:
            position, least, most = condition
            options.update(show_if=added[position - 1], show_if_min=least, show_if_max=most)
        added.append(services.question_add(version=draft, by=by, fields=QuestionFields(**options)))
    services.version_approve(version=draft, by=by, actor="" if by else BUILTIN_ACTOR)
    return questionnaire


@transaction.atomic
def builtin_install(*, by: Any = None) -> list[Questionnaire]:
    """Install the built-in questionnaires that are missing, each approved as version 1;
    return the three, installed now or before. Safe to run again.

    ``by`` is the person who asked (their name goes on the history and the approval);
    without one, the history names the ``builtin_install`` actor and the approval
    "built-in".
    """
    installed = {q.builtin: q for q in Questionnaire.objects.exclude(builtin="")}
    acting = nullcontext() if by is not None else system_actor("builtin_install")
    with acting:
        return [installed.get(spec["key"]) or _install(spec, by) for spec in BUILTINS]
