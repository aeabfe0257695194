# heatlab's image, made of the repo's own build (no Maven inside the image build):
#   mvn -B -Pdist -DskipTests package        # fills pipeline-services/app/target/dist and rollup-job/target/spark-jars
#   docker compose -f compose/docker-compose.yml build
# One image for heatlab (CLI, API, ingestion, rollup scheduler) and the Spark standalone master/worker: the
# Spark jars are exactly the ones the rollups are built and tested against (Spark 4.0.4 + hadoop-aws).
FROM eclipse-temurin:17.0.13_11-jdk-jammy

RUN groupadd --system heatlab && useradd --system --gid heatlab --home-dir /var/lib/heatlab --create-home heatlab

# Spark: SPARK_HOME/jars is what a standalone worker puts on its executors' classpath
COPY rollup-job/target/spark-jars/ /opt/spark/jars/
COPY rollup-job/target/heatlab-rollup-job.jar /opt/heatlab/rollup-job.jar
# heatlab: its jar, its runtime dependencies, the landing plugin directory (also mounted into Connect)
COPY pipeline-services/app/target/dist/lib/ /opt/heatlab/lib/
COPY pipeline-services/landing-connector/target/landing-plugin/ /opt/heatlab/plugins/
RUN mkdir -p /opt/spark/conf /opt/spark/work && chown -R heatlab:heatlab /opt/spark/work

ENV SPARK_HOME=/opt/spark \
    HEATLAB_ROLLUP_SPARK_HOME_JARS=/opt/spark/jars \
    HEATLAB_ROLLUP_SPARK_JOB_JAR=/opt/heatlab/rollup-job.jar \
    HEATLAB_DATA_DIR=/var/lib/heatlab

USER heatlab
WORKDIR /var/lib/heatlab
EXPOSE 8080
ENTRYPOINT ["java", "-cp", "/opt/heatlab/lib/*", "io.heatlab.cli.HeatlabCli"]
CMD ["--help"]
