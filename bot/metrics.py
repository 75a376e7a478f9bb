"""What the bot counts for `GET /metrics` (Prometheus's text format, through prometheus-client).

One set of metrics per process, in prometheus-client's default registry (which also carries the
process's own figures: memory, CPU, open files).
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUEST_SECONDS = Histogram(
    "consult_bot_request_seconds",
    "Time to answer a request at POST /slack/events, by Slack request kind and HTTP status",
    ["kind", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
VOTES_STORED = Counter("consult_bot_votes_stored", "Votes committed (each counted once, retries excluded)")
SLACK_API_ATTEMPTS = Counter(
    "consult_bot_slack_api_attempts",
    "HTTP attempts at Slack's Web API by method and status (a retried call counts once per attempt; "
    "status 0: no HTTP answer)",
    ["method", "status"],
)
DIGEST_RUNS = Counter("consult_bot_digest_runs", "Digests built or sent, by outcome", ["outcome"])
LLM_CALLS = Counter("consult_bot_llm_calls", "Requests to the LLM, by outcome", ["outcome"])
LLM_TOKENS = Counter("consult_bot_llm_tokens", "Tokens the LLM reported, by kind", ["kind"])


def count_llm_usage(outcome: str, prompt_tokens: int, completion_tokens: int) -> None:
    """One LLM request: its outcome (`ok` or the error's kind) and the tokens it used."""
    LLM_CALLS.labels(outcome=outcome).inc()
    LLM_TOKENS.labels(kind="prompt").inc(prompt_tokens)
    LLM_TOKENS.labels(kind="completion").inc(completion_tokens)
