"""HTML pages: the landing page and one page per lab, in the visitor's language."""

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.web.deps import LabsDep, TemplatesDep, TranslationsDep
from app.web.i18n import COOKIE, LANGUAGES, Translations, choose_language

router = APIRouter(include_in_schema=False)


def _render(request: Request, templates: Jinja2Templates, translations: Translations, name: str,
            **context: Any) -> HTMLResponse:
    from app.web.registry import PAGES  # the registry imports this module

    lang = choose_language(request)
    response = templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "languages": LANGUAGES,
            "t": lambda key: translations.get(lang, key),
            "i18n_version": translations.version,
            "pages": PAGES,
            **context,
        },
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


@router.get("/", response_class=HTMLResponse)
def index(request: Request, templates: TemplatesDep, translations: TranslationsDep) -> HTMLResponse:
    return _render(request, templates, translations, "index.html", page=None)


@router.get("/labs/{slug}", response_class=HTMLResponse)
def lab_page(slug: str, request: Request, templates: TemplatesDep, translations: TranslationsDep,
             labs: LabsDep) -> HTMLResponse:
    from app.web.registry import PAGES

    page = next((p for p in PAGES if p.slug == slug), None)
    if page is None:
        raise HTTPException(404, f"no lab called {slug!r}")
    # what a fresh tab starts with (its form's defaults, the lab's pace), sent by js/early_run.js as the
    # page begins to load rather than once its modules, strings and spec are in
    early_start = {"config": labs[slug].config_model().model_dump(mode="json"), "speed": page.pace}
    return _render(request, templates, translations, f"{slug}.html", page=page, early_start=early_start)


@router.get("/i18n/{lang}.json", include_in_schema=False)
def strings(lang: str, translations: TranslationsDep) -> Any:
    from fastapi.responses import Response

    if lang not in LANGUAGES:
        raise HTTPException(404, f"no language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return Response(translations.payload[lang], media_type="application/json",
                    headers={"Cache-Control": "public, max-age=3600"})
