# AMTS command line in a container: `docker run --rm -v "$PWD:/work" amts sync ...`
FROM python:3.11-slim

RUN apt-get update \
    && apt-get install --no-install-recommends -y git \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY amts ./amts
COPY bot ./bot
COPY examples ./examples
RUN pip install --no-cache-dir .

RUN useradd --create-home amts
USER amts
WORKDIR /work
ENTRYPOINT ["amts"]
CMD ["--help"]
