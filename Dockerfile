# The loader image for docker-compose: the `kg` CLI, talking to the `neo4j` service by NEO4J_URI.
FROM python:3.11-slim
# The main job draws a picture with Chinese labels: it needs a CJK font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk fontconfig \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The runtime lock first, in its own layer: the exact, hashed versions CI tested.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md kg.toml ./
COPY loader ./loader
COPY schema ./schema
COPY data ./data
COPY queries ./queries
RUN pip install --no-cache-dir --no-deps .
ENTRYPOINT ["kg"]
CMD ["run"]
