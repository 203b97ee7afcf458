# The loader image for docker-compose: the `kg` CLI, talking to the `neo4j` service by NEO4J_URI.
FROM python:3.11-slim
# The main job draws a picture with Chinese labels: it needs a CJK font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk fontconfig \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md kg.toml ./
COPY loader ./loader
COPY schema ./schema
COPY data ./data
COPY queries ./queries
RUN pip install --no-cache-dir .
ENTRYPOINT ["kg"]
CMD ["run"]
