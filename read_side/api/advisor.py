"""``POST /api/v1/advisor/ask``: the sustainability advisor (``read_side.advisor``).

Anonymous callers may ask catalog questions (greener alternatives, why a
product's footprint is what it is); personal questions (biggest purchases,
savings, one change) need a signed-in shopper and answer 401 otherwise, with a
problem that says so. A shopper's answers read only their own order views. When a
language model is configured (``ADVISOR_LLM_URL``) it words the answer, and its text
is served only if it keeps to the facts.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, ServiceUnavailableException
from litestar.params import JSONBody, SkipValidation

from ecolaura.http.openapi import problems
from read_side.advisor import (
    AdvisorAnswer,
    AdvisorQuestion,
    ChatModel,
    ReadModelSources,
    SignInRequiredError,
    ask,
    word,
)
from read_side.queries import ReadModels
from read_side.search.cache import SearchAnswers
from read_side.search.port import SearchError
from write_side.identity.guards import actor_of

MAX_QUESTION = 500


class AdvisorController(Controller):
    path = "/api/v1/advisor"
    tags = ["advisor"]  # noqa: RUF012

    @post(
        "/ask",
        operation_id="AskAdvisor",
        status_code=200,
        summary="Ask the sustainability advisor; every number in the answer is one of its cited facts",
        responses=problems(400, 401, 503),
    )
    async def ask(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[AdvisorQuestion],
        models: NamedDependency[ReadModels],
        searcher: NamedDependency[SkipValidation[SearchAnswers]],
        language_model: NamedDependency[SkipValidation[ChatModel | None]],
    ) -> AdvisorAnswer:
        question = data.question.strip()[:MAX_QUESTION]
        signed_in = any(name == b"authorization" for name, _ in request.scope["headers"])
        customer = (await actor_of(request)).actor_id if signed_in else None  # a bad token is a 401
        try:
            answer = await ask(question, customer, ReadModelSources(models, searcher.engine.search))
        except SignInRequiredError as exc:
            raise NotAuthorizedException(
                str(exc), headers={"WWW-Authenticate": 'Bearer realm="ecolaura"'}
            ) from None
        except SearchError as exc:
            raise ServiceUnavailableException(str(exc)) from None
        model = language_model if data.use_model else None
        return await word(question, answer, model)  # falls back to the template, never raises
