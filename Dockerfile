# bgevl-streams service image: `docker build -t bgevl-streams .`, then `docker run bgevl-streams run --help`.
# docker-compose.yml builds it as the `bgevl` service; ComposeFileTest checks the two agree.

# ---- build: the shaded jar -------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build

# Poms (and the Avro contracts, which the schemas module's code generator needs even to run)
# first: this layer downloads every dependency and plugin, and is rebuilt only when they change.
# Maven reads every module the parent pom lists, even under -pl, so every pom comes; the sources
# only of the modules the production jar (cli) is built from. embedded comes along only because the
# cli tests use it, and the jar itself holds no broker; the local stack and the benchmarks stay out.
# ComposeFileTest checks both lists against the poms.
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY client/pom.xml client/
COPY encoder-worker/pom.xml encoder-worker/
COPY embedded/pom.xml embedded/
COPY service/pom.xml service/
COPY web/pom.xml web/
COPY cli/pom.xml cli/
COPY local/pom.xml local/
COPY bench/pom.xml bench/
COPY schemas/src/main/avro schemas/src/main/avro
RUN mvn -B -q -DskipTests -pl cli -am package && rm -rf */target

COPY schemas schemas
COPY client client
COPY encoder-worker encoder-worker
COPY embedded embedded
COPY service service
COPY web web
COPY cli cli
RUN mvn -B -DskipTests -pl cli -am package

# ---- runtime -------------------------------------------------------------------------------------
# The glibc (Ubuntu) JRE, not Alpine: ONNX Runtime and the DJL tokenizers ship native libraries
# built against glibc, which musl cannot load.
FROM eclipse-temurin:17-jre

# A non-root user with a home: DJL unpacks the tokenizers native library into its cache folder.
RUN groupadd --system bgevl \
    && useradd --system --gid bgevl --create-home --home-dir /home/bgevl bgevl \
    && mkdir -p /var/lib/bgevl \
    && chown bgevl:bgevl /var/lib/bgevl
# /var/lib/bgevl holds the Kafka Streams state (APP_KAFKA_STATE_DIR in docker-compose.yml): owned by
# bgevl here, so a fresh named volume mounted on it copies that owner and starts out writable.

# The native libraries come inside the jar; never reach out for models or engines at runtime.
ENV DJL_OFFLINE=true \
    DJL_CACHE_DIR=/home/bgevl/.djl.ai

WORKDIR /app
COPY --from=build /build/cli/target/bgevl-streams.jar /app/bgevl-streams.jar
# The tiny random-weight bundle makes the image start on its own; mount a real exported bundle
# (tools/export_bgevl.py) and point APP_ENCODER_MODEL at it for real embeddings.
COPY models/tiny-bgevl /app/models/tiny-bgevl

USER bgevl

# Readiness from the service's own /health/ready (model loaded, Milvus answering, both Streams
# applications RUNNING and not losing threads), asked with bash alone: the JRE image has no curl.
# The start period covers loading a real model.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${APP_OPS_PORT:-8080} && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["java", "-jar", "/app/bgevl-streams.jar"]
CMD ["run"]
