"""The optional language model: one OpenAI-compatible chat-completions call over a pooled HTTP client.

Off unless ``ADVISOR_LLM_URL`` and ``ADVISOR_LLM_MODEL`` are set. Every way the call can fail
becomes a ``LanguageModelError`` with a short ``reason`` (``timeout``, ``unreachable``,
``http_error``, ``malformed``), so the advisor can fall back to its template and say why;
nothing here ever reaches the shopper as a 5xx.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

import httpx
import msgspec

Failure = Literal["timeout", "unreachable", "http_error", "malformed"]
MAX_RESPONSE_BYTES = 256 * 1024  # a chat answer of a few hundred tokens is a few kB; more is a broken server
MAX_TOKENS = 400


@dataclass(frozen=True, slots=True)
class LanguageModelConfig:
    url: str
    """The endpoint: a base such as ``http://host:8080/v1`` (``/chat/completions`` is added) or the full path."""
    model: str
    api_key: str | None = None
    timeout: float = 3.0
    """Seconds for the whole call, connect to last byte: the shopper waits for it."""

    @property
    def endpoint(self) -> str:
        base = self.url.rstrip("/")
        return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


class LanguageModelError(Exception):
    """The model gave no usable answer; ``reason`` says how it failed."""

    def __init__(self, reason: Failure, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: Failure = reason
        self.detail = detail


class ChatMessage(msgspec.Struct, frozen=True):
    role: Literal["system", "user", "assistant"]
    content: str


class _Request(msgspec.Struct, frozen=True):
    model: str
    messages: list[ChatMessage]
    temperature: float = 0.0
    max_tokens: int = MAX_TOKENS
    stream: bool = False


class _Message(msgspec.Struct, frozen=True):
    content: str


class _Choice(msgspec.Struct, frozen=True):
    message: _Message


class _Completion(msgspec.Struct, frozen=True):
    choices: list[_Choice]


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(_Completion).decode


class ChatModel:
    """A chat-completions client; one per process, its connections pooled and reused between questions."""

    def __init__(self, config: LanguageModelConfig, client: httpx.AsyncClient | None = None) -> None:
        self.config = config
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if config.api_key:
            headers["Authorization"] = f"Bearer {config.api_key}"
        self._client = client or httpx.AsyncClient(
            headers=headers,
            timeout=httpx.Timeout(config.timeout),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=8),
            trust_env=False,  # the endpoint is configured here, not by proxy variables
        )

    async def complete(self, messages: list[ChatMessage]) -> str:
        """The model's reply to ``messages``; raises ``LanguageModelError`` on any failure."""
        body = _encode(_Request(self.config.model, messages))
        try:
            # httpx's timeout bounds each read; this bounds the whole call (a server dripping bytes).
            async with asyncio.timeout(self.config.timeout):
                raw = await self._post(body)
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise LanguageModelError("timeout", f"no answer within {self.config.timeout:g} s") from exc
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            raise LanguageModelError("unreachable", f"{type(exc).__name__}: {exc}") from exc
        except httpx.HTTPError as exc:  # a body that does not decode (Content-Encoding), redirects, …
            raise LanguageModelError("malformed", f"{type(exc).__name__}: {exc}") from exc
        try:
            completion = _decode(raw)
        except msgspec.DecodeError as exc:  # ValidationError is a DecodeError
            raise LanguageModelError("malformed", f"not a chat completion: {exc}") from None
        if not completion.choices or not completion.choices[0].message.content.strip():
            raise LanguageModelError("malformed", "the completion holds no text")
        return completion.choices[0].message.content.strip()

    async def _post(self, body: bytes) -> bytes:
        async with self._client.stream("POST", self.config.endpoint, content=body) as response:
            if response.is_error:
                raise LanguageModelError("http_error", f"HTTP {response.status_code}")
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise LanguageModelError("malformed", f"the answer exceeds {MAX_RESPONSE_BYTES} bytes")
                chunks.append(chunk)
            return b"".join(chunks)

    async def aclose(self) -> None:
        await self._client.aclose()
