# The AMTS GitHub App's image: by default the webhook server (gunicorn), and the `amts`
# command for the workers (`amts worker`) and one-off syncs. deploy/docker-compose.yml runs
# both from this image. No secret is baked in: they arrive at run time (env file, secrets).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# git: the workers fetch and push through bare mirrors.
RUN apt-get update \
    && apt-get install --no-install-recommends -y git \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY amts ./amts
COPY bot ./bot
COPY deploy/gunicorn.conf.py ./
RUN pip install . && rm -rf build

# A fixed uid, so that a bind-mounted key or data directory can be given to it.
RUN useradd --uid 10001 --create-home amts \
    && mkdir /data \
    && chown amts /data
USER amts
ENV AMTS_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8000

# gthread workers and request time limits: deploy/gunicorn.conf.py says why.
CMD ["gunicorn", "--config=gunicorn.conf.py", "bot.app:create_app()"]
