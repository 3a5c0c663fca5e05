# The AMTS GitHub App's image: by default the webhook server (gunicorn), and the `amts`
# command for the workers (`amts worker`) and one-off syncs. deploy/docker-compose.yml runs
# both from this image. No secret is baked in: they arrive at run time (env file, secrets).
# Python 3.11.7, as measured; deploy/lock.sh pins the dependencies for it.
FROM python:3.11.7-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# git: the workers fetch and push through bare mirrors.
RUN apt-get update \
    && apt-get install --no-install-recommends -y git \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The dependencies at the versions the tests and benchmarks ran on, checked by hash
# (deploy/requirements.lock, made by `sh deploy/lock.sh`); then the App, adding none.
COPY deploy/requirements.lock ./deploy/requirements.lock
RUN pip install --require-hashes -r deploy/requirements.lock
COPY pyproject.toml README.md ./
COPY amts ./amts
COPY bot ./bot
COPY deploy/gunicorn.conf.py ./deploy/gunicorn.conf.py
RUN pip install --no-deps . && rm -rf build

# A fixed uid, so that a bind-mounted key or data directory can be given to it.
RUN useradd --uid 10001 --create-home amts \
    && mkdir /data \
    && chown amts /data
USER amts
ENV AMTS_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8000

# Workers, threads, log format and the settings check: deploy/gunicorn.conf.py.
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
