"""A local stand-in for an OpenAI-compatible LLM server, for the tests and offline development.

``FakeLLM`` answers ``POST /v1/chat/completions`` and ``GET /v1/models`` over real HTTP on 127.0.0.1, so
the real ``openai`` client is exercised end to end; its replies are scripted per request.
"""

from bot.localllm.server import MODES, FakeLLM, Mode, RecordedRequest

__all__ = ["MODES", "FakeLLM", "Mode", "RecordedRequest"]
